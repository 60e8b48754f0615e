from odoo import api, models


class AccountInvoice(models.Model):
    _inherit = 'account.invoice'

    @api.model
    def line_get_convert(self, line, part):
        vals = super(AccountInvoice, self).line_get_convert(line, part)
        if line.get('invl_id'):
            invl = self.env['account.invoice.line'].browse(line['invl_id'])
            vals['purchase_line_id'] = invl.purchase_line_id.id
        return vals
