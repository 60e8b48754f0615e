from odoo import api, fields, models


class AccountMoveLine(models.Model):
    _inherit = 'account.move.line'

    purchase_line_id = fields.Many2one('purchase.order.line', string='Purchase order line',
                                       readonly=True, index=True, copy=False)

    @api.multi
    def _prepare_analytic_line(self):
        # the project transaction remembers the PO line (its line property)
        vals_list = super(AccountMoveLine, self)._prepare_analytic_line()
        for vals in vals_list:
            vals['purchase_line_id'] = self.purchase_line_id.id
        return vals_list
