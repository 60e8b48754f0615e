from odoo.tests.common import TransactionCase


class TestDutch(TransactionCase):
    """The Dutch UI uses the seeds' terms (Factuurvoorstel, Financieringsbron, A conto...)."""

    def test_dutch_labels(self):
        self.env['res.lang'].load_lang('nl_NL')
        self.env['ir.translation'].load_module_terms(['project_billing_schedule'], ['nl_NL'])
        nl = self.env(context={'lang': 'nl_NL'})
        self.assertEqual(nl.ref('project_billing_schedule.menu_invoice_proposal').name,
                         'Factuurvoorstellen')
        self.assertEqual(nl.ref('project_billing_schedule.menu_funding_source').name,
                         'Financieringsbronnen')
        self.assertEqual(nl.ref('project_billing_schedule.menu_invoice_control').name, 'Factuurbeheer')
        fields = nl['project.project'].fields_get(['project_invoice_type', 'on_account_ids'])
        self.assertEqual(fields['project_invoice_type']['string'], 'Projecttype')
        self.assertEqual(fields['on_account_ids']['string'], 'A conto-transacties')
        self.assertIn(('time_material', 'Tijd en materiaal'), fields['project_invoice_type']['selection'])
        self.assertEqual(nl['project.on.account']._description, 'On-account transaction')
        self.assertEqual(nl.ref('project_billing_schedule.model_project_on_account').name,
                         'A conto-transactie')
