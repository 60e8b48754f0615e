"""Two companies, each with its own chart and currency: periodic invoicing
(the scheduled action, as superuser over both) books every proposal in its
contract's company, and no record or account crosses."""
from odoo.exceptions import AccessError
from odoo.tests.common import SavepointCase

from odoo.addons.project_invoicing_base.tests.companies import make_company, make_user

GROUPS = ['project_billing_schedule.group_project_invoicing_manager']
# each model of the addon that a company's user reads, and the way to its contract
PATHS = [('project.contract', None), ('project.invoice.proposal', 'contract_id'),
         ('project.invoice.proposal.line', 'proposal_id.contract_id'),
         ('project.funding.source', 'contract_id'), ('project.funding.rule', 'contract_id'),
         ('project.funding.allocation', 'rule_id.contract_id'),
         ('project.funding.share', 'contract_id'), ('project.billing.ledger', 'contract_id'),
         ('project.invoice.control', 'contract_id')]


class TestTwoCompanies(SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(TestTwoCompanies, cls).setUpClass()
        env = cls.env
        cls.company_a = env.ref('base.main_company')
        cls.company_b = make_company(env, 'Company B (test)', 'base.EUR')
        cls.customer = env['res.partner'].create({'name': 'Shared customer (test)',
                                                  'customer': True})
        cls.hours = env['product.product'].create({
            'name': 'Hours (two companies)', 'type': 'service', 'list_price': 100.0,
            'uom_id': env.ref('product.product_uom_hour').id,
            'uom_po_id': env.ref('product.product_uom_hour').id, 'taxes_id': [(6, 0, [])]})
        cls.setups = {}
        for company in (cls.company_a, cls.company_b):
            user = make_user(env, 'pi_%d_test' % company.id, company, GROUPS)
            uenv = env(user=user.id)
            contract = uenv['project.contract'].create({
                'name': 'Contract of %s' % company.name, 'partner_id': cls.customer.id,
                'hour_product_id': cls.hours.id, 'state': 'active'})
            project = env['project.project'].create({   # projects are made by project managers
                'name': 'Project of %s' % company.name, 'project_invoice_type': 'time_material',
                'contract_id': contract.id, 'company_id': company.id})
            employee = env['hr.employee'].create({'name': 'Consultant of %s' % company.name,
                                                  'company_id': company.id})
            env['account.analytic.line'].create({
                'name': 'Work', 'project_id': project.id, 'employee_id': employee.id,
                'unit_amount': 10.0, 'date': '2026-11-02'})
            cls.setups[company] = (user, contract)

    def test_periodic_invoicing_in_each_company(self):
        self.env['project.periodic.invoice.wizard'].with_context(
            project_invoicing_sync=True)._cron_periodic_invoicing()
        for company in (self.company_a, self.company_b):
            user, contract = self.setups[company]
            self.assertEqual(contract.company_id, company)
            proposal = contract.proposal_ids
            self.assertEqual((proposal.state, proposal.amount_total), ('posted', 1000.0))
            invoice = proposal.invoice_id
            self.assertEqual(invoice.amount_total, 1000.0)
            self.assertEqual(invoice.currency_id, company.currency_id)
            # the document, its journal and every account are the company's
            self.assertEqual(invoice.company_id | invoice.journal_id.company_id |
                             invoice.account_id.company_id |
                             invoice.invoice_line_ids.mapped('account_id.company_id') |
                             invoice.move_id.line_ids.mapped('account_id.company_id'), company)
            self.assertEqual(proposal.line_ids.mapped('company_id'), company)
            shares = self.env['project.funding.share'].search([('contract_id', '=', contract.id)])
            self.assertEqual(shares.mapped('company_id'), company)
            self.assertEqual(contract.funding_rule_ids.allocation_ids.mapped('company_id'), company)

    def test_no_record_crosses(self):
        self.env['project.periodic.invoice.wizard'].with_context(
            project_invoicing_sync=True)._cron_periodic_invoicing()
        user_b, contract_b = self.setups[self.company_b]
        _user_a, contract_a = self.setups[self.company_a]
        env_b = self.env(user=user_b.id)
        for model, path in PATHS:
            records = env_b[model].search([])
            contracts = records.mapped(path) if path else records
            self.assertNotIn(contract_a, contracts, model)
            self.assertIn(contract_b, contracts, model)
        with self.assertRaises(AccessError):
            contract_a.sudo(user_b).read(['name'])
        with self.assertRaises(AccessError):
            contract_a.proposal_ids.line_ids.sudo(user_b).read(['amount'])
