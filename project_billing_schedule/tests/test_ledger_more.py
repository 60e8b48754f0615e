"""The billing ledger against the issue's cases 7, 9-14, with their numbers."""
import psycopg2

import odoo
from odoo.exceptions import AccessError, UserError, ValidationError

from .test_ledger import LedgerCase


class TestLedgerMore(LedgerCase):

    def customer_only(self, retention=0.0):
        self.rule.allocation_ids.filtered(lambda a: a.source_id == self.src_grant).unlink()
        self.rule.allocation_ids.percent = 100.0
        self.src_customer.retention_percent = retention

    def test_7_credits_carry_their_retention(self):
        self.customer_only(retention=10.0)
        hours = self.timesheet(7.0)                           # 700.00
        invoice = self.post_all()
        self.assertEqual((invoice.amount_total, invoice.amount_retention), (630.0, -70.0))
        self.assertEqual(self.src_customer._retention_outstanding(), 70.0)
        credit = self.Proposal._propose_credit(hours)
        self.assertEqual((credit.amount_total, credit.amount_retention), (-630.0, 70.0))
        credit.action_post()
        self.assertEqual(credit.invoice_id.amount_total, 630.0)
        self.assertEqual(self.src_customer._retention_outstanding(), 0.0)

    def test_7_partial_credits_give_back_the_exact_retention(self):
        self.customer_only(retention=10.0)
        hours = [self.timesheet(h, date='2026-03-0%d' % (i + 1)) for i, h in enumerate((1.0, 2.0, 0.33))]
        self.post_all()                                       # 333.00, retention 33.30
        self.assertEqual(self.src_customer._retention_outstanding(), 33.3)
        given = 0.0
        for txn in hours:
            credit = self.Proposal._propose_credit(txn)
            given += credit.amount_retention
            credit.action_post()
        self.assertEqual(round(given, 2), 33.3)               # no cent left or made up
        self.assertEqual(self.src_customer._retention_outstanding(), 0.0)

    def test_7_release_by_each_project_capped(self):
        self.customer_only(retention=10.0)
        self.contract.invoicing_mode = 'contract'
        other = self.env['project.project'].create({
            'name': 'Second T&M', 'project_invoice_type': 'time_material',
            'contract_id': self.contract.id})
        Task = self.env['project.task']
        Task.create({'name': 'A', 'project_id': self.project.id, 'planned_hours': 10.0})
        Task.create({'name': 'B', 'project_id': other.id, 'planned_hours': 10.0})
        self.timesheet(19.0)                                  # 190 %
        self.timesheet(1.0, project=other)                    # 10 %
        self.post_all()
        self.assertEqual(self.src_customer._retention_outstanding(), 200.0)
        with self.assertRaisesRegex(UserError, r'released at 100.0 % completion; Second T&M is '
                                               r'10.0 % complete'):
            self.contract.create_retention_release(date='2026-12-31')
        self.assertEqual(self.project._completion_percents()[self.project], 100.0)
        self.timesheet(9.0, project=other)
        release = self.Proposal.browse(self.contract.create_retention_release(date='2026-12-31'))
        self.assertEqual(release.amount_total, 200.0)
        # taken: a second release finds nothing outstanding
        with self.assertRaisesRegex(UserError, 'No retention is outstanding'):
            self.contract.create_retention_release(date='2026-12-31')

    def test_9_full_credit_leaves_nothing_open(self):
        tax = self.env['account.tax'].create({
            'name': 'Test 21 %', 'amount': 21.0, 'amount_type': 'percent', 'type_tax_use': 'sale'})
        self.hour_product.taxes_id = tax
        self.customer_only()
        lines = [self.timesheet(1.0, date='2026-03-0%d' % d) for d in (1, 2, 3)]
        for line in lines:
            line.sales_price = 1.02                           # tax per line 0.21, grouped 0.64
        invoice = self.post_all().invoice_id
        self.assertEqual(invoice.amount_total, 3.70)
        wizard = self.env['project.invoice.credit.wizard'].with_context(
            active_model='account.invoice', active_ids=invoice.ids).create({})
        credit = self.Proposal.search(wizard.action_create()['domain'])
        credit.action_post()
        self.assertEqual(credit.invoice_id.amount_total, invoice.amount_total)
        self.assertEqual(credit.invoice_id.amount_tax, invoice.amount_tax)

    def test_9_smaller_ones(self):
        # a price edited on a cancelled proposal goes back
        hours = self.timesheet(1.0)
        proposals = self.propose()
        proposals.mapped('line_ids')[0].sales_price = 150.0
        self.assertEqual(hours.billing_amount, 150.0)
        proposals.action_cancel()
        self.assertEqual((hours.sales_price, hours.sales_price_manual), (100.0, False))
        # a changed fixed price leaves an invoiced milestone alone
        fp = self.env['project.project'].create({
            'name': 'FP', 'project_invoice_type': 'fixed_price', 'contract_id': self.contract.id,
            'fixed_price': 1000.0})
        OnAccount = self.env['project.on.account']
        m1, m2 = [OnAccount.create({'project_id': fp.id, 'name': n, 'amount_type': 'percent',
                                    'percent': 50.0, 'sequence': i}) for i, n in enumerate('AB')]
        m1.action_mark_complete()
        self.post_all(types=['on_account'])
        fp.fixed_price = 1200.0
        self.assertEqual((m1.amount, m2.amount), (500.0, 700.0))
        with self.assertRaisesRegex(ValidationError, 'cannot be lower than its proposed and'):
            fp.fixed_price = 400.0
        # a cancelled proposal does not use up its billing-rule threshold
        task = self.env['project.task'].create({'name': 'W', 'project_id': self.project.id,
                                                'planned_hours': 4.0})
        rule = self.env['project.billing.rule'].create({
            'contract_id': self.contract.id, 'name': 'Half', 'thresholds': '50'})
        self.timesheet(2.0, task=task)
        first = rule._apply()
        self.assertEqual(set(first.mapped('billing_threshold')), {50.0})
        first.action_cancel()
        self.assertEqual(set(rule._apply().mapped('billing_threshold')), {50.0})

    def test_9_limits_and_releases_are_taken_under_lock(self):
        # a committed source (demo data) that a second connection can see
        source = self.env.ref('project_billing_schedule.demo_source_tm_grant', raise_if_not_found=False)
        if not source:
            self.skipTest('needs the demo data')
        self.env['project.billing.ledger']._headroom(source)
        # a plain connection (Odoo's cursor would log the refusal as an error)
        dsn = odoo.sql_db.connection_info_for(self.env.cr.dbname)[1]
        other = psycopg2.connect(**dsn)
        try:
            with self.assertRaises(psycopg2.errors.LockNotAvailable):
                other.cursor().execute('SELECT id FROM project_funding_source WHERE id = %s '
                                       'FOR UPDATE NOWAIT', (source.id,))
        finally:
            other.rollback()
            other.close()

    def test_10_repricing_with_retention_on_either_proposal(self):
        self.src_customer.retention_percent = 10.0
        self.rule.allocation_ids.filtered(lambda a: a.source_id == self.src_customer).percent = 60.0
        self.rule.allocation_ids.filtered(lambda a: a.source_id == self.src_grant).percent = 40.0
        self.timesheet(10.0)
        proposals = self.propose()
        customer, grant = self.by_partner(proposals, self.customer), self.by_partner(proposals, self.grant)
        self.assertEqual((customer.amount_total, grant.amount_total), (540.0, 400.0))
        grant.line_ids.sales_price = 110.0                    # on the funder without retention
        self.assertEqual((customer.amount_total, customer.amount_retention, grant.amount_total),
                         (594.0, -66.0, 440.0))
        customer.line_ids.filtered(lambda l: l.transaction_type == 'hour').sales_price = 120.0
        self.assertEqual((customer.amount_total, grant.amount_total), (648.0, 480.0))
        self.env['project.invoice.proposal.line'].create({
            'proposal_id': customer.id, 'name': 'Fee', 'quantity': 1.0, 'sales_price': 100.0})
        self.assertEqual(customer.amount_total, 738.0)        # (720 + 100) less 10 %

    def test_11_a_fee_quantity_is_invoiced_as_edited(self):
        self.customer_only()
        self.timesheet(2.0)
        proposal = self.propose()
        fee = self.env['project.invoice.proposal.line'].create({
            'proposal_id': proposal.id, 'name': 'Workshop', 'quantity': 2.0, 'sales_price': 150.0})
        self.assertEqual(proposal.amount_total, 500.0)
        fee.quantity = 1.0
        self.assertEqual((fee.amount, proposal.amount_total), (150.0, 350.0))
        self.assertEqual(fee.analytic_line_id.unit_amount, 1.0)
        proposal.action_post()
        inv_line = fee.invoice_line_id
        self.assertEqual((inv_line.quantity, inv_line.price_unit), (1.0, 150.0))
        rows = self.env['project.invoice.control'].search([('analytic_line_id', '=', fee.analytic_line_id.id)])
        self.assertEqual([(r.status, r.quantity, r.amount) for r in rows], [('invoiced', 1.0, 150.0)])
        with self.assertRaisesRegex(UserError, 'can only change while it is a draft'):
            fee.quantity = 3.0

    def test_12_invoice_control_splits_each_transaction(self):
        hours = self.timesheet(10.0)
        self.contract.contract_value = 20000.0
        proposals = self.propose()
        self.by_partner(proposals, self.customer).action_post()
        Control = self.env['project.invoice.control']
        rows = Control.search([('analytic_line_id', '=', hours.id)])
        self.assertEqual(sorted((r.status, r.amount, r.quantity) for r in rows),
                         [('in_proposal', 300.0, 3.0), ('invoiced', 700.0, 7.0)])
        totals = Control.read_group([('contract_id', '=', self.contract.id)],
                                    ['amount', 'contract_value'], [])[0]
        self.assertEqual((totals['amount'], totals['contract_value']), (1000.0, 20000.0))

    def test_13_credit_from_one_funders_invoice(self):
        self.src_customer.retention_percent = 10.0
        self.rule.allocation_ids.filtered(lambda a: a.source_id == self.src_customer).percent = 30.0
        self.rule.allocation_ids.filtered(lambda a: a.source_id == self.src_grant).percent = 70.0
        self.timesheet(10.0)
        proposals = self.post_all()
        customer = self.by_partner(proposals, self.customer)
        self.assertEqual(customer.invoice_id.amount_total, 270.0)
        wizard = self.env['project.invoice.credit.wizard'].with_context(
            active_model='account.invoice', active_ids=customer.invoice_id.ids).create({})
        credits = self.Proposal.search(wizard.action_create()['domain'])
        self.assertEqual([(c.partner_id, c.amount_total) for c in credits], [(self.customer, -270.0)])

    def test_14_wizard_only_takes_its_contracts_transactions(self):
        other = self.env['project.contract'].create({'name': 'Other', 'partner_id': self.customer.id})
        other_project = self.env['project.project'].create({
            'name': 'Other T&M', 'project_invoice_type': 'time_material', 'contract_id': other.id})
        prepayment = self.env['project.on.account'].create({
            'project_id': other_project.id, 'kind': 'prepayment', 'name': 'Prepay',
            'fixed_amount': 500.0})
        foreign = self.timesheet(1.0, project=other_project)
        with self.assertRaisesRegex(UserError, 'belongs to .*Other'):
            self.Proposal._propose(self.contract, on_accounts=prepayment)
        with self.assertRaisesRegex(UserError, 'belongs to .*Other'):
            self.Proposal._propose(self.contract, transactions=foreign)
        field = self.env['project.invoice.proposal.wizard']._fields['on_account_ids']
        self.assertIn("'contract_id', '=', contract_id", field.domain)
        self.assertEqual(prepayment.status, 'ready')

    def test_mixed_proposal_posts_by_the_sign_of_its_total(self):
        self.customer_only()
        old = self.timesheet(10.0)
        self.post_all()
        new = self.timesheet(2.0, date='2026-03-09')
        proposal = self.propose()
        self.Proposal._propose_credit(old, into=proposal)     # -1000 + 200
        self.assertEqual(proposal.amount_total, -800.0)
        proposal.action_post()
        self.assertEqual((proposal.invoice_id.type, proposal.invoice_id.amount_total),
                         ('out_refund', 800.0))
        self.assertEqual((old.invoice_status, new.invoice_status), ('credited', 'invoiced'))

    def test_add_existing_transactions_to_a_draft(self):
        first = self.timesheet(1.0)
        proposals = self.propose()
        later = self.timesheet(2.0, date='2026-03-10')
        customer = self.by_partner(proposals, self.customer)
        self.env['project.invoice.proposal.add'].create({
            'proposal_id': customer.id, 'transaction_ids': [(6, 0, later.ids)]}).action_add()
        self.assertEqual(customer.line_ids.mapped('analytic_line_id'), first | later)
        self.assertEqual(customer.amount_total, 210.0)
        self.assertEqual(later.invoice_status, 'in_proposal')
        proposals.action_post()
        self.assertEqual(later.invoice_status, 'to_invoice')  # the grant's 60.00 is still due
        rest = self.propose()
        self.assertEqual([(p.partner_id, p.amount_total) for p in rest], [(self.grant, 60.0)])

    def test_only_invoicing_users_change_billing(self):
        hours = self.timesheet(1.0)
        worker = self.env['res.users'].with_context(no_reset_password=True).create({
            'name': 'Timesheet user', 'login': 'ts_user_ledger',
            'groups_id': [(6, 0, [self.env.ref('project.group_project_user').id])]})
        with self.assertRaisesRegex(AccessError, 'Only project invoicing users'):
            hours.sudo(worker).write({'sales_price': 1.0})
        line = self.propose().mapped('line_ids')[:1]
        self.env['project.invoice.proposal.remove'].create({
            'line_ids': [(6, 0, line.ids)], 'mode': 'not_chargeable'}).action_remove()
        with self.assertRaisesRegex(AccessError, 'Only project invoicing users'):
            hours.sudo(worker).action_mark_chargeable()
        hours.sudo(self.pi_user).action_mark_chargeable()
        self.assertEqual(hours.invoice_status, 'to_invoice')
