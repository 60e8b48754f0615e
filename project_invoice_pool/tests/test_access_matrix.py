"""The invoice pool rows of docs/access-matrix.md, one test per cell. Run
after installation: the project billing groups (columns of the matrix)
exist only once that addon is installed too."""
from odoo.tests.common import at_install, post_install

from odoo.addons.project_invoicing_base.tests.access_case import AccessMatrixCase, cells

from .access_matrix import MATRIX
from .common import InvoicePoolCase


@at_install(False)
@post_install(True)
@cells
class TestPoolAccessMatrix(AccessMatrixCase, InvoicePoolCase):
    MATRIX = MATRIX

    def entry(self, number='MX-1', post=True):
        register = self.make_register([self.line_vals(number)])
        if post:
            register.action_post()
        return register.line_ids

    def billed(self, price=75.0):
        entry = self.entry()
        entry.action_create_bill()
        entry.invoice_id.invoice_line_ids.write({'price_unit': price})
        entry.invoice_id.compute_taxes()
        return entry, entry.invoice_id

    def do_register_create(self, user):
        register = self.make_register([self.line_vals('MX-1')], user=user.id)
        self.assertEqual(register.sudo().line_ids.amount, 75.0)

    def do_register_edit(self, user):
        entry = self.entry(post=False)
        entry.sudo(user).write({'amount': 80.0})
        self.assertEqual(entry.amount, 80.0)

    def do_register_post(self, user):
        entry = self.entry(post=False)
        entry.register_id.sudo(user).action_post()
        self.assertEqual(entry.pool_state, 'in_pool')
        self.assertEqual(self.balance(self.pending, self.vendor), 75.0)

    def do_register_read(self, user):
        entry = self.entry()
        self.assertEqual(entry.sudo(user).read(['amount'])[0]['amount'], 75.0)

    def do_entry_cancel(self, user):
        entry = self.entry()
        entry.sudo(user).action_cancel()
        self.assertEqual(entry.pool_state, 'cancelled')
        self.assertEqual(self.balance(self.pending, self.vendor), 0.0)

    def do_bill_create(self, user):
        entry = self.entry()
        entry.sudo(user).action_create_bill()
        self.assertEqual((entry.invoice_id.state, entry.invoice_id.amount_total), ('draft', 75.0))

    def do_matching(self, user):
        _entry, bill = self.billed(price=80.0)
        bill.sudo(user).action_update_matching_status()
        self.assertEqual((bill.match_state, len(bill.match_line_ids.filtered(lambda m: not m.passed))),
                         ('not_matched', 2))   # unit price and total

    def do_bill_post(self, user):
        entry, bill = self.billed()
        bill.sudo(user).action_invoice_open()
        self.assertEqual((bill.state, bill.match_state, entry.pool_state),
                         ('open', 'matched', 'invoiced'))
        self.assertEqual(self.balance(self.pending, self.vendor), 0.0)

    def do_override(self, user):
        entry, bill = self.billed(price=80.0)
        bill.sudo(user).action_invoice_open_override()
        self.assertEqual((bill.state, bill.match_state, bill.match_override_uid),
                         ('open', 'not_matched', user))

    def do_pending_check(self, user):
        self.entry()
        check = self.env['account.invoice.pool.check'].sudo(user).create(
            {'company_id': self.company.id})
        self.assertEqual(check.sudo().difference, 0.0)

    def do_journals(self, user):
        self.journal.sudo(user).write({'register_approver_required': False})
        self.assertFalse(self.journal.register_approver_required)
