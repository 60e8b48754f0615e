from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError
from odoo.tools import mute_logger

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
        # and to one only: a second link is refused by the database
        line = hours.proposal_line_ids[0]
        other = (inv_c | inv_g).mapped('invoice_line_ids') - line.invoice_line_id
        with self.assertRaises(IntegrityError), mute_logger('odoo.sql_db'), \
                self.env.cr.savepoint():
            self.env.cr.execute('INSERT INTO project_proposal_line_invoice_line_rel '
                                '(proposal_line_id, invoice_line_id) VALUES (%s, %s)',
                                (line.id, other[0].id))
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
        # a changed quantity keeps the fee with the proposal's source (its
        # own share comes first in the frozen chain, before the 70/30 rule)
        fee.write({'quantity': 2.0})
        self.assertEqual((fee.amount, customer.amount_total), (91.0, 231.0))
        fee.write({'quantity': 1.0})
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
        twin = customer._create_internal({'contract_id': customer.contract_id.id,
                                         'funding_source_id': customer.funding_source_id.id})
        self.env['project.invoice.proposal.line']._create_bulk(twin, [{
            'transaction_type': 'hour', 'analytic_line_id': hours.id, 'name': 'twin',
            'product_id': self.hour_product.id,
            'quantity': 1.0, 'sales_price': 100.0, 'amount': 70.0, 'share_percent': 70.0}])
        twin._recompute_totals()
        customer.action_post()
        with self.assertRaisesRegex(UserError, 'would be invoiced 140.0 to .* share of it is 70.0'):
            twin.action_post()
