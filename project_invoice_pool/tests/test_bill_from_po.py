from .common import InvoicePoolCase


class TestBillFromPurchaseOrder(InvoicePoolCase):
    """The bill made from a pool entry holds what Odoo's own "Add Purchase
    Order" puts on a bill: every open quantity of the order, its prices,
    taxes (with their tax lines), analytic accounts and order-line links."""

    @classmethod
    def setUpClass(cls):
        super(TestBillFromPurchaseOrder, cls).setUpClass()
        env = cls.env
        cls.tax = env['account.tax'].create({
            'name': 'Purchase 21% (test)', 'type_tax_use': 'purchase', 'amount_type': 'percent',
            'amount': 21.0, 'company_id': cls.company.id})
        cls.analytic = env['account.analytic.account'].create({'name': 'Project X (test)'})
        cls.term = env.ref('account.account_payment_term_15days')
        cls.taxed_po = env['purchase.order'].create({
            'partner_id': cls.vendor2.id, 'payment_term_id': cls.term.id,
            'order_line': [
                (0, 0, {'product_id': cls.product.id, 'name': 'Design', 'product_qty': 4.0,
                        'price_unit': 100.0, 'product_uom': cls.product.uom_po_id.id,
                        'date_planned': '2026-01-15', 'taxes_id': [(6, 0, cls.tax.ids)]}),
                (0, 0, {'product_id': cls.product.id, 'name': 'Travel', 'product_qty': 1.0,
                        'price_unit': 50.0, 'product_uom': cls.product.uom_po_id.id,
                        'date_planned': '2026-01-15', 'taxes_id': [(6, 0, [])],
                        'account_analytic_id': cls.analytic.id}),
            ]})
        cls.taxed_po.button_confirm()
        cls.design, cls.travel = cls.taxed_po.order_line

    def odoo_bill(self, quantity):
        """One design unit billed the way Odoo does, without the pool."""
        bill = self.env['account.invoice'].create({
            'type': 'in_invoice', 'partner_id': self.vendor2.id, 'reference': 'DIRECT-1',
            'purchase_id': self.taxed_po.id, 'journal_id': self.bill_journal.id,
            'date_invoice': '2026-01-20'})
        bill.purchase_order_change()
        bill.invoice_line_ids.filtered(lambda l: l.purchase_line_id == self.travel).unlink()
        bill.invoice_line_ids.quantity = quantity
        bill.compute_taxes()
        bill.action_invoice_open()
        return bill

    def pool_bill(self, amount):
        register = self.make_register([self.line_vals(
            'V2-77', amount, po=self.taxed_po, vendor=self.vendor2)])
        register.action_post()
        entry = register.line_ids
        return entry, self.env['account.invoice'].browse(entry.action_create_bill()['res_id'])

    def test_open_quantities_taxes_and_analytics_from_the_order(self):
        self.assertEqual(self.odoo_bill(1.0).amount_total, 121.0)
        # 3 design units left (363.00 with tax) and the travel (50.00)
        entry, bill = self.pool_bill(413.0)
        lines = dict((l.purchase_line_id, l) for l in bill.invoice_line_ids)
        self.assertEqual(set(lines), {self.design, self.travel})
        design, travel = lines[self.design], lines[self.travel]
        self.assertEqual((design.quantity, design.price_unit, design.price_subtotal),
                         (3.0, 100.0, 300.0))
        self.assertEqual(design.invoice_line_tax_ids, self.tax)
        self.assertEqual(design.account_id, self.expense)
        self.assertEqual((travel.quantity, travel.price_subtotal), (1.0, 50.0))
        self.assertFalse(travel.invoice_line_tax_ids)
        self.assertEqual(travel.account_analytic_id, self.analytic)
        self.assertEqual(travel.name, '%s: Travel' % self.taxed_po.name)
        self.assertEqual([(t.tax_id, t.base, t.amount) for t in bill.tax_line_ids],
                         [(self.tax, 300.0, 63.0)])
        self.assertEqual((bill.amount_untaxed, bill.amount_tax, bill.amount_total),
                         (350.0, 63.0, 413.0))
        # the due date comes from the register entry, not the order's terms
        self.assertFalse(bill.payment_term_id)
        self.assertEqual(bill.date_due, entry.date_due)
        self.assertEqual((bill.origin, bill.reference, bill.register_line_id),
                         (self.taxed_po.name, 'V2-77', entry))
        self.assertEqual((self.design.qty_invoiced, self.travel.qty_invoiced), (4.0, 1.0))
        bill.action_invoice_open()
        self.assertEqual((bill.state, entry.pool_state), ('open', 'invoiced'))
        self.assertEqual(self.balance(self.pending, self.vendor2), 0.0)
        self.assertEqual(self.balance(self.payable, self.vendor2), -534.0)
        self.assertEqual(round(sum(bill.move_id.line_ids.filtered(
            lambda l: l.tax_line_id == self.tax).mapped('balance')), 2), 63.0)

    def test_quantities_billed_before_are_not_billed_again(self):
        self.odoo_bill(4.0)
        entry, bill = self.pool_bill(50.0)
        self.assertEqual([(l.purchase_line_id, l.quantity) for l in bill.invoice_line_ids],
                         [(self.design, 0.0), (self.travel, 1.0)])
        self.assertEqual(bill.amount_total, 50.0)
