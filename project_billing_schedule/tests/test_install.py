from odoo.tests.common import TransactionCase


class TestInstall(TransactionCase):

    def test_menu_and_groups(self):
        menu = self.env.ref('project_billing_schedule.menu_project_invoicing')
        manager = self.env.ref('project_billing_schedule.group_project_invoicing_manager')
        user = self.env.ref('project_billing_schedule.group_project_invoicing_user')
        self.assertIn(user, manager.implied_ids)
        self.assertIn(manager, self.env.ref('base.user_root').groups_id)
        self.assertEqual(menu.parent_id, self.env.ref('project.menu_main_pm'))
        # a user without the group does not see the menu
        demo = self.env.ref('base.user_demo')
        demo.groups_id -= user
        visible = self.env['ir.ui.menu'].sudo(demo).search([('id', '=', menu.id)])
        self.assertFalse(visible)
