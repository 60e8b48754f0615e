"""What a hostile review of the ledger tried (each a reproduction of a way
the books could be made wrong), now refused or kept true."""
from odoo.exceptions import UserError, ValidationError

from .test_ledger import LedgerCase


class TestLedgerGuards(LedgerCase):

    def test_workflow_fields_are_written_by_the_workflow_only(self):
        hours = self.timesheet(10.0)
        proposals = self.post_all()
        customer = self.by_partner(proposals, self.customer).sudo(self.pi_user)
        for vals in ({'state': 'draft'}, {'invoice_id': False}, {'funding_source_id': self.src_grant.id},
                     {'state': 'approved'}):
            with self.assertRaisesRegex(UserError, 'change only through its workflow'):
                customer.write(vals)
        with self.assertRaisesRegex(UserError, 'cannot be changed'):
            customer.invoice_id.write({'project_proposal_id': False})
        with self.assertRaisesRegex(UserError, 'starts as an empty draft'):
            self.Proposal.create({'contract_id': self.contract.id, 'state': 'posted',
                                  'funding_source_id': self.src_customer.id})
        for vals in ({'adjustment_kind': 'reversal'}, {'invoice_status': 'to_invoice'},
                     {'billing_excluded': True}):
            with self.assertRaisesRegex(UserError, 'follow its billing'):
                hours.sudo(self.pi_user).write(vals)
        self.assertEqual(hours.invoice_status, 'invoiced')

    def test_retention_credited_after_its_release(self):
        self.rule.allocation_ids.filtered(lambda a: a.source_id == self.src_grant).unlink()
        self.rule.allocation_ids.percent = 100.0
        self.src_customer.retention_percent = 10.0
        self.env['project.task'].create({'name': 'T', 'project_id': self.project.id,
                                         'planned_hours': 100.0})
        self.timesheet(60.0)
        short = self.timesheet(40.0, date='2026-03-03')
        self.post_all()                                       # 10,000 less 1,000 retained
        release = self.Proposal.browse(self.contract.create_retention_release(date='2026-12-31'))
        # a credit while the release is in proposal would give the retention back twice
        credit = self.Proposal._propose_credit(short, sources=self.src_customer)
        with self.assertRaisesRegex(UserError, 'release .* is in proposal'):
            credit.action_post()
        release.action_post()
        # released (paid) already: the credit gives the whole 4,000 back, no retention
        credit.action_post()
        self.assertEqual((credit.amount_total, credit.amount_retention), (-4000.0, 0.0))
        self.assertEqual(self.src_customer._retention_outstanding(), 0.0)
        billed = self.env['account.invoice'].search([
            ('project_proposal_id.contract_id', '=', self.contract.id), ('state', '=', 'open')])
        self.assertEqual(round(sum(billed.mapped('amount_total_signed')), 2), 6000.0)
        # Odoo's credit note copied from the released invoice would credit 9,000 of 10,000
        invoice = billed.filtered(lambda i: i.type == 'out_invoice' and i.amount_total == 9000.0)
        self.env['account.invoice.refund'].with_context(
            active_id=invoice.id, active_ids=invoice.ids, active_model='account.invoice').create(
            {'description': 'x', 'filter_refund': 'refund'}).invoice_refund()
        with self.assertRaisesRegex(UserError, 'has been released since'):
            invoice.refund_invoice_ids.action_invoice_open()

    def test_two_credit_drafts_give_back_the_retention_exactly(self):
        self.rule.allocation_ids.filtered(lambda a: a.source_id == self.src_grant).unlink()
        self.rule.allocation_ids.percent = 100.0
        self.src_customer.retention_percent = 10.0
        a, b = self.timesheet(1.0), self.timesheet(1.0, date='2026-03-03')
        (a | b).write({'sales_price': 150.07})
        invoice = self.post_all()
        self.assertEqual(invoice.amount_retention, -30.01)
        first, second = self.Proposal._propose_credit(a), self.Proposal._propose_credit(b)
        second.action_post()
        first.action_post()
        self.assertEqual(round(first.amount_retention + second.amount_retention, 2), 30.01)
        self.assertEqual(self.src_customer._retention_outstanding(), 0.0)

    def test_price_included_tax_and_odoo_credit_note(self):
        tax = self.env['account.tax'].create({
            'name': 'Incl 21 %', 'amount': 21.0, 'amount_type': 'percent', 'type_tax_use': 'sale',
            'price_include': True})
        self.hour_product.taxes_id = tax
        hours = self.timesheet(10.0)
        proposals = self.post_all()
        customer = self.by_partner(proposals, self.customer)
        self.assertEqual(customer.invoice_id.amount_total, 700.0)
        self.env['account.invoice.refund'].with_context(
            active_id=customer.invoice_id.id, active_ids=customer.invoice_id.ids,
            active_model='account.invoice').create(
            {'description': 'x', 'filter_refund': 'cancel'}).invoice_refund()
        self.assertEqual(self.ledger(hours)[self.src_customer], (700.0, 0.0))

    def test_an_unposted_deduction_frees_no_limit(self):
        self.src_grant.limit_amount = 500.0
        self.env['project.funding.rule'].create({
            'contract_id': self.contract.id, 'name': 'Customer pays the rest', 'sequence': 20,
            'allocation_ids': [(0, 0, {'source_id': self.src_customer.id, 'percent': 100.0,
                                       'is_rounding': True})]})
        self.env['project.on.account'].create({
            'project_id': self.project.id, 'kind': 'deduction', 'name': 'Less', 'fixed_amount': -1000.0})
        deduction = self.propose(types=['on_account'])
        self.timesheet(30.0)                                  # 3,000: the grant may take 500
        hours = self.propose(types=['hour'])
        deduction.mapped('line_ids').unlink()                 # "not now"
        hours.action_post()
        grant = self.env['project.billing.ledger'].search([('source_id', '=', self.src_grant.id)])
        self.assertLessEqual(sum(grant.mapped('posted')), 500.0)

    def test_cancelling_a_credit_note_whose_work_is_proposed_again(self):
        self.sale_journal_cancellable()
        hours = self.timesheet(1.0)
        self.post_all()
        credit = self.Proposal._propose_credit(hours, reinvoice=True, sources=self.src_customer)
        credit.action_post()
        self.propose()                                        # the 70.00 proposed again
        with self.assertRaisesRegex(UserError, 'would be invoiced 140.0'):
            credit.invoice_id.action_invoice_cancel()

    def test_partly_credited_transaction_says_how_to_change_it(self):
        hours = self.timesheet(10.0)
        self.post_all()
        self.Proposal._propose_credit(hours, reinvoice=True, sources=self.src_customer).action_post()
        with self.assertRaisesRegex(UserError, 'invoiced to Grant fund.*Invoice again'):
            hours.unit_amount = 12.0
        self.Proposal._propose_credit(hours, reinvoice=True, sources=self.src_grant).action_post()
        hours.unit_amount = 12.0                              # nothing invoiced now: it may change
        self.assertEqual(sorted(self.propose().mapped('amount_total')), [360.0, 840.0])

    def test_funding_configuration_guards(self):
        self.timesheet(1.0)
        self.post_all()
        with self.assertRaisesRegex(UserError, 'cannot become internal'):
            self.src_grant.funding_type = 'internal'
        other = self.env['project.contract'].create({'name': 'Other', 'partner_id': self.customer.id})
        with self.assertRaisesRegex(ValidationError, 'another contract'), self.env.cr.savepoint():
            self.rule.allocation_ids[:1].source_id = other.funding_source_ids
        self.env.clear()
        self.rule.allocation_ids.filtered(lambda a: a.source_id == self.src_grant).unlink()
        more = self.timesheet(1.0, date='2026-03-04')
        proposals, reasons = self.Proposal._propose(self.contract, date_to='2026-12-31')
        self.assertFalse(proposals)
        self.assertIn('incomplete', reasons[more])

    def test_cancelling_a_vendor_bill_whose_item_is_invoiced(self):
        item = self.bill_purchase('chargeable')
        bill = item.move_id.invoice_id
        bill.journal_id.update_posted = True
        self.post_all()
        with self.assertRaisesRegex(UserError, 'invoiced to the project customer'):
            bill.action_invoice_cancel()
