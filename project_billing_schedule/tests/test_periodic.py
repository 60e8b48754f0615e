"""Periodic invoicing, billing rules and invoice control."""
from .test_proposal import ProposalCase


class TestPeriodicAndRules(ProposalCase):

    def make_contract(self, name, product=None, customer=None):
        contract = self.env['project.contract'].create({
            'name': name, 'partner_id': (customer or self.customer).id, 'state': 'active',
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
        action = wizard.action_run()
        run = self.env['project.invoicing.run'].browse(action['res_id'])
        self.assertEqual((run.state, run.done_count, run.failed_count), ('failed', 2, 1))
        self.assertIn('No revenue account', run.line_ids.filtered(
            lambda l: l.contract_id == broken).error)
        self.assertFalse(run.proposal_ids)                  # Good A and B: nothing new

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

    def test_due_date_with_and_without_payment_term(self):
        """An invoice is due on its date without a payment term (set when it
        is made) and as its customer's term says with one (Odoo's
        validation); the open item's maturity follows."""
        with_term = self.customer.copy({'name': 'Customer on 30 days'})
        with_term.property_payment_term_id = self.env.ref('account.account_payment_term_net')
        self.customer.property_payment_term_id = False
        contracts = self.env['project.contract']
        for name, customer in (('Due now', self.customer), ('Due in 30', with_term)):
            contract, project = self.make_contract(name, customer=customer)
            self.timesheet(2.0, project=project)
            contracts |= contract
        report = self.env['project.periodic.invoice.wizard']._run(contracts, '2026-12-10')
        self.assertFalse([e for c, p, e in report if e])
        due = {}
        for contract, proposals, _error in report:
            invoice = proposals.invoice_id
            self.assertEqual((invoice.state, invoice.date_invoice, invoice.amount_total),
                             ('open', '2026-12-10', 180.0))
            receivable = invoice.move_id.line_ids.filtered(
                lambda l: l.account_id == invoice.account_id)
            self.assertEqual(receivable.date_maturity, invoice.date_due)
            due[contract.name] = (invoice.payment_term_id, invoice.date_due)
        self.assertEqual(due['Due now'], (self.env['account.payment.term'], '2026-12-10'))
        self.assertEqual(due['Due in 30'], (self.env.ref('account.account_payment_term_net'),
                                            '2027-01-09'))

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
        self.contract.action_activate()
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
