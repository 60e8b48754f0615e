from odoo.tests.common import TransactionCase


class TestInstall(TransactionCase):

    def test_menus_groups_and_register_journal(self):
        manager = self.env.ref('project_invoice_pool.group_ap_manager')
        clerk = self.env.ref('project_invoice_pool.group_ap_clerk')
        approver = self.env.ref('project_invoice_pool.group_invoice_approver')
        self.assertIn(clerk, manager.implied_ids)
        self.assertIn(approver, manager.implied_ids)
        admin = self.env.ref('base.user_root')
        self.assertTrue(admin.has_group('project_invoice_pool.group_ap_manager'))
        # the admin sees both menus and can open the pool
        for xmlid in ('project_invoice_pool.menu_invoice_pool',
                      'project_invoice_pool.menu_invoice_register'):
            menu = self.env.ref(xmlid)
            self.assertEqual(self.env['ir.ui.menu'].search([('id', '=', menu.id)]), menu)
        action = self.env.ref('project_invoice_pool.action_invoice_pool')
        self.assertEqual(action.res_model, 'account.invoice.register.line')
        # one register journal for the main company, posting to a reconcilable account
        journal = self.env['account.journal'].search([
            ('is_invoice_register', '=', True),
            ('company_id', '=', self.env.ref('base.main_company').id)])
        self.assertEqual(len(journal), 1)
        self.assertEqual(journal.type, 'purchase')
        self.assertTrue(journal.register_pending_account_id.reconcile)
        self.assertEqual(journal.register_offset_account_id.internal_type, 'payable')
