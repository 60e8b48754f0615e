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
            with self.assertRaisesRegex(UserError, 'not by hand'):
                customer.write(vals)
        with self.assertRaisesRegex(UserError, 'cannot be changed'):
            customer.invoice_id.write({'project_proposal_id': False})
        with self.assertRaisesRegex(UserError, 'not by hand'):
            self.Proposal.create({'contract_id': self.contract.id, 'state': 'posted',
                                  'funding_source_id': self.src_customer.id})
        for vals in ({'adjustment_kind': 'reversal'}, {'invoice_status': 'to_invoice'},
                     {'billing_excluded': True}, {'billing_amount': 1.0},
                     {'billing_project_id': False}):
            with self.assertRaisesRegex(UserError, 'not by hand'):
                hours.sudo(self.pi_user).write(vals)
        with self.assertRaisesRegex(UserError, 'not by hand'):
            customer.write({'amount_total': 1.0})
        with self.assertRaisesRegex(UserError, 'not by hand'):
            customer.write({'partner_id': self.grant.id})
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
        # a deduction offsets a prepayment (posted first; the grant's limit
        # then leaves it 500.00)
        self.env['project.on.account'].create({
            'project_id': self.project.id, 'kind': 'prepayment', 'name': 'Advance',
            'fixed_amount': 1000.0})
        self.propose(types=['on_account']).action_post()
        Ledger = self.env['project.billing.ledger']
        prepaid = sum(Ledger.search([('source_id', '=', self.src_grant.id)]).mapped('posted'))
        self.src_grant.limit_amount = prepaid + 500.0
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
        self.assertLessEqual(sum(grant.mapped('posted')), prepaid + 500.0)

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

    def test_derived_and_foreign_values_refused(self):
        OnAccount = self.env['project.on.account'].sudo(self.pi_user)
        with self.assertRaisesRegex(UserError, 'not by hand'):
            OnAccount.create({'project_id': self.project.id, 'kind': 'prepayment', 'name': 'P',
                              'fixed_amount': 100.0, 'amount': 7777.0})
        prepay = OnAccount.create({'project_id': self.project.id, 'kind': 'prepayment',
                                   'name': 'P', 'fixed_amount': 100.0})
        for vals in ({'amount': 7777.0}, {'status': 'invoiced'}, {'marked_not_chargeable': True}):
            with self.assertRaisesRegex(UserError, 'not by hand'):
                prepay.write(vals)
        other = self.env['project.contract'].create({'name': 'Other', 'partner_id': self.grant.id})
        other_project = self.env['project.project'].create({
            'name': 'Other T&M', 'project_invoice_type': 'time_material', 'contract_id': other.id})
        with self.assertRaisesRegex(UserError, 'belong to its contract'):
            self.Proposal.sudo(self.pi_user).create({
                'contract_id': self.contract.id, 'funding_source_id': other.funding_source_ids.id})
        draft = self.Proposal.sudo(self.pi_user).create({
            'contract_id': self.contract.id, 'funding_source_id': self.src_customer.id,
            'project_id': self.project.id})
        with self.assertRaisesRegex(UserError, 'belongs to its project'):
            self.env['project.invoice.proposal.line'].sudo(self.pi_user).create({
                'proposal_id': draft.id, 'name': 'Fee', 'quantity': 1.0, 'sales_price': 500.0,
                'project_id': other_project.id})
        worker = self.env['res.users'].with_context(no_reset_password=True).create({
            'name': 'Worker', 'login': 'worker_guards',
            'groups_id': [(6, 0, [self.env.ref('project.group_project_user').id,
                                  self.env.ref('hr_timesheet.group_hr_timesheet_user').id])]})
        with self.assertRaisesRegex(UserError, 'Only project invoicing users'):
            self.env['account.analytic.line'].sudo(worker).create({
                'name': 'Mine', 'project_id': self.project.id, 'unit_amount': 1.0,
                'billing_type': 'fee', 'sales_price': 5000.0})

    def test_invoices_claim_only_their_own_proposal(self):
        proposals = self.post_all() if self.timesheet(1.0) else None
        customer = self.by_partner(proposals, self.customer)
        refund_vals = {'type': 'out_refund', 'partner_id': self.customer.id,
                       'refund_invoice_id': customer.invoice_id.id}
        with self.assertRaisesRegex(UserError, 'Only the posting of invoice proposal'):
            self.env['account.invoice'].create(dict(refund_vals, project_proposal_id=customer.id))
        with self.assertRaisesRegex(UserError, 'cannot change'):
            customer.invoice_id.invoice_line_ids[:1].price_unit = 1.0
        self.sale_journal_cancellable()
        customer.invoice_id.action_invoice_cancel()
        with self.assertRaisesRegex(UserError, 'only Validate, Cancel and Reset to draft change'):
            customer.invoice_id.write({'state': 'draft'})
        with self.assertRaisesRegex(UserError, 'instead of reopening this invoice'):
            customer.invoice_id.action_invoice_draft()

    def test_adjust_credits_each_funder_what_it_was_billed(self):
        self.src_grant.limit_amount = 300.0
        self.rule.unlink()
        Rule = self.env['project.funding.rule']
        for seq, source in ((10, self.src_grant), (20, self.src_customer)):
            Rule.create({'contract_id': self.contract.id, 'name': source.partner_id.name,
                         'sequence': seq, 'allocation_ids': [
                             (0, 0, {'source_id': source.id, 'percent': 100.0, 'is_rounding': True})]})
        hours = self.timesheet(10.0)
        self.post_all()
        self.assertEqual(self.ledger(hours), {self.src_grant: (300.0, 300.0),
                                              self.src_customer: (700.0, 700.0)})
        proposals = hours._adjust(0.0, hours.sales_price)
        proposals.action_post()
        self.assertEqual(sorted(proposals.mapped('amount_total')), [-700.0, -300.0])
        # the original's invoices cannot be cancelled now, nor the reversal credited
        self.sale_journal_cancellable()
        original = self.Proposal.search([('line_ids.analytic_line_id', '=', hours.id),
                                         ('state', '=', 'posted')])
        with self.assertRaisesRegex(UserError, 'was adjusted since'):
            original[0].invoice_id.action_invoice_cancel()
        reversal = self.env['account.analytic.line'].search([('adjusted_line_id', '=', hours.id),
                                                             ('adjustment_kind', '=', 'reversal')])
        with self.assertRaisesRegex(UserError, 'is not credited'):
            self.Proposal._propose_credit(reversal)
        # a cancelled corrective draft keeps the reversal's split
        self.assertEqual(self.ledger(reversal), {self.src_grant: (-300.0, -300.0),
                                                 self.src_customer: (-700.0, -700.0)})

    def test_adjust_gives_retention_back(self):
        self.rule.allocation_ids.filtered(lambda a: a.source_id == self.src_grant).unlink()
        self.rule.allocation_ids.percent = 100.0
        self.src_customer.retention_percent = 10.0
        hours = self.timesheet(7.0)
        self.assertEqual(self.post_all().amount_total, 630.0)
        corrective = hours._adjust(0.0, hours.sales_price)
        self.assertEqual((corrective.amount_total, corrective.amount_retention), (-630.0, 70.0))
        corrective.action_post()
        self.assertEqual(self.src_customer._retention_outstanding(), 0.0)

    def test_crediting_into_another_projects_draft_is_refused(self):
        other = self.env['project.project'].create({
            'name': 'Second T&M', 'project_invoice_type': 'time_material',
            'contract_id': self.contract.id})
        first, second = self.timesheet(1.0), self.timesheet(1.0, project=other)
        self.post_all()
        draft = self.Proposal._propose_credit(first, sources=self.src_customer)
        with self.assertRaisesRegex(UserError, 'belongs elsewhere'):
            self.Proposal._propose_credit(second, into=draft)

    def test_limit_kept_when_a_credit_note_is_cancelled(self):
        self.sale_journal_cancellable()
        self.src_grant.limit_amount = 300.0
        a = self.timesheet(10.0)
        self.post_all()                                       # the grant is full
        credit = self.Proposal._propose_credit(a, sources=self.src_grant)
        credit.action_post()                                  # 300 freed for good
        self.timesheet(10.0, date='2026-03-05')
        self.post_all()                                       # another 300 to the grant
        with self.assertRaisesRegex(UserError, 'of its funding limit of 300.0'):
            credit.invoice_id.action_invoice_cancel()

    def test_not_to_exceed_kept_when_a_credit_note_is_cancelled(self):
        self.sale_journal_cancellable()
        self.contract.not_to_exceed = 1000.0
        a = self.timesheet(10.0)
        self.post_all()                                       # 1,000.00: the limit is used
        credits = self.Proposal._propose_credit(a)
        credits.action_post()                                 # freed for good
        self.timesheet(10.0, date='2026-03-05')
        self.post_all()                                       # another 1,000.00
        with self.assertRaisesRegex(UserError, 'above its not-to-exceed amount of 1000.0'):
            credits[0].invoice_id.action_invoice_cancel()

    def test_contract_currency_is_kept_once_invoiced(self):
        self.timesheet(1.0)
        self.post_all()
        with self.assertRaisesRegex(UserError, 'cannot change'):
            self.contract.currency_id = self.env.ref('base.EUR')
