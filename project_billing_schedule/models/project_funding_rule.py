from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from odoo.addons.project_invoicing_base.exceptions import InputError

from ..guards import stays_with_contract


def percent_text(value):
    return ('%.4f' % value).rstrip('0').rstrip('.')


TRANSACTION_TYPES = [
    ('hour', 'Hours'),
    ('expense', 'Expenses'),
    ('item', 'Items'),
    ('fee', 'Fees'),
    ('on_account', 'On-account'),
]


class ProjectFundingRule(models.Model):
    """Which transactions of a contract a set of allocations applies to."""
    _name = 'project.funding.rule'
    _inherit = ['project.invoicing.input.check']
    _description = 'Funding rule'
    _order = 'contract_id, sequence, id'

    contract_id = fields.Many2one('project.contract', required=True, ondelete='cascade', index=True)
    company_id = fields.Many2one(related='contract_id.company_id', store=True, readonly=True)
    sequence = fields.Integer(string='Priority', default=10, help='Lower is tried first.')
    name = fields.Char(required=True)
    transaction_type = fields.Selection([('all', 'All')] + TRANSACTION_TYPES,
                                        string='Transaction type', default='all', required=True)
    project_id = fields.Many2one('project.project',
                                 domain="[('contract_id', '=', contract_id)]")
    task_id = fields.Many2one('project.task')
    product_categ_id = fields.Many2one('product.category', string='Product category')
    date_from = fields.Date(string='From')
    date_to = fields.Date(string='To')
    allocation_ids = fields.One2many('project.funding.allocation', 'rule_id',
                                     string='Funding rule allocations', copy=True)
    allocation_summary = fields.Char(compute='_compute_allocation_summary', string='Allocations')

    @api.depends('allocation_ids.percent', 'allocation_ids.source_id', 'allocation_ids.is_rounding')
    def _compute_allocation_summary(self):
        for rule in self:
            rule.allocation_summary = ', '.join(
                '%s %s %%%s' % (a.source_id.partner_id.name or '', percent_text(a.percent),
                                ' (%s)' % _('rounding') if a.is_rounding else '')
                for a in rule.allocation_ids)

    @api.constrains('project_id', 'task_id', 'contract_id')
    def _check_scope(self):
        # read as superuser: a refusal names records the user may not read
        for rule in self.sudo():
            if rule.project_id and rule.project_id.contract_id != rule.contract_id or \
                    rule.task_id and rule.task_id.project_id.contract_id != rule.contract_id:
                raise InputError(_('Funding rule "%s": its project and task are of contract %s.')
                                 % (rule.name, rule.contract_id.display_name))

    @api.constrains('allocation_ids')
    def _check_allocations(self):
        # read as superuser: a refusal names records the user may not read
        for rule in self.sudo():
            allocs = rule.allocation_ids
            if not allocs:
                raise InputError(_('Funding rule "%s" has no allocations.') % rule.name)
            total = sum(allocs.mapped('percent'))
            if float_compare(total, 100.0, precision_digits=4) != 0:
                raise InputError(_('The allocations of funding rule "%s" total %s %%; '
                                   'they must total exactly 100 %%.') % (rule.name, total))
            rounding = allocs.filtered('is_rounding')
            if len(rounding) != 1:
                raise InputError(_('Funding rule "%s" must have exactly one allocation '
                                   'that carries the rounding difference (it has %d).')
                                 % (rule.name, len(rounding)))
            if allocs.mapped('source_id.contract_id') != rule.contract_id:
                raise InputError(_('Funding rule "%s" allocates to a source of another '
                                   'contract.') % rule.name)

    @api.multi
    def write(self, vals):
        stays_with_contract(self, vals)
        return super(ProjectFundingRule, self).write(vals)

    @api.multi
    def unlink(self):
        used = self.env['project.funding.share'].search([('funding_rule_id', 'in', self.ids)], limit=1)
        if used:
            raise UserError(_('Funding rule "%s" split transactions that are proposed or invoiced: '
                              'their shares keep it. Give it an end date (To) instead of deleting '
                              'it.') % used.funding_rule_id.name)
        return super(ProjectFundingRule, self).unlink()

    def _cover_spec(self):
        """What rule_covers() needs of this rule, as plain values."""
        self.ensure_one()
        categ = self.product_categ_id
        categ_ids = frozenset(self.env['product.category'].search(
            [('id', 'child_of', categ.id)]).ids) if categ else None
        return (self.transaction_type, self.project_id.id, self.task_id.id, categ_ids,
                self.date_from, self.date_to)


def rule_covers(spec, item):
    """Does a funding rule (its _cover_spec()) apply to a transaction item?"""
    ttype, project_id, task_id, categ_ids, date_from, date_to = spec
    if ttype != 'all' and ttype != item['transaction_type']:
        return False
    if project_id and project_id != item.get('project_id'):
        return False
    if task_id and task_id != item.get('task_id'):
        return False
    if categ_ids is not None and item.get('categ_id') not in categ_ids:
        return False
    date = item.get('date')
    if date_from and (not date or date < date_from):
        return False
    if date_to and (not date or date > date_to):
        return False
    return True
