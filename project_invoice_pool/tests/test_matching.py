"""Update matching status explains itself: every check stored with both
values, the tolerance applied and where it comes from."""
from .common import InvoicePoolCase


class TestMatching(InvoicePoolCase):

    def bill(self, price=80.0, qty=1.0, amount=75.0):
        register = self.make_register([self.line_vals(amount=amount)])
        register.action_post()
        bill = self.env['account.invoice'].browse(register.line_ids.action_create_bill()['res_id'])
        bill.invoice_line_ids.write({'price_unit': price, 'quantity': qty})
        bill.compute_taxes()
        bill.action_update_matching_status()
        return bill

    def checks(self, bill):
        return dict((c.check, (c.value, c.expected, c.passed)) for c in bill.match_line_ids)

    def test_every_check_with_both_values(self):
        bill = self.bill(price=80.0)
        self.assertEqual(self.checks(bill), {
            'total': (80.0, 75.0, False), 'vendor': (1.0, 1.0, True),
            'price': (80.0, 75.0, False), 'qty_ordered': (1.0, 1.0, True)})
        price = bill.match_line_ids.filtered(lambda c: c.check == 'price')
        self.assertEqual((price.difference, price.tolerance), (5.0, '0.0 % or 0.0 (company)'))
        self.assertEqual(bill.match_first_failure, 'Invoice total 80.00 differs from the registered '
                                                   'amount 75.00.')
        entry = bill.register_line_id
        self.assertEqual(entry.match_first_failure, bill.match_first_failure)

    def test_tolerances_vendor_then_category_then_company(self):
        self.company.invoice_match_tolerance_amount = 1.0
        bill = self.bill(price=80.0, amount=80.0)
        self.assertEqual(self.checks(bill)['price'][2], False)          # 5.00 > 1.00
        self.product.categ_id.write({'invoice_match_tolerance_own': True,
                                     'invoice_match_tolerance_percent': 10.0})
        bill.action_update_matching_status()
        price = bill.match_line_ids.filtered(lambda c: c.check == 'price')
        self.assertTrue(price.passed)                                   # 5.00 <= 10 % of 75
        self.assertIn('category Services (test)', price.tolerance)
        self.assertEqual(bill.match_state, 'matched')
        self.vendor.write({'invoice_match_tolerance_own': True, 'invoice_match_tolerance_amount': 2.0})
        bill.action_update_matching_status()
        price = bill.match_line_ids.filtered(lambda c: c.check == 'price')
        self.assertEqual((price.passed, price.tolerance), (False, '0.0 % or 2.0 (vendor)'))
        self.assertEqual(bill.match_state, 'not_matched')

    def test_quantity_below_what_is_open_passes(self):
        po = self.make_po(self.vendor, 10.0, qty=5.0)
        register = self.make_register([self.line_vals('Q-1', 20.0, po=po)])
        register.action_post()
        bill = self.env['account.invoice'].browse(register.line_ids.action_create_bill()['res_id'])
        bill.invoice_line_ids.quantity = 2.0
        bill.compute_taxes()
        bill.action_update_matching_status()
        self.assertEqual(self.checks(bill)['qty_ordered'], (2.0, 5.0, True))
        self.assertEqual(bill.match_state, 'matched')

    def test_checked_again_unchanged_keeps_the_record(self):
        """Posting checks again; the same result keeps the stored checks
        (and the status, without a tracking message), a changed bill gets
        new ones."""
        bill = self.bill(price=80.0)
        stored = bill.match_line_ids
        self.assertEqual(len(stored), 4)
        messages = len(bill.message_ids)
        bill.action_update_matching_status()
        self.assertEqual(bill.match_line_ids, stored)
        self.assertEqual((bill.match_state, len(bill.message_ids)), ('not_matched', messages))
        bill.invoice_line_ids.write({'price_unit': 75.0})
        bill.compute_taxes()
        bill.action_update_matching_status()
        self.assertFalse(bill.match_line_ids & stored)
        self.assertEqual(self.checks(bill)['price'], (75.0, 75.0, True))
        self.assertEqual(bill.match_state, 'matched')
