"""Billing schedules (milestones) and on-account transactions."""
from odoo.exceptions import UserError, ValidationError

from .test_contract import BillingCase, amounts


class TestBillingSchedule(BillingCase):

    @classmethod
    def setUpClass(cls):
        super(TestBillingSchedule, cls).setUpClass()
        cls.fp = cls.env['project.project'].create({
            'name': 'Fixed price (test)', 'project_invoice_type': 'fixed_price',
            'contract_id': cls.contract.id, 'fixed_price': 12345.67})

    def schedule(self, percents, project=None):
        OnAccount = self.env['project.on.account']
        return OnAccount.browse([OnAccount.create({
            'project_id': (project or self.fp).id, 'kind': 'milestone', 'sequence': i,
            'name': 'M%d' % i, 'amount_type': 'percent', 'percent': pct}).id
            for i, pct in enumerate(percents)])

    def test_schedule_sums_exactly_to_the_fixed_price(self):
        milestones = self.schedule([20, 30, 15, 35])
        self.assertEqual(amounts(milestones), [2469.13, 3703.70, 1851.85, 4320.99])
        self.assertEqual(round(sum(milestones.mapped('amount')), 2), 12345.67)
        self.assertEqual(set(milestones.mapped('status')), {'planned'})
        # changing the price re-spreads it, the last still absorbing rounding
        self.fp.fixed_price = 100.0
        self.assertEqual(amounts(milestones), [20.0, 30.0, 15.0, 35.0])
        self.fp.fixed_price = 0.05
        self.assertEqual(round(sum(milestones.mapped('amount')), 2), 0.05)

    def test_three_thirds(self):
        milestones = self.schedule([33.3333, 33.3333, 33.3334])
        self.fp.fixed_price = 100.0
        self.assertEqual(amounts(milestones), [33.33, 33.33, 33.34])

    def test_schedule_over_100_percent_refused(self):
        self.schedule([60, 30])
        with self.assertRaisesRegex(ValidationError, 'cannot exceed 100'):
            self.schedule([20])

    def test_milestone_invoiced_only_once_complete(self):
        task = self.env['project.task'].create({'name': 'Delivery', 'project_id': self.fp.id})
        milestone = self.schedule([100])
        milestone.task_id = task
        with self.assertRaisesRegex(UserError, 'not complete'):
            milestone._check_invoiceable()
        # the activity reaching a closing (folded) stage completes it
        done = self.env['project.task.type'].create({'name': 'Done (test)', 'fold': True,
                                                     'project_ids': [(4, self.fp.id)]})
        task.stage_id = done
        self.assertEqual(milestone.status, 'ready')
        self.assertEqual(milestone.completed_uid, self.env.user)
        milestone._check_invoiceable()
        milestone.action_reset_planned()
        milestone.action_mark_complete()
        self.assertEqual(milestone.status, 'ready')

    def test_on_account_kinds(self):
        OnAccount = self.env['project.on.account']
        prepay = OnAccount.create({'project_id': self.project.id, 'kind': 'prepayment',
                                   'name': 'Prepayment', 'amount_type': 'fixed', 'fixed_amount': 1000.0})
        self.assertEqual(prepay.status, 'ready')
        deduction = OnAccount.create({'project_id': self.project.id, 'kind': 'deduction',
                                      'name': 'Deduct prepayment', 'amount_type': 'fixed',
                                      'fixed_amount': -1000.0})
        self.assertEqual(deduction.amount, -1000.0)
        with self.assertRaisesRegex(ValidationError, 'minus sign'):
            OnAccount.create({'project_id': self.project.id, 'kind': 'deduction', 'name': 'Bad',
                              'amount_type': 'fixed', 'fixed_amount': 100.0})
        with self.assertRaisesRegex(ValidationError, 'Fixed-price'):
            OnAccount.create({'project_id': self.project.id, 'kind': 'milestone', 'name': 'Bad',
                              'amount_type': 'fixed', 'fixed_amount': 100.0})
        with self.assertRaisesRegex(ValidationError, 'Time-and-material'):
            OnAccount.create({'project_id': self.fp.id, 'kind': 'prepayment', 'name': 'Bad',
                              'amount_type': 'fixed', 'fixed_amount': 100.0})
