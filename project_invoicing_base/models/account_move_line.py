from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = 'account.move.line'

    # Odoo 11 does not index it, yet every full reconciliation searches by it
    # (its (6, 0, ids) write of the reconciled items looks for items to
    # release): without the index, a scan of all journal items per
    # reconciliation, which the invoice pool makes two of per vendor bill
    full_reconcile_id = fields.Many2one(index=True)
