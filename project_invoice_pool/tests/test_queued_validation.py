"""Validating vendor bills in the background (OCA's queued validation, one
job per bill): vendor bills of different dates are enqueued, each once; the
jobs post as the pool does (interim posting reversed, matching control) and
run as the user who enqueued them."""
from odoo.exceptions import AccessError, UserError

from odoo.addons.queue_job.job import Job

from .common import InvoicePoolCase


class TestQueuedValidation(InvoicePoolCase):

    def pool_bill(self, number, amount=75.0, date='2026-02-01', po=None):
        register = self.make_register([self.line_vals(number, amount, po=po, invoice_date=date)])
        register.action_post()
        action = register.line_ids.action_create_bill()
        return self.env['account.invoice'].browse(action['res_id'])

    def enqueue(self, bills, user=None):
        wizard = self.env['account.invoice.confirm'].sudo(user or self.env.uid).with_context(
            active_ids=bills.ids).create({})
        return wizard.enqueue_invoice_confirm()

    def perform(self, bill):
        job = bill.validation_job_ids.filtered(lambda j: j.state == 'pending')
        self.assertEqual(len(job), 1)
        return Job.load(self.env, job.uuid).perform()

    def test_bills_of_different_dates_are_enqueued_once_and_posted_by_their_jobs(self):
        first = self.pool_bill('Q-1', date='2026-02-01')
        second = self.pool_bill('Q-2', 60.0, '2026-02-03', self.make_po(self.vendor, 60.0))
        Jobs = self.env['queue.job']
        before = Jobs.search_count([])
        self.enqueue(first | second, self.clerk)
        self.enqueue(first | second, self.clerk)           # twice: still one job per bill
        self.assertEqual(Jobs.search_count([]) - before, 2)
        self.assertEqual(first.validation_job_ids.user_id, self.clerk)
        self.assertEqual((first | second).mapped('state'), ['draft', 'draft'])
        self.perform(first)                                 # as the clerk (the job's user)
        self.perform(second)
        self.assertEqual((first | second).mapped('state'), ['open', 'open'])
        self.assertEqual((first | second).mapped('register_line_id.pool_state'),
                         ['invoiced', 'invoiced'])
        self.assertEqual(first.match_state, 'matched')
        self.assertEqual(first.move_id.create_uid, self.clerk)
        lines = self.env['account.move.line'].search([('account_id', '=', self.pending.id),
                                                      ('partner_id', '=', self.vendor.id)])
        self.assertEqual(round(sum(lines.mapped('balance')), 2), 0.0)   # interim reversed
        self.assertEqual(sorted(first.move_id.line_ids.mapped('credit')), [0.0, 75.0])

    def test_a_job_keeps_the_matching_control(self):
        bill = self.pool_bill('Q-3')
        bill.invoice_line_ids.price_unit = 80.0
        bill.compute_taxes()
        self.enqueue(bill, self.clerk)
        with self.assertRaisesRegex(UserError, 'does not match'):
            self.perform(bill)
        self.assertEqual(bill.state, 'draft')
        self.assertEqual(bill.register_line_id.pool_state, 'in_pool')

    def test_only_an_ap_clerk_enqueues_pool_bills(self):
        bill = self.pool_bill('Q-4')
        accountant = self.env['res.users'].with_context(no_reset_password=True).create({
            'name': 'Test accountant (queue)', 'login': 'test_queue_accountant',
            'groups_id': [(6, 0, [self.env.ref('account.group_account_invoice').id])]})
        with self.assertRaises(AccessError):
            self.enqueue(bill, accountant)
        self.assertFalse(bill.validation_job_ids)

    def test_customer_invoices_keep_oca_rule_of_one_date(self):
        bill = self.pool_bill('Q-5')
        invoice = self.env['account.invoice'].create({
            'partner_id': self.vendor.id, 'type': 'out_invoice', 'date_invoice': '2026-03-01',
            'invoice_line_ids': [(0, 0, {'name': 'Service', 'account_id': self.expense.id,
                                         'price_unit': 10.0, 'quantity': 1.0})]})
        other = invoice.copy({'date_invoice': '2026-03-02'})
        with self.assertRaisesRegex(UserError, 'different dates'):
            self.enqueue(invoice | other)
        with self.assertRaisesRegex(UserError, 'different dates'):
            self.enqueue(bill | invoice)                        # a mixed selection too
