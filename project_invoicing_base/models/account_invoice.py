from odoo import api, models

MENU_ACTIONS = {
    'out_invoice': 'account.action_invoice_tree1', 'out_refund': 'account.action_invoice_tree1',
    'in_invoice': 'account.action_invoice_tree2', 'in_refund': 'account.action_invoice_tree2',
}


class AccountInvoice(models.Model):
    _inherit = 'account.invoice'

    @api.multi
    def get_formview_action(self, access_uid=None):
        """An invoice opened from a link (a proposal's customer invoice, a
        pool entry's bill) opens in its menu's action: the address then names
        that action, so a reload (F5) or a saved link shows the customer
        invoice form again. Without it the address holds only the model, and
        Odoo's default form for account.invoice is the vendor bill's."""
        action = super(AccountInvoice, self).get_formview_action(access_uid=access_uid)
        if len(self) == 1 and self.type in MENU_ACTIONS:
            menu_action = self.env.ref(MENU_ACTIONS[self.type])
            action.update({'id': menu_action.id, 'name': menu_action.name})
        return action
