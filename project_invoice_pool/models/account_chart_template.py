from odoo import api, models


class AccountChartTemplate(models.Model):
    _inherit = 'account.chart.template'

    @api.model
    def generate_journals(self, acc_template_ref, company, journals_dict=None):
        # A company that gets its chart of accounts later gets its register too.
        res = super(AccountChartTemplate, self).generate_journals(
            acc_template_ref, company, journals_dict=journals_dict)
        self.env['account.journal']._create_invoice_register_journal(company)
        return res
