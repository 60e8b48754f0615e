"""The retention ledger, release on a date or a milestone, the billing backlog."""
from odoo import fields
from odoo.exceptions import UserError

from odoo.addons.project_invoicing_base.exceptions import InputError

from .test_proposal import ProposalCase


class TestRetentionLedger(ProposalCase):

    @classmethod
    def setUpClass(cls):
        super(TestRetentionLedger, cls).setUpClass()
        cls.rule.allocation_ids.filtered(lambda a: a.source_id == cls.src_grant).unlink()
        cls.rule.allocation_ids.percent = 100.0
        cls.src_customer.write({'retention_percent': 10.0, 'retention_release': 'date',
                                'retention_release_date': '2026-06-30'})

    def ledger(self):
        row = self.env['project.retention.ledger'].search([
            ('funding_source_id', '=', self.src_customer.id)])
        self.assertEqual(len(row), 1)
        return (row.retained, row.credited, row.released, row.open_amount, row.in_release,
                row.date_open)

    def release(self, date):
        return self.Proposal.browse(self.contract.create_retention_release(date=date))

    def test_invoice_partial_credit_two_releases(self):
        self.timesheet(6.0, date='2026-03-02')
        four = self.timesheet(4.0, date='2026-03-03')
        self.propose(date='2026-03-31').action_post()               # 1,000.00, 100.00 withheld
        self.assertEqual(self.ledger(), (100.0, 0.0, 0.0, 100.0, 0.0, '2026-03-31'))
        row = self.env['project.retention.ledger'].search([
            ('funding_source_id', '=', self.src_customer.id)])
        # the view ages by the database server's date, which is not the
        # user's between midnight in the user's zone and in the server's
        self.env.cr.execute('SELECT CURRENT_DATE')
        today = fields.Date.from_string(self.env.cr.fetchone()[0])
        self.assertEqual(row.age_days, (today - fields.Date.from_string('2026-03-31')).days)
        self.assertEqual((row.partner_id, row.contract_id, row.project_id),
                         (self.customer, self.contract, self.project))
        credit = self.Proposal._propose_credit(four)                 # 400.00 back: 40.00 of it
        self.assertEqual(credit.amount_total, -360.0)
        credit.action_post()
        self.assertEqual(self.ledger(), (100.0, 40.0, 0.0, 60.0, 0.0, '2026-03-31'))
        with self.assertRaisesRegex(UserError, r'released on 2026-06-30'):
            self.release('2026-05-01')
        first = self.release('2026-07-01')
        self.assertEqual(first.amount_total, 60.0)
        self.assertEqual(self.ledger()[3:5], (60.0, 60.0))          # open, in a release
        first.action_post()
        self.assertEqual(self.ledger(), (100.0, 40.0, 60.0, 0.0, 0.0, False))
        self.timesheet(5.0, date='2026-08-03')
        self.propose(date='2026-08-31').action_post()               # 500.00, 50.00 withheld
        self.assertEqual(self.ledger(), (150.0, 40.0, 60.0, 50.0, 0.0, '2026-08-31'))
        self.release('2026-09-01').action_post()
        self.assertEqual(self.ledger(), (150.0, 40.0, 110.0, 0.0, 0.0, False))
        self.assertEqual(self.src_customer._retention_outstanding(), 0.0)
        # the pivot gives the same figures per customer
        groups = self.env['project.retention.ledger'].read_group(
            [('partner_id', '=', self.customer.id)],
            ['partner_id', 'retained', 'credited', 'released', 'open_amount'], ['partner_id'])
        self.assertEqual([(g['retained'], g['credited'], g['released'], g['open_amount'])
                          for g in groups], [(150.0, 40.0, 110.0, 0.0)])

    def test_release_when_a_milestone_is_complete(self):
        fp = self.env['project.project'].create({
            'name': 'FP (retention milestone)', 'project_invoice_type': 'fixed_price',
            'contract_id': self.contract.id, 'fixed_price': 10000.0})
        half, rest = [self.env['project.on.account'].create({
            'project_id': fp.id, 'kind': 'milestone', 'name': name, 'sequence': i,
            'amount_type': 'percent', 'percent': 50.0}) for i, name in enumerate(('Design',
                                                                                 'Acceptance'))]
        with self.assertRaises(InputError):
            self.src_customer.write({'retention_release': 'milestone'})
        self.src_customer.write({'retention_release': 'milestone',
                                 'retention_release_milestone_id': rest.id})
        half.action_mark_complete()
        self.propose(types=['on_account'], projects=fp, date='2026-04-30').action_post()
        with self.assertRaisesRegex(UserError, 'released when milestone Acceptance is complete'):
            self.release('2026-12-31')
        rest.action_mark_complete()
        release = self.release('2026-12-31')
        self.assertEqual(release.amount_total, 500.0)


class TestBillingBacklog(ProposalCase):

    def test_backlog_equals_invoice_control(self):
        self.timesheet(10.0, date='2026-03-02')                     # 1,000.00 hours
        self.timesheet(2.0, date='2026-01-05')                      # 200.00, older
        self.bill_purchase('chargeable')                             # 60.00 item
        fp = self.env['project.project'].create({
            'name': 'FP (backlog)', 'project_invoice_type': 'fixed_price',
            'contract_id': self.contract.id, 'fixed_price': 10000.0})
        done, planned = [self.env['project.on.account'].create({
            'project_id': fp.id, 'kind': 'milestone', 'name': 'M%d' % i, 'sequence': i,
            'amount_type': 'percent', 'percent': pct}) for i, pct in enumerate((30, 70))]
        done.action_mark_complete()
        Backlog = self.env['project.billing.backlog']
        domain = [('contract_id', '=', self.contract.id)]

        def by(field):
            return dict((g[field], g['amount']) for g in Backlog.read_group(
                domain, ['amount', field], [field]))
        self.assertEqual(by('category'), {'tm_to_invoice': 1260.0, 'milestone_due': 3000.0,
                                          'milestone_planned': 7000.0})
        self.assertEqual(by('transaction_type'), {'hour': 1200.0, 'item': 60.0,
                                                  'milestone': 10000.0})
        control = dict((g['status'], g['amount']) for g in self.env[
            'project.invoice.control'].read_group(domain + [('source', '!=', 'contract')],
                                                  ['amount', 'status'], ['status']))
        self.assertEqual(control, {'to_invoice': 4260.0, 'scheduled': 7000.0})
        rows = Backlog.search(domain)
        self.assertEqual(round(sum(rows.mapped('amount_company')), 2), 11260.0)
        self.env.cr.execute('SELECT CURRENT_DATE')   # the date the view ages by
        age = (fields.Date.from_string(self.env.cr.fetchone()[0]) -
               fields.Date.from_string('2026-01-05')).days
        bucket = '0_30' if age <= 30 else '31_90' if age <= 90 else '91_180' if age <= 180 else '181'
        self.assertEqual(set(rows.filtered(lambda r: r.date == '2026-01-05').mapped('age_bucket')),
                         {bucket})
        # proposing moves it out of the backlog; invoice control agrees
        self.propose()
        self.assertEqual(by('category'), {'milestone_planned': 7000.0})
