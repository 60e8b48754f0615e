from odoo.exceptions import AccessError, UserError

from .test_contract import BillingCase


class ProposalCase(BillingCase):

    @classmethod
    def setUpClass(cls):
        super(ProposalCase, cls).setUpClass()
        env = cls.env
        g = lambda x: env.ref(x).id  # noqa: E731
        Users = env['res.users'].with_context(no_reset_password=True)
        cls.pi_user = Users.create({
            'name': 'PI user', 'login': 'pi_user_test', 'email': 'pi_user@example.com',
            'groups_id': [(6, 0, [g('base.group_user'),
                                  g('project_billing_schedule.group_project_invoicing_user')])]})
        cls.reviewer = Users.create({
            'name': 'PI reviewer', 'login': 'pi_reviewer_test', 'email': 'pi_reviewer@example.com',
            'groups_id': [(6, 0, [g('base.group_user'),
                                  g('project_billing_schedule.group_project_invoice_reviewer')])]})
        cls.Proposal = env['project.invoice.proposal']

    def propose(self, contract=None, **kw):
        kw.setdefault('date_to', '2026-12-31')
        proposals, reasons = self.Proposal._propose(contract or self.contract, **kw)
        return proposals

    def by_partner(self, proposals, partner):
        return proposals.filtered(lambda p: p.partner_id == partner)


class TestProposalPosting(ProposalCase):

    def test_time_and_material_split_70_30(self):
        """10 h at 100.00 + an item of cost 50.00 at 20 % markup, 70/30."""
        hours = self.timesheet(10.0)
        items = self.bill_purchase('chargeable')
        proposals = self.propose()
        self.assertEqual(len(proposals), 2)
        self.assertEqual(hours.invoice_status, 'in_proposal')
        self.assertEqual(items.invoice_status, 'in_proposal')
        customer = self.by_partner(proposals, self.customer)
        grant = self.by_partner(proposals, self.grant)
        self.assertEqual(customer.amount_total, 742.0)   # 700 + 42
        self.assertEqual(grant.amount_total, 318.0)      # 300 + 18
        proposals.action_post()
        self.assertEqual(set(proposals.mapped('state')), {'posted'})
        inv_c, inv_g = customer.invoice_id, grant.invoice_id
        self.assertEqual(inv_c.state, 'open')
        self.assertEqual(inv_c.type, 'out_invoice')
        self.assertEqual(inv_c.partner_id, self.customer)
        self.assertEqual(inv_c.amount_total, 742.0)
        self.assertEqual(inv_g.amount_total, 318.0)
        self.assertEqual(round(inv_c.amount_total + inv_g.amount_total, 2), 1060.0)
        self.assertEqual(hours.invoice_status, 'invoiced')
        self.assertEqual(items.invoice_status, 'invoiced')
        # every transaction links to an invoice line of each invoice
        self.assertEqual(hours.proposal_line_ids.mapped('invoice_line_id.invoice_id'), inv_c | inv_g)
        hour_line = inv_c.invoice_line_ids.filtered(lambda l: l.product_id == self.hour_product)
        self.assertEqual((hour_line.quantity, hour_line.price_unit), (10.0, 70.0))
        self.assertEqual(hour_line.account_analytic_id, self.project.analytic_account_id)
        # the receivable is booked exactly
        receivable = inv_c.move_id.line_ids.filtered(lambda l: l.account_id == inv_c.account_id)
        self.assertEqual(receivable.debit, 742.0)
        # the customer invoice's own analytic (revenue) lines are no transactions
        self.assertFalse(self.env['account.analytic.line'].search([
            ('move_id.invoice_id', 'in', (inv_c | inv_g).ids), ('billing_type', '!=', False)]))
        # nothing to invoice twice
        self.assertFalse(self.propose())
        with self.assertRaisesRegex(UserError, 'already posted'):
            customer.action_post()

    def test_sales_tax_on_the_invoices(self):
        """A taxed hour product: each funding source's invoice carries its
        own tax line and total, and the receivable is the taxed total."""
        tax = self.env['account.tax'].create({
            'name': 'Test sales tax 21 %', 'amount': 21.0, 'amount_type': 'percent',
            'type_tax_use': 'sale'})
        self.hour_product.taxes_id = tax
        self.timesheet(10.0)                                # 1,000.00 split 700/300
        proposals = self.propose()
        proposals.action_post()
        inv_c = self.by_partner(proposals, self.customer).invoice_id
        inv_g = self.by_partner(proposals, self.grant).invoice_id
        self.assertEqual((inv_c.amount_untaxed, inv_c.amount_tax, inv_c.amount_total),
                         (700.0, 147.0, 847.0))
        self.assertEqual((inv_g.amount_untaxed, inv_g.amount_tax, inv_g.amount_total),
                         (300.0, 63.0, 363.0))
        self.assertEqual(inv_c.tax_line_ids.tax_id, tax)
        receivable = inv_c.move_id.line_ids.filtered(lambda l: l.account_id == inv_c.account_id)
        self.assertEqual(receivable.debit, 847.0)
        tax_line = inv_g.move_id.line_ids.filtered(lambda l: l.tax_line_id == tax)
        self.assertEqual(tax_line.credit, 63.0)

    def test_invoice_followers(self):
        """Each invoiced partner follows its invoice once (as Odoo's own
        validation would subscribe it), next to the user who posted it; a
        funding source that is the posting user's own partner is no
        duplicate follower."""
        self.src_grant.partner_id = self.pi_user.partner_id
        self.timesheet(10.0)
        proposals = self.propose().sudo(self.pi_user)
        proposals.action_post()
        Followers = self.env['mail.followers']
        for proposal in proposals:
            invoice = proposal.invoice_id
            self.assertEqual(invoice.state, 'open')
            followers = Followers.search([('res_model', '=', 'account.invoice'),
                                          ('res_id', '=', invoice.id)])
            self.assertEqual(sorted(followers.mapped('partner_id').ids),
                             sorted(set([proposal.partner_id.id, self.pi_user.partner_id.id])))
            # the same subtypes as Odoo's own subscription on validation
            other = self.env['account.invoice'].create({
                'partner_id': proposal.partner_id.id, 'type': 'out_invoice'})
            other.message_subscribe([proposal.partner_id.id])
            subscribed = Followers.search([('res_model', '=', 'account.invoice'),
                                           ('res_id', '=', other.id),
                                           ('partner_id', '=', proposal.partner_id.id)])
            partner_follower = followers.filtered(lambda f: f.partner_id == proposal.partner_id)
            self.assertTrue(subscribed.subtype_ids)
            self.assertEqual(partner_follower.subtype_ids, subscribed.subtype_ids)
        self.assertEqual(sorted(proposals.mapped('invoice_id.amount_total')), [300.0, 700.0])

    def test_uneven_split_stays_exact(self):
        self.timesheet(1.0)
        self.timesheet(0.33)                                # 33.00
        self.timesheet(0.01)                                # 1.00
        proposals = self.propose()
        proposals.action_post()
        totals = proposals.mapped('invoice_id.amount_total')
        self.assertEqual(round(sum(totals), 2), 134.0)
        customer = self.by_partner(proposals, self.customer).invoice_id
        self.assertEqual(customer.amount_total, 93.8)       # 70 + 23.10 + 0.70

    def test_price_change_flows_to_invoice_and_transaction(self):
        hours = self.timesheet(10.0)
        proposals = self.propose()
        customer = self.by_partner(proposals, self.customer)
        line = customer.line_ids.filtered(lambda l: l.analytic_line_id == hours)
        line.sudo(self.pi_user).sales_price = 110.0
        self.assertEqual(hours.sales_price, 110.0)
        self.assertTrue(hours.sales_price_manual)
        self.assertEqual(hours.billing_amount, 1100.0)
        self.assertEqual(customer.amount_total, 770.0)
        self.assertEqual(self.by_partner(proposals, self.grant).amount_total, 330.0)
        proposals.action_post()
        self.assertEqual(customer.invoice_id.amount_total, 770.0)
        self.assertEqual(hours.invoice_status, 'invoiced')
        with self.assertRaises(UserError):
            line.sales_price = 120.0

    def test_remove_and_add_lines(self):
        keep = self.timesheet(2.0)
        drop = self.timesheet(3.0, date='2026-03-03')
        proposals = self.propose()
        customer = self.by_partner(proposals, self.customer)
        grant = self.by_partner(proposals, self.grant)
        # "not now" on the customer's proposal: the customer's share is to
        # invoice again; the grant's share stays on the grant's proposal
        customer.line_ids.filtered(lambda l: l.analytic_line_id == drop).unlink()
        self.assertEqual(drop.invoice_status, 'in_proposal')
        self.assertEqual(grant.line_ids.mapped('analytic_line_id'), keep | drop)
        self.assertEqual(customer.amount_total, 140.0)
        grant.line_ids.filtered(lambda l: l.analytic_line_id == drop).unlink()
        self.assertEqual(drop.invoice_status, 'to_invoice')
        self.assertFalse(drop.funding_share_ids)              # released: nothing proposed or posted
        # a fee added on the proposal becomes a fee transaction of the project
        self.env['project.invoice.proposal.line'].create({
            'proposal_id': customer.id, 'transaction_type': 'fee', 'name': 'Travel fee',
            'quantity': 1.0, 'sales_price': 45.5, 'project_id': self.project.id})
        fee = customer.line_ids.filtered(lambda l: l.transaction_type == 'fee')
        self.assertEqual(fee.amount, 45.5)
        self.assertEqual(fee.analytic_line_id.billing_type, 'fee')
        self.assertEqual(fee.analytic_line_id.invoice_status, 'in_proposal')
        self.assertEqual(customer.amount_total, 185.5)
        proposals.action_post()
        self.assertEqual(customer.invoice_id.amount_total, 185.5)
        self.assertEqual(fee.analytic_line_id.invoice_status, 'invoiced')
        # the removed one is proposed next time, to both sources
        again = self.propose()
        self.assertEqual(again.mapped('line_ids.analytic_line_id'), drop)
        self.assertEqual(sorted(again.mapped('amount_total')), [90.0, 210.0])

    def test_cancel_releases_its_own_shares(self):
        hours = self.timesheet(1.0)
        proposals = self.propose()
        customer, grant = self.by_partner(proposals, self.customer), self.by_partner(proposals, self.grant)
        customer.action_cancel()
        # the grant's share is still proposed; the customer's is due again
        self.assertEqual(hours.invoice_status, 'in_proposal')
        self.assertEqual(grant.line_ids.analytic_line_id, hours)
        grant.action_post()
        self.assertEqual(hours.invoice_status, 'to_invoice')
        again = self.propose()
        self.assertEqual([(p.partner_id, p.amount_total) for p in again], [(self.customer, 70.0)])
        again.action_post()
        self.assertEqual(hours.invoice_status, 'invoiced')
        self.assertFalse(self.propose())
        # a proposal whose every share is cancelled releases the frozen split
        more = self.timesheet(2.0, date='2026-03-04')
        self.propose().action_cancel()
        self.assertEqual(more.invoice_status, 'to_invoice')
        self.assertFalse(more.funding_share_ids)

    def test_split_per_transaction_type(self):
        self.timesheet(1.0)
        self.bill_purchase('chargeable')
        proposals = self.propose(split_by_type=True)
        self.assertEqual(len(proposals), 4)
        self.assertEqual(sorted(set(proposals.mapped('transaction_type'))), ['hour', 'item'])

    def test_per_contract_invoicing(self):
        self.contract.invoicing_mode = 'contract'
        other = self.env['project.project'].create({
            'name': 'Second T&M project', 'project_invoice_type': 'time_material',
            'contract_id': self.contract.id})
        self.timesheet(1.0)
        self.timesheet(2.0, project=other)
        proposals = self.propose()
        self.assertEqual(len(proposals), 2)
        self.assertEqual(set(proposals.mapped('line_ids.project_id').ids), {self.project.id, other.id})
        proposals.action_post()
        lines = self.by_partner(proposals, self.customer).invoice_id.invoice_line_ids
        self.assertEqual(lines.mapped('account_analytic_id'),
                         self.project.analytic_account_id | other.analytic_account_id)

    def test_fixed_price_milestones(self):
        fp = self.env['project.project'].create({
            'name': 'FP (test)', 'project_invoice_type': 'fixed_price',
            'contract_id': self.contract.id, 'fixed_price': 12345.67})
        OnAccount = self.env['project.on.account']
        milestones = OnAccount.browse([OnAccount.create({
            'project_id': fp.id, 'kind': 'milestone', 'sequence': i, 'name': 'M%d' % pct,
            'amount_type': 'percent', 'percent': pct}).id for i, pct in enumerate([20, 30, 15, 35])])
        self.rule.allocation_ids.filtered(lambda a: a.source_id == self.src_grant).unlink()
        self.rule.allocation_ids.percent = 100.0
        invoices = self.env['account.invoice']
        self.assertFalse(self.propose(types=['on_account']))       # nothing complete yet
        with self.assertRaisesRegex(UserError, 'not complete'):
            self.Proposal._propose(self.contract, on_accounts=milestones[1])
        for milestone in milestones:
            milestone.action_mark_complete()
            proposals = self.propose(types=['on_account'])
            self.assertEqual(proposals.mapped('line_ids.on_account_id'), milestone)
            proposals.action_post()
            self.assertEqual(milestone.status, 'invoiced')
            invoices |= proposals.invoice_id
        self.assertEqual([round(a, 2) for a in invoices.mapped('amount_total')],
                         [2469.13, 3703.70, 1851.85, 4320.99])
        self.assertEqual(round(sum(invoices.mapped('amount_total')), 2), 12345.67)
        self.assertEqual(fp._completion_percents()[fp], 100.0)

    def test_prepayment_then_deduction(self):
        OnAccount = self.env['project.on.account']
        self.rule.allocation_ids.filtered(lambda a: a.source_id == self.src_grant).unlink()
        self.rule.allocation_ids.percent = 100.0
        OnAccount.create({'project_id': self.project.id, 'kind': 'prepayment', 'name': 'Prepayment',
                          'amount_type': 'fixed', 'fixed_amount': 1000.0, 'date': '2026-01-10'})
        first = self.propose(types=['on_account'])
        first.action_post()
        self.assertEqual(first.invoice_id.amount_total, 1000.0)
        # the work is done: final invoice of 15 h, less the prepayment
        self.timesheet(15.0)
        OnAccount.create({'project_id': self.project.id, 'kind': 'deduction',
                          'name': 'Less prepayment', 'amount_type': 'fixed',
                          'fixed_amount': -1000.0, 'date': '2026-03-31'})
        final = self.propose()
        self.assertEqual(final.amount_total, 500.0)
        final.action_post()
        invoice = final.invoice_id
        self.assertEqual(invoice.type, 'out_invoice')
        self.assertEqual(invoice.amount_total, 500.0)
        deduction = invoice.invoice_line_ids.filtered(lambda l: l.price_subtotal < 0)
        self.assertEqual(deduction.price_subtotal, -1000.0)

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

    def test_review_required(self):
        self.contract.review_required = True
        self.timesheet(1.0)
        proposals = self.propose()
        customer = self.by_partner(proposals, self.customer).sudo(self.pi_user)
        with self.assertRaisesRegex(UserError, 'must be approved'):
            customer.action_post()
        customer.action_submit()
        self.assertEqual(customer.state, 'review')
        with self.assertRaises(AccessError):
            customer.action_approve()                           # not a reviewer
        with self.assertRaisesRegex(UserError, 'must be approved'):
            customer.action_post()
        customer.sudo(self.reviewer).action_reject('Wrong rate')
        self.assertEqual(customer.state, 'draft')
        self.assertEqual(customer.reject_reason, 'Wrong rate')
        customer.action_submit()
        customer.sudo(self.reviewer).action_approve()
        self.assertEqual(customer.reviewed_uid, self.reviewer)
        customer.sudo().action_post()
        self.assertEqual(customer.state, 'posted')
        self.assertTrue(customer.message_ids.filtered(lambda m: 'Rejected by PI reviewer' in (m.body or '')))
        # the company setting forces review for every contract
        self.contract.review_required = False
        self.company.project_proposal_review_required = True
        grant = self.by_partner(proposals, self.grant)
        self.assertTrue(grant.review_required)
        with self.assertRaisesRegex(UserError, 'must be approved'):
            grant.action_post()

    def test_double_posting_is_refused(self):
        """The last guard: were a share proposed twice (two sessions), the
        second posting is refused; the ledger never bills more than a share."""
        hours = self.timesheet(1.0)
        proposals = self.propose()
        customer = self.by_partner(proposals, self.customer)
        twin = customer.copy({'line_ids': []})
        self.env['project.invoice.proposal.line']._create_bulk(twin, [{
            'transaction_type': 'hour', 'analytic_line_id': hours.id, 'name': 'twin',
            'product_id': self.hour_product.id,
            'quantity': 1.0, 'sales_price': 100.0, 'amount': 70.0, 'share_percent': 70.0}])
        twin._recompute_totals()
        customer.action_post()
        with self.assertRaisesRegex(UserError, 'would be invoiced 140.0 to .* share of it is 70.0'):
            twin.action_post()

class TestPeriodicAndRules(ProposalCase):

    def make_contract(self, name, product=None):
        contract = self.env['project.contract'].create({
            'name': name, 'partner_id': self.customer.id, 'state': 'active',
            'hour_product_id': (product or self.hour_product).id})
        project = self.env['project.project'].create({
            'name': name, 'project_invoice_type': 'time_material', 'contract_id': contract.id})
        return contract, project

    def test_periodic_invoicing_with_a_broken_contract(self):
        no_income = self.env['product.category'].create({'name': 'No income account'})
        no_income.property_account_income_categ_id = False
        broken_product = self.hour_product.copy({'categ_id': no_income.id,
                                                 'property_account_income_id': False})
        contracts = self.env['project.contract']
        for name, product in (('Good A', None), ('Broken', broken_product), ('Good B', None)):
            contract, project = self.make_contract(name, product)
            self.timesheet(2.0, project=project)
            contracts |= contract
        Wizard = self.env['project.periodic.invoice.wizard']
        report = Wizard._run(contracts, '2026-12-31')
        ok = [(c, p) for c, p, error in report if not error]
        failed = [(c, error) for c, p, error in report if error]
        self.assertEqual(len(ok), 2)
        self.assertEqual([c.name for c, e in failed], ['Broken'])
        self.assertIn('No revenue account', failed[0][1])
        for contract, proposals in ok:
            self.assertEqual(proposals.mapped('invoice_id.state'), ['open'])
            self.assertEqual(proposals.invoice_id.amount_total, 180.0)
        broken = contracts.filtered(lambda c: c.name == 'Broken')
        self.assertFalse(broken.proposal_ids)               # rolled back, nothing half-done
        self.assertEqual(self.env['account.analytic.line'].search(
            [('billing_contract_id', '=', broken.id)]).invoice_status, 'to_invoice')
        # a second run invoices nothing new (and reports the broken one again)
        invoices_before = self.env['account.invoice'].search_count([])
        report = Wizard._run(contracts, '2026-12-31')
        self.assertEqual(self.env['account.invoice'].search_count([]), invoices_before)
        self.assertFalse(any(p for c, p, e in report if not e))
        wizard = Wizard.create({'contract_ids': [(6, 0, contracts.ids)], 'date_to': '2026-12-31'})
        wizard.action_run()
        self.assertIn('Broken: FAILED', wizard.result)
        self.assertIn('Good A: nothing to invoice', wizard.result)

    def test_periodic_invoicing_of_many_contracts_in_one_batch(self):
        """More invoices than one validation batch: every contract invoiced
        once, to the cent, each transaction linked to its invoice lines."""
        contracts = self.env['project.contract']
        count = self.Proposal._post_batch + 2
        for i in range(count):
            contract, project = self.make_contract('Batch %d' % i)
            self.timesheet(1.0 + i, project=project)
            contracts |= contract
        report = self.env['project.periodic.invoice.wizard']._run(contracts, '2026-12-31')
        self.assertFalse([e for c, p, e in report if e])
        invoices = self.env['account.invoice'].browse(
            [i for c, p, e in report for i in p.mapped('invoice_id').ids])
        self.assertEqual(len(invoices), count)
        self.assertEqual(set(invoices.mapped('state')), {'open'})
        # 1 + 2 + ... + 12 hours at 90.00
        self.assertEqual(round(sum(invoices.mapped('amount_total')), 2),
                         round(sum(range(1, count + 1)) * 90.0, 2))
        # the one customer follows each of its invoices, once
        followers = self.env['mail.followers'].search([
            ('res_model', '=', 'account.invoice'), ('res_id', 'in', invoices.ids),
            ('partner_id', '=', self.customer.id)])
        self.assertEqual(sorted(followers.mapped('res_id')), sorted(invoices.ids))
        lines = self.env['account.analytic.line'].search([
            ('billing_contract_id', 'in', contracts.ids), ('billing_type', '!=', False)])
        self.assertEqual(len(lines), count)
        self.assertEqual(set(lines.mapped('invoice_status')), {'invoiced'})
        for line in lines:
            self.assertEqual(line.proposal_line_ids.invoice_line_id.invoice_id.amount_total,
                             line.billing_amount)
        self.assertFalse(self.env['project.periodic.invoice.wizard']._run(contracts, '2026-12-31')[0][1])

    def test_billing_rule_thresholds(self):
        task = self.env['project.task'].create({'name': 'Work', 'project_id': self.project.id,
                                                'planned_hours': 100.0})
        rule = self.env['project.billing.rule'].create({
            'contract_id': self.contract.id, 'name': 'Quarters', 'thresholds': '25,50,75,100'})
        created = []
        for hours, expect in ((10, None), (20, 25.0), (5, None), (20, 50.0), (30, 75.0), (15, 100.0)):
            self.timesheet(hours, task=task)
            proposals = rule._apply()
            if expect is None:
                self.assertFalse(proposals, 'nothing crossed at %s h' % hours)
            else:
                self.assertEqual(set(proposals.mapped('billing_threshold')), {expect})
                self.assertEqual(len(proposals), 2)        # one per funding source
                created.append(expect)
            self.assertFalse(rule._apply())                 # once per threshold
        self.assertEqual(created, [25.0, 50.0, 75.0, 100.0])
        self.assertEqual(rule.last_threshold, 100.0)
        # every hour was proposed exactly once
        lines = self.env['account.analytic.line'].search([('billing_project_id', '=', self.project.id)])
        self.assertEqual(set(lines.mapped('invoice_status')), {'in_proposal'})

    def test_billing_rule_jump_makes_one_proposal(self):
        task = self.env['project.task'].create({'name': 'Work', 'project_id': self.project.id,
                                                'planned_hours': 10.0})
        rule = self.env['project.billing.rule'].create({
            'contract_id': self.contract.id, 'name': 'Quarters', 'thresholds': '25,50,75,100'})
        self.timesheet(6.0, task=task)
        proposals = rule._apply()
        self.assertEqual(set(proposals.mapped('billing_threshold')), {50.0})
        self.assertFalse(rule._apply())

    def test_milestone_rule_and_cron(self):
        fp = self.env['project.project'].create({
            'name': 'FP rule', 'project_invoice_type': 'fixed_price', 'contract_id': self.contract.id,
            'fixed_price': 1000.0})
        milestone = self.env['project.on.account'].create({
            'project_id': fp.id, 'kind': 'milestone', 'name': 'All', 'amount_type': 'percent',
            'percent': 100.0})
        self.contract.state = 'active'
        self.env['project.billing.rule'].create({'contract_id': self.contract.id, 'name': 'Milestones',
                                                 'rule_type': 'milestone'})
        self.env['project.billing.rule']._cron_apply()
        self.assertEqual(milestone.status, 'planned')
        milestone.action_mark_complete()
        self.env['project.billing.rule']._cron_apply()
        self.assertEqual(milestone.status, 'in_proposal')

    def test_invoice_control(self):
        self.timesheet(10.0)
        self.contract.contract_value = 5000.0
        self.propose().action_post()
        self.timesheet(2.0, date='2026-04-01')
        Control = self.env['project.invoice.control']
        rows = Control.read_group([('contract_id', '=', self.contract.id)],
                                  ['status', 'amount', 'contract_value'], ['status'])
        totals = dict((r['status'], r['amount']) for r in rows)
        self.assertEqual(sum(r['contract_value'] for r in rows), 5000.0)
        self.assertEqual(totals['contract_value'], 0.0)       # not added to the transactions
        self.assertEqual(totals['invoiced'], 1000.0)
        self.assertEqual(totals['to_invoice'], 200.0)
