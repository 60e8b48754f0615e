from odoo.tests.common import TransactionCase


class TestReconcileIndex(TransactionCase):
    """Journal items are found by their full reconciliation through an index
    (each reconciliation searches by it), not by scanning them all."""

    def test_full_reconcile_search_uses_the_index(self):
        cr = self.env.cr
        cr.execute("SELECT 1 FROM pg_indexes WHERE tablename = 'account_move_line' "
                   "AND indexdef LIKE '%(full_reconcile_id)'")
        self.assertTrue(cr.fetchone())
        cr.execute('SET LOCAL enable_seqscan = off')
        cr.execute('EXPLAIN SELECT id FROM account_move_line WHERE full_reconcile_id IN (1, 2)')
        plan = ' '.join(row[0] for row in cr.fetchall())
        self.assertNotIn('Seq Scan', plan)

    def test_partial_reconcile_search_uses_the_index(self):
        # what a full reconciliation's (6, 0, ids) of its parts searches
        query = self.env['account.partial.reconcile']._where_calc([('full_reconcile_id', 'in', [1, 2])])
        from_clause, where_clause, params = query.get_sql()
        cr = self.env.cr
        cr.execute('SET LOCAL enable_seqscan = off')
        cr.execute('EXPLAIN SELECT id FROM %s WHERE %s' % (from_clause, where_clause), params)
        plan = ' '.join(row[0] for row in cr.fetchall())
        self.assertIn('account_partial_reconcile_full_reconcile_idx', plan)
