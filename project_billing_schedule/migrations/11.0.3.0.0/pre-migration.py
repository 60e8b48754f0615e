"""11.0.3.0.0: every model has a company (multi-company record rules).
The new columns are filled in SQL before Odoo sees them, so it does not
recompute them row by row over the proposal lines and shares."""

COLUMNS = [
    ('project_contract_rate', 'project_contract', 'contract_id'),
    ('project_funding_allocation', 'project_funding_rule', 'rule_id'),
    ('project_funding_share', 'project_contract', 'contract_id'),
    ('project_invoice_proposal_line', 'project_invoice_proposal', 'proposal_id'),
]


def migrate(cr, version):
    if not version:
        return
    for table, parent, column in COLUMNS:
        cr.execute('ALTER TABLE %s ADD COLUMN IF NOT EXISTS company_id integer' % table)
        cr.execute('UPDATE %s t SET company_id = p.company_id FROM %s p '
                   'WHERE p.id = t.%s AND t.company_id IS NULL' % (table, parent, column))
