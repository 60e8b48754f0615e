"""Bad input to the invoice register: refused with the field and the value
named (never a bare traceback), and no row left behind."""
from odoo.exceptions import ValidationError

from .common import InvoicePoolCase


class TestBadInput(InvoicePoolCase):

    def refused(self, pattern, call):
        before = (self.env['account.invoice.register'].search_count([]),
                  self.env['account.invoice.register.line'].search_count([]))
        with self.assertRaisesRegex(ValidationError, pattern), self.env.cr.savepoint():
            call()
        self.assertEqual((self.env['account.invoice.register'].search_count([]),
                          self.env['account.invoice.register.line'].search_count([])), before)

    def test_an_amount_in_words(self):
        self.refused(r"Amount \(amount\): 'twelve' is not a finite number",
                     lambda: self.make_register([self.line_vals(amount='twelve')]))
        self.refused(r"\(amount\): inf is not a finite number",
                     lambda: self.make_register([self.line_vals(amount=float('inf'))]))

    def test_unknown_ids(self):
        self.refused(r'\(partner_id\): there is no Contact with id 987654321',
                     lambda: self.make_register([self.line_vals(vendor=self.vendor.browse(987654321))]))
        self.refused(r'\(journal_id\): there is no Journal with id 987654321',
                     lambda: self.env['account.invoice.register'].create({'journal_id': 987654321}))
        self.refused(r"\(purchase_id\): '12' is not a record id",
                     lambda: self.make_register([self.line_vals(purchase_id='12')]))

    def test_a_date_that_is_no_date(self):
        self.refused(r"\(invoice_date\): '2026-02-30' is not a date",
                     lambda: self.make_register([self.line_vals(invoice_date='2026-02-30')]))
