from odoo.tests.common import SavepointCase


class InvoicePoolCase(SavepointCase):
    """A vendor, a service product S0001, a confirmed PO of 75.00, the
    company's invoice register, an approver, a clerk and an AP manager."""

    @classmethod
    def setUpClass(cls):
        super(InvoicePoolCase, cls).setUpClass()
        env = cls.env
        cls.company = env.ref('base.main_company')
        cls.journal = env['account.journal'].search([
            ('is_invoice_register', '=', True), ('company_id', '=', cls.company.id)])
        cls.pending = cls.journal.register_pending_account_id
        cls.payable = cls.journal.register_offset_account_id
        Users = env['res.users'].with_context(no_reset_password=True)
        g = lambda x: env.ref(x).id  # noqa: E731
        cls.approver = Users.create({
            'name': 'Test approver', 'login': 'test_approver', 'email': 'test_approver@example.com',
            'groups_id': [(6, 0, [g('base.group_user'), g('project_invoice_pool.group_invoice_approver')])]})
        cls.clerk = Users.create({
            'name': 'Test clerk', 'login': 'test_clerk', 'email': 'test_clerk@example.com',
            'groups_id': [(6, 0, [g('base.group_user'), g('project_invoice_pool.group_ap_clerk')])]})
        cls.manager = Users.create({
            'name': 'Test AP manager', 'login': 'test_ap_manager', 'email': 'test_ap_manager@example.com',
            'groups_id': [(6, 0, [g('base.group_user'), g('project_invoice_pool.group_ap_manager')])]})
        cls.vendor = env['res.partner'].create({
            'name': 'Vendor 1001 (test)', 'supplier': True, 'is_company': True})
        cls.vendor2 = env['res.partner'].create({
            'name': 'Vendor 2002 (test)', 'supplier': True, 'is_company': True})
        cls.expense = env['account.account'].search([
            ('company_id', '=', cls.company.id),
            ('user_type_id', '=', env.ref('account.data_account_type_expenses').id)], limit=1)
        categ = env['product.category'].create({
            'name': 'Services (test)', 'property_account_expense_categ_id': cls.expense.id})
        cls.product = env['product.product'].create({
            'name': 'Consulting S0001 (test)', 'default_code': 'S0001T', 'type': 'service',
            'purchase_method': 'purchase', 'categ_id': categ.id,
            'supplier_taxes_id': [(6, 0, [])], 'taxes_id': [(6, 0, [])]})
        cls.po = cls.make_po(cls.vendor, 75.0)
        # bills may be cancelled in these tests (account_cancel's switch)
        bill_journal = env['account.journal'].search([
            ('type', '=', 'purchase'), ('is_invoice_register', '=', False),
            ('company_id', '=', cls.company.id)], order='sequence, id', limit=1)
        bill_journal.update_posted = True
        cls.bill_journal = bill_journal

    @classmethod
    def make_po(cls, vendor, price, qty=1.0, currency=None):
        vals = {
            'partner_id': vendor.id,
            'order_line': [(0, 0, {
                'product_id': cls.product.id, 'name': cls.product.name,
                'product_qty': qty, 'price_unit': price,
                'product_uom': cls.product.uom_po_id.id,
                'date_planned': '2026-01-15', 'taxes_id': [(6, 0, [])]})],
        }
        if currency:
            vals['currency_id'] = currency.id
        po = cls.env['purchase.order'].create(vals)
        po.button_confirm()
        return po

    def make_register(self, lines, user=None):
        env = self.env(user=user) if user else self.env
        return env['account.invoice.register'].create({
            'journal_id': self.journal.id,
            'line_ids': [(0, 0, dict({
                'invoice_date': '2026-02-01',
                'approver_id': self.approver.id,
            }, **l)) for l in lines],
        })

    def line_vals(self, number='INV-001', amount=75.0, po=None, vendor=None, **kw):
        vals = {'partner_id': (vendor or self.vendor).id, 'vendor_invoice_number': number,
                'name': 'Consulting', 'amount': amount}
        if po is not False:
            vals['purchase_id'] = (po or self.po).id
        vals.update(kw)
        return vals

    def balance(self, account, partner=None):
        domain = [('account_id', '=', account.id), ('move_id.state', '=', 'posted')]
        if partner:
            domain.append(('partner_id', '=', partner.id))
        return round(sum(self.env['account.move.line'].search(domain).mapped('balance')), 2)

    def pool(self):
        return self.env['account.invoice.register.line'].search([('pool_state', '=', 'in_pool')])
