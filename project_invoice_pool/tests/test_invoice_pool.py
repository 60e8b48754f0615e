from odoo.exceptions import AccessError, UserError, ValidationError

from .common import InvoicePoolCase


class TestInvoicePool(InvoicePoolCase):

    def test_seed_scenario(self):
        """Task guide: PO 75.00, register + post, pool, Purchase order,
        Update matching status, post; the interim posting is reversed."""
        pending0 = self.balance(self.pending)
        expense0 = self.balance(self.expense)
        register = self.make_register([self.line_vals()], user=self.clerk)
        entry = register.line_ids
        self.assertTrue(entry.date_due)
        register.sudo(self.clerk).action_post()
        self.assertEqual(register.state, 'posted')
        self.assertEqual(entry.pool_state, 'in_pool')
        self.assertEqual(entry.move_id.state, 'posted')
        self.assertEqual(entry.move_id.journal_id, self.journal)
        self.assertEqual(entry.move_id.date, '2026-02-01')
        self.assertEqual(self.balance(self.pending) - pending0, 75.0)
        self.assertEqual(self.balance(self.payable, self.vendor), -75.0)  # owed
        self.assertIn(entry, self.pool())

        action = entry.sudo(self.clerk).action_create_bill()
        bill = self.env['account.invoice'].browse(action['res_id'])
        self.assertEqual(bill.state, 'draft')
        self.assertEqual(bill.register_line_id, entry)
        self.assertEqual(entry.invoice_id, bill)
        self.assertEqual(bill.reference, 'INV-001')
        self.assertEqual(bill.date_invoice, '2026-02-01')
        self.assertEqual(bill.date_due, entry.date_due)
        self.assertEqual(bill.journal_id, self.bill_journal)
        self.assertEqual(bill.invoice_line_ids.purchase_line_id, self.po.order_line)
        self.assertEqual(bill.amount_total, 75.0)

        bill.sudo(self.clerk).action_update_matching_status()
        self.assertEqual(bill.match_state, 'matched')
        bill.sudo(self.clerk).action_invoice_open()
        self.assertEqual(bill.state, 'open')
        self.assertEqual(entry.pool_state, 'invoiced')
        self.assertEqual(self.balance(self.pending) - pending0, 0.0)
        self.assertEqual(self.balance(self.expense) - expense0, 75.0)
        self.assertEqual(self.balance(self.payable, self.vendor), -75.0)  # once, not 150
        self.assertEqual(bill.residual, 75.0)
        self.assertNotIn(entry, self.pool())
        # the reversal is reconciled with the interim posting, on both accounts
        reversal = entry.reversal_move_id
        self.assertEqual(reversal.state, 'posted')
        self.assertEqual(reversal.date, bill.date)
        for line in entry.move_id.line_ids:
            self.assertTrue(line.full_reconcile_id, line.account_id.code)
            self.assertIn(line.full_reconcile_id, reversal.line_ids.mapped('full_reconcile_id'))
        # vendor transactions: register posting, reversal and bill
        action = self.vendor.action_view_vendor_transactions()
        moves = self.env['account.move.line'].search(action['domain']).mapped('move_id')
        self.assertEqual(moves, entry.move_id | reversal | bill.move_id)
        self.assertEqual(self.vendor.vendor_transaction_count, 5)

    def test_mismatch_needs_manager_override(self):
        register = self.make_register([self.line_vals()])
        register.action_post()
        entry = register.line_ids
        bill = self.env['account.invoice'].browse(entry.action_create_bill()['res_id'])
        bill.invoice_line_ids.price_unit = 80.0
        bill.compute_taxes()
        self.assertEqual(bill.amount_total, 80.0)
        bill.action_update_matching_status()
        self.assertEqual(bill.match_state, 'not_matched')
        self.assertIn('80.00', bill.match_differences)
        self.assertIn('75.00', bill.match_differences)
        with self.assertRaisesRegex(UserError, 'does not match'):
            bill.sudo(self.clerk).action_invoice_open()
        self.assertEqual(bill.state, 'draft')
        self.assertEqual(entry.pool_state, 'in_pool')
        with self.assertRaises(AccessError):
            bill.sudo(self.clerk).action_invoice_open_override()
        bill.sudo(self.manager).action_invoice_open_override()
        self.assertEqual(bill.state, 'open')
        self.assertEqual(bill.match_override_uid, self.manager)
        self.assertTrue(bill.message_ids.filtered(
            lambda m: 'accepted by Test AP manager' in (m.body or '')))
        self.assertEqual(self.balance(self.payable, self.vendor), -80.0)
        self.assertEqual(entry.pool_state, 'invoiced')

    def test_tolerance(self):
        self.company.invoice_match_tolerance_amount = 5.0
        register = self.make_register([self.line_vals()])
        register.action_post()
        bill = self.env['account.invoice'].browse(register.line_ids.action_create_bill()['res_id'])
        bill.invoice_line_ids.price_unit = 79.0
        bill.compute_taxes()
        bill.action_update_matching_status()
        self.assertEqual(bill.match_state, 'matched')
        bill.invoice_line_ids.price_unit = 80.5
        bill.compute_taxes()
        bill.action_update_matching_status()
        self.assertEqual(bill.match_state, 'not_matched')

    def test_over_billed_quantity(self):
        register = self.make_register([self.line_vals(amount=150.0)])
        register.action_post()
        bill = self.env['account.invoice'].browse(register.line_ids.action_create_bill()['res_id'])
        bill.invoice_line_ids.quantity = 2.0
        bill.compute_taxes()
        bill.action_update_matching_status()
        self.assertEqual(bill.match_state, 'not_matched')
        self.assertIn('quantity', bill.match_differences)

    def test_foreign_currency(self):
        eur = self.env.ref('base.EUR')
        eur.active = True
        usd = self.company.currency_id
        self.env['res.currency.rate'].search([('currency_id', 'in', (eur | usd).ids)]).unlink()
        for currency, rate in ((eur, 0.8), (usd, 1.0)):
            self.env['res.currency.rate'].create({
                'currency_id': currency.id, 'name': '2026-01-01', 'rate': rate,
                'company_id': self.company.id})
        po = self.make_po(self.vendor, 100.0, currency=eur)
        pending0 = self.balance(self.pending)
        register = self.make_register([self.line_vals(amount=100.0, po=po, currency_id=eur.id)])
        register.action_post()
        entry = register.line_ids
        debit = entry.move_id.line_ids.filtered(lambda l: l.account_id == self.pending)
        self.assertEqual(debit.debit, 125.0)  # 100 EUR at 0.8 EUR per USD
        self.assertEqual(debit.amount_currency, 100.0)
        self.assertEqual(debit.currency_id, eur)
        self.assertEqual(entry.amount_company, 125.0)
        bill = self.env['account.invoice'].browse(entry.action_create_bill()['res_id'])
        self.assertEqual(bill.currency_id, eur)
        self.assertEqual(bill.amount_total, 100.0)
        bill.action_invoice_open()
        self.assertEqual(bill.match_state, 'matched')
        self.assertEqual(self.balance(self.pending) - pending0, 0.0)
        pend_lines = (entry.move_id | entry.reversal_move_id).mapped('line_ids').filtered(
            lambda l: l.account_id == self.pending)
        self.assertEqual(sum(pend_lines.mapped('amount_currency')), 0.0)
        self.assertEqual(self.balance(self.payable, self.vendor), -125.0)
        # each interim line fully reconciled with its mirror, in both currencies,
        # without any exchange difference entry
        for line in entry.move_id.line_ids:
            self.assertTrue(line.full_reconcile_id)
            self.assertFalse(line.full_reconcile_id.exchange_move_id)
            self.assertEqual((line.amount_residual, line.amount_residual_currency), (0.0, 0.0))

    def test_several_vendors_one_register(self):
        po2 = self.make_po(self.vendor2, 40.0)
        register = self.make_register([
            self.line_vals('A-1', 75.0),
            self.line_vals('B-1', 40.0, po=po2, vendor=self.vendor2),
            self.line_vals('B-2', 12.5, po=False, vendor=self.vendor2, account_id=self.expense.id),
        ])
        self.assertEqual(register.amount_total, 127.5)
        register.action_post()
        moves = register.line_ids.mapped('move_id')
        self.assertEqual(len(moves), 3)
        for move in moves:
            self.assertEqual(sum(move.line_ids.mapped('debit')), sum(move.line_ids.mapped('credit')))
        self.assertEqual(self.balance(self.payable, self.vendor), -75.0)
        self.assertEqual(self.balance(self.payable, self.vendor2), -52.5)
        # an entry without PO becomes a one-line bill on the chosen account
        no_po = register.line_ids.filtered(lambda l: l.vendor_invoice_number == 'B-2')
        bill = self.env['account.invoice'].browse(no_po.action_create_bill()['res_id'])
        self.assertEqual(bill.invoice_line_ids.account_id, self.expense)
        self.assertEqual(bill.amount_total, 12.5)
        bill.action_invoice_open()
        self.assertEqual(self.balance(self.payable, self.vendor2), -52.5)
        # creating bills for several entries at once opens a list
        rest = register.line_ids.filtered(lambda l: l.pool_state == 'in_pool')
        action = rest.action_create_bill()
        self.assertEqual(len(self.env['account.invoice'].search(action['domain'])), 2)

    def test_many_bills_posted_at_once(self):
        """More bills than one posting batch, validated in one call: every
        entry reversed and reconciled with its own reversal, nothing twice."""
        count = self.env['account.invoice']._pool_post_batch * 2 + 3
        orders = [self.make_po(self.vendor if i % 2 else self.vendor2, 10.0 + i)
                  for i in range(count)]
        pending0, expense0 = self.balance(self.pending), self.balance(self.expense)
        register = self.make_register([
            self.line_vals('M-%d' % i, po.amount_total, po=po, vendor=po.partner_id)
            for i, po in enumerate(orders)])
        register.action_post()
        total = sum(po.amount_total for po in orders)          # 23 * 10 + 0+1+...+22 = 483
        self.assertEqual(total, 483.0)
        self.assertEqual(self.balance(self.pending) - pending0, total)
        bills = self.env['account.invoice']
        for entry in register.line_ids:
            bills |= self.env['account.invoice'].browse(entry.action_create_bill()['res_id'])
        bills.action_invoice_open()
        self.assertEqual(set(bills.mapped('state')), {'open'})
        self.assertEqual(set(register.line_ids.mapped('pool_state')), {'invoiced'})
        self.assertEqual(self.balance(self.pending) - pending0, 0.0)
        self.assertEqual(self.balance(self.expense) - expense0, total)
        for entry, bill in zip(register.line_ids, bills):
            self.assertEqual(entry.invoice_id, bill)
            self.assertEqual(entry.reversal_move_id.ref, 'reversal of: ' + entry.move_id.name)
            for line in entry.move_id.line_ids:
                mirror = entry.reversal_move_id.line_ids.filtered(
                    lambda l: l.account_id == line.account_id)
                self.assertEqual(line.full_reconcile_id, mirror.full_reconcile_id)
                self.assertTrue(line.full_reconcile_id)
        self.assertEqual(len(register.line_ids.mapped('reversal_move_id')), count)

    def test_refusals(self):
        other_company = self.env['res.company'].create({'name': 'Other company (test)'})
        po_other_company = self.po.copy({'company_id': other_company.id})
        self.env['account.invoice.register'].create({'journal_id': self.journal.id, 'line_ids': [
            (0, 0, dict(self.line_vals('DUP-1'), invoice_date='2026-02-01', approver_id=self.approver.id))
        ]}).action_post()
        self.env['account.invoice'].create({
            'partner_id': self.vendor.id, 'type': 'in_invoice', 'reference': 'BILLED-1',
            'journal_id': self.bill_journal.id})
        cases = [
            (self.line_vals(amount=0.0), 'must be positive'),
            (self.line_vals(amount=-10.0), 'vendor credit note'),
            (dict(self.line_vals(), partner_id=False), 'no vendor'),
            (dict(self.line_vals(), approver_id=False), 'approver is required'),
            (self.line_vals('dup-1 '), 'already registered or billed'),
            (self.line_vals('BILLED-1'), 'already registered or billed'),
            (self.line_vals(vendor=self.vendor2), 'is for vendor'),
        ]
        # a purchase order of another company is refused as soon as it is entered
        with self.assertRaisesRegex(ValidationError, 'belongs to Other company'), \
                self.env.cr.savepoint():
            self.make_register([self.line_vals(po=po_other_company)])
        moves_before = self.env['account.move'].search_count([])
        for vals, message in cases:
            register = self.make_register([vals])
            with self.assertRaisesRegex(UserError, message):
                register.action_post()
            self.assertEqual(register.state, 'draft')
            self.assertEqual(register.line_ids.pool_state, 'draft')
            self.assertFalse(register.line_ids.move_id)
        # two lines with the same number in one register
        register = self.make_register([self.line_vals('X-1'), self.line_vals('X-1')])
        with self.assertRaisesRegex(UserError, 'keyed more than once'):
            register.action_post()
        # locked period (the period lock binds users who are not advisers)
        self.company.period_lock_date = '2026-03-31'
        register = self.make_register([self.line_vals('LOCK-1')])
        with self.assertRaisesRegex(UserError, 'locked period'):
            register.sudo(self.clerk).action_post()
        self.company.period_lock_date = False
        self.assertEqual(self.env['account.move'].search_count([]), moves_before)
        # approver must be an invoice approver
        with self.assertRaises(ValidationError):
            self.make_register([dict(self.line_vals('APP-1'), approver_id=self.clerk.id)])
        # a register journal must be a purchase journal with both accounts
        with self.assertRaises(ValidationError):
            self.journal.register_pending_account_id = False

    def test_bill_cancel_returns_entry_to_pool(self):
        pending0 = self.balance(self.pending)
        register = self.make_register([self.line_vals()])
        register.action_post()
        entry = register.line_ids
        bill = self.env['account.invoice'].browse(entry.action_create_bill()['res_id'])
        bill.action_invoice_open()
        self.assertEqual(self.balance(self.pending) - pending0, 0.0)
        bill.action_invoice_cancel()
        self.assertEqual(bill.state, 'cancel')
        self.assertEqual(entry.pool_state, 'in_pool')
        self.assertFalse(entry.invoice_id)
        self.assertFalse(entry.reversal_move_id)
        self.assertIn(entry, self.pool())
        self.assertEqual(self.balance(self.pending) - pending0, 75.0)
        self.assertEqual(self.balance(self.payable, self.vendor), -75.0)
        for line in entry.move_id.line_ids:
            self.assertFalse(line.reconciled)
        # a new bill from the pool posts and reverses again
        bill2 = self.env['account.invoice'].browse(entry.action_create_bill()['res_id'])
        self.assertNotEqual(bill2, bill)
        bill2.action_invoice_open()
        self.assertEqual(self.balance(self.pending) - pending0, 0.0)
        self.assertEqual(self.balance(self.payable, self.vendor), -75.0)
        self.assertEqual(entry.invoice_ids, bill | bill2)

    def test_register_cancel_reverses(self):
        pending0 = self.balance(self.pending)
        register = self.make_register([
            self.line_vals('C-1'), self.line_vals('C-2', 25.0, po=False, account_id=self.expense.id)])
        register.action_post()
        self.assertEqual(self.balance(self.pending) - pending0, 100.0)
        bill = self.env['account.invoice'].browse(register.line_ids[0].action_create_bill()['res_id'])
        bill.action_invoice_open()
        with self.assertRaisesRegex(UserError, 'cancel the bill first'):
            register.action_cancel()
        bill.action_invoice_cancel()
        register.action_cancel()
        self.assertEqual(register.state, 'cancel')
        self.assertEqual(set(register.line_ids.mapped('pool_state')), {'cancelled'})
        self.assertEqual(self.balance(self.pending) - pending0, 0.0)
        self.assertEqual(self.balance(self.payable, self.vendor), 0.0)
        self.assertFalse(self.pool() & register.line_ids)
        with self.assertRaisesRegex(UserError, 'not in the invoice pool'):
            register.line_ids[0].action_create_bill()

    def test_one_live_bill_per_entry(self):
        register = self.make_register([self.line_vals()])
        register.action_post()
        entry = register.line_ids
        entry.action_create_bill()
        with self.assertRaisesRegex(UserError, 'already has vendor bill'):
            entry.action_create_bill()
        # a second live bill is refused whatever the caller does (and the
        # database's unique index stands behind that check)
        with self.assertRaisesRegex(UserError, 'gets no new vendor bill'):
            self.env['account.invoice'].create({
                'partner_id': self.vendor.id, 'type': 'in_invoice',
                'journal_id': self.bill_journal.id, 'register_line_id': entry.id})

    def test_register_journal_cannot_hold_bills(self):
        bill = self.env['account.invoice'].create({
            'partner_id': self.vendor.id, 'type': 'in_invoice', 'journal_id': self.journal.id,
            'invoice_line_ids': [(0, 0, {'name': 'x', 'account_id': self.expense.id,
                                         'price_unit': 10.0, 'quantity': 1})]})
        with self.assertRaisesRegex(UserError, 'only holds register entries'):
            bill.action_invoice_open()
