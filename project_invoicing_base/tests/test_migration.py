from odoo.tests.common import TransactionCase

from ..migration import fill_company


class TestFillCompany(TransactionCase):
    """The company migration fills an existing table from its parent and
    skips one a later version brings (an upgrade across several versions:
    the invoice pool's match lines and the funding shares did not exist
    before 11.0.2.0.0, and the upgrade stopped there)."""

    def test_fill_and_skip(self):
        cr = self.env.cr   # the tables go with the test's rollback
        cr.execute('CREATE TABLE mig_parent (id integer, company_id integer)')
        cr.execute('CREATE TABLE mig_child (id integer, parent_id integer)')
        cr.execute('INSERT INTO mig_parent VALUES (1, 7), (2, 8)')
        cr.execute('INSERT INTO mig_child VALUES (10, 1), (11, 2), (12, NULL)')
        fill_company(cr, [('mig_not_there_yet', 'mig_parent', 'parent_id'),
                          ('mig_child', 'mig_parent', 'parent_id')])
        cr.execute('SELECT id, company_id FROM mig_child ORDER BY id')
        self.assertEqual(cr.fetchall(), [(10, 7), (11, 8), (12, None)])
        cr.execute("SELECT 1 FROM pg_class WHERE relname = 'mig_not_there_yet'")
        self.assertFalse(cr.fetchall())
