"""Periodic invoicing runs (issue 16): small runs at once, large ones as
queue_job jobs of N contracts; progress and per-contract errors on the run;
Retry failed; a job rerun after a crash or a retry creates nothing twice."""
from unittest.mock import patch

from odoo.exceptions import UserError

from odoo.addons.queue_job.job import Job

from ..models.project_invoicing_run import ProjectInvoicingRunLine
from .test_contract import BillingCase


class TestInvoicingRun(BillingCase):

    @classmethod
    def setUpClass(cls):
        super(TestInvoicingRun, cls).setUpClass()
        cls.Run = cls.env['project.invoicing.run']
        cls.Proposal = cls.env['project.invoice.proposal']
        no_income = cls.env['product.category'].create({'name': 'No income account (test)'})
        no_income.property_account_income_categ_id = False
        cls.broken_product = cls.hour_product.copy({'categ_id': no_income.id,
                                                    'property_account_income_id': False})
        cls.contracts = cls.env['project.contract']
        for i in range(5):
            contract = cls.env['project.contract'].create({
                'name': 'Run %d' % i, 'partner_id': cls.customer.id, 'state': 'active',
                'hour_product_id': cls.hour_product.id})
            project = cls.env['project.project'].create({
                'name': 'Run %d' % i, 'project_invoice_type': 'time_material',
                'contract_id': contract.id})
            cls.env['account.analytic.line'].create({
                'name': 'Work', 'project_id': project.id, 'employee_id': cls.employee.id,
                'unit_amount': 1.0 + i, 'date': '2026-03-02'})
            cls.contracts |= contract

    def jobs(self, run):
        return self.env['queue.job'].search([('model_name', '=', 'project.invoicing.run'),
                                             ('record_ids', 'like', '[%d]' % run.id)],
                                            order='id')

    def perform(self, queue_job):
        job = Job.load(self.env, queue_job.uuid)
        job.perform()

    def invoiced(self):
        return sorted(self.Proposal.search([('contract_id', 'in', self.contracts.ids)])
                      .mapped('amount_total'))

    def background(self, chunk=2):
        self.company.write({'project_invoicing_job_threshold': 1,
                            'project_invoicing_chunk_size': chunk})

    def test_small_run_at_once(self):
        run = self.Run._start(self.contracts, '2026-12-31', None, True)
        self.assertFalse(run.background)
        self.assertEqual((run.state, run.contract_count, run.done_count, run.progress),
                         ('done', 5, 5, 100.0))
        self.assertEqual(self.invoiced(), [90.0, 180.0, 270.0, 360.0, 450.0])
        self.assertEqual(run.invoice_count, 5)
        self.assertEqual(set(run.invoice_ids.mapped('state')), {'open'})
        self.assertFalse(self.jobs(run))

    def test_large_run_as_jobs_with_progress(self):
        self.background(chunk=2)
        run = self.Run._start(self.contracts, '2026-12-31', None, True)
        self.assertTrue(run.background)
        jobs = self.jobs(run)
        self.assertEqual(len(jobs), 3)                          # 2 + 2 + 1 contracts
        self.assertEqual(set(jobs.mapped('channel')), {'root.project_invoicing'})
        self.assertEqual((run.state, run.waiting_count, run.progress), ('running', 5, 0.0))
        self.assertFalse(self.invoiced())                       # returned at once
        self.perform(jobs[0])
        self.assertEqual((run.done_count, run.waiting_count, run.progress), (2, 3, 40.0))
        for job in jobs[1:]:
            self.perform(job)
        self.assertEqual(run.state, 'done')
        self.assertEqual(self.invoiced(), [90.0, 180.0, 270.0, 360.0, 450.0])
        # a job performed again (a retry of a done job) creates nothing
        self.perform(jobs[0])
        self.assertEqual(len(self.invoiced()), 5)

    def test_the_scheduled_action_starts_a_run_per_company_in_jobs(self):
        self.background(chunk=20)
        before = self.Run.search([])
        self.env['project.periodic.invoice.wizard']._cron_periodic_invoicing()
        run = self.Run.search([]) - before
        self.assertEqual(run.company_id, self.company)
        self.assertTrue(run.background)
        self.assertLessEqual(self.contracts, run.line_ids.mapped('contract_id'))
        self.assertEqual(len(self.jobs(run)), -(-run.contract_count // 20))
        for job in self.jobs(run):
            self.perform(job)
        self.assertEqual(self.invoiced(), [90.0, 180.0, 270.0, 360.0, 450.0])

    def test_a_run_whose_job_failed_for_good_is_retried(self):
        self.background(chunk=5)
        run = self.Run._start(self.contracts, '2026-12-31', None, True)
        job = self.jobs(run)
        with self.assertRaisesRegex(UserError, 'still running'):
            run.action_retry_failed()                          # its job is still pending
        job.write({'state': 'failed', 'exc_info': 'worker killed 5 times'})
        self.assertEqual((run.state, run.waiting_count), ('running', 5))
        run.action_retry_failed()
        retry = self.jobs(run) - job
        self.assertEqual(len(retry), 1)
        self.perform(retry)
        self.assertEqual(run.state, 'done')
        self.assertEqual(self.invoiced(), [90.0, 180.0, 270.0, 360.0, 450.0])

    def test_a_job_that_crashes_half_way_is_rerun_without_doubles(self):
        self.background(chunk=5)
        run = self.Run._start(self.contracts, '2026-12-31', None, True)
        job = self.jobs(run)
        original = ProjectInvoicingRunLine.write
        calls = []

        def crash_on_third(lines, vals):
            calls.append(vals)
            if vals.get('state') == 'done' and len(calls) == 3:
                raise RuntimeError('worker killed')
            return original(lines, vals)

        # the job's transaction dies after its proposals were created and two
        # contracts were marked done: everything of it rolls back
        with patch.object(ProjectInvoicingRunLine, 'write', crash_on_third):
            with self.assertRaisesRegex(RuntimeError, 'worker killed'):
                with self.env.cr.savepoint():
                    self.perform(job)
        self.env.clear()                     # what a new transaction would see
        self.assertFalse(self.invoiced())
        self.assertEqual(run.waiting_count, 5)
        self.perform(job)                                        # queue_job's retry
        self.assertEqual(self.invoiced(), [90.0, 180.0, 270.0, 360.0, 450.0])
        self.assertEqual(run.state, 'done')

    def test_failed_contracts_are_retried_after_the_fix(self):
        broken = self.contracts[2]
        broken.hour_product_id = self.broken_product
        run = self.Run._start(self.contracts, '2026-12-31', None, True)
        self.assertEqual((run.state, run.done_count, run.failed_count), ('failed', 4, 1))
        line = run.line_ids.filtered(lambda l: l.contract_id == broken)
        self.assertIn('No revenue account', line.error)
        self.assertEqual(len(self.invoiced()), 4)
        broken.hour_product_id = self.hour_product
        run.action_retry_failed()
        self.assertEqual((run.state, run.done_count, line.error), ('done', 5, False))
        self.assertEqual(self.invoiced(), [90.0, 180.0, 270.0, 360.0, 450.0])

    def test_what_stays_uninvoiced_fails_the_contract(self):
        unfunded = self.contracts[1]
        unfunded.funding_rule_ids.unlink()
        run = self.Run._start(self.contracts, '2026-12-31', None, True)
        line = run.line_ids.filtered(lambda l: l.contract_id == unfunded)
        self.assertEqual((run.state, run.done_count, run.failed_count), ('failed', 4, 1))
        self.assertIn('1 transaction(s) not invoiced', line.error)
        self.assertFalse(line.proposal_ids)
        self.assertEqual(len(self.invoiced()), 4)
        # funded again: the retry invoices it, once
        self.env['project.funding.rule'].create({
            'contract_id': unfunded.id, 'name': 'All', 'allocation_ids': [(0, 0, {
                'source_id': unfunded.funding_source_ids[0].id, 'percent': 100.0,
                'is_rounding': True})]})
        run.action_retry_failed()
        self.assertEqual((run.state, line.error), ('done', False))
        self.assertEqual(self.invoiced(), [90.0, 180.0, 270.0, 360.0, 450.0])

    def test_billing_rules_at_night_as_jobs(self):
        for contract in self.contracts:
            fp = self.env['project.project'].create({
                'name': 'FP %s' % contract.name, 'project_invoice_type': 'fixed_price',
                'contract_id': contract.id, 'fixed_price': 1000.0})
            self.env['project.on.account'].create({
                'project_id': fp.id, 'kind': 'milestone', 'name': 'All', 'amount_type': 'percent',
                'percent': 100.0}).action_mark_complete()
            # the rule comes after the completion: only the nightly action proposes
            self.env['project.billing.rule'].create({
                'contract_id': contract.id, 'name': 'Milestones', 'rule_type': 'milestone'})
        self.background(chunk=2)
        before = self.env['queue.job'].search([])
        self.env['project.billing.rule']._cron_apply()
        jobs = self.env['queue.job'].search([('method_name', '=', '_apply_contracts_job')]) - before
        self.assertGreaterEqual(len(jobs), 3)                  # 5 contracts, 2 per job
        self.assertFalse(self.Proposal.search([('contract_id', 'in', self.contracts.ids),
                                               ('billing_rule_id', '!=', False)]))
        for job in jobs:
            self.perform(job)
            self.perform(job)                                  # a rerun proposes nothing twice
        proposed = self.Proposal.search([('contract_id', 'in', self.contracts.ids),
                                         ('billing_rule_id', '!=', False)])
        self.assertEqual(proposed.mapped('amount_total'), [1000.0] * 5)

    def test_only_invoicing_users_start_or_retry_a_run(self):
        from odoo.exceptions import AccessError
        user = self.env['res.users'].with_context(no_reset_password=True).create({
            'name': 'Employee (test)', 'login': 'run_employee', 'email': 'run@example.com',
            'groups_id': [(6, 0, [self.env.ref('project.group_project_user').id])]})
        with self.assertRaises(AccessError):
            self.Run.sudo(user)._start(self.contracts, '2026-12-31', None, True)
        run = self.Run._start(self.contracts, '2026-12-31', None, True)
        with self.assertRaises(AccessError):
            run.sudo(user).write({'post': False})
