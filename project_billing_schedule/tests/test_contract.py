from odoo.exceptions import ValidationError
from odoo.tests.common import SavepointCase


def amounts(records):
    return [round(a, 2) for a in records.mapped('amount')]


class BillingCase(SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(BillingCase, cls).setUpClass()
        env = cls.env
        cls.company = env.ref('base.main_company')
        cls.customer = env['res.partner'].create({'name': 'Customer (test)', 'customer': True})
        cls.grant = env['res.partner'].create({'name': 'Grant fund (test)', 'customer': True})
        cls.hour_product = env['product.product'].create({
            'name': 'Hours (test)', 'type': 'service', 'list_price': 90.0,
            'uom_id': env.ref('product.product_uom_hour').id,
            'uom_po_id': env.ref('product.product_uom_hour').id, 'taxes_id': [(6, 0, [])]})
        cls.contract = env['project.contract'].with_context(
            project_contract_no_default_funding=True).create({
                'name': 'T&M contract (test)', 'partner_id': cls.customer.id,
                'hour_product_id': cls.hour_product.id, 'markup_percent': 20.0})
        Source = env['project.funding.source']
        cls.src_customer = Source.create({'contract_id': cls.contract.id,
                                          'partner_id': cls.customer.id, 'funding_type': 'customer'})
        cls.src_grant = Source.create({'contract_id': cls.contract.id, 'partner_id': cls.grant.id,
                                       'funding_type': 'grant'})
        cls.rule = env['project.funding.rule'].create({
            'contract_id': cls.contract.id, 'name': '70/30', 'sequence': 10,
            'allocation_ids': [
                (0, 0, {'source_id': cls.src_customer.id, 'percent': 70.0, 'is_rounding': True}),
                (0, 0, {'source_id': cls.src_grant.id, 'percent': 30.0})]})
        cls.project = env['project.project'].create({
            'name': 'T&M project (test)', 'project_invoice_type': 'time_material',
            'contract_id': cls.contract.id})
        cls.employee = env['hr.employee'].create({'name': 'Consultant (test)'})
        cls.employee2 = env['hr.employee'].create({'name': 'Junior (test)'})
        env['project.contract.rate'].create({'contract_id': cls.contract.id,
                                             'employee_id': cls.employee.id, 'price': 100.0})
        cls.vendor = env['res.partner'].create({'name': 'Vendor (test)', 'supplier': True})
        cls.item = env['product.product'].create({
            'name': 'Item (test)', 'type': 'consu', 'purchase_method': 'purchase',
            'list_price': 70.0, 'standard_price': 50.0,
            'supplier_taxes_id': [(6, 0, [])], 'taxes_id': [(6, 0, [])]})

    def timesheet(self, hours, employee=None, project=None, date='2026-03-02', task=None):
        return self.env['account.analytic.line'].create({
            'name': 'Work', 'project_id': (project or self.project).id,
            'employee_id': (employee or self.employee).id, 'unit_amount': hours, 'date': date,
            'task_id': task.id if task else False})

    def bill_purchase(self, line_property, project=None, qty=1.0, price=50.0):
        po = self.env['purchase.order'].create({
            'partner_id': self.vendor.id,
            'order_line': [(0, 0, {
                'product_id': self.item.id, 'name': self.item.name, 'product_qty': qty,
                'price_unit': price, 'product_uom': self.item.uom_po_id.id,
                'date_planned': '2026-03-01', 'taxes_id': [(6, 0, [])],
                'project_id': (project or self.project).id, 'line_property': line_property})]})
        po.button_confirm()
        bill = self.env['account.invoice'].create({
            'type': 'in_invoice', 'partner_id': self.vendor.id, 'purchase_id': po.id,
            'reference': 'B-%s' % po.name, 'date_invoice': '2026-03-05'})
        bill.purchase_order_change()
        bill.action_invoice_open()
        return self.env['account.analytic.line'].search([('purchase_line_id', '=', po.order_line.id)])

    def item_dict(self, amount, ttype='hour', date='2026-03-02', key=None, contract=None):
        return {'key': key or amount, 'contract': contract or self.contract, 'amount': amount,
                'date': date, 'transaction_type': ttype, 'project_id': self.project.id,
                'task_id': False}


class TestContract(BillingCase):

    def test_project_type_needs_contract(self):
        with self.assertRaisesRegex(ValidationError, 'attach it to a project contract'):
            self.env['project.project'].create({'name': 'No contract',
                                                'project_invoice_type': 'time_material'})
        with self.assertRaisesRegex(ValidationError, 'attach it to a project contract'):
            self.env['project.project'].create({'name': 'No contract',
                                                'project_invoice_type': 'fixed_price'})
        internal = self.env['project.project'].create({'name': 'Internal'})
        self.assertEqual(internal.project_invoice_type, 'internal')

    def test_default_funding_of_a_new_contract(self):
        contract = self.env['project.contract'].create({'name': 'Plain', 'partner_id': self.customer.id})
        self.assertTrue(contract.code.startswith('PC/'))
        self.assertEqual(contract.funding_source_ids.partner_id, self.customer)
        self.assertEqual(contract.funding_rule_ids.allocation_ids.percent, 100.0)
        self.assertTrue(contract.funding_rule_ids.allocation_ids.is_rounding)

    def test_allocation_refusals(self):
        Rule = self.env['project.funding.rule']
        base = {'contract_id': self.contract.id, 'name': 'Bad'}
        with self.assertRaisesRegex(ValidationError, 'total 99.0 %'):
            Rule.create(dict(base, allocation_ids=[
                (0, 0, {'source_id': self.src_customer.id, 'percent': 69.0, 'is_rounding': True}),
                (0, 0, {'source_id': self.src_grant.id, 'percent': 30.0})]))
        with self.assertRaisesRegex(ValidationError, r'exactly one allocation .* \(it has 0\)'):
            Rule.create(dict(base, allocation_ids=[
                (0, 0, {'source_id': self.src_customer.id, 'percent': 70.0}),
                (0, 0, {'source_id': self.src_grant.id, 'percent': 30.0})]))
        with self.assertRaisesRegex(ValidationError, r'\(it has 2\)'):
            Rule.create(dict(base, allocation_ids=[
                (0, 0, {'source_id': self.src_customer.id, 'percent': 70.0, 'is_rounding': True}),
                (0, 0, {'source_id': self.src_grant.id, 'percent': 30.0, 'is_rounding': True})]))
        other = self.env['project.contract'].create({'name': 'Other', 'partner_id': self.customer.id})
        with self.assertRaisesRegex(ValidationError, 'another contract'):
            Rule.create(dict(base, allocation_ids=[
                (0, 0, {'source_id': other.funding_source_ids.id, 'percent': 100.0, 'is_rounding': True})]))

    def alloc(self, allocs, key):
        """{source: amount} of one allocation (summed over rules)."""
        result = {}
        for _rule, source_id, _pct, _rnd, amount in allocs[key]:
            source = self.env['project.funding.source'].browse(source_id)
            result[source] = round(result.get(source, 0.0) + amount, 2)
        return result

    def test_allocation_of_transactions(self):
        allocs, reasons = self.contract._allocate_funding([self.item_dict(100.01)])
        self.assertFalse(reasons)
        self.assertEqual(allocs[100.01], [((10, self.rule.id), self.src_customer.id, 70.0, True, 70.01),
                                          ((10, self.rule.id), self.src_grant.id, 30.0, False, 30.0)])

    def test_rule_priority_and_limit_fill(self):
        # grant pays 100 % of hours up to 500, then 70/30, then the customer alone
        self.src_grant.limit_amount = 500.0
        Rule = self.env['project.funding.rule']
        Rule.create({
            'contract_id': self.contract.id, 'name': 'Grant first', 'sequence': 1,
            'transaction_type': 'hour',
            'allocation_ids': [(0, 0, {'source_id': self.src_grant.id, 'percent': 100.0,
                                       'is_rounding': True})]})
        Rule.create({
            'contract_id': self.contract.id, 'name': 'Customer last', 'sequence': 20,
            'allocation_ids': [(0, 0, {'source_id': self.src_customer.id, 'percent': 100.0,
                                       'is_rounding': True})]})
        allocs, reasons = self.contract._allocate_funding([
            self.item_dict(300.0, key='a'), self.item_dict(150.0, key='b'),
            self.item_dict(100.0, key='c'), self.item_dict(50.0, key='d')])
        self.assertFalse(reasons)
        self.assertEqual(self.alloc(allocs, 'a'), {self.src_grant: 300.0})
        self.assertEqual(self.alloc(allocs, 'b'), {self.src_grant: 150.0})
        # c crosses the limit: the grant is filled to 500 exactly, the rest
        # cannot go 70/30 (the grant is full), so the customer pays it
        self.assertEqual(self.alloc(allocs, 'c'), {self.src_grant: 50.0, self.src_customer: 50.0})
        self.assertEqual(self.alloc(allocs, 'd'), {self.src_customer: 50.0})
        # a limit with room: 70/30 until the grant's 30 % reaches it
        self.src_grant.limit_amount = 20.0
        allocs, reasons = self.contract._allocate_funding([self.item_dict(100.0, 'expense', key='e')])
        # 66.66 of the expense goes 70/30 (grant 20.00), the rest to the customer
        self.assertEqual(self.alloc(allocs, 'e'), {self.src_grant: 20.0, self.src_customer: 80.0})
        self.assertEqual(sum(a for _r, _s, _p, _x, a in allocs['e']), 100.0)
        # nothing covers the rest: not allocated, and the reason says so
        Rule.search([('name', '=', 'Customer last')]).unlink()
        allocs, reasons = self.contract._allocate_funding([self.item_dict(100.0, 'expense', key='f')])
        self.assertNotIn('f', allocs)
        self.assertIn('limit of Grant fund (test)', reasons['f'])

    def test_limit_filled_across_one_transaction(self):
        """Issue case 5: source A limit 500 (priority 1), B (priority 2),
        one transaction of 800: A 500.00, B 300.00."""
        a, b = self.src_customer, self.src_grant
        a.limit_amount = 500.0
        self.rule.unlink()
        Rule = self.env['project.funding.rule']
        for seq, source in ((1, a), (2, b)):
            Rule.create({'contract_id': self.contract.id, 'name': source.partner_id.name,
                         'sequence': seq, 'allocation_ids': [
                             (0, 0, {'source_id': source.id, 'percent': 100.0, 'is_rounding': True})]})
        allocs, reasons = self.contract._allocate_funding([self.item_dict(800.0, key='x')])
        self.assertEqual(self.alloc(allocs, 'x'), {a: 500.0, b: 300.0})
        # through a real proposal: the limit is counted from the ledger
        self.timesheet(8.0)                                  # 800.00
        proposals = self.env['project.invoice.proposal']._propose(self.contract, date_to='2026-12-31')[0]
        self.assertEqual(sorted((p.funding_source_id.id, p.amount_total) for p in proposals),
                         sorted([(a.id, 500.0), (b.id, 300.0)]))
        self.timesheet(1.0)                                  # A is full: B pays 100.00
        more = self.env['project.invoice.proposal']._propose(self.contract, date_to='2026-12-31')[0]
        self.assertEqual([(p.funding_source_id, p.amount_total) for p in more], [(b, 100.0)])

    def test_rule_filters(self):
        self.rule.write({'transaction_type': 'hour', 'date_from': '2026-03-01', 'date_to': '2026-03-31'})
        allocs, reasons = self.contract._allocate_funding([
            self.item_dict(10.0, 'hour', '2026-03-15', key='in'),
            self.item_dict(10.0, 'hour', '2026-04-01', key='late'),
            self.item_dict(10.0, 'fee', '2026-03-15', key='fee')])
        self.assertIn('in', allocs)
        self.assertIn('No funding rule', reasons['late'])
        self.assertIn('No funding rule', reasons['fee'])

    def test_rule_product_category(self):
        # licences are paid by the grant alone; everything else 70/30
        licences = self.env['product.category'].create({'name': 'Licences'})
        sub = self.env['product.category'].create({'name': 'CMS', 'parent_id': licences.id})
        self.env['project.funding.rule'].create({
            'contract_id': self.contract.id, 'name': 'Licences', 'sequence': 1,
            'product_categ_id': licences.id,
            'allocation_ids': [(0, 0, {'source_id': self.src_grant.id, 'percent': 100.0,
                                       'is_rounding': True})]})
        self.item.categ_id = sub
        licence = self.bill_purchase('chargeable')
        hours = self.timesheet(1.0)
        proposals, reasons = self.env['project.invoice.proposal']._propose(
            self.contract, date_to='2026-12-31')
        grant = proposals.filtered(lambda p: p.funding_source_id == self.src_grant)
        customer = proposals.filtered(lambda p: p.funding_source_id == self.src_customer)
        self.assertEqual(grant.line_ids.filtered(lambda l: l.analytic_line_id == licence).amount, 60.0)
        self.assertFalse(customer.line_ids.filtered(lambda l: l.analytic_line_id == licence))
        self.assertEqual(customer.line_ids.filtered(lambda l: l.analytic_line_id == hours).amount, 70.0)

    def test_sales_price_of_hours(self):
        line = self.timesheet(10.0)
        self.assertEqual(line.billing_type, 'hour')
        self.assertEqual(line.invoice_status, 'to_invoice')
        self.assertEqual(line.billing_project_id, self.project)
        self.assertEqual(line.billing_contract_id, self.contract)
        self.assertEqual(line.sales_price, 100.0)          # the employee's contract rate
        self.assertEqual(line.billing_amount, 1000.0)
        junior = self.timesheet(2.5, employee=self.employee2)
        self.assertEqual(junior.sales_price, 90.0)         # the hours product's price
        self.assertEqual(junior.billing_amount, 225.0)
        self.env['project.contract.rate'].create({'contract_id': self.contract.id,
                                                  'product_id': self.hour_product.id, 'price': 95.0})
        junior.unit_amount = 3.0                           # re-priced on change
        self.assertEqual(junior.sales_price, 95.0)
        self.assertEqual(junior.billing_amount, 285.0)
        junior.sales_price = 80.0                          # a manual price sticks
        junior.unit_amount = 4.0
        self.assertTrue(junior.sales_price_manual)
        self.assertEqual(junior.billing_amount, 320.0)

    def test_hours_of_internal_and_fixed_price_projects(self):
        internal = self.env['project.project'].create({'name': 'Internal (test)'})
        line = self.timesheet(1.0, project=internal)
        self.assertEqual(line.invoice_status, 'not_chargeable')
        self.assertEqual(line.not_invoiceable_reason, 'Internal project')
        fp = self.env['project.project'].create({'name': 'FP', 'project_invoice_type': 'fixed_price',
                                                 'contract_id': self.contract.id, 'fixed_price': 1000})
        line = self.timesheet(1.0, project=fp)
        self.assertEqual(line.invoice_status, 'not_chargeable')
        self.assertIn('billing schedule', line.not_invoiceable_reason)

    def test_chargeable_purchase_line(self):
        lines = self.bill_purchase('chargeable')
        self.assertEqual(len(lines), 1)
        self.assertEqual(lines.billing_type, 'item')
        self.assertEqual(lines.billing_cost, 50.0)
        self.assertEqual(lines.invoice_status, 'to_invoice')
        self.assertEqual(lines.sales_price, 60.0)          # cost 50 + 20 % markup
        self.assertEqual(lines.billing_amount, 60.0)
        self.contract.markup_percent = 0.0                 # no markup: the product's price
        lines.unit_amount = 1.0
        lines._update_billing()
        self.assertEqual(lines.sales_price, 70.0)

    def test_non_chargeable_purchase_line_is_never_invoiceable(self):
        lines = self.bill_purchase('not_chargeable')
        self.assertEqual(lines.billing_cost, 50.0)
        self.assertEqual(lines.invoice_status, 'not_chargeable')
        self.assertEqual(lines.not_invoiceable_reason, 'Not chargeable')
        lines.unit_amount = 1.0                            # a change does not make it chargeable
        self.assertEqual(lines.invoice_status, 'not_chargeable')

    def test_line_property_defaults(self):
        POL = self.env['purchase.order.line']
        categ = self.env['product.category'].create({'name': 'Overheads',
                                                     'project_line_property': 'not_chargeable'})
        self.assertEqual(POL._default_line_property(self.item, self.project), 'chargeable')
        self.item.categ_id = categ
        self.assertEqual(POL._default_line_property(self.item, self.project), 'not_chargeable')
        internal = self.env['project.project'].create({'name': 'Internal'})
        self.item.categ_id = self.env.ref('product.product_category_all')
        self.assertEqual(POL._default_line_property(self.item, internal), 'not_chargeable')
