"""Purchase orders suggested for a register entry without one (issue #17
item 5), with their numbers: vendor 3003 tolerates 2.00; its orders of
90.00 (2 days before the invoice), 101.50 (22 days, to a contact of the
vendor) and 120.00 (7 days); the entry is 100.00 on 2026-02-01."""
from lxml import etree

from odoo.exceptions import AccessError, UserError

from odoo.addons.project_invoicing_base.tests.companies import make_company, make_user

from .common import InvoicePoolCase

LINKED = 'Linked to %s: the only purchase order of this vendor whose amount to invoice fits ' \
         'within the tolerance'


class TestPoSuggestion(InvoicePoolCase):

    @classmethod
    def setUpClass(cls):
        super(TestPoSuggestion, cls).setUpClass()
        Partner = cls.env['res.partner']
        cls.vendor3 = Partner.create({
            'name': 'Vendor 3003 (test)', 'supplier': True, 'is_company': True,
            'invoice_match_tolerance_own': True, 'invoice_match_tolerance_amount': 2.0})
        contact = Partner.create({'name': 'Sales desk 3003 (test)', 'parent_id': cls.vendor3.id})
        cls.po_a = cls.dated_po(cls.vendor3, 90.0, '2026-01-30')
        cls.po_b = cls.dated_po(contact, 101.5, '2026-01-10')
        cls.po_c = cls.dated_po(cls.vendor3, 120.0, '2026-01-25')
        cls.buyer = cls.env['res.users'].with_context(no_reset_password=True).create({
            'name': 'Test buyer', 'login': 'test_buyer', 'email': 'test_buyer@example.com',
            'groups_id': [(6, 0, [cls.env.ref('base.group_user').id,
                                  cls.env.ref('purchase.group_purchase_user').id])]})

    @classmethod
    def dated_po(cls, vendor, price, day):
        po = cls.make_po(vendor, price)
        po.date_order = day + ' 10:00:00'
        return po

    def entry(self, number='V3-1', amount=100.0, post=False, **kw):
        register = self.make_register([self.line_vals(
            number, amount, po=False, vendor=self.vendor3, account_id=self.expense.id, **kw)])
        if post:
            register.action_post()
        return register.line_ids

    def rows(self, entry, user=None):
        entry.invalidate_cache()
        rows = (entry.sudo(user) if user else entry).po_suggestion_ids
        return [(r.purchase_id, r.sequence, r.amount_to_invoice, r.difference, r.fits)
                for r in rows]

    def linked_messages(self, entry):
        return entry.message_ids.filtered(lambda m: 'Linked to' in (m.body or ''))

    def test_the_only_fitting_order_first_and_linked_on_posting(self):
        entry = self.entry()
        self.assertEqual(self.rows(entry, self.clerk), [
            (self.po_b, 1, 101.5, 1.5, True),       # fits within 2.00
            (self.po_a, 2, 90.0, -10.0, False),     # 2 days from the invoice
            (self.po_c, 3, 120.0, 20.0, False)])    # 7 days
        reason = entry.sudo(self.clerk).po_suggestion_ids[0].reason
        self.assertEqual(reason, 'amount to invoice fits within the tolerance (vendor); '
                                 'ordered 22 days from the invoice date')
        entry.register_id.sudo(self.clerk).action_post()
        self.assertEqual((entry.pool_state, entry.purchase_id), ('in_pool', self.po_b))
        message = self.linked_messages(entry)
        self.assertEqual(len(message), 1)
        self.assertIn(LINKED % self.po_b.name, message.body)
        self.assertIn('101.50 to invoice, 100.00 registered', message.body)
        self.assertEqual(self.rows(entry, self.clerk), [])   # it has its order now
        # the bill is made from the order and matches
        bill = self.env['account.invoice'].browse(entry.action_create_bill()['res_id'])
        bill.action_update_matching_status()
        self.assertEqual((bill.amount_total, bill.match_state), (101.5, 'matched'))

    def test_two_fitting_orders_link_nothing(self):
        po_d = self.dated_po(self.vendor3, 99.0, '2026-01-31')
        entry = self.entry(post=True)
        self.assertFalse(entry.purchase_id)
        self.assertFalse(self.linked_messages(entry))
        self.assertEqual([r[0] for r in self.rows(entry)], [po_d, self.po_b, self.po_a, self.po_c])
        # nor when one order is the only fit of two entries posted together
        po_d.button_cancel()
        register = self.make_register([
            self.line_vals(n, 100.0, po=False, vendor=self.vendor3, account_id=self.expense.id)
            for n in ('V3-2', 'V3-3')])
        register.action_post()
        self.assertFalse(register.line_ids.mapped('purchase_id'))

    def test_other_vendors_companies_and_claimed_orders_are_never_suggested(self):
        self.make_po(self.vendor2, 100.0)                                # another vendor
        draft = self.env['purchase.order'].create({'partner_id': self.vendor3.id, 'order_line': [
            (0, 0, {'product_id': self.product.id, 'name': 'Draft', 'product_qty': 1.0,
                    'price_unit': 100.0, 'product_uom': self.product.uom_po_id.id,
                    'date_planned': '2026-01-15', 'taxes_id': [(6, 0, [])]})]})
        company_b = make_company(self.env, 'Company B (suggestion test)', 'base.EUR')
        buyer_b = make_user(self.env, 'buyer_b_suggestion_test', company_b,
                            ['purchase.group_purchase_user'])
        po_b2 = self.env['purchase.order'].sudo(buyer_b).create({
            'partner_id': self.vendor3.id, 'company_id': company_b.id, 'currency_id':
            self.company.currency_id.id, 'order_line': [(0, 0, {
                'product_id': self.product.id, 'name': 'Other company', 'product_qty': 1.0,
                'price_unit': 100.0, 'product_uom': self.product.uom_po_id.id,
                'date_planned': '2026-01-15', 'taxes_id': [(6, 0, [])]})]})
        po_b2.button_confirm()
        self.assertEqual((po_b2.company_id, po_b2.invoice_status), (company_b, 'to invoice'))
        entry = self.entry()
        suggested = [r[0] for r in self.rows(entry)]
        self.assertEqual(suggested, [self.po_b, self.po_a, self.po_c])
        self.assertNotIn(draft, suggested)
        # an order another entry waits with counts as claimed: 101.50 - 100.00 left
        self.entry('V3-9', 100.0, post=True)                         # takes po_b
        self.assertEqual(self.rows(entry)[-1][:3], (self.po_b, 3, 1.5))
        entry.register_id.action_post()
        self.assertFalse(entry.purchase_id)                          # nothing fits any more

    def test_a_reference_in_the_description_ranks_before_the_date(self):
        self.po_c.partner_ref = 'SO-4711'
        entry = self.entry(name='Consulting as ordered on %s' % self.po_c.name.lower())
        self.assertEqual([r[0] for r in self.rows(entry)], [self.po_b, self.po_c, self.po_a])
        self.assertIn('%s found in the description' % self.po_c.name,
                      entry.po_suggestion_ids[1].reason)
        entry.name = 'Consulting'
        self.assertEqual([r[0] for r in self.rows(entry)], [self.po_b, self.po_a, self.po_c])
        # the vendor's own reference, in the vendor invoice number, beats 2 days
        entry.vendor_invoice_number = 'INV 88 / so-4711'
        self.assertEqual([r[0] for r in self.rows(entry)], [self.po_b, self.po_c, self.po_a])
        self.assertIn('SO-4711 found in the vendor invoice number',
                      entry.po_suggestion_ids[1].reason)
        # the fit stays first: another amount, then the reference leads
        entry.amount = 95.0
        self.assertEqual([r[0] for r in self.rows(entry)], [self.po_c, self.po_a, self.po_b])

    def test_use_this_po_by_a_clerk_not_by_a_buyer_or_an_approver(self):
        self.dated_po(self.vendor3, 99.0, '2026-01-31')          # two fit: nothing linked
        entry = self.entry(post=True)
        self.assertFalse(entry.purchase_id)
        # a buyer sees the suggestions but may not change the entry
        rows = entry.sudo(self.buyer).po_suggestion_ids
        self.assertEqual(len(rows), 4)
        with self.assertRaises(AccessError):
            rows.filtered(lambda r: r.purchase_id == self.po_a).action_use()
        # an approver reads the entry, not the suggestions
        with self.assertRaises(AccessError):
            entry.sudo(self.approver).read(['po_suggestion_ids'])
        view = self.env.ref('project_invoice_pool.view_invoice_pool_form')
        arch = entry.sudo(self.approver).fields_view_get(view_id=view.id, view_type='form')['arch']
        self.assertNotIn('po_suggestion_ids', arch)
        # the button is the clerk's (the list's own arch comes with the field;
        # a button of another group is made invisible there, not left out)
        for user, shown in ((self.buyer, False), (self.clerk, True)):
            fields = entry.sudo(user).fields_view_get(view_id=view.id, view_type='form')['fields']
            tree = etree.fromstring(fields['po_suggestion_ids']['views']['tree']['arch'])
            button = tree.xpath("//button[@name='action_use']")[0]
            self.assertEqual(button.get('string'), 'Use this PO')
            self.assertEqual(button.get('invisible') == '1', not shown)
        self.assertFalse(entry.purchase_id)
        # the clerk takes the third suggestion: a posted entry in the pool takes an order
        entry.invalidate_cache()
        rows = entry.sudo(self.clerk).po_suggestion_ids
        row = rows.filtered(lambda r: r.purchase_id == self.po_a)
        row.action_use()
        self.assertEqual(entry.purchase_id, self.po_a)
        # and only once: the entry's own rule (a posted entry's order is fixed)
        with self.assertRaisesRegex(UserError, 'cannot change'):
            rows.filtered(lambda r: r.purchase_id == self.po_c).action_use()
        # an order no longer open is not taken from an old row
        with self.assertRaisesRegex(UserError, 'no longer suggested'):
            self.env['account.invoice.po.suggestion'].create({
                'entry_id': entry.id, 'purchase_id': self.po.id}).action_use()
