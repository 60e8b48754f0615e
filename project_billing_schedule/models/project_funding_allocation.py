from odoo import fields, models


class ProjectFundingAllocation(models.Model):
    """Toewijzing: the percentage of a rule's transactions a source pays."""
    _name = 'project.funding.allocation'
    _description = 'Funding rule allocation'
    _order = 'rule_id, sequence, id'

    rule_id = fields.Many2one('project.funding.rule', required=True, ondelete='cascade', index=True)
    sequence = fields.Integer(default=10)
    source_id = fields.Many2one('project.funding.source', string='Funding source', required=True,
                                ondelete='restrict',
                                domain="[('contract_id', '=', parent.contract_id)]")
    percent = fields.Float(string='Percentage', required=True, digits=(16, 4))
    is_rounding = fields.Boolean(string='Rounding source',
                                 help='This source receives the rounding difference.')
