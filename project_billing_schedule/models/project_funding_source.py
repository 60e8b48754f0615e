from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from odoo.addons.project_invoicing_base.exceptions import InputError

from ..guards import stays_with_contract


class ProjectFundingSource(models.Model):
    """Financieringsbron: who pays (part of) a contract's transactions."""
    _name = 'project.funding.source'
    _inherit = ['mail.thread', 'project.invoicing.input.check']
    _description = 'Funding source'
    _order = 'contract_id, sequence, id'

    contract_id = fields.Many2one('project.contract', required=True, ondelete='cascade', index=True)
    company_id = fields.Many2one(related='contract_id.company_id', store=True, readonly=True)
    sequence = fields.Integer(default=10)
    partner_id = fields.Many2one('res.partner', required=True, track_visibility='onchange')
    funding_type = fields.Selection([
        ('customer', 'Customer'),
        ('grant', 'Grant'),
        ('internal', 'Internal'),
        ('on_hold', 'On hold'),
    ], string='Type', default='customer', required=True,
        help='Internal sources are not invoiced; on-hold sources are not '
             'invoiced until their type is changed.')
    limit_amount = fields.Monetary(track_visibility='onchange', string='Funding limit',
                                   help='Most this source pays over the contract; 0 means no limit.')
    currency_id = fields.Many2one(related='contract_id.currency_id', readonly=True)
    retention_percent = fields.Float(track_visibility='onchange', string='Retention (%)',
                                     help='Part of each invoice the customer withholds until release.')
    retention_release = fields.Selection([
        ('completion_100', 'At 100 % completion'),
        ('completion_pct', 'At a given % completion'),
        ('date', 'On a date'),
        ('milestone', 'When a milestone is complete'),
    ], string='Retention released', default='completion_100')
    retention_release_percent = fields.Float(string='Release at completion (%)', default=100.0)
    retention_release_date = fields.Date(string='Release on')
    retention_release_milestone_id = fields.Many2one(
        'project.on.account', string='Release when complete', ondelete='restrict',
        domain="[('contract_id', '=', contract_id), ('kind', '=', 'milestone')]")

    _sql_constraints = [
        ('retention_range', 'CHECK (retention_percent >= 0 AND retention_percent < 100)',
         'Retention must be a percentage from 0 up to (not including) 100.'),
        ('limit_positive', 'CHECK (limit_amount >= 0)', 'A funding limit cannot be negative.'),
    ]

    @api.multi
    def name_get(self):
        types = dict(self._fields['funding_type'].selection)
        return [(s.id, '%s (%s)' % (s.partner_id.name, types[s.funding_type])) for s in self]

    @api.constrains('retention_release', 'retention_release_percent', 'retention_release_date',
                    'retention_release_milestone_id')
    def _check_release(self):
        for source in self:
            milestone = source.retention_release_milestone_id
            if source.retention_release == 'date' and not source.retention_release_date:
                raise InputError(_('Retention of %s: set the date it is released on.')
                                 % source.display_name)
            if source.retention_release == 'milestone' and (
                    not milestone or milestone.contract_id != source.contract_id or
                    milestone.kind != 'milestone'):
                raise InputError(_('Retention of %s: choose a milestone of contract %s.')
                                 % (source.display_name, source.contract_id.display_name))
            if source.retention_release == 'completion_pct' and not \
                    0 < source.retention_release_percent <= 100:
                raise InputError(_('Retention of %s: the release completion must be '
                                   'between 0 and 100 %%.') % source.display_name)

    @api.multi
    def write(self, vals):
        stays_with_contract(self, vals)
        if vals.get('funding_type') == 'internal' and self.env['project.billing.ledger'].search(
                [('source_id', 'in', self.ids), ('posted', '!=', 0)], limit=1):
            raise UserError(_('A funding source that was invoiced cannot become internal; set it '
                              'on hold to stop invoicing it.'))
        return super(ProjectFundingSource, self).write(vals)

    @api.multi
    def unlink(self):
        if self.env['project.funding.share'].search([('source_id', 'in', self.ids)], limit=1):
            raise UserError(_('A funding source that pays proposed or invoiced transactions '
                              'cannot be deleted.'))
        return super(ProjectFundingSource, self).unlink()

    def _release_blocker(self, projects, completion, date):
        """Why this source's retention on `projects` may not be released
        on `date` yet (None: it may). `completion`: {project: % complete}."""
        self.ensure_one()
        if self.retention_release == 'date':
            today = fields.Date.context_today(self)
            if self.retention_release_date and min(date, today) >= self.retention_release_date:
                return None
            return _('released on %s') % self.retention_release_date
        if self.retention_release == 'milestone':
            milestone = self.retention_release_milestone_id
            if milestone.is_complete:
                return None
            return _('released when milestone %s is complete') % milestone.name
        need = 100.0 if self.retention_release == 'completion_100' \
            else self.retention_release_percent
        short = [(p, completion[p]) for p in projects
                 if float_compare(completion[p], need, precision_digits=2) < 0]
        if not short:
            return None
        return _('released at %s %% completion; %s') % (need, ', '.join(
            _('%s is %s %% complete') % (p.name, round(pct, 1)) for p, pct in short))

    def _retention_outstanding(self):
        """Retained on posted invoices, less what credits gave back and
        releases (not cancelled) invoice."""
        self.ensure_one()
        by_project = self.env['project.invoice.proposal']._retention_outstanding_by_project(self)
        return self.currency_id.round(sum(by_project.values()))
