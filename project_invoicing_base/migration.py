"""Shared by the addons' migration scripts."""
from odoo.tools.sql import table_exists


def fill_company(cr, columns):
    """Add `company_id` to each (table, parent table, column to the parent)
    and fill it from the parent in SQL, before Odoo sees the new column (it
    would otherwise compute it row by row). A table a later version brings
    (a database upgraded across several versions at once) is skipped: Odoo
    creates it with the column."""
    # table and column names come from the migration scripts, never from input
    # pylint: disable=sql-injection
    for table, parent, column in columns:
        if not table_exists(cr, table):
            continue
        cr.execute('ALTER TABLE %s ADD COLUMN IF NOT EXISTS company_id integer' % table)
        cr.execute('UPDATE %s t SET company_id = p.company_id FROM %s p '
                   'WHERE p.id = t.%s AND t.company_id IS NULL' % (table, parent, column))
