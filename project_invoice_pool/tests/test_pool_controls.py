"""The invoice pool's controls as an AP clerk and an auditor would try
them (issue cases 1-6), with their numbers."""
from odoo.exceptions import AccessError, UserError

from .common import InvoicePoolCase


class TestPoolControls(InvoicePoolCase):

    def posted_entry(self, number='INV-001', amount=75.0, **kw):
        register = self.make_register([self.line_vals(number, amount, **kw)])
        register.action_post()
        return register.line_ids

    def bill_of(self, entry, user=None):
        action = entry.sudo(user).action_create_bill() if user else entry.action_create_bill()
        return self.env['account.invoice'].browse(action['res_id'])

    def test_1_override_is_recorded_and_checked_on_the_bill(self):
        entry = self.posted_entry()
        bill = self.bill_of(entry)
        bill.invoice_line_ids.price_unit = 80.0
        bill.compute_taxes()
        clerk_bill = bill.sudo(self.clerk).with_context(invoice_match_override=True)
        with self.assertRaisesRegex(UserError, 'does not match'):
            clerk_bill.action_invoice_open()
        with self.assertRaisesRegex(UserError, 'not by hand'):
            bill.sudo(self.clerk).write({'match_override_uid': self.manager.id})
        with self.assertRaisesRegex(UserError, 'not by hand'):
            bill.sudo(self.clerk).write({'match_state': 'matched'})
        with self.assertRaises(AccessError):
            bill.sudo(self.clerk).action_invoice_open_override()
        self.assertEqual(bill.state, 'draft')
        bill.sudo(self.manager).action_invoice_open_override()
        self.assertEqual((bill.state, bill.match_override_uid), ('open', self.manager))
        self.assertTrue(bill.match_override_date)
        self.assertIn('80.00', bill.match_override_differences)
        self.assertEqual(entry.pool_state, 'invoiced')

    def test_1_acceptance_does_not_cover_later_changes(self):
        entry = self.posted_entry()
        bill = self.bill_of(entry)
        bill.invoice_line_ids.price_unit = 80.0
        bill.compute_taxes()
        bill.action_update_matching_status()
        # accepted as recorded, then the bill changes: the record no longer holds
        bill._write_match({'match_override_uid': self.manager.id,
                           'match_override_differences': bill.match_differences})
        self.assertTrue(bill._override_holds())
        bill.invoice_line_ids.price_unit = 90.0
        bill.compute_taxes()
        with self.assertRaisesRegex(UserError, 'does not match'):
            bill.sudo(self.clerk).action_invoice_open()

    def test_2_one_liability_per_vendor_invoice(self):
        pending0 = self.balance(self.pending)
        entry = self.posted_entry()
        self.assertEqual(self.balance(self.payable, self.vendor), -75.0)
        # a bill straight from the purchase order, the same vendor reference
        bill = self.env['account.invoice'].create({
            'type': 'in_invoice', 'partner_id': self.vendor.id, 'purchase_id': self.po.id,
            'reference': ' inv-001 ', 'journal_id': self.bill_journal.id})
        bill.purchase_order_change()
        bill.compute_taxes()
        bill.sudo(self.clerk).action_invoice_open()
        self.assertEqual(bill.register_line_id, entry)
        self.assertEqual(entry.pool_state, 'invoiced')
        self.assertEqual(self.balance(self.payable, self.vendor), -75.0)      # once, not -150
        self.assertEqual(self.balance(self.pending), pending0)  # the interim posting reversed
        self.assertTrue(entry.reversal_move_id)

    def test_2_a_second_bill_of_an_entry_with_a_draft_is_refused(self):
        entry = self.posted_entry()
        draft = self.bill_of(entry)
        bill = self.env['account.invoice'].create({
            'type': 'in_invoice', 'partner_id': self.vendor.id, 'purchase_id': self.po.id,
            'reference': 'INV-001', 'journal_id': self.bill_journal.id})
        bill.purchase_order_change()
        with self.assertRaisesRegex(UserError, 'with vendor bill .*post that bill'):
            bill.action_invoice_open()
        self.assertEqual(draft.state, 'draft')

    def test_3_posted_entries_are_kept_and_fixed(self):
        # two orders of the vendor fit its 75.00: posting links neither
        other = self.make_po(self.vendor, 75.0)
        entry = self.posted_entry(po=False, account_id=self.expense.id)
        for vals in ({'amount': 10.0}, {'partner_id': self.vendor2.id},
                     {'currency_id': self.env.ref('base.EUR').id}, {'invoice_date': '2026-03-01'},
                     {'vendor_invoice_number': 'X'}, {'approver_id': False}):
            with self.assertRaisesRegex(UserError, 'cannot change'):
                entry.sudo(self.clerk).write(vals)
        for vals in ({'pool_state': 'cancelled'}, {'move_id': False}):
            with self.assertRaisesRegex(UserError, 'not by hand'):
                entry.sudo(self.clerk).write(vals)
        with self.assertRaisesRegex(UserError, 'never deleted'):
            entry.sudo(self.clerk).unlink()
        with self.assertRaisesRegex(UserError, 'follows Post and Cancel'):
            entry.register_id.sudo(self.clerk).write({'state': 'draft'})
        # a missing purchase order may still be filled in while it waits
        entry.sudo(self.clerk).write({'purchase_id': self.po.id})
        with self.assertRaisesRegex(UserError, 'cannot change'):
            entry.sudo(self.clerk).write({'purchase_id': other.id})
        # Cancel entry is the way out: the interim posting is reversed
        pending = self.balance(self.pending)
        entry.sudo(self.clerk).action_cancel()
        self.assertEqual(self.balance(self.pending) - pending, -75.0)

    def test_4_a_paid_register_liability_moves_to_the_bill(self):
        entry = self.posted_entry()
        payable_line = entry.move_id.line_ids.filtered(lambda l: l.account_id == self.payable)
        bank = self.env['account.journal'].search(
            [('type', '=', 'bank'), ('company_id', '=', self.company.id)], limit=1)
        payment = self.env['account.move'].create({
            'journal_id': bank.id, 'date': '2026-02-10', 'line_ids': [
                (0, 0, {'account_id': self.payable.id, 'partner_id': self.vendor.id,
                        'debit': 30.0, 'credit': 0.0, 'name': 'Part payment'}),
                (0, 0, {'account_id': bank.default_credit_account_id.id, 'partner_id': self.vendor.id,
                        'debit': 0.0, 'credit': 30.0, 'name': 'Part payment'})]})
        payment.post()
        paid = payment.line_ids.filtered(lambda l: l.account_id == self.payable)
        (payable_line | paid).reconcile()
        self.assertEqual(payable_line.amount_residual, -45.0)
        with self.assertRaisesRegex(UserError, 'was paid'):
            entry.action_cancel()
        bill = self.bill_of(entry)
        bill.action_invoice_open()
        self.assertEqual(bill.state, 'open')
        self.assertEqual(bill.residual, 45.0)                 # the 30.00 settles the bill
        self.assertEqual(self.balance(self.payable, self.vendor), -45.0)
        self.assertTrue(payable_line.full_reconcile_id)       # interim and reversal match

    def test_5_reset_to_draft_after_a_new_bill_is_readable(self):
        entry = self.posted_entry()
        first = self.bill_of(entry)
        first.action_invoice_open()
        first.action_invoice_cancel()
        second = self.bill_of(entry)
        self.assertEqual(second.state, 'draft')
        with self.assertRaisesRegex(UserError, 'cannot be reset to draft'):
            first.action_invoice_draft()

    def test_5_a_number_posted_twice_is_refused_by_the_index(self):
        entry = self.posted_entry()
        register = self.make_register([self.line_vals(' inv-001')])
        # the register's own check sees it; the index is the last word when
        # two users post at the same moment (see tests/test_xmlrpc_pool.py)
        with self.assertRaisesRegex(UserError, 'already registered or billed'):
            register.action_post()
        with self.assertRaisesRegex(UserError, 'registered by another user a moment ago'):
            register.line_ids._claim_numbers()
        self.assertEqual(entry.pool_state, 'in_pool')

    def test_5_a_batch_is_claimed_at_once_and_names_the_number_taken(self):
        self.posted_entry('INV-007')
        taken = self.make_register([self.line_vals(n) for n in ('INV-006', 'inv-007 ', 'INV-008')])
        with self.assertRaisesRegex(UserError, 'Vendor invoice inv-007  of .* another user'):
            taken.line_ids._claim_numbers()
        free = self.make_register([self.line_vals(n) for n in ('INV-016', 'INV-017', 'INV-018')])
        lines = free.line_ids
        count = self.env.cr.sql_log_count
        lines._claim_numbers()
        self.assertEqual(self.env.cr.sql_log_count - count, 3)    # savepoint, update, release
        self.assertEqual(lines.mapped('pool_state'), ['in_pool'] * 3)

    def test_6_register_journals_are_created_by_the_install_only(self):
        self.assertFalse(hasattr(self.env['account.journal'], 'create_invoice_register_journals'))
        self.assertTrue(self.journal)
