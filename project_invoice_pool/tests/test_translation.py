from odoo.tests.common import TransactionCase


class TestDutch(TransactionCase):
    """The Dutch UI uses the seeds' terms (Facturenregister, Facturenpool...)."""

    def test_dutch_labels(self):
        self.env['res.lang'].load_lang('nl_NL')
        self.env['ir.translation'].load_module_terms(['project_invoice_pool'], ['nl_NL'])
        nl = self.env(context={'lang': 'nl_NL'})
        self.assertEqual(nl.ref('project_invoice_pool.menu_invoice_pool').name, 'Facturenpool')
        self.assertEqual(nl.ref('project_invoice_pool.menu_invoice_register').name, 'Facturenregisters')
        fields = nl['account.invoice.register.line'].fields_get(['approver_id', 'purchase_id'])
        self.assertEqual(fields['approver_id']['string'], 'Goedgekeurd door')
        self.assertEqual(fields['purchase_id']['string'], 'Inkooporder')
        arch = nl['account.invoice'].fields_view_get(
            view_id=nl.ref('account.invoice_supplier_form').id, view_type='form')['arch']
        self.assertIn('Vereffeningsstatus bijwerken', arch)
