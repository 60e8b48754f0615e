"""Two companies, each with its own chart and currency: the invoice pool
of each books in its own register journal and accounts, bills land in its
own purchase journal, and neither company's clerk sees the other's entries."""
from odoo.exceptions import AccessError, ValidationError
from odoo.tests.common import SavepointCase

from odoo.addons.project_invoicing_base.tests.companies import make_company, make_user


class TestTwoCompanies(SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(TestTwoCompanies, cls).setUpClass()
        env = cls.env
        cls.company_a = env.ref('base.main_company')
        cls.company_b = make_company(env, 'Company B (pool test)', 'base.EUR')
        cls.vendor = env['res.partner'].create({'name': 'Shared vendor (test)', 'supplier': True,
                                                'is_company': True})
        cls.product = env['product.product'].create({
            'name': 'Service (two companies)', 'type': 'service', 'purchase_method': 'purchase',
            'supplier_taxes_id': [(6, 0, [])], 'taxes_id': [(6, 0, [])]})
        cls.approver = make_user(env, 'approver_2co_test', cls.company_a,
                                 ['project_invoice_pool.group_invoice_approver'])
        cls.approver.company_ids |= cls.company_b

    def run_pool(self, company, number):
        clerk = make_user(self.env, 'clerk_%d_test' % company.id, company,
                          ['project_invoice_pool.group_ap_clerk'])
        env = self.env(user=clerk.id)
        po = env['purchase.order'].create({
            'partner_id': self.vendor.id, 'company_id': company.id,
            'order_line': [(0, 0, {'product_id': self.product.id, 'name': 'Service',
                                   'product_qty': 1.0, 'price_unit': 75.0,
                                   'product_uom': self.product.uom_po_id.id,
                                   'date_planned': '2026-11-01', 'taxes_id': [(6, 0, [])]})]})
        po.button_confirm()
        journal = self.env['account.journal'].search([('is_invoice_register', '=', True),
                                                      ('company_id', '=', company.id)])
        register = env['account.invoice.register'].create({'journal_id': journal.id, 'line_ids': [(0, 0, {
            'partner_id': self.vendor.id, 'vendor_invoice_number': number, 'name': 'Service',
            'amount': 75.0, 'purchase_id': po.id, 'invoice_date': '2026-11-02',
            'approver_id': self.approver.id})]})
        register.action_post()
        entry = register.line_ids
        entry.action_create_bill()
        entry.invoice_id.action_invoice_open()
        return clerk, entry

    def test_the_pool_in_each_company(self):
        entries = {}
        for company in (self.company_a, self.company_b):
            clerk, entry = self.run_pool(company, 'V-2CO-1')   # same number, other company
            entries[company] = (clerk, entry)
            bill = entry.invoice_id
            self.assertEqual((entry.pool_state, bill.state, bill.amount_total),
                             ('invoiced', 'open', 75.0))
            self.assertEqual(entry.register_id.journal_id.company_id, company)
            moves = entry.move_id | bill.move_id | entry.mapped('reversal_move_id')
            self.assertEqual(moves.mapped('company_id') | moves.mapped('line_ids.account_id.company_id') |
                             bill.journal_id.company_id,
                             company)
            self.assertEqual(bill.currency_id, company.currency_id)
            pending = entry.register_id.journal_id.register_pending_account_id
            self.assertEqual(pending.company_id, company)
            balance = sum(self.env['account.move.line'].search([
                ('account_id', '=', pending.id), ('partner_id', '=', self.vendor.id)]).mapped('balance'))
            self.assertAlmostEqual(balance, 0.0, places=2)
            self.assertEqual(entry.invoice_id.match_line_ids.mapped('company_id'), company)
        clerk_b, entry_b = entries[self.company_b]
        _clerk_a, entry_a = entries[self.company_a]
        env_b = self.env(user=clerk_b.id)
        seen = env_b['account.invoice.register.line'].search([('vendor_invoice_number', '=', 'V-2CO-1')])
        self.assertEqual(seen, entry_b)
        with self.assertRaises(AccessError):
            entry_a.sudo(clerk_b).read(['amount'])
        check = env_b['account.invoice.pool.check'].create({'company_id': self.company_b.id})
        self.assertEqual(check.company_id, self.company_b)
        self.assertEqual(check.difference, 0.0)

    def test_nothing_of_another_company_is_taken(self):
        clerk_b = make_user(self.env, 'clerk_b_test', self.company_b,
                            ['project_invoice_pool.group_ap_clerk'])
        po_a = self.env['purchase.order'].create({
            'partner_id': self.vendor.id, 'company_id': self.company_a.id,
            'order_line': [(0, 0, {'product_id': self.product.id, 'name': 'Service',
                                   'product_qty': 1.0, 'price_unit': 75.0,
                                   'product_uom': self.product.uom_po_id.id,
                                   'date_planned': '2026-11-01', 'taxes_id': [(6, 0, [])]})]})
        # refused with the records named, though clerk B cannot read them
        with self.assertRaisesRegex(ValidationError, r'belongs to %s, register entry' %
                                    self.company_a.name):
            self.env['account.invoice.register'].sudo(clerk_b).create({'line_ids': [(0, 0, {
                'partner_id': self.vendor.id, 'vendor_invoice_number': 'X-CO', 'name': 'Service',
                'amount': 75.0, 'purchase_id': po_a.id, 'invoice_date': '2026-11-02',
                'approver_id': self.approver.id})]})
        journal_a = self.env['account.journal'].search([
            ('is_invoice_register', '=', True), ('company_id', '=', self.company_a.id)])
        account_b = self.env['account.account'].search([
            ('company_id', '=', self.company_b.id), ('reconcile', '=', True),
            ('internal_type', '=', 'other')], limit=1)
        with self.assertRaisesRegex(ValidationError, 'belong to its company'):
            journal_a.write({'register_pending_account_id': account_b.id})
