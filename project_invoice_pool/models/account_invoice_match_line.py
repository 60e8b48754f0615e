from odoo import fields, models

CHECKS = [
    ('total', 'Total against the register'),
    ('vendor', 'Vendor against the register'),
    ('price', 'Unit price against the purchase order'),
    ('qty_received', 'Quantity against received'),
    ('qty_ordered', 'Quantity against ordered'),
]


class AccountInvoiceMatchLine(models.Model):
    """One check of Update matching status, with both values, the tolerance
    applied and where it comes from, so a bill's matching status explains
    itself (and an auditor can see why a difference was accepted)."""
    _name = 'account.invoice.match.line'
    _description = 'Matching check of a vendor bill'
    _order = 'invoice_id, passed, sequence, id'

    invoice_id = fields.Many2one('account.invoice', required=True, ondelete='cascade', index=True,
                                 readonly=True)
    company_id = fields.Many2one('res.company', readonly=True)  # the bill's, set with the check
    invoice_line_id = fields.Many2one('account.invoice.line', string='Bill line',
                                      ondelete='cascade', readonly=True)
    sequence = fields.Integer(readonly=True)
    check = fields.Selection(CHECKS, required=True, readonly=True)
    label = fields.Char(string='What', readonly=True)
    value = fields.Float(string='On the bill', digits=(16, 4), readonly=True)
    expected = fields.Float(digits=(16, 4), readonly=True)
    difference = fields.Float(digits=(16, 4), readonly=True)
    tolerance = fields.Char(readonly=True, help='The tolerance applied and its source.')
    passed = fields.Boolean(readonly=True)
    message = fields.Char(readonly=True)
