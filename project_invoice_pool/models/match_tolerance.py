from odoo import fields, models


class MatchTolerance(models.AbstractModel):
    """Matching tolerances a vendor or a product category may set for
    itself; otherwise the company's apply (see account.invoice._tolerance)."""
    _name = 'invoice.match.tolerance'
    _description = 'Matching tolerances'

    invoice_match_tolerance_own = fields.Boolean(
        string='Own matching tolerances', groups='project_invoice_pool.group_ap_manager',
        help='Update matching status uses these tolerances instead of the next level '
             '(vendor, then product category, then company).')
    invoice_match_tolerance_percent = fields.Float(string='Matching tolerance (%)',
                                                   groups='project_invoice_pool.group_ap_manager')
    invoice_match_tolerance_amount = fields.Float(string='Matching tolerance (amount)',
                                                  groups='project_invoice_pool.group_ap_manager')


class ResPartner(models.Model):
    _name = 'res.partner'
    _inherit = ['res.partner', 'invoice.match.tolerance']


class ProductCategory(models.Model):
    _name = 'product.category'
    _inherit = ['product.category', 'invoice.match.tolerance']
