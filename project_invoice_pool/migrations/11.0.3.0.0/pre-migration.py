"""11.0.3.0.0: every model has a company (multi-company record rules)."""
from odoo.addons.project_invoicing_base.migration import fill_company


def migrate(cr, version):
    if version:
        fill_company(cr, [
            ('account_invoice_match_line', 'account_invoice', 'invoice_id'),
            ('account_invoice_pool_check_line', 'account_invoice_pool_check', 'check_id'),
        ])
