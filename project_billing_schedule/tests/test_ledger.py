"""The billing ledger against the issue's cases 1-9, with their numbers."""
from odoo.exceptions import UserError

from .test_proposal import ProposalCase


class LedgerCase(ProposalCase):

    def ledger(self, txn):
        """{funding source: (share, net invoiced)} of one transaction."""
        rows = self.env['project.billing.ledger'].search([('analytic_line_id', '=', txn.id)])
        return dict((r.source_id, (round(r.share, 2), round(r.posted, 2))) for r in rows)

    def post_all(self, **kw):
        proposals = self.propose(**kw)
        proposals.action_post()
        return proposals

    def sale_journal_cancellable(self):
        self.env['account.journal'].search([('type', '=', 'sale')]).write({'update_posted': True})


class TestLedgerCases(LedgerCase):

    def test_1_partial_credit_by_source_bills_nothing_twice(self):
        hours = self.timesheet(10.0)
        first = self.post_all()
        self.assertEqual(sorted(first.mapped('amount_total')), [300.0, 700.0])
        credit = self.Proposal._propose_credit(hours, reinvoice=True, sources=self.src_customer)
        self.assertEqual([(c.partner_id, c.amount_total) for c in credit], [(self.customer, -700.0)])
        credit.action_post()
        self.assertEqual(hours.invoice_status, 'to_invoice')
        second = self.propose()
        # only the customer's 700.00 again: the grant keeps its 300.00
        self.assertEqual([(p.partner_id, p.amount_total) for p in second], [(self.customer, 700.0)])
        second.action_post()
        self.assertEqual(hours.invoice_status, 'invoiced')
        self.assertEqual(self.ledger(hours), {self.src_customer: (700.0, 700.0),
                                              self.src_grant: (300.0, 300.0)})
        # the grant's credit later: the grant's share once more, nothing else
        self.Proposal._propose_credit(hours, reinvoice=True, sources=self.src_grant).action_post()
        third = self.propose()
        self.assertEqual([(p.partner_id, p.amount_total) for p in third], [(self.grant, 300.0)])
        third.action_post()
        self.assertFalse(self.propose())
        billed = self.env['account.invoice'].search([('project_proposal_id.contract_id', '=',
                                                      self.contract.id), ('state', '=', 'open')])
        net = dict((p, round(sum(i.amount_total_signed for i in billed if i.partner_id == p), 2))
                   for p in (self.customer, self.grant))
        self.assertEqual(net, {self.customer: 700.0, self.grant: 300.0})

    def test_2_cancelling_the_invoice_in_odoo(self):
        self.sale_journal_cancellable()
        hours = self.timesheet(10.0)
        proposals = self.post_all()
        customer = self.by_partner(proposals, self.customer)
        customer.invoice_id.action_invoice_cancel()
        self.assertEqual(customer.state, 'cancel')
        self.assertEqual(hours.invoice_status, 'to_invoice')
        self.assertEqual(self.ledger(hours)[self.src_customer], (700.0, 0.0))
        # what was never billed cannot be credited
        with self.assertRaisesRegex(UserError, 'nothing to credit'):
            self.Proposal._propose_credit(hours, sources=self.src_customer)
        with self.assertRaisesRegex(UserError, 'cancelled with it'):
            customer.invoice_id.action_invoice_draft()
        again = self.propose()
        self.assertEqual([(p.partner_id, p.amount_total) for p in again], [(self.customer, 700.0)])
        again.action_post()
        self.assertEqual(hours.invoice_status, 'invoiced')

    def test_2_cancel_refused_while_another_document_depends_on_it(self):
        self.sale_journal_cancellable()
        hours = self.timesheet(1.0)
        proposals = self.post_all()
        customer = self.by_partner(proposals, self.customer)
        credit = self.Proposal._propose_credit(hours, reinvoice=True, sources=self.src_customer)
        credit.action_post()
        with self.assertRaisesRegex(UserError, 'is credited by %s' % credit.name):
            customer.invoice_id.action_invoice_cancel()
        again = self.post_all()                               # invoiced anew
        with self.assertRaisesRegex(UserError, 'would be invoiced 140.0 .* Cancel the newer'), \
                self.env.cr.savepoint():
            credit.invoice_id.action_invoice_cancel()
        self.env.clear()
        again.invoice_id.action_invoice_cancel()              # newest first: fine
        credit.invoice_id.action_invoice_cancel()
        self.assertEqual((again.state, credit.state, customer.state), ('cancel', 'cancel', 'posted'))
        self.assertEqual(hours.invoice_status, 'invoiced')

    def refund(self, invoice, mode, **kw):
        wizard = self.env['account.invoice.refund'].with_context(
            active_id=invoice.id, active_ids=invoice.ids, active_model='account.invoice').create(
            dict({'description': 'Wrong', 'filter_refund': mode}, **kw))
        return wizard.invoice_refund()

    def test_2_odoo_credit_note_wizard_refund_and_cancel_modes(self):
        hours = self.timesheet(10.0)
        proposals = self.post_all()
        customer, grant = self.by_partner(proposals, self.customer), self.by_partner(proposals, self.grant)
        # "Create a draft credit note": nothing happens until it is validated
        self.refund(customer.invoice_id, 'refund')
        refund = customer.invoice_id.refund_invoice_ids
        self.assertEqual(refund.state, 'draft')
        self.assertEqual(hours.invoice_status, 'invoiced')
        refund.action_invoice_open()
        mirror = refund.project_proposal_id
        self.assertEqual((mirror.kind, mirror.state, mirror.amount_total), ('credit', 'posted', -700.0))
        self.assertEqual(self.ledger(hours), {self.src_customer: (700.0, 0.0),
                                              self.src_grant: (300.0, 300.0)})
        self.assertEqual(hours.invoice_status, 'invoiced')    # the grant's share stands
        # "Cancel: create credit note and reconcile" on the grant's invoice
        self.refund(grant.invoice_id, 'cancel')
        self.assertEqual(grant.invoice_id.state, 'paid')
        self.assertEqual(hours.invoice_status, 'credited')
        self.assertFalse(self.propose())                      # credited: not invoiced again
        # cancelling the credit note brings the grant's share back
        self.sale_journal_cancellable()
        mirror.invoice_id.action_invoice_cancel()
        self.assertEqual(mirror.state, 'cancel')
        self.assertEqual(self.ledger(hours)[self.src_customer], (700.0, 700.0))

    def test_2_odoo_modify_mode_reproposes_and_partial_is_refused(self):
        hours = self.timesheet(10.0)
        proposals = self.post_all()
        customer = self.by_partner(proposals, self.customer)
        action = self.refund(customer.invoice_id, 'modify')
        new = self.Proposal.search(action['domain'])
        self.assertEqual([(p.partner_id, p.state, p.amount_total) for p in new],
                         [(self.customer, 'draft', 700.0)])
        self.assertEqual(customer.invoice_id.state, 'paid')   # reconciled with its credit note
        new.action_post()
        self.assertEqual(hours.invoice_status, 'invoiced')
        self.assertEqual(self.ledger(hours)[self.src_customer], (700.0, 700.0))
        # a credit note edited to part of the invoice cannot say what it credits
        self.refund(new.invoice_id, 'refund')
        refund = new.invoice_id.refund_invoice_ids
        refund.invoice_line_ids.write({'price_unit': 10.0})
        refund.compute_taxes()
        with self.assertRaisesRegex(UserError, 'must credit the whole project invoice'):
            refund.action_invoice_open()

    def test_3_repricing_keeps_the_frozen_split_and_the_limits(self):
        hours = self.timesheet(10.0)
        proposals = self.propose()
        with self.assertRaisesRegex(UserError, 'Give it an end date'):
            self.rule.unlink()
        # the rule changes to 60/30/10: the proposed transaction keeps 70/30
        third = self.env['project.funding.source'].create({
            'contract_id': self.contract.id, 'partner_id': self.customer.id, 'funding_type': 'grant'})
        self.rule.allocation_ids.filtered(lambda a: a.source_id == self.src_customer).percent = 60.0
        self.rule.write({'allocation_ids': [(0, 0, {'source_id': third.id, 'percent': 10.0})]})
        line = self.by_partner(proposals, self.customer).line_ids.filtered(
            lambda l: l.analytic_line_id == hours and l.proposal_id.funding_source_id == self.src_customer)
        line.sales_price = 110.0
        self.assertEqual(sorted(proposals.mapped('amount_total')), [330.0, 770.0])
        self.assertEqual(hours.billing_amount, 1100.0)
        # a price over the grant's limit (330 > 300) with no rule for the rest
        self.src_grant.limit_amount = 300.0
        with self.assertRaisesRegex(UserError, 'exceed the funding limit of Grant fund'), \
                self.env.cr.savepoint():
            line.sales_price = 120.0
        self.env.clear()
        self.src_grant.limit_amount = 0.0
        proposals.action_post()
        self.assertEqual(hours.invoice_status, 'invoiced')
        self.assertEqual(sum(self.ledger(hours)[s][1] for s in (self.src_customer, self.src_grant)), 1100.0)

    def test_3_fee_over_the_limit_goes_to_the_next_rule(self):
        self.timesheet(1.0)
        proposals = self.propose()
        grant = self.by_partner(proposals, self.grant)
        self.src_grant.limit_amount = 130.0                   # 30.00 used: 100.00 left
        Line = self.env['project.invoice.proposal.line']
        # nothing takes what the limit cuts off (70/30 needs the grant too): refused
        with self.assertRaisesRegex(UserError, 'exceed the funding limit of Grant fund'), \
                self.env.cr.savepoint():
            Line.create({'proposal_id': grant.id, 'name': 'Report', 'quantity': 1.0,
                         'sales_price': 250.0})
        self.env['project.funding.rule'].create({
            'contract_id': self.contract.id, 'name': 'Customer pays the rest', 'sequence': 20,
            'allocation_ids': [(0, 0, {'source_id': self.src_customer.id, 'percent': 100.0,
                                       'is_rounding': True})]})
        fee = Line.create({'proposal_id': grant.id, 'name': 'Report', 'quantity': 1.0,
                           'sales_price': 250.0})
        self.assertEqual(fee.amount, 100.0)
        self.assertEqual(self.ledger(fee.analytic_line_id), {self.src_grant: (100.0, 0.0),
                                                             self.src_customer: (150.0, 0.0)})
        proposals.action_post()
        self.assertEqual(fee.analytic_line_id.invoice_status, 'to_invoice')
        rest = self.propose()
        self.assertEqual([(p.partner_id, p.amount_total) for p in rest], [(self.customer, 150.0)])
        rest.action_post()
        self.assertEqual(fee.analytic_line_id.invoice_status, 'invoiced')

    def test_4_invoiced_hours_are_adjusted_not_edited(self):
        hours = self.timesheet(10.0)
        self.post_all()
        with self.assertRaisesRegex(UserError, 'is invoiced: it cannot be changed.*Adjust'):
            hours.unit_amount = 25.0
        proposals = hours._adjust(25.0, hours.sales_price)
        # per source one proposal: the reversal of the original and the correction
        self.assertEqual(sorted(proposals.mapped('amount_total')), [450.0, 1050.0])
        proposals.action_post()
        Line = self.env['account.analytic.line']
        reversal = Line.search([('adjusted_line_id', '=', hours.id), ('adjustment_kind', '=', 'reversal')])
        correction = Line.search([('adjusted_line_id', '=', hours.id),
                                  ('adjustment_kind', '=', 'correction')])
        self.assertEqual([(t.unit_amount, t.billing_amount, t.invoice_status)
                          for t in hours | reversal | correction],
                         [(10.0, 1000.0, 'invoiced'), (-10.0, -1000.0, 'invoiced'),
                          (25.0, 2500.0, 'invoiced')])
        # each funder credited exactly what it was billed
        self.assertEqual(self.ledger(reversal), {self.src_customer: (-700.0, -700.0),
                                                 self.src_grant: (-300.0, -300.0)})
        # the timesheet hours are true: 10 - 10 + 25
        total = sum(Line.search([('project_id', '=', self.project.id)]).mapped('unit_amount'))
        self.assertEqual(total, 25.0)
        self.assertEqual(set(proposals.mapped('invoice_id.project_document_title')),
                         {'Corrective invoice'})
        invoice = self.by_partner(proposals, self.customer).invoice_id
        self.assertEqual(sorted((l.quantity, l.price_unit) for l in invoice.invoice_line_ids),
                         [(-10.0, 70.0), (25.0, 70.0)])
        # adjusted once: the correction is what is adjusted next
        with self.assertRaisesRegex(UserError, 'adjusted already'):
            hours._adjust(30.0, hours.sales_price)
        with self.assertRaisesRegex(UserError, 'reversal mirrors'):
            reversal.unit_amount = -5.0

    def test_4_an_undone_adjustment_bills_the_difference_once(self):
        hours = self.timesheet(10.0)
        self.post_all()
        proposals = hours._adjust(12.0, hours.sales_price)
        proposals.action_cancel()                             # the corrective drafts dropped
        again = self.post_all()                               # the next run takes both anyway
        self.assertEqual(round(sum(again.mapped('amount_total')), 2), 200.0)
        billed = self.env['account.invoice'].search([
            ('project_proposal_id.contract_id', '=', self.contract.id), ('state', '=', 'open')])
        self.assertEqual(round(sum(billed.mapped('amount_total_signed')), 2), 1200.0)
        self.assertFalse(self.propose())

    def test_4_hours_edited_in_a_draft_proposal_are_carried(self):
        hours = self.timesheet(4.0)
        proposals = self.propose()
        hours.unit_amount = 40.0
        self.assertEqual(sorted(proposals.mapped('amount_total')), [1200.0, 2800.0])
        self.assertEqual(set(proposals.mapped('line_ids.quantity')), {40.0})
        proposals.action_post()
        self.assertEqual(round(sum(proposals.mapped('invoice_id.amount_total')), 2), 4000.0)
        # in review: refused until rejected
        more = self.timesheet(1.0, date='2026-03-05')
        self.contract.review_required = True
        again = self.propose()
        again.action_submit()
        with self.assertRaisesRegex(UserError, 'in review'):
            more.unit_amount = 2.0

    def test_6_credit_proposals_can_be_cancelled_and_deleted(self):
        hours = self.timesheet(1.0)
        self.post_all()
        credits = self.Proposal._propose_credit(hours)
        credits.action_cancel()
        self.assertEqual(hours.invoice_status, 'invoiced')
        credits.unlink()
        again = self.Proposal._propose_credit(hours)          # not blocked
        self.assertEqual(sorted(again.mapped('amount_total')), [-70.0, -30.0])
        again.unlink()                                        # a draft is deleted directly
        self.assertFalse(again.exists())

    def test_8_internal_rule_and_not_chargeable(self):
        internal = self.env['project.funding.source'].create({
            'contract_id': self.contract.id, 'partner_id': self.company.partner_id.id,
            'funding_type': 'internal'})
        self.env['project.funding.rule'].create({
            'contract_id': self.contract.id, 'name': 'Internal fees', 'sequence': 1,
            'transaction_type': 'expense', 'allocation_ids': [
                (0, 0, {'source_id': internal.id, 'percent': 100.0, 'is_rounding': True})]})
        cost = self.env['account.analytic.line'].create({
            'name': 'Taxi', 'account_id': self.project.analytic_account_id.id, 'amount': -20.0,
            'date': '2026-03-02', 'unit_amount': 1.0})
        self.assertEqual(cost.billing_type, 'expense')
        hours = self.timesheet(1.0)
        proposals = self.propose()
        self.assertEqual(cost.invoice_status, 'not_chargeable')
        self.assertIn('internal', cost.not_invoiceable_reason)
        # "not chargeable" when removing a line: every share leaves, never proposed again
        line = self.by_partner(proposals, self.customer).line_ids.filtered(
            lambda l: l.analytic_line_id == hours)
        self.env['project.invoice.proposal.remove'].create({
            'line_ids': [(6, 0, line.ids)], 'mode': 'not_chargeable', 'reason': 'Warranty'}).action_remove()
        self.assertEqual(hours.invoice_status, 'not_chargeable')
        self.assertEqual(hours.not_invoiceable_reason, 'Not chargeable: Warranty')
        self.assertFalse(proposals.mapped('line_ids'))
        self.assertFalse(self.propose())
        rows = self.env['project.invoice.control'].search([('analytic_line_id', '=', hours.id)])
        self.assertEqual([(r.status, r.amount) for r in rows], [('not_chargeable', 100.0)])
        hours.action_mark_chargeable()
        self.assertEqual(hours.invoice_status, 'to_invoice')
        self.assertEqual(sorted(self.propose().mapped('amount_total')), [30.0, 70.0])
