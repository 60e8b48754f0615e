"""11.0.6.0.0: a proposal line's invoice line is a row of
project_proposal_line_invoice_line_rel (inserted at posting) instead of a
column of the line (updated at posting, which made PostgreSQL check every
foreign key of the line again)."""
from odoo.tools.sql import column_exists


def migrate(cr, version):
    if not version:
        return
    if column_exists(cr, 'project_invoice_proposal_line', 'invoice_line_id'):
        cr.execute("""
            INSERT INTO project_proposal_line_invoice_line_rel (proposal_line_id, invoice_line_id)
            SELECT id, invoice_line_id FROM project_invoice_proposal_line
             WHERE invoice_line_id IS NOT NULL
            ON CONFLICT DO NOTHING""")
        cr.execute('ALTER TABLE project_invoice_proposal_line DROP COLUMN invoice_line_id')
