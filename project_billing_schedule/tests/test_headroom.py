"""Funding headroom: a contract's not-to-exceed amount over its sources."""
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError
from odoo.tools import mute_logger

from .test_proposal import ProposalCase


class TestHeadroom(ProposalCase):

    @classmethod
    def setUpClass(cls):
        super(TestHeadroom, cls).setUpClass()
        cls.manager = cls.env['res.users'].with_context(no_reset_password=True).create({
            'name': 'Contract manager (test)', 'login': 'headroom_manager',
            'email': 'manager@example.com',
            'groups_id': [(6, 0, [cls.env.ref('base.group_user').id])]})
        cls.contract.write({'not_to_exceed': 1000.0, 'user_id': cls.manager.id})

    def figures(self):
        self.contract.invalidate_cache()
        c = self.contract
        return (c.headroom_invoiced, c.headroom_in_proposal, c.headroom_to_invoice, c.headroom,
                c.headroom_percent, c.headroom_state)

    def alerts(self):
        return self.env['mail.message'].search([
            ('model', '=', 'project.contract'), ('res_id', '=', self.contract.id),
            ('partner_ids', 'in', self.manager.partner_id.ids)], order='id')

    def test_79_80_101_percent(self):
        self.timesheet(7.9, date='2026-03-02')                       # 790.00 at 100.00 / h
        self.assertEqual(self.figures(), (0.0, 0.0, 790.0, 210.0, 79.0, 'ok'))
        self.propose()
        self.assertEqual(self.figures(), (0.0, 790.0, 0.0, 210.0, 79.0, 'ok'))
        self.assertFalse(self.alerts())
        self.timesheet(0.1, date='2026-03-03')                       # 800.00: 80 %
        self.assertEqual(self.figures()[3:], (200.0, 80.0, 'warning'))
        self.propose()
        self.assertEqual(len(self.alerts()), 1)
        self.assertIn('80.0 % used', self.alerts()[0].body)
        # the contract's projects and its timesheet entries show it
        self.assertEqual((self.project.contract_headroom, self.project.contract_headroom_state),
                         (200.0, 'warning'))
        over = self.timesheet(2.1, date='2026-03-04')                 # 1,010.00: 101 %
        self.assertEqual((over.contract_headroom, over.contract_headroom_state),
                         (-10.0, 'exceeded'))
        proposals = self.Proposal.search([('contract_id', '=', self.contract.id)]) | self.propose()
        # 200.00 of the last 210.00 fits, split 70/30; 10.00 waits on hold
        self.assertEqual(sorted((p.partner_id.name, p.amount_total) for p in proposals),
                         [('Customer (test)', 7.0), ('Customer (test)', 140.0),
                          ('Customer (test)', 553.0), ('Grant fund (test)', 3.0),
                          ('Grant fund (test)', 60.0), ('Grant fund (test)', 237.0)])
        self.assertEqual(round(sum(proposals.mapped('amount_total')), 2), 1000.0)
        hold = self.contract.funding_source_ids.filtered(lambda s: s.funding_type == 'on_hold')
        self.assertEqual(len(hold), 1)
        self.assertEqual(over.invoice_status, 'in_proposal')   # its other part
        control = self.env['project.invoice.control'].search([('analytic_line_id', '=', over.id)])
        self.assertEqual(sorted((c.status, c.amount) for c in control),
                         [('in_proposal', 200.0), ('to_invoice', 10.0)])
        self.assertEqual(self.figures(), (0.0, 1000.0, 10.0, -10.0, 101.0, 'exceeded'))
        self.assertEqual(len(self.alerts()), 2)
        self.assertIn('101.0 % used', self.alerts()[1].body)
        # nothing new: no new message on the next run
        self.propose()
        self.assertEqual(len(self.alerts()), 2)
        # posting changes where it stands, not what is used
        proposals.action_post()
        self.assertEqual(self.figures(), (1000.0, 0.0, 10.0, -10.0, 101.0, 'exceeded'))
        # someone moves the held work: its source is invoiced from now on
        hold.funding_type = 'customer'
        held = self.propose()
        self.assertEqual((held.funding_source_id, held.amount_total), (hold, 10.0))

    def test_limit_raised_rearms_and_sources_keep_their_own_limit(self):
        self.src_grant.limit_amount = 150.0
        self.timesheet(10.0)                                          # 1,000.00
        proposals = self.propose()
        # the grant's own limit (150) cuts the 70/30 rule; no other rule: on hold
        self.assertEqual(sorted((p.funding_source_id.funding_type, p.amount_total)
                                for p in proposals), [('customer', 350.0), ('grant', 150.0)])
        self.assertEqual(self.figures()[:3], (0.0, 500.0, 500.0))
        with self.assertRaises(IntegrityError), mute_logger('odoo.sql_db'):
            with self.env.cr.savepoint():
                self.contract.not_to_exceed = -1.0
        self.contract.not_to_exceed = 5000.0
        self.assertEqual(self.figures()[3:], (4000.0, 20.0, 'ok'))

    def test_no_limit_no_on_hold_source(self):
        self.contract.not_to_exceed = 0.0
        self.timesheet(50.0)
        self.propose()
        self.assertEqual(self.figures()[3:], (0.0, 0.0, 'none'))
        self.assertFalse(self.contract.funding_source_ids.filtered(
            lambda s: s.funding_type == 'on_hold'))

    def test_raised_limit_releases_held_work(self):
        self.timesheet(9.0, date='2026-03-02')                       # 900.00
        over = self.timesheet(2.0, date='2026-03-03')                 # 200.00: 100.00 fits
        self.propose().action_post()
        self.assertEqual(self.figures(), (1000.0, 0.0, 100.0, -100.0, 110.0, 'exceeded'))
        self.assertEqual(over.invoice_status, 'to_invoice')
        self.assertIn('on hold', over.not_invoiceable_reason)
        hold = self.contract.funding_source_ids.filtered(lambda s: s.funding_type == 'on_hold')
        shares = self.env['project.funding.share'].search([('analytic_line_id', '=', over.id)])
        self.assertEqual(sorted((s.source_id.funding_type, s.amount) for s in shares),
                         [('customer', 70.0), ('grant', 30.0), ('on_hold', 100.0)])
        # raised by 50.00: half of the held work is placed, 70/30; the rest stays
        self.contract.not_to_exceed = 1050.0
        self.contract.action_release_held_work()
        shares = self.env['project.funding.share'].search([('analytic_line_id', '=', over.id)])
        self.assertEqual(sorted((s.source_id.funding_type, s.amount) for s in shares),
                         [('customer', 105.0), ('grant', 45.0), ('on_hold', 50.0)])
        self.assertEqual(round(sum(shares.mapped('amount')), 2), over.billing_amount)
        more = self.propose()
        self.assertEqual(sorted(more.mapped('amount_total')), [15.0, 35.0])
        self.assertEqual(self.figures(), (1000.0, 50.0, 50.0, -50.0, 104.8, 'exceeded'))
        self.assertNotIn(hold, more.mapped('funding_source_id'))
        # without the right to propose, nothing moves
        with self.assertRaises(AccessError):
            self.contract.sudo(self.manager).action_release_held_work()

    def test_release_keeps_on_hold_what_no_rule_may_take(self):
        self.contract.not_to_exceed = 100.0
        over = self.timesheet(3.0)                                    # 300.00: 100.00 fits
        self.propose().action_post()
        self.src_grant.limit_amount = 60.0                            # 30.00 more for the grant
        self.contract.not_to_exceed = 1000.0
        self.contract.action_release_held_work()
        shares = self.env['project.funding.share'].search([('analytic_line_id', '=', over.id)])
        self.assertEqual(sorted((s.source_id.funding_type, s.amount) for s in shares),
                         [('customer', 140.0), ('grant', 60.0), ('on_hold', 100.0)])

    def test_limit_and_announcements_are_not_anyone_s(self):
        user = self.pi_user
        with self.assertRaises(AccessError):
            self.contract.sudo(user).write({'not_to_exceed': 1000000.0})
        with self.assertRaises(AccessError):
            self.contract.sudo(user).write({'headroom_announced': 'exceeded'})
        self.contract.sudo(user).write({'name': 'Renamed (test)'})   # the rest stays theirs
        self.assertEqual(self.contract.not_to_exceed, 1000.0)

    def test_periodic_run_posts_holds_and_leaves_review_in_one_status_write(self):
        """A periodic run proposes and posts at once and writes the statuses
        once, after posting: they are what the ledger says for posted,
        held and reviewed work alike."""
        reviewed = self.env['project.contract'].create({
            'name': 'Reviewed', 'partner_id': self.customer.id, 'state': 'active',
            'hour_product_id': self.hour_product.id, 'review_required': True})
        project = self.env['project.project'].create({
            'name': 'Reviewed', 'project_invoice_type': 'time_material',
            'contract_id': reviewed.id})
        first = self.timesheet(9.0, date='2026-03-02')                 # 900.00
        over = self.timesheet(1.5, date='2026-03-03')                  # 150.00: 100.00 fits
        waiting = self.timesheet(2.0, project=project)
        Wizard = self.env['project.periodic.invoice.wizard']
        report = Wizard._run(self.contract | reviewed, '2026-12-31')
        posted = dict((c, p) for c, p, e in report)[self.contract]
        self.assertEqual(set(posted.mapped('state')), {'posted'})
        self.assertEqual(round(sum(posted.mapped('invoice_id.amount_untaxed')), 2), 1000.0)
        in_review = dict((c, p) for c, p, e in report)[reviewed]
        self.assertTrue(in_review)
        self.assertFalse(in_review.mapped('invoice_id'))
        self.assertIn('on hold', dict((c, e) for c, p, e in report)[self.contract])
        lines = first | over | waiting
        lines.invalidate_cache()
        self.assertEqual([first.invoice_status, waiting.invoice_status],
                         ['invoiced', 'in_proposal'])
        control = self.env['project.invoice.control'].search([('analytic_line_id', '=', over.id)])
        self.assertEqual(sorted((c.status, c.amount) for c in control),
                         [('invoiced', 100.0), ('to_invoice', 50.0)])
        # the same statuses as the ledger decides them afresh
        statuses = lines.mapped('invoice_status')
        self.env['project.billing.ledger']._sync(lines.ids)
        lines.invalidate_cache()
        self.assertEqual(lines.mapped('invoice_status'), statuses)
        # the manager is told once, after the run: 105 % of the limit used
        self.assertEqual(len(self.alerts()), 1)
        self.assertIn('105.0 % used', self.alerts()[0].body)
