"""Issue "who may do what": the review cannot be bypassed, four-eyes, the
rights that used to contradict each other, and bad input refused with a
message naming the field and the value, leaving no row behind."""
from odoo.exceptions import AccessError, UserError, ValidationError

from .test_proposal import ProposalCase


class TestReview(ProposalCase):

    @classmethod
    def setUpClass(cls):
        super(TestReview, cls).setUpClass()
        cls.contract.review_required = True
        cls.reviewer2 = cls.reviewer.copy({'login': 'pi_reviewer2_test', 'name': 'Second reviewer'})
        # the addon's one-step review only (the demo data add a tier)
        Tier = cls.env['tier.definition']
        cls.review_tier = cls.env.ref('project_billing_schedule.tier_proposal_review')
        Tier.search([('model', '=', 'project.invoice.proposal'),
                     ('id', '!=', cls.review_tier.id)]).write({'active': False})
        cls.finance = cls.env['res.users'].with_context(no_reset_password=True).create({
            'name': 'Finance manager (test)', 'login': 'finance_test',
            'email': 'finance_test@example.com',
            'groups_id': [(6, 0, [cls.env.ref('base.group_user').id,
                                  cls.env.ref('account.group_account_manager').id])]})

    def add_finance_tier(self):
        return self.env['tier.definition'].create({
            'name': 'Finance over 10,000 (test)',
            'model_id': self.env.ref('project_billing_schedule.model_project_invoice_proposal').id,
            'review_type': 'group', 'sequence': 20,
            'reviewer_group_id': self.env.ref('account.group_account_manager').id,
            'definition_domain': "[('amount_total', '>', 10000)]"})

    def test_a_second_tier_over_10000(self):
        self.add_finance_tier()
        self.timesheet(200.0)                                   # 20,000: 14,000 + 6,000
        proposals = self.propose()
        customer = self.by_partner(proposals, self.customer).sudo(self.pi_user)
        grant = self.by_partner(proposals, self.grant).sudo(self.pi_user)
        (customer | grant).action_submit()
        self.assertEqual(customer.review_ids.mapped('name'),
                         ['Finance over 10,000 (test)', 'Review project invoice proposals'])
        self.assertEqual(grant.review_ids.mapped('name'), ['Review project invoice proposals'])
        customer.sudo(self.reviewer).action_approve()
        self.assertEqual(customer.state, 'review')          # waiting for the finance manager
        with self.assertRaisesRegex(AccessError, 'waiting for: Finance over 10,000'):
            customer.sudo(self.reviewer2).action_approve()
        with self.assertRaisesRegex(UserError, 'must be approved by a reviewer'):
            customer.action_post()
        customer.sudo(self.finance).action_approve()
        self.assertEqual((customer.state, customer.reviewed_uid), ('approved', self.finance))
        self.assertEqual(set(customer.review_ids.mapped('status')), {'approved'})
        self.assertEqual(customer.review_ids.mapped('done_by'), self.finance | self.reviewer)
        grant.sudo(self.reviewer).action_approve()
        (customer | grant).action_post()
        self.assertEqual(sorted(proposals.mapped('invoice_id.amount_total')), [6000.0, 14000.0])

    def test_the_reviews_are_written_by_the_workflow_only(self):
        self.timesheet(10.0)
        proposal = self.propose()[0]
        proposal.sudo(self.pi_user).action_submit()
        review = proposal.review_ids.sudo(self.pi_user)
        self.assertEqual((len(review), review.status), (1, 'pending'))
        with self.assertRaisesRegex(AccessError, 'written by Submit for review'):
            review.write({'status': 'approved'})
        with self.assertRaisesRegex(AccessError, 'written by Submit for review'):
            review.unlink()
        with self.assertRaisesRegex(AccessError, 'written by Submit for review'):
            self.env['tier.review'].sudo(self.pi_user).create({
                'model': 'project.invoice.proposal', 'res_id': proposal.id,
                'definition_id': self.review_tier.id, 'status': 'approved'})
        with self.assertRaisesRegex(UserError, 'set by the documents and workflows'):
            proposal.sudo(self.pi_user).write({'review_ids': [(1, review.id, {'status': 'approved'})]})
        # OCA's own entry points lead to the workflow: no reviewer, no approval
        with self.assertRaisesRegex(AccessError, 'not a reviewer'):
            proposal.sudo(self.pi_user).validate_tier()
        for method in ('request_validation', 'restart_validation', 'reject_tier'):
            with self.assertRaises(UserError):
                getattr(proposal.sudo(self.pi_user), method)()
        self.assertEqual((proposal.state, review.status), ('review', 'pending'))
        # rejected: back to draft, the reviews end; resubmitted: asked again
        proposal.sudo(self.reviewer).action_reject('Wrong rate')
        self.assertEqual((proposal.state, len(proposal.review_ids)), ('draft', 0))
        proposal.sudo(self.reviewer).action_submit()
        with self.assertRaisesRegex(AccessError, 'four-eyes'):
            proposal.sudo(self.reviewer).validate_tier()
        proposal.sudo(self.reviewer2).validate_tier()
        self.assertEqual(proposal.state, 'approved')

    def test_a_preparer_cannot_approve_by_writing_the_state(self):
        self.timesheet(10.0)
        proposal = self.propose()[0].sudo(self.pi_user)
        for vals in ({'state': 'approved'}, {'reviewed_uid': self.pi_user.id},
                     {'invoice_id': self.env['account.invoice'].search([], limit=1).id}):
            with self.assertRaisesRegex(UserError, 'set by the documents and workflows'):
                proposal.write(vals)
        with self.assertRaisesRegex(UserError, 'must be approved by a reviewer'):
            proposal.action_post()
        self.assertEqual((proposal.state, proposal.invoice_id.id), ('draft', False))

    def test_four_eyes(self):
        self.timesheet(10.0)
        first, second = self.propose()
        first.sudo(self.reviewer).action_submit()
        with self.assertRaisesRegex(AccessError, 'four-eyes'):
            first.sudo(self.reviewer).action_approve()
        self.assertEqual(first.state, 'review')
        first.sudo(self.reviewer2).action_approve()
        self.assertEqual((first.state, first.reviewed_uid), ('approved', self.reviewer2))
        first.sudo(self.pi_user).action_post()
        self.assertEqual(first.invoice_id.state, 'open')
        # the company may switch it off (one reviewer in a small office)
        self.company.project_proposal_four_eyes = False
        second.sudo(self.reviewer).action_submit()
        second.sudo(self.reviewer).action_approve()
        self.assertEqual((second.state, second.reviewed_uid), ('approved', self.reviewer))

    def test_only_reviewers_decide_whether_a_contract_needs_review(self):
        with self.assertRaisesRegex(AccessError, 'Only reviewers'):
            self.contract.sudo(self.pi_user).write({'review_required': False})
        self.contract.sudo(self.pi_user).write({'review_required': True, 'note': 'same value'})
        self.contract.sudo(self.reviewer).write({'review_required': False})
        self.assertFalse(self.contract.review_required)


class TestBadInput(ProposalCase):

    def refused(self, model, exc, pattern, call):
        """`call` is refused with `pattern` and leaves no row of `model`."""
        before = self.env[model].search_count([])
        with self.assertRaisesRegex(exc, pattern), self.env.cr.savepoint():
            call()
        self.assertEqual(self.env[model].search_count([]), before)

    def test_allocations_between_0_and_100(self):
        self.refused('project.funding.allocation', ValidationError,
                     r'each allocation is above 0 % and at most 100 % \(got 150.0 %\)',
                     lambda: self.env['project.funding.rule'].create({
                         'contract_id': self.contract.id, 'name': '150/-50', 'sequence': 30,
                         'allocation_ids': [
                             (0, 0, {'source_id': self.src_customer.id, 'percent': 150.0,
                                     'is_rounding': True}),
                             (0, 0, {'source_id': self.src_grant.id, 'percent': -50.0})]}))
        self.refused('project.funding.allocation', ValidationError, r"\(percent\): 'abc' is not",
                     lambda: self.rule.allocation_ids[0].write({'percent': 'abc'}))

    def test_deduction_up_to_what_was_prepaid(self):
        OnAccount = self.env['project.on.account']
        OnAccount.create({'project_id': self.project.id, 'kind': 'prepayment',
                          'name': 'Advance', 'fixed_amount': 1000.0})
        self.refused('project.on.account', ValidationError,
                     r'deductions of .* \(99999.0\) exceed what was prepaid and not yet deducted '
                     r'\(1000.0\)',
                     lambda: OnAccount.create({'project_id': self.project.id, 'kind': 'deduction',
                                               'name': 'Too much', 'fixed_amount': -99999.0}))
        OnAccount.create({'project_id': self.project.id, 'kind': 'deduction',
                          'name': 'Offset', 'fixed_amount': -600.0})
        self.refused('project.on.account', ValidationError, r'\(1000.01\) exceed',
                     lambda: OnAccount.create({'project_id': self.project.id, 'kind': 'deduction',
                                               'name': 'Rest and more', 'fixed_amount': -400.01}))

    def test_milestones_and_thresholds_positive_and_finite(self):
        fp = self.env['project.project'].create({
            'name': 'FP (bad input)', 'project_invoice_type': 'fixed_price',
            'contract_id': self.contract.id, 'fixed_price': 1000.0})
        OnAccount = self.env['project.on.account']
        self.refused('project.on.account', ValidationError, r'sales price must be above 0 \(got -50',
                     lambda: OnAccount.create({'project_id': fp.id, 'kind': 'milestone',
                                               'name': 'Negative', 'amount_type': 'fixed',
                                               'fixed_amount': -50.0}))
        self.refused('project.on.account', ValidationError, 'percent must be above 0',
                     lambda: OnAccount.create({'project_id': fp.id, 'kind': 'milestone',
                                               'name': 'Negative', 'amount_type': 'percent',
                                               'percent': -10.0}))
        for thresholds in ('nan', '25,inf', '0,50', '50,101'):
            self.refused('project.billing.rule', ValidationError, 'thresholds between 0 and 100',
                         lambda: self.env['project.billing.rule'].create({
                             'contract_id': self.contract.id, 'name': 'Bad',
                             'thresholds': thresholds}))
        self.refused('project.on.account', ValidationError, r"\(fixed_amount\): nan is not",
                     lambda: OnAccount.create({'project_id': fp.id, 'kind': 'milestone',
                                               'name': 'NaN', 'amount_type': 'fixed',
                                               'fixed_amount': float('nan')}))

    def test_unknown_ids_and_wrong_types_name_the_field(self):
        Contract = self.env['project.contract']
        self.refused('project.contract', ValidationError,
                     r'Customer \(partner_id\): there is no Contact with id 987654321',
                     lambda: Contract.create({'name': 'Ghost', 'partner_id': 987654321}))
        self.refused('project.contract', ValidationError, r"\(date_start\): '31-12-2026' is not a date",
                     lambda: Contract.create({'name': 'Date', 'partner_id': self.customer.id,
                                              'date_start': '31-12-2026'}))
        self.refused('project.contract.rate', ValidationError, r"\(price\): 'twelve' is not a finite",
                     lambda: self.env['project.contract.rate'].create({
                         'contract_id': self.contract.id, 'employee_id': self.employee2.id,
                         'price': 'twelve'}))
        self.refused('project.funding.source', ValidationError, r"\(funding_type\): 'gift' is not one of",
                     lambda: self.src_grant.write({'funding_type': 'gift'}))


class TestContractWorkflow(ProposalCase):

    def test_contract_state_follows_its_buttons(self):
        contract = self.contract.sudo(self.pi_user)
        with self.assertRaisesRegex(UserError, 'follows Activate, Close'):
            contract.write({'state': 'closed'})
        with self.assertRaisesRegex(AccessError, 'Only project invoicing managers'):
            contract.action_activate()
        manager = self.env['res.users'].with_context(no_reset_password=True).create({
            'name': 'PI manager', 'login': 'pi_manager_test', 'email': 'pi_manager@example.com',
            'groups_id': [(6, 0, [self.env.ref('base.group_user').id, self.env.ref(
                'project_billing_schedule.group_project_invoicing_manager').id])]})
        contract = self.contract.sudo(manager)
        contract.action_activate()
        self.assertEqual(self.contract.state, 'active')
        contract.action_close()
        self.assertEqual(self.contract.state, 'closed')
        self.assertTrue(self.contract.message_ids.filtered(
            lambda m: m.tracking_value_ids.filtered(lambda t: t.field == 'state')))


class TestHostileFindings(ProposalCase):
    """What an integrator tried over XML-RPC after the first hardening."""

    def test_credits_go_into_drafts_only(self):
        hours = self.timesheet(10.0)
        first = self.propose()
        first.action_post()
        self.timesheet(1.0)
        second = self.by_partner(self.propose(), self.customer)
        second.action_submit()
        self.reviewer2 = self.reviewer.copy({'login': 'pi_reviewer2_test'})
        second.sudo(self.reviewer2).action_approve()
        for target in (second, self.by_partner(first, self.customer)):
            wizard = self.env['project.invoice.credit.wizard'].sudo(self.pi_user).create({
                'transaction_ids': [(6, 0, hours.ids)], 'proposal_id': target.id})
            with self.assertRaisesRegex(UserError, 'cannot be changed'):
                wizard.action_create()
        self.assertEqual((second.state, second.amount_total), ('approved', 70.0))

    def test_reviewed_invoices_are_credited_and_cancelled_by_review(self):
        self.contract.review_required = True
        self.env['account.journal'].search([('type', '=', 'sale')]).write({'update_posted': True})
        self.timesheet(10.0)
        proposal = self.by_partner(self.propose(), self.customer)
        proposal.action_submit()
        proposal.sudo(self.reviewer).action_approve()
        proposal.action_post()
        invoice = proposal.invoice_id
        refund = self.env['account.invoice.refund'].sudo(self.pi_user).with_context(
            active_model='account.invoice', active_ids=invoice.ids).create(
            {'description': 'Refund', 'filter_refund': 'refund'})
        refund_invoice = self.env['account.invoice'].browse(
            [d[2] for d in refund.invoice_refund()['domain'] if d[0] == 'id'][0])
        with self.assertRaisesRegex(UserError, 'reviewed: credit .* with "Credit project'):
            refund_invoice.sudo(self.pi_user).action_invoice_open()
        with self.assertRaisesRegex(AccessError, 'only a reviewer cancels its invoice'):
            invoice.sudo(self.pi_user).action_invoice_cancel()
        self.assertEqual((invoice.state, proposal.state), ('open', 'posted'))

    def test_nested_garbage_and_popped_values_name_the_field(self):
        Contract = self.env['project.contract'].sudo(self.pi_user)
        for garbage in ([(0, 0, 'x')], [(6, 0, 5)], [(0,)], [(1, 7, 'x')]):
            with self.assertRaisesRegex(ValidationError, r'Rates \(rate_ids\): .* is not a list of '
                                                         r'commands'):
                Contract.create({'name': 'Garbage', 'partner_id': self.customer.id,
                                 'rate_ids': garbage})
        self.timesheet(10.0)
        line = self.propose()[0].line_ids[0].sudo(self.pi_user)
        for value in ('abc', float('nan'), [1]):
            with self.assertRaisesRegex(ValidationError, r'\(sales_price\): .* is not a finite'):
                line.write({'sales_price': value})
        txn = line.analytic_line_id
        with self.assertRaisesRegex(ValidationError, r"\(unit_amount\): 'inf' is not a finite"):
            txn.sudo(self.pi_user).write({'unit_amount': 'inf'})
        with self.assertRaisesRegex(ValidationError, r"\(date\): '2026-13-45' is not a date"):
            txn.sudo(self.pi_user).write({'date': '2026-13-45'})
        with self.assertRaisesRegex(ValidationError, r"\(fixed_price\): 'nan' is not a finite"):
            self.project.write({'fixed_price': 'nan'})
        with self.assertRaisesRegex(ValidationError, r"\(date_to\): '31-12' is not a date"):
            self.env['project.periodic.invoice.wizard'].create({'date_to': '31-12'})

    def test_a_missing_required_field_is_named(self):
        with self.assertRaisesRegex(ValidationError, r'Partner \(partner_id\) must be given'):
            self.env['project.funding.source'].create({'contract_id': self.contract.id})
        with self.assertRaisesRegex(ValidationError, r'Contract name \(name\) must be given|'
                                                     r'\(name\) must be given'):
            self.env['project.contract'].create({'partner_id': self.customer.id})

    def test_records_stay_with_their_contract_and_company(self):
        other = self.env['project.contract'].create({'name': 'Other', 'partner_id': self.customer.id})
        with self.assertRaisesRegex(UserError, 'stays with its contract'):
            self.src_grant.write({'contract_id': other.id})
        with self.assertRaisesRegex(UserError, 'stays with its contract'):
            self.rule.write({'contract_id': other.id})
        with self.assertRaisesRegex(ValidationError, 'is not a project of contract'):
            self.env['project.billing.rule'].create({'contract_id': other.id, 'name': 'Cross',
                                                     'project_id': self.project.id})
        company = self.env['res.company'].create({'name': 'Elsewhere (test)'})
        with self.assertRaisesRegex(ValidationError, 'belong to different companies'), \
                self.env.cr.savepoint():
            self.contract.write({'company_id': company.id})
        stranger = self.env['hr.employee'].create({'name': 'Stranger', 'company_id': company.id})
        with self.assertRaisesRegex(ValidationError, 'works for Elsewhere'):
            self.env['project.contract.rate'].create({'contract_id': self.contract.id,
                                                      'employee_id': stranger.id, 'price': 1.0})

    def test_a_fixed_price_holds_its_milestones(self):
        fp = self.env['project.project'].create({
            'name': 'FP (price)', 'project_invoice_type': 'fixed_price',
            'contract_id': self.contract.id, 'fixed_price': 1000.0})
        self.env['project.on.account'].create({'project_id': fp.id, 'kind': 'milestone',
                                               'name': 'Fixed', 'fixed_amount': 300.0})
        with self.assertRaisesRegex(ValidationError, 'must be above 0'), self.env.cr.savepoint():
            fp.write({'fixed_price': 0.0})
        with self.assertRaisesRegex(ValidationError, r'\(200.0\) is below its fixed milestones'), \
                self.env.cr.savepoint():
            fp.write({'fixed_price': 200.0})

    def test_a_project_invoice_follows_odoo_workflow_only(self):
        self.env['account.journal'].search([('type', '=', 'sale')]).write({'update_posted': True})
        self.timesheet(10.0)
        proposal = self.by_partner(self.propose(), self.customer)
        proposal.action_post()
        invoice = proposal.invoice_id.sudo(self.pi_user)
        with self.assertRaisesRegex(UserError, 'only Validate, Cancel and Reset to draft change'):
            invoice.write({'state': 'cancel'})
        with self.assertRaisesRegex(UserError, 'cancel the invoice, not its entry'):
            invoice.move_id.button_cancel()
        refund = invoice.refund(description='Refund')
        for step in (refund.action_move_create, refund.invoice_validate,
                     lambda: refund.write({'refund_invoice_id': False})):
            with self.assertRaisesRegex(UserError, 'only Validate, Cancel and Reset to draft change'):
                step()
        self.assertEqual((invoice.state, invoice.move_id.state, refund.state, proposal.state),
                         ('open', 'posted', 'draft', 'posted'))
        # Odoo's own way still works and the ledger follows it
        invoice.action_invoice_cancel()
        self.assertEqual(proposal.state, 'cancel')

    def test_numbers_as_odoo_reads_them_and_empty_required_fields(self):
        self.timesheet(10.0)
        line = self.by_partner(self.propose(), self.customer).line_ids.sudo(self.pi_user)
        line.write({'sales_price': '110'})
        self.assertEqual(line.amount, 770.0)
        with self.assertRaisesRegex(ValidationError, r'\(sales_price\): 1e\+308 is not a number '
                                                     r'below 10\^15'):
            line.write({'sales_price': 1e308})
        with self.assertRaisesRegex(ValidationError, r'Company \(company_id\) must be given'):
            self.env['project.contract'].create({'name': 'No company',
                                                 'partner_id': self.customer.id,
                                                 'company_id': False})
        with self.assertRaisesRegex(ValidationError, r'Customer \(partner_id\) must be given'):
            self.contract.write({'partner_id': False})

    def test_projects_keep_their_contract_type_and_company(self):
        self.timesheet(10.0)
        self.propose()
        other = self.env['project.contract'].create({'name': 'Other', 'partner_id': self.customer.id})
        with self.assertRaisesRegex(UserError, 'contract and invoicing type stay as they are'):
            self.project.write({'contract_id': other.id})
        with self.assertRaisesRegex(UserError, 'contract and invoicing type stay as they are'):
            self.project.write({'project_invoice_type': 'fixed_price'})
        company = self.env['res.company'].create({'name': 'Elsewhere 2 (test)'})
        with self.assertRaisesRegex(ValidationError, 'belong to different companies'), \
                self.env.cr.savepoint():
            self.project.write({'company_id': company.id})
        with self.assertRaisesRegex(ValidationError, 'its project and task are of contract'):
            self.env['project.funding.rule'].create({
                'contract_id': other.id, 'name': 'Cross', 'project_id': self.project.id,
                'allocation_ids': [(0, 0, {'source_id': other.funding_source_ids.id,
                                           'percent': 100.0, 'is_rounding': True})]})
        unpriced = self.env['project.project'].create({
            'name': 'FP (no price)', 'project_invoice_type': 'fixed_price',
            'contract_id': self.contract.id})
        with self.assertRaisesRegex(ValidationError, 'Set the fixed price of FP \\(no price\\)'):
            self.env['project.on.account'].create({'project_id': unpriced.id, 'kind': 'milestone',
                                                   'name': 'Half', 'amount_type': 'percent',
                                                   'percent': 50.0})

    def test_a_contract_copied_with_funding_of_its_own(self):
        self.env['project.billing.rule'].create({'contract_id': self.contract.id, 'name': 'Thirds',
                                                 'thresholds': '33,66,100'})
        copy = self.contract.sudo(self.pi_user).copy()
        copy = copy.sudo()
        self.assertEqual(copy.funding_source_ids.mapped('partner_id'), self.customer | self.grant)
        self.assertEqual(copy.funding_rule_ids.allocation_ids.mapped('source_id'),
                         copy.funding_source_ids)
        self.assertEqual(sorted(copy.funding_rule_ids.allocation_ids.mapped('percent')), [30.0, 70.0])
        self.assertEqual(copy.billing_rule_ids.mapped('thresholds'), ['33,66,100'])
        self.assertEqual(self.contract.funding_source_ids, self.src_customer | self.src_grant)
