from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from odoo.addons.project_invoicing_base.exceptions import InputError

INVOICEABLE = ('time_material', 'fixed_price')


class ProjectProject(models.Model):
    _name = 'project.project'
    _inherit = ['project.project', 'project.invoicing.input.check']

    project_invoice_type = fields.Selection([
        ('internal', 'Internal'),
        ('time_material', 'Time and material'),
        ('fixed_price', 'Fixed price'),
    ], string='Project type', default='internal', required=True,
        help='Only Time-and-material and Fixed-price projects are invoiced; '
             'they must be attached to a project contract.')
    contract_id = fields.Many2one('project.contract', string='Project contract', index=True,
                                  ondelete='restrict', track_visibility='onchange')
    fixed_price = fields.Monetary(string='Fixed price', currency_field='contract_currency_id',
                                  help='Sales price of a Fixed-price project; its billing '
                                       'schedule sums exactly to it.')
    contract_currency_id = fields.Many2one(related='contract_id.currency_id', readonly=True)
    on_account_ids = fields.One2many('project.on.account', 'project_id',
                                     string='On-account transactions')
    billing_transaction_count = fields.Integer(compute='_compute_billing_counts')
    on_account_count = fields.Integer(compute='_compute_billing_counts')

    @api.constrains('fixed_price')
    def _check_fixed_price_invoiced(self):
        for project in self:
            milestones = project.on_account_ids.filtered(lambda o: o.kind == 'milestone')
            if project.fixed_price < 0 or (milestones and not project.fixed_price > 0):
                raise InputError(_('The fixed price of %s must be above 0 (got %s).') % (
                    project.name, project.fixed_price))
            fixed = sum(milestones.filtered(lambda o: o.amount_type == 'fixed').mapped('amount'))
            if float_compare(fixed, project.fixed_price, precision_rounding=(
                    project.contract_currency_id.rounding or 0.01)) > 0:
                raise InputError(_('The fixed price of %s (%s) is below its fixed milestones (%s).')
                                 % (project.name, project.fixed_price, fixed))
            frozen = project.on_account_ids._frozen_amounts()
            held = sum(frozen.values())
            if frozen and float_compare(project.fixed_price, held, precision_rounding=(
                    project.contract_currency_id.rounding or 0.01)) < 0:
                raise InputError(_('The fixed price of %s cannot be lower than its proposed and '
                                   'invoiced milestones (%s).') % (project.name, held))

    @api.constrains('project_invoice_type', 'contract_id', 'company_id')
    def _check_contract(self):
        # read as superuser: a refusal names records the user may not read
        for project in self.sudo():
            if project.project_invoice_type in INVOICEABLE and not project.contract_id:
                raise InputError(_(
                    'Project %s is a Time-and-material or Fixed-price project: attach it '
                    'to a project contract.') % project.name)
            if project.contract_id and project.contract_id.company_id != project.company_id:
                raise InputError(_('Project %s and its contract belong to different '
                                   'companies.') % project.name)

    @api.multi
    def write(self, vals):
        if {'contract_id', 'project_invoice_type'} & set(vals):
            Line = self.env['project.invoice.proposal.line']
            for project in self:
                moved = ('contract_id' in vals and project.contract_id.id != vals['contract_id']) \
                    or ('project_invoice_type' in vals and
                        project.project_invoice_type != vals['project_invoice_type'])
                if moved and (project.on_account_ids or Line.search_count(
                        [('project_id', '=', project.id), ('proposal_id.state', '!=', 'cancel')])):
                    raise UserError(_('Project %s has a billing schedule or invoice proposals: its '
                                      'contract and invoicing type stay as they are.')
                                    % project.name)
        return super(ProjectProject, self).write(vals)

    @api.multi
    def _compute_billing_counts(self):
        Line = self.env['account.analytic.line']
        counts = dict((r['billing_project_id'][0], r['billing_project_id_count']) for r in Line.read_group(
            [('billing_project_id', 'in', self.ids)], ['billing_project_id'], ['billing_project_id']))
        for project in self:
            project.billing_transaction_count = counts.get(project.id, 0)
            project.on_account_count = len(project.on_account_ids)

    def _completion_percents(self):
        """{project: % complete}. Fixed price with a schedule: the share of
        the fixed price whose milestones are complete; otherwise hours spent
        over planned hours of the tasks."""
        result = {}
        spent = dict((r['project_id'][0], r['unit_amount']) for r in
                     self.env['account.analytic.line'].read_group(
                         [('project_id', 'in', self.ids)], ['project_id', 'unit_amount'],
                         ['project_id']))
        planned = dict((r['project_id'][0], r['planned_hours']) for r in
                       self.env['project.task'].read_group(
                           [('project_id', 'in', self.ids)], ['project_id', 'planned_hours'],
                           ['project_id']))
        for project in self:
            milestones = project.on_account_ids.filtered(lambda o: o.kind == 'milestone')
            if project.project_invoice_type == 'fixed_price' and milestones and project.fixed_price:
                done = sum(milestones.filtered(lambda o: o.status != 'planned').mapped('amount'))
                result[project] = min(100.0, 100.0 * done / project.fixed_price)
            elif planned.get(project.id):
                # hours beyond the plan do not make a project more than complete
                result[project] = min(100.0, 100.0 * spent.get(project.id, 0.0) / planned[project.id])
            else:
                result[project] = 0.0
        return result

    @api.multi
    def action_view_transactions(self):
        self.ensure_one()
        action = self.env.ref('project_billing_schedule.action_project_transactions').read()[0]
        action['domain'] = [('billing_project_id', '=', self.id)]
        action['context'] = {'search_default_group_status': 1}
        return action

    @api.multi
    def action_view_on_account(self):
        self.ensure_one()
        action = self.env.ref('project_billing_schedule.action_on_account').read()[0]
        action['domain'] = [('project_id', '=', self.id)]
        action['context'] = {'default_project_id': self.id,
                             'default_kind': 'milestone' if self.project_invoice_type == 'fixed_price'
                             else 'prepayment'}
        return action
