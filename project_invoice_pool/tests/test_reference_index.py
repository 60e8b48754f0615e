from odoo.tests.common import TransactionCase


class TestReferenceIndex(TransactionCase):
    """Validating a vendor bill looks for another bill of the vendor with its
    reference (Odoo's duplicate check, and the pool's own): through an index,
    not by reading every vendor bill of the company."""

    def _plan(self, domain):
        query = self.env['account.invoice']._where_calc(domain)
        from_clause, where_clause, params = query.get_sql()
        cr = self.env.cr
        cr.execute('SET LOCAL enable_seqscan = off')
        cr.execute('EXPLAIN SELECT count(1) FROM %s WHERE %s' % (from_clause, where_clause), params)
        return ' '.join(row[0] for row in cr.fetchall())

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
