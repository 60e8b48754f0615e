from odoo import fields, models


class AccountMove(models.Model):
    _inherit = 'account.move'

    # copied by reverse_moves(): a reversal of a register entry's posting
    # belongs to that entry too (the pending account check reads it)
    register_line_id = fields.Many2one('account.invoice.register.line',
                                       string='Invoice register entry', readonly=True,
                                       index=True, ondelete='restrict')
