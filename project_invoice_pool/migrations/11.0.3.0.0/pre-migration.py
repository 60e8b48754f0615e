"""11.0.3.0.0: every model has a company (multi-company record rules),
filled in SQL before Odoo sees the new columns."""

COLUMNS = [
    ('account_invoice_match_line', 'account_invoice', 'invoice_id'),
    ('account_invoice_pool_check_line', 'account_invoice_pool_check', 'check_id'),
]


def migrate(cr, version):
    if not version:
        return
    for table, parent, column in COLUMNS:
        cr.execute('ALTER TABLE %s ADD COLUMN IF NOT EXISTS company_id integer' % table)
        cr.execute('UPDATE %s t SET company_id = p.company_id FROM %s p '
                   'WHERE p.id = t.%s AND t.company_id IS NULL' % (table, parent, column))
