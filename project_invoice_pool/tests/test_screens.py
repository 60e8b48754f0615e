"""What the register, pool and approval screens show (issue 15): the
approver's own menu, read only; the entry's journal items and its entry
opened in its own view; a labelled Purchase order button; accounts in the
vendor's transactions; chatter on pool entries; invoices opened from a link
in their menu's action."""
from lxml import etree

from odoo.exceptions import AccessError, UserError

from odoo.addons.project_invoicing_base.tests.screens import (
    assert_action_readable,
    assert_menu_visible,
)

from .common import InvoicePoolCase


class TestScreens(InvoicePoolCase):

    def posted_entry(self, number='SCR-1', amount=75.0):
        register = self.make_register([self.line_vals(number=number, amount=amount)],
                                      user=self.clerk)
        register.sudo(self.clerk).action_post()
        return register.line_ids

    def test_approver_reads_pool_and_register_from_their_own_menu(self):
        entry = self.posted_entry()
        for menu in ('menu_approval_root', 'menu_approval_mine', 'menu_approval_pool',
                     'menu_approval_register'):
            assert_menu_visible(self, self.approver, 'project_invoice_pool.' + menu)
        mine = assert_action_readable(self, self.approver,
                                      'project_invoice_pool.action_invoice_pool_approver')
        self.assertIn(entry, mine)
        action = self.env.ref('project_invoice_pool.action_invoice_pool_approver')
        self.assertIn("'search_default_my_approval': 1", action.context)
        self.assertEqual(self.env['account.invoice.register.line'].sudo(self.approver).search(
            [('approver_id', '=', self.approver.id), ('id', '=', entry.id)]), entry)
        assert_action_readable(self, self.approver, 'project_invoice_pool.action_invoice_register')
        # read only: the approver changes nothing
        with self.assertRaises(AccessError):
            entry.sudo(self.approver).write({'name': 'changed'})
        # the clerk's accounting menus stay hidden from the approver
        hidden = self.env['ir.ui.menu'].sudo(self.approver)._visible_menu_ids()
        self.assertNotIn(self.env.ref('account.menu_finance').id, hidden)

    def test_entry_shows_its_journal_items_and_opens_its_entry(self):
        entry = self.posted_entry(amount=75.0)
        items = entry.sudo(self.clerk).move_line_ids
        self.assertEqual(items, entry.move_id.line_ids)
        self.assertEqual(sorted(items.mapped(lambda l: (l.debit, l.credit, l.account_id.id))),
                         [(0.0, 75.0, self.payable.id), (75.0, 0.0, self.pending.id)])
        action = entry.sudo(self.clerk).action_open_move()
        self.assertEqual((action['res_model'], action['res_id'], action['target']),
                         ('account.move', entry.move_id.id, 'current'))
        # an approver reads the entry, not the journal entry behind it
        with self.assertRaises(AccessError):
            entry.sudo(self.approver).action_open_move()
        draft = self.make_register([self.line_vals(number='SCR-DRAFT')], user=self.clerk)
        with self.assertRaisesRegex(UserError, 'not posted yet'):
            draft.line_ids.sudo(self.clerk).action_open_move()
        # cancelled: the reversal's items show too, and they balance out
        entry.sudo(self.clerk).action_cancel()
        self.assertEqual(len(entry.move_line_ids), 4)
        self.assertEqual(round(sum(entry.move_line_ids.mapped('balance')), 2), 0.0)

    def test_purchase_order_button_is_labelled(self):
        tree = etree.fromstring(self.env['account.invoice.register.line'].fields_view_get(
            view_id=self.env.ref('project_invoice_pool.view_invoice_pool_tree').id,
            view_type='tree')['arch'])
        button = tree.xpath('//button[@name="action_create_bill"]')[0]
        self.assertEqual(button.get('string'), 'Purchase order')
        self.assertIsNone(button.get('icon'))           # a text button, not a bare icon

    def test_vendor_transactions_show_the_account(self):
        entry = self.posted_entry()
        action = self.vendor.sudo(self.clerk).action_view_vendor_transactions()
        view = self.env.ref('project_invoice_pool.view_vendor_transactions_tree')
        self.assertEqual(action['views'][0], (view.id, 'tree'))
        arch = etree.fromstring(self.env['account.move.line'].sudo(self.clerk).fields_view_get(
            view_id=view.id, view_type='tree')['arch'])
        self.assertTrue(arch.xpath('//field[@name="account_id"]'))   # for a clerk too
        lines = self.env['account.move.line'].sudo(self.clerk).search(action['domain'])
        self.assertEqual(set(lines.mapped('account_id')), {self.pending, self.payable})
        self.assertEqual(lines.mapped('move_id'), entry.move_id)

    def test_pool_entries_have_a_chatter(self):
        entry = self.posted_entry()
        entry.sudo(self.clerk).message_post(body='Called the vendor about the delivery.')
        self.assertEqual(entry.message_ids[0].author_id, self.clerk.partner_id)
        form = etree.fromstring(self.env['account.invoice.register.line'].fields_view_get(
            view_id=self.env.ref('project_invoice_pool.view_invoice_pool_form').id,
            view_type='form')['arch'])
        self.assertTrue(form.xpath('//div[@class="oe_chatter"]/field[@name="message_ids"]'))

    def test_an_invoice_opened_from_a_link_keeps_its_menu_action(self):
        action = self.env['account.invoice'].create({
            'partner_id': self.vendor.id, 'type': 'out_invoice'}).get_formview_action()
        self.assertEqual(action['id'], self.env.ref('account.action_invoice_tree1').id)
        self.assertEqual(action['views'], [(self.env.ref('account.invoice_form').id, 'form')])
        bill = self.env['account.invoice'].create({'partner_id': self.vendor.id,
                                                   'type': 'in_invoice'})
        self.assertEqual(bill.get_formview_action()['id'],
                         self.env.ref('account.action_invoice_tree2').id)
