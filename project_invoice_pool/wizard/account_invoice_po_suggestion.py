from odoo import _, api, fields, models
from odoo.exceptions import UserError


class AccountInvoicePoSuggestion(models.TransientModel):
    """One purchase order suggested for a register entry without one (a row
    of the entry's Suggested purchase orders, made again each time the entry
    is read: the orders and what is left to invoice on them change)."""
    _name = 'account.invoice.po.suggestion'
    _description = 'Suggested purchase order'
    _order = 'sequence, id'

    entry_id = fields.Many2one('account.invoice.register.line', string='Register entry',
                               required=True, ondelete='cascade')
    sequence = fields.Integer(string='Rank')
    purchase_id = fields.Many2one('purchase.order', string='Purchase order', required=True,
                                  ondelete='cascade')
    date_order = fields.Date(string='Order date')
    currency_id = fields.Many2one('res.currency')
    amount_to_invoice = fields.Monetary(
        string='Amount to invoice', currency_field='currency_id',
        help="What is left to invoice on the purchase order, in the entry's currency, less "
             "what other entries waiting for their bill already claim on it.")
    difference = fields.Monetary(currency_field='currency_id',
                                 help="Amount to invoice minus the entry's amount.")
    fits = fields.Boolean(help='The difference is within the matching tolerance.')
    reason = fields.Char(string='Why suggested')

    @api.multi
    def action_use(self):
        """Use this PO: fill in the entry's purchase order as the user could
        by hand, so the entry's rights and write rules apply (a posted entry
        still takes a purchase order while it waits in the pool)."""
        self.ensure_one()
        entry = self.entry_id
        if self.purchase_id.id not in entry._po_candidates():
            raise UserError(_('%s is no longer suggested for %s; open the entry again.')
                            % (self.purchase_id.name, entry.display_name))
        entry.write({'purchase_id': self.purchase_id.id})
        return True
