from odoo import _, api, fields, models

from odoo.addons.project_invoicing_base.exceptions import InputError


class ProjectFundingAllocation(models.Model):
    """Toewijzing: the percentage of a rule's transactions a source pays."""
    _name = 'project.funding.allocation'
    _inherit = ['project.invoicing.input.check']
    _description = 'Funding rule allocation'
    _order = 'rule_id, sequence, id'

    rule_id = fields.Many2one('project.funding.rule', required=True, ondelete='cascade', index=True)
    company_id = fields.Many2one(related='rule_id.company_id', store=True, readonly=True)
    sequence = fields.Integer(default=10)
    source_id = fields.Many2one('project.funding.source', string='Funding source', required=True,
                                ondelete='restrict',
                                domain="[('contract_id', '=', parent.contract_id)]")
    percent = fields.Float(string='Percentage', required=True, digits=(16, 4))
    is_rounding = fields.Boolean(string='Rounding source',
                                 help='This source receives the rounding difference.')

    @api.constrains('percent')
    def _check_percent(self):
        for alloc in self:
            # NaN fails both comparisons
            if not 0 < alloc.percent <= 100:
                raise InputError(_('Funding rule "%s": each allocation is above 0 %% and at '
                                   'most 100 %% (got %s %%).')
                                 % (alloc.rule_id.name, alloc.percent))

    @api.constrains('source_id', 'rule_id')
    def _check_source_contract(self):
        # read as superuser: a refusal names records the user may not read
        for alloc in self.sudo():
            if alloc.source_id.contract_id != alloc.rule_id.contract_id:
                raise InputError(_('Funding rule "%s" allocates to a source of another '
                                   'contract.') % alloc.rule_id.name)
