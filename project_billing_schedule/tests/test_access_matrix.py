"""The project billing rows of docs/access-matrix.md, one test per cell."""
from odoo.addons.project_invoicing_base.tests.access_case import AccessMatrixCase, cells

from .access_matrix import MATRIX
from .test_proposal import ProposalCase


@cells
class TestBillingAccessMatrix(AccessMatrixCase, ProposalCase):
    MATRIX = MATRIX

    def fixed_price(self, amount=1000.0):
        return self.env['project.project'].create({
            'name': 'FP (matrix)', 'project_invoice_type': 'fixed_price',
            'contract_id': self.contract.id, 'fixed_price': amount})

    def milestone(self, project, percent=100.0, task=None):
        return self.env['project.on.account'].create({
            'project_id': project.id, 'kind': 'milestone', 'name': 'Delivery',
            'amount_type': 'percent', 'percent': percent, 'task_id': task.id if task else False})

    def proposals(self):
        hours = self.timesheet(10.0)
        return hours, self.propose()

    def do_contract_create(self, user):
        contract = self.env['project.contract'].sudo(user).create({
            'name': 'Matrix contract', 'partner_id': self.customer.id})
        contract = contract.sudo()
        self.assertEqual(contract.funding_source_ids.partner_id, self.customer)
        self.assertEqual(contract.funding_rule_ids.allocation_ids.percent, 100.0)

    def do_contract_edit(self, user):
        self.contract.sudo(user).write({'note': 'Agreed by phone'})
        self.assertEqual(self.contract.note, 'Agreed by phone')

    def do_contract_activate(self, user):
        self.contract.sudo(user).action_activate()
        self.assertEqual(self.contract.state, 'active')

    def do_apply_billing_rules(self, user):
        self.contract.action_activate()
        task = self.env['project.task'].create({'name': 'Work', 'project_id': self.project.id,
                                                'planned_hours': 10.0})
        self.env['project.billing.rule'].create({'contract_id': self.contract.id, 'name': 'Half',
                                                 'thresholds': '50'})
        self.timesheet(5.0, task=task)
        action = self.contract.sudo(user).action_apply_billing_rules()
        wizard = self.env['project.billing.rule.apply'].browse(action['res_id'])
        self.assertEqual(sorted(wizard.proposal_ids.mapped('amount_total')), [150.0, 350.0])

    def do_contract_review(self, user):
        self.contract.sudo(user).write({'review_required': True})
        self.assertTrue(self.contract.review_required)

    def do_funding_source(self, user):
        partner = self.env['res.partner'].create({'name': 'Sponsor (matrix)'})
        source = self.env['project.funding.source'].sudo(user).create({
            'contract_id': self.contract.id, 'partner_id': partner.id, 'funding_type': 'grant'})
        self.assertEqual(source.sudo().contract_id, self.contract)

    def do_funding_rule(self, user):
        rule = self.env['project.funding.rule'].sudo(user).create({
            'contract_id': self.contract.id, 'name': 'Rest (matrix)', 'sequence': 20,
            'allocation_ids': [(0, 0, {'source_id': self.src_customer.id, 'percent': 100.0,
                                       'is_rounding': True})]})
        self.assertEqual(rule.sudo().allocation_ids.percent, 100.0)

    def do_schedule(self, user):
        project = self.fixed_price()
        milestone = self.env['project.on.account'].sudo(user).create({
            'project_id': project.id, 'kind': 'milestone', 'name': 'Design',
            'amount_type': 'percent', 'percent': 40.0})
        self.assertEqual(milestone.sudo().amount, 400.0)

    def do_milestone_complete(self, user):
        milestone = self.milestone(self.fixed_price())
        milestone.sudo(user).action_mark_complete()
        self.assertEqual((milestone.status, milestone.completed_uid), ('ready', user))

    def do_task_done(self, user):
        project = self.fixed_price()
        task = self.env['project.task'].create({'name': 'Delivery', 'project_id': project.id})
        milestone = self.milestone(project, task=task)
        done = self.env['project.task.type'].create({'name': 'Done (matrix)', 'fold': True,
                                                     'project_ids': [(4, project.id)]})
        task.sudo(user).write({'stage_id': done.id})
        self.assertEqual((milestone.status, milestone.completed_uid), ('ready', user))

    def do_propose(self, user):
        self.timesheet(10.0)
        ids = self.contract.sudo(user).create_invoice_proposals('2026-12-31')
        self.assertEqual(sorted(self.Proposal.browse(ids).mapped('amount_total')), [300.0, 700.0])

    def do_edit_line(self, user):
        _hours, proposals = self.proposals()
        customer = self.by_partner(proposals, self.customer)
        customer.line_ids.sudo(user).write({'sales_price': 110.0})
        self.assertEqual(sorted(proposals.mapped('amount_total')), [330.0, 770.0])

    def do_submit(self, user):
        proposal = self.proposals()[1][0]
        proposal.sudo(user).action_submit()
        self.assertEqual((proposal.state, proposal.submitted_uid), ('review', user))

    def do_approve(self, user):
        proposal = self.proposals()[1][0]
        proposal.action_submit()
        proposal.sudo(user).action_approve()
        self.assertEqual((proposal.state, proposal.reviewed_uid), ('approved', user))

    def do_reject(self, user):
        proposal = self.proposals()[1][0]
        proposal.action_submit()
        proposal.sudo(user).action_reject('Wrong rate')
        self.assertEqual((proposal.state, proposal.reviewed_uid), ('draft', user))

    def do_post(self, user):
        hours, proposals = self.proposals()
        proposals.sudo(user).action_post()
        self.assertEqual(sorted(proposals.mapped('invoice_id.amount_total')), [300.0, 700.0])
        self.assertEqual(hours.invoice_status, 'invoiced')

    def do_credit(self, user):
        hours, proposals = self.proposals()
        proposals.action_post()
        ids = self.contract.sudo(user).create_credit_proposals(transaction_ids=hours.ids)
        self.assertEqual(sorted(self.Proposal.browse(ids).mapped('amount_total')),
                         [-700.0, -300.0])

    def do_release_retention(self, user):
        project = self.fixed_price()
        self.rule.allocation_ids.filtered(lambda a: a.source_id == self.src_grant).unlink()
        self.rule.allocation_ids.percent = 100.0
        self.src_customer.write({'retention_percent': 10.0, 'retention_release': 'completion_100'})
        self.milestone(project).action_mark_complete()
        self.propose(types=['on_account'], projects=project).action_post()
        ids = self.contract.sudo(user).create_retention_release(date='2026-12-31')
        self.assertEqual(self.Proposal.browse(ids).mapped('amount_total'), [100.0])

    def do_periodic(self, user):
        self.contract.action_activate()
        self.timesheet(10.0)
        wizard = self.env['project.periodic.invoice.wizard'].sudo(user).create({
            'contract_ids': [(6, 0, self.contract.ids)], 'date_to': '2026-12-31'})
        wizard.action_run()
        posted = self.Proposal.search([('contract_id', '=', self.contract.id),
                                       ('state', '=', 'posted')])
        self.assertEqual(sorted(posted.mapped('amount_total')), [300.0, 700.0])

    def do_settings(self, user):
        self.company.sudo(user).write({'project_proposal_four_eyes': False})
        self.assertFalse(self.company.project_proposal_four_eyes)
