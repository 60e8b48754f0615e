from odoo import fields, models


class ResCompany(models.Model):
    _inherit = 'res.company'

    # A difference between bill and purchase order / register amount is
    # tolerated when it is within either limit. 0 and 0: exact match.
    invoice_match_tolerance_percent = fields.Float(
        string='Matching tolerance (%)', default=0.0,
        help='Differences up to this percentage of the expected amount, '
             'unit price or quantity are accepted by Update matching status.')
    invoice_match_tolerance_amount = fields.Float(
        string='Matching tolerance (amount)', default=0.0,
        help='Differences up to this absolute amount (unit price, quantity '
             'or total) are accepted by Update matching status.')
