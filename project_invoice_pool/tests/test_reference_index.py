from odoo.tests.common import TransactionCase

from odoo.addons.project_invoicing_base.tests.plans import search_plan


class TestReferenceIndex(TransactionCase):
    """Validating a vendor bill looks for another bill of the vendor with its
    reference (Odoo's duplicate check, and the pool's own): through an index,
    not by reading every vendor bill of the company."""

    def _plan(self, domain):
        return search_plan(self.env['account.invoice'], domain, 'count(1)')

    def test_duplicate_reference_searches_use_the_index(self):
        partner = self.env.ref('base.res_partner_1')
        common = [('reference', '=', 'INV-1'), ('company_id', '=', self.env.user.company_id.id),
                  ('commercial_partner_id', '=', partner.id), ('id', '!=', 1)]
        for domain in (
                [('type', '=', 'in_invoice')] + common,   # Odoo's check
                [('type', '=', 'in_refund')] + common + [  # the pool's, for its bills
                    '|', ('state', '!=', 'cancel'), ('register_line_id', '!=', 1)]):
            self.assertIn('account_invoice_vendor_reference_idx', self._plan(domain))

    def test_customer_invoices_are_not_in_the_index(self):
        self.assertNotIn('account_invoice_vendor_reference_idx', self._plan(
            [('type', '=', 'out_invoice'), ('reference', '=', 'INV-1')]))
