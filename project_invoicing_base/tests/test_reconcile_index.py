from odoo.tests.common import TransactionCase

from .plans import search_plan


class TestReconcileIndex(TransactionCase):
    """Journal items are found by their full reconciliation through an index
    (each reconciliation searches by it), not by scanning them all."""

    def test_full_reconcile_search_uses_the_index(self):
        cr = self.env.cr
        cr.execute("SELECT 1 FROM pg_indexes WHERE tablename = 'account_move_line' "
                   "AND indexdef LIKE '%(full_reconcile_id)'")
        self.assertTrue(cr.fetchone())
        self.assertNotIn('Seq Scan', search_plan(
            self.env['account.move.line'], [('full_reconcile_id', 'in', [1, 2])]))

    def test_partial_reconcile_search_uses_the_index(self):
        # what a full reconciliation's (6, 0, ids) of its parts searches
        self.assertIn('account_partial_reconcile_full_reconcile_idx', search_plan(
            self.env['account.partial.reconcile'], [('full_reconcile_id', 'in', [1, 2])]))
