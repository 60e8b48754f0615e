from odoo import api, models


class AccountMoveLine(models.Model):
    _inherit = 'account.move.line'

    @api.model_cr
    def init(self):
        # Odoo 11 does not index a journal item's full reconciliation, yet
        # every full reconciliation searches by it (its (6, 0, ids) write of
        # the reconciled items looks for items to release): without an index,
        # a scan of all journal items per reconciliation, two per pool bill.
        # Created here, not by index=True on the field: Odoo would drop that
        # index whenever `account` alone is updated, and rebuild it after.
        self.env.cr.execute('CREATE INDEX IF NOT EXISTS account_move_line_full_reconcile_idx '
                            'ON account_move_line (full_reconcile_id)')
        # The same for the partial reconciliations a full one gathers: each
        # full reconciliation read every partial one of the company (801 rows
        # per pool bill at 200 bills, twice as many at 400).
        self.env.cr.execute('CREATE INDEX IF NOT EXISTS account_partial_reconcile_full_reconcile_idx '
                            'ON account_partial_reconcile (full_reconcile_id)')
