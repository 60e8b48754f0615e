"""What the contract, funding, proposal and periodic-invoicing screens do
(issue 15): billing rules applied from the contract and when work
completes, funding checked on rule save and on activation, the periodic
run's explicit scope and preview, the reviewer's menu."""
from lxml import etree

from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.project_invoicing_base.tests.screens import (
    assert_action_readable,
    assert_menu_visible,
)

from .test_contract import BillingCase


class TestScreens(BillingCase):

    @classmethod
    def setUpClass(cls):
        super(TestScreens, cls).setUpClass()
        cls.contract.action_activate()
        cls.Proposal = cls.env['project.invoice.proposal']
        cls.done_stage = cls.env['project.task.type'].create({'name': 'Done (test)', 'fold': True})
        Users = cls.env['res.users'].with_context(no_reset_password=True)
        ref = cls.env.ref
        cls.project_user = Users.create({
            'name': 'Project user (test)', 'login': 'screens_project_user',
            'email': 'screens_project_user@example.com',
            'groups_id': [(6, 0, [ref('base.group_user').id, ref('project.group_project_user').id])]})
        cls.invoicing_user = Users.create({
            'name': 'Invoicing user (test)', 'login': 'screens_invoicing_user',
            'email': 'screens_invoicing_user@example.com',
            'groups_id': [(6, 0, [ref('base.group_user').id, ref(
                'project_billing_schedule.group_project_invoicing_user').id])]})
        cls.reviewer = Users.create({
            'name': 'Reviewer (test)', 'login': 'screens_reviewer',
            'email': 'screens_reviewer@example.com',
            'groups_id': [(6, 0, [ref('base.group_user').id, ref(
                'project_billing_schedule.group_project_invoice_reviewer').id])]})

    def fixed_price(self, percents, price=1000.0):
        fp = self.env['project.project'].create({
            'name': 'FP (test)', 'project_invoice_type': 'fixed_price',
            'contract_id': self.contract.id, 'fixed_price': price})
        self.done_stage.project_ids = [(4, fp.id)]
        milestones = self.env['project.on.account']
        for i, pct in enumerate(percents):
            task = self.env['project.task'].create({'name': 'Task %d' % i, 'project_id': fp.id})
            milestones |= milestones.create({
                'project_id': fp.id, 'kind': 'milestone', 'name': 'M%d' % i, 'sequence': i,
                'amount_type': 'percent', 'percent': pct, 'task_id': task.id,
                # dated before every user's today: the test's users live in
                # different time zones, and a rule proposes up to today
                'date': '2026-01-15'})
        return fp, milestones

    # -- billing rules -------------------------------------------------
    def test_apply_billing_rules_shows_what_fired(self):
        task = self.env['project.task'].create({'name': 'Work', 'project_id': self.project.id,
                                                'planned_hours': 10.0})
        rule = self.env['project.billing.rule'].create({
            'contract_id': self.contract.id, 'name': 'Quarters', 'thresholds': '25,50,75,100'})
        self.timesheet(6.0, task=task)
        action = self.contract.action_apply_billing_rules()
        wizard = self.env[action['res_model']].browse(action['res_id'])
        self.assertEqual(wizard.line_ids.rule_id, rule)
        self.assertEqual(wizard.line_ids.completion, 60.0)
        self.assertEqual(wizard.line_ids.result, '50.0 % reached: proposed')
        self.assertEqual(wizard.proposal_count, 2)             # 70 % customer, 30 % grant
        self.assertEqual(sorted(wizard.proposal_ids.mapped('amount_total')), [180.0, 420.0])
        self.assertEqual(set(wizard.proposal_ids.mapped('billing_threshold')), {50.0})
        self.assertIn('2 invoice proposal(s) created', self.contract.message_ids[0].body)
        # again: nothing new, and it says what comes next
        again = self.env['project.billing.rule.apply'].browse(
            self.contract.action_apply_billing_rules()['res_id'])
        self.assertFalse(again.proposal_ids)
        self.assertEqual(again.line_ids.result, 'Next threshold: 75.0 %')
        self.assertEqual(wizard.action_view_proposals()['domain'],
                         [('id', 'in', wizard.proposal_ids.ids)])

    def test_apply_billing_rules_needs_an_active_contract_and_the_right(self):
        self.env['project.billing.rule'].create({'contract_id': self.contract.id, 'name': 'Q'})
        self.contract.action_close()
        with self.assertRaisesRegex(UserError, 'activate contract'):
            self.contract.action_apply_billing_rules()
        self.contract.action_draft()
        self.contract.action_activate()
        with self.assertRaisesRegex(UserError, 'one contract at a time'):
            (self.contract | self.contract.copy()).action_apply_billing_rules()
        with self.assertRaises(AccessError):
            self.contract.sudo(self.project_user).action_apply_billing_rules()

    def test_completing_a_task_applies_the_thresholds_at_once(self):
        fp, milestones = self.fixed_price([50, 50])
        self.env['project.billing.rule'].create({
            'contract_id': self.contract.id, 'name': 'Halves', 'thresholds': '50,100',
            'project_id': fp.id})
        # an invoicing user closes the first task: its milestone completes,
        # the project is 50 % complete and the rule proposes it, no cron needed
        milestones[0].task_id.sudo(self.invoicing_user).write({'stage_id': self.done_stage.id})
        proposals = self.Proposal.search([('project_id', '=', fp.id)])
        self.assertEqual(set(proposals.mapped('billing_threshold')), {50.0})
        self.assertEqual(round(sum(proposals.mapped('amount_total')), 2), 500.0)
        self.assertEqual(proposals.mapped('create_uid'), self.invoicing_user)   # theirs
        self.assertEqual(milestones[0].status, 'in_proposal')
        self.assertEqual(milestones[1].status, 'planned')
        # a project user, who may not create proposals, completes the second
        # milestone; its proposal waits for the scheduled action
        milestones[1].task_id.sudo(self.project_user).write({'stage_id': self.done_stage.id})
        self.assertEqual(milestones[1].status, 'ready')
        self.assertEqual(self.Proposal.search_count([('project_id', '=', fp.id)]), 2)
        self.env['project.billing.rule']._cron_apply()
        self.assertEqual(milestones[1].status, 'in_proposal')

    def test_completing_a_milestone_applies_a_milestone_rule(self):
        fp, milestones = self.fixed_price([30, 70])
        self.env['project.billing.rule'].create({
            'contract_id': self.contract.id, 'name': 'Each milestone', 'rule_type': 'milestone'})
        milestones[0].action_mark_complete()
        self.assertEqual(milestones[0].status, 'in_proposal')
        proposals = self.Proposal.search([('project_id', '=', fp.id)])
        self.assertEqual(round(sum(proposals.mapped('amount_total')), 2), 300.0)

    # -- funding set-up --------------------------------------------------
    def test_activation_needs_funding_for_every_transaction_type(self):
        contract = self.env['project.contract'].with_context(
            project_contract_no_default_funding=True).create({
                'name': 'Unfunded', 'partner_id': self.customer.id})
        source = self.env['project.funding.source'].create({
            'contract_id': contract.id, 'partner_id': self.customer.id})
        with self.assertRaisesRegex(UserError, 'no funding rule covers Hours, Expenses, Items, '
                                               'Fees, On-account'):
            contract.action_activate()
        hours = self.env['project.funding.rule'].create({
            'contract_id': contract.id, 'name': 'Hours', 'transaction_type': 'hour',
            'allocation_ids': [(0, 0, {'source_id': source.id, 'percent': 100.0,
                                       'is_rounding': True})]})
        with self.assertRaisesRegex(UserError, 'covers Expenses, Items, Fees, On-account'):
            contract.action_activate()
        # a rule that ends does not cover what comes after it
        hours.copy({'name': 'Rest until June', 'transaction_type': 'all',
                    'date_to': '2026-06-30', 'contract_id': contract.id})
        with self.assertRaisesRegex(UserError, 'covers Expenses'):
            contract.action_activate()
        # nor does one that starts after the contract
        later = hours.copy({'name': 'Rest from 2099', 'transaction_type': 'all',
                            'date_from': '2099-01-01', 'contract_id': contract.id})
        with self.assertRaisesRegex(UserError, 'covers Expenses'):
            contract.action_activate()
        later.date_from = False
        contract.action_activate()
        self.assertEqual(contract.state, 'active')
        # the state is the managers': not by create or copy either
        with self.assertRaisesRegex(AccessError, 'Only project invoicing managers'):
            self.env['project.contract'].sudo(self.invoicing_user).create({
                'name': 'Born active', 'partner_id': self.customer.id, 'state': 'active'})
        with self.assertRaisesRegex(AccessError, 'Only project invoicing managers'):
            contract.sudo(self.invoicing_user).copy({'state': 'active'})

    def test_a_rule_is_checked_when_it_is_saved(self):
        action = self.contract.action_edit_funding_rules()
        self.assertEqual(action['res_model'], 'project.funding.rule')
        self.assertEqual(action['domain'], [('contract_id', '=', self.contract.id)])
        self.assertEqual(action['context'], {'default_contract_id': self.contract.id})
        self.assertEqual(self.rule.allocation_summary,
                         'Customer (test) 70 % (rounding), Grant fund (test) 30 %')
        with self.assertRaisesRegex(ValidationError, 'total 110.0 %'):
            self.rule.write({'allocation_ids': [(1, self.rule.allocation_ids[1].id,
                                                 {'percent': 40.0})]})
        # the contract form lists the rules read-only; they are edited in their own form
        arch = etree.fromstring(self.env['project.contract'].fields_view_get(
            view_type='form')['arch'])
        self.assertEqual(arch.xpath('//field[@name="funding_rule_ids"]')[0].get('readonly'), '1')
        self.assertTrue(arch.xpath('//button[@name="action_edit_funding_rules"]'))

    # -- proposals -------------------------------------------------------
    def test_proposal_screens(self):
        Proposal = self.env['project.invoice.proposal']
        tree = etree.fromstring(Proposal.fields_view_get(view_type='tree')['arch'])
        self.assertTrue(tree.xpath('//field[@name="transaction_type"]'))
        line_form = self.env['project.invoice.proposal.line'].fields_view_get(view_type='form')
        self.assertEqual(line_form['view_id'], self.env.ref(
            'project_billing_schedule.view_invoice_proposal_line_form').id)
        self.assertEqual(Proposal.action_open_reject()['name'], 'Reject invoice proposal')

    def test_reviewer_menu_and_counter(self):
        self.contract.sudo().review_required = True
        self.timesheet(10.0)
        proposals = self.Proposal._propose(self.contract, date_to='2026-12-31')[0]
        proposals.action_submit()
        assert_menu_visible(self, self.reviewer,
                            'project_billing_schedule.menu_invoice_proposal_to_review')
        action = self.env.ref('project_billing_schedule.action_invoice_proposal_to_review')
        self.assertIn('to_review_me', action.context)
        mine = self.Proposal.sudo(self.reviewer).search(
            [('state', '=', 'review'), ('reviewer_ids', 'in', [self.reviewer.id])])
        self.assertEqual(mine & proposals, proposals)
        # OCA's Reviews counter in the top bar counts them (and any waiting before)
        counts = self.env['res.users'].sudo(self.reviewer).review_user_count()
        self.assertEqual([c['pending_count'] for c in counts
                          if c['model'] == 'project.invoice.proposal'], [len(mine)])
        proposals.sudo(self.reviewer).action_approve()
        counts = self.env['res.users'].sudo(self.reviewer).review_user_count()
        self.assertEqual([c['pending_count'] for c in counts
                          if c['model'] == 'project.invoice.proposal'],
                         [len(mine) - 2] if len(mine) > 2 else [])
        assert_action_readable(self, self.reviewer,
                               'project_billing_schedule.action_invoice_proposal_to_review')

    # -- periodic invoicing ----------------------------------------------
    def test_periodic_invoicing_scope_is_explicit_and_previewed(self):
        self.timesheet(10.0)
        self.timesheet(2.0, date='2027-01-15')                  # after "up to"
        Wizard = self.env['project.periodic.invoice.wizard']
        empty = Wizard.create({'date_to': '2026-12-31'})
        self.assertEqual(empty.scope, 'selected')
        with self.assertRaisesRegex(UserError, 'All active contracts'):
            empty.action_run()
        draft = self.contract.copy()
        with self.assertRaisesRegex(UserError, 'is not active'):
            Wizard.create({'date_to': '2026-12-31',
                           'contract_ids': [(6, 0, (self.contract | draft).ids)]}).action_run()
        chosen = Wizard.create({'date_to': '2026-12-31', 'contract_ids': [(6, 0, self.contract.ids)]})
        self.assertEqual((chosen.preview_contract_count, chosen.preview_transaction_count), (1, 1))
        everything = Wizard.create({'date_to': '2026-12-31', 'scope': 'all'})
        active = self.env['project.contract'].search_count([('state', '=', 'active')])
        self.assertEqual(everything.preview_contract_count, active)
        self.assertGreaterEqual(everything.preview_transaction_count, 1)
        run = self.env['project.invoicing.run'].browse(chosen.action_run()['res_id'])
        self.assertEqual((run.state, run.done_count, run.progress), ('done', 1, 100.0))
        self.assertEqual(sorted(self.Proposal.search([('contract_id', '=', self.contract.id)])
                                .mapped('amount_total')), [300.0, 700.0])
        self.assertEqual(Wizard.create({
            'date_to': '2026-12-31', 'contract_ids': [(6, 0, self.contract.ids)]})
            .preview_transaction_count, 0)

    # -- chatter ---------------------------------------------------------
    def test_funding_sources_and_milestones_have_a_chatter(self):
        self.src_grant.limit_amount = 5000.0
        tracked = self.src_grant.message_ids[0].tracking_value_ids
        self.assertEqual(tracked.mapped('field'), ['limit_amount'])
        self.assertEqual(tracked.new_value_monetary, 5000.0)
        fp, milestones = self.fixed_price([100])
        milestones.percent = 90.0
        self.assertEqual(milestones.message_ids[0].tracking_value_ids.mapped(
            lambda t: (t.field, t.new_value_float)), [('percent', 90.0)])

    def test_what_a_rule_cannot_invoice_is_said(self):
        task = self.env['project.task'].create({'name': 'Work', 'project_id': self.project.id,
                                                'planned_hours': 10.0})
        self.env['project.billing.rule'].create({
            'contract_id': self.contract.id, 'name': 'Done', 'thresholds': '100'})
        self.rule.write({'transaction_type': 'expense'})         # hours no longer funded
        self.timesheet(10.0, task=task)
        wizard = self.env['project.billing.rule.apply'].browse(
            self.contract.action_apply_billing_rules()['res_id'])
        self.assertFalse(wizard.proposal_ids)
        self.assertIn('100.0 % reached: nothing to invoice (1 transaction(s) not invoiced: '
                      'No funding rule', wizard.line_ids.result)
        self.env['project.billing.rule']._cron_apply()
        self.assertIn('Billing rules: 1 transaction(s) not invoiced',
                      self.contract.message_ids[0].body)
