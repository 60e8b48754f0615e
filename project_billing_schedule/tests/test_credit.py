"""Credit notes and retention."""
from odoo.exceptions import UserError

from .test_proposal import ProposalCase


class TestCredit(ProposalCase):

    def test_retention_and_release(self):
        fp = self.env['project.project'].create({
            'name': 'FP retention', 'project_invoice_type': 'fixed_price',
            'contract_id': self.contract.id, 'fixed_price': 20000.0})
        self.rule.allocation_ids.filtered(lambda a: a.source_id == self.src_grant).unlink()
        self.rule.allocation_ids.percent = 100.0
        self.src_customer.write({'retention_percent': 10.0, 'retention_release': 'completion_100'})
        first, last = [self.env['project.on.account'].create({
            'project_id': fp.id, 'kind': 'milestone', 'name': name, 'sequence': i,
            'amount_type': 'percent', 'percent': 50.0}) for i, name in enumerate(('Half', 'Rest'))]
        first.action_mark_complete()
        proposal = self.propose(types=['on_account'], projects=fp)
        self.assertEqual(proposal.amount_retention, -1000.0)
        self.assertEqual(proposal.amount_total, 9000.0)
        proposal.action_post()
        self.assertEqual(proposal.invoice_id.amount_total, 9000.0)
        self.assertEqual(self.src_customer._retention_outstanding(), 1000.0)
        # the project is half complete: the refusal names the condition
        with self.assertRaisesRegex(UserError, r'released at 100.0 % completion; FP retention is '
                                               r'50.0 % complete'):
            self.contract.create_retention_release(date='2026-12-31')
        last.action_mark_complete()
        self.propose(types=['on_account'], projects=fp).action_post()
        self.assertEqual(self.src_customer._retention_outstanding(), 2000.0)
        # each project on its own: the T&M project without planned hours
        # does not hold back the fixed-price project's retention
        release = self.Proposal.browse(self.contract.create_retention_release(date='2026-12-31'))
        self.assertEqual(release.kind, 'retention_release')
        self.assertEqual(release.project_id, fp)
        self.assertEqual(release.amount_total, 2000.0)
        release.action_post()
        self.assertEqual(release.invoice_id.amount_total, 2000.0)
        self.assertEqual(self.src_customer._retention_outstanding(), 0.0)
        self.assertFalse(self.Proposal._propose_retention_release(self.contract, '2026-12-31',
                                                                  explicit=False)[0])

    def test_credit_note_and_titles(self):
        hours = self.timesheet(10.0)
        proposals = self.propose()
        proposals.action_post()
        customer_invoice = self.by_partner(proposals, self.customer).invoice_id
        self.assertEqual(customer_invoice.project_document_title, 'Invoice')
        wizard = self.env['project.invoice.credit.wizard'].with_context(
            active_model='account.invoice', active_ids=customer_invoice.ids).create({})
        self.assertEqual(wizard.transaction_ids, hours)
        action = wizard.action_create()
        credits = self.Proposal.search(action['domain'])
        # from the customer's invoice: the customer's share only
        self.assertEqual([(c.partner_id, c.kind, c.amount_total) for c in credits],
                         [(self.customer, 'credit', -700.0)])
        with self.assertRaisesRegex(UserError, 'exists already'):
            self.Proposal._propose_credit(hours)
        credits.action_post()
        refund = credits.invoice_id
        self.assertEqual(refund.type, 'out_refund')
        self.assertEqual(refund.amount_total, 700.0)
        self.assertEqual(refund.refund_invoice_id, customer_invoice)
        self.assertEqual(hours.invoice_status, 'invoiced')    # the grant's 300.00 stands
        grant_credit = self.Proposal._propose_credit(hours)
        self.assertEqual(grant_credit.partner_id, self.grant)
        grant_credit.action_post()
        self.assertEqual(hours.invoice_status, 'credited')
        self.assertFalse(self.propose())                      # credited: not invoiced again
        # it corrects invoiced transactions: Corrective invoice, in Germany: Credit note
        self.assertEqual(refund.project_document_title, 'Corrective invoice')
        self.company.country_id = self.env.ref('base.de')
        refund.invalidate_cache()
        self.assertEqual(refund.project_document_title, 'Credit note')
        html = self.env.ref('project_billing_schedule.action_report_project_invoice').render_qweb_html(
            refund.ids)[0].decode()
        self.assertIn('Credit note', html)
        self.assertIn('Hours', html)
        # in Dutch: Creditnota, Correctiefactuur, Factuur
        self.env['res.lang'].load_lang('nl_NL')
        self.env['ir.translation'].load_module_terms(['project_billing_schedule'], ['nl_NL'])
        dutch = lambda invoice: invoice.with_context(lang='nl_NL').project_document_title  # noqa
        self.assertEqual(dutch(refund), 'Creditnota')
        self.company.country_id = self.env.ref('base.nl')
        refund.invalidate_cache()
        self.assertEqual(dutch(refund), 'Correctiefactuur')
        customer_invoice.invalidate_cache()
        self.assertEqual(dutch(customer_invoice), 'Factuur')

    def test_credit_and_invoice_again(self):
        hours = self.timesheet(10.0)
        self.propose().action_post()
        credits = self.Proposal._propose_credit(hours, reinvoice=True)
        credits.action_post()
        self.assertEqual(hours.invoice_status, 'to_invoice')
        again = self.propose()
        self.assertEqual(round(sum(again.mapped('amount_total')), 2), 1000.0)
        # a document mixing a credit and new work is classified by its total
        more = self.timesheet(1.0, date='2026-03-09')
        again.action_post()
        mixed = self.Proposal._propose_credit(hours) | self.propose()
        customer_docs = self.by_partner(mixed, self.customer)
        self.assertEqual(len(customer_docs), 2)
        self.assertIn(more, mixed.mapped('line_ids.analytic_line_id'))
