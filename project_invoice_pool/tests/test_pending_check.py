"""The pending-account check: the pending invoices account against the
entries in the pool, at a date."""
from .common import InvoicePoolCase


class TestPendingCheck(InvoicePoolCase):

    def check(self, date='2026-12-31'):
        return self.env['account.invoice.pool.check'].create({
            'company_id': self.company.id, 'date': date})

    def test_posted_billed_cancelled_rebilled_in_foreign_currency(self):
        eur = self.env.ref('base.EUR')
        eur.active = True
        usd = self.company.currency_id
        self.env['res.currency.rate'].search([('currency_id', 'in', (eur | usd).ids)]).unlink()
        for currency, rate, day in ((eur, 0.8, '2026-01-01'), (usd, 1.0, '2026-01-01'),
                                    (eur, 0.9, '2026-03-01')):
            self.env['res.currency.rate'].create({'currency_id': currency.id, 'name': day,
                                                  'rate': rate, 'company_id': self.company.id})
        base = self.check()
        po = self.make_po(self.vendor, 100.0, currency=eur)
        register = self.make_register([
            self.line_vals('F-1', 100.0, po=po, currency_id=eur.id),
            self.line_vals('F-2', 40.0, po=False, account_id=self.expense.id, currency_id=eur.id),
            self.line_vals('F-3', 75.0)])
        register.action_post()
        f1, f2, f3 = [register.line_ids.filtered(lambda l: l.vendor_invoice_number == n)
                      for n in ('F-1', 'F-2', 'F-3')]
        bill = self.env['account.invoice'].browse(f1.action_create_bill()['res_id'])
        bill.date_invoice = '2026-03-05'
        bill.action_invoice_open()
        bill.action_invoice_cancel()                            # back in the pool
        rebill = self.env['account.invoice'].browse(f1.action_create_bill()['res_id'])
        rebill.date_invoice = '2026-03-06'
        rebill.action_invoice_open()
        f2.action_cancel()
        check = self.check()
        self.assertEqual(round(check.difference - base.difference, 2), 0.0)
        self.assertEqual(round(check.pool_total - base.pool_total, 2), 75.0)   # F-3 waits
        self.assertEqual(len(check.line_ids), len(base.line_ids))
        # in the past: on 2026-02-15 all three waited (125.00 + 50.00 + 75.00)
        past = self.check('2026-02-15')
        self.assertEqual(round(past.pool_total - self.check('2026-01-31').pool_total, 2), 250.0)
        self.assertEqual(round(past.difference - self.check('2026-01-31').difference, 2), 0.0)
        # a hand-made journal entry on the pending account is the one difference
        move = self.env['account.move'].create({
            'journal_id': self.bill_journal.id, 'date': '2026-04-01', 'line_ids': [
                (0, 0, {'account_id': self.pending.id, 'debit': 12.34, 'credit': 0.0, 'name': 'x'}),
                (0, 0, {'account_id': self.expense.id, 'debit': 0.0, 'credit': 12.34, 'name': 'x'})]})
        move.post()
        after = self.check()
        self.assertEqual(round(after.difference - base.difference, 2), 12.34)
        new = after.line_ids.filtered(lambda l: l.move_line_id.move_id == move)
        self.assertEqual([(l.kind, l.amount) for l in new], [('foreign', 12.34)])
        self.assertEqual(len(after.line_ids), len(base.line_ids) + 1)

    def test_nightly_check_tells_the_ap_managers(self):
        Check = self.env['account.invoice.pool.check']
        before = Check.search_count([])
        Check._cron_check()
        created = Check.search([], order='id desc', limit=1) if Check.search_count([]) > before else Check
        for check in created:
            self.assertNotEqual(check.difference, 0.0)
            self.assertTrue(check.message_ids.filtered(lambda m: self.manager.partner_id in m.partner_ids))
        move = self.env['account.move'].create({
            'journal_id': self.bill_journal.id, 'date': '2026-01-02', 'line_ids': [
                (0, 0, {'account_id': self.pending.id, 'debit': 5.0, 'credit': 0.0, 'name': 'x'}),
                (0, 0, {'account_id': self.expense.id, 'debit': 0.0, 'credit': 5.0, 'name': 'x'})]})
        move.post()
        Check._cron_check()
        check = Check.search([('company_id', '=', self.company.id)], order='id desc', limit=1)
        self.assertTrue(check.line_ids.filtered(lambda l: l.move_line_id.move_id == move))
        message = check.message_ids.filtered(lambda m: self.manager.partner_id in m.partner_ids)
        self.assertTrue(message)
