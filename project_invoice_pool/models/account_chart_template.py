from odoo import api, models


class AccountChartTemplate(models.Model):
    _inherit = 'account.chart.template'

    @api.multi
    def _load_template(self, company, code_digits=None, transfer_account_id=None,
                       account_ref=None, taxes_ref=None):
        """A company charted after install gets its invoice register too.
        After the whole template, not in generate_journals(): the vendors'
        payable account (the register's offset) is a property, generated
        after the journals."""
        res = super(AccountChartTemplate, self)._load_template(
            company, code_digits=code_digits, transfer_account_id=transfer_account_id,
            account_ref=account_ref, taxes_ref=taxes_ref)
        self.env['account.journal']._create_invoice_register_journal(company)
        return res
