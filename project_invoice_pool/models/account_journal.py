from odoo import _, api, fields, models

from odoo.addons.project_invoicing_base.exceptions import InputError


class AccountJournal(models.Model):
    _inherit = 'account.journal'

    is_invoice_register = fields.Boolean(
        string='Invoice register', copy=False,
        help='Vendor invoices keyed into this register are posted at once to '
             'the pending account against the offset (payable) account, and '
             'wait in the invoice pool for their vendor bill.')
    register_pending_account_id = fields.Many2one(
        'account.account', string='Pending invoices account',
        domain="[('deprecated', '=', False), ('reconcile', '=', True)]",
        help='Interim ("arrival") account debited when a register entry is '
             'posted and credited again when its vendor bill is posted.')
    register_offset_account_id = fields.Many2one(
        'account.account', string='Offset account',
        domain="[('deprecated', '=', False), ('internal_type', '=', 'payable')]",
        help='Payable account credited by a register entry, so that the '
             'vendor ledger shows the liability before the bill is posted.')
    register_sequence_id = fields.Many2one(
        'ir.sequence', string='Register sequence', copy=False,
        help='Numbers the invoice register documents of this journal.')
    register_approver_required = fields.Boolean(
        string='Approver required', default=True,
        help='A register entry cannot be posted without an approver.')

    @api.constrains('is_invoice_register', 'type', 'register_pending_account_id',
                    'register_offset_account_id')
    def _check_invoice_register(self):
        for journal in self.filtered('is_invoice_register'):
            if journal.type != 'purchase':
                raise InputError(_(
                    'Journal %s: an invoice register must be a purchase journal.') % journal.name)
            if not (journal.register_pending_account_id and journal.register_offset_account_id):
                raise InputError(_(
                    'Journal %s: an invoice register needs a pending invoices '
                    'account and an offset account.') % journal.name)
            if not journal.register_pending_account_id.reconcile:
                raise InputError(_(
                    'Journal %s: the pending invoices account %s must allow '
                    'reconciliation, so that each entry is matched with its '
                    'reversal.') % (journal.name, journal.register_pending_account_id.display_name))
            accounts = journal.register_pending_account_id | journal.register_offset_account_id
            if accounts.sudo().mapped('company_id') != journal.company_id:
                raise InputError(_('Journal %s: its pending invoices and offset accounts belong to '
                                   'its company %s.') % (journal.name, journal.company_id.name))
            if journal.register_offset_account_id.internal_type != 'payable':
                raise InputError(_(
                    'Journal %s: the offset account must be a payable account.') % journal.name)

    @api.model
    def _create_invoice_register_journal(self, company):
        """Create the default invoice register of `company` (once), with a
        reconcilable pending account and the company's payable account as
        offset. Returns the journal, or nothing when the company has no chart
        of accounts yet."""
        existing = self.search([('company_id', '=', company.id),
                                ('is_invoice_register', '=', True)], limit=1)
        if existing:
            return existing
        payable = self.env['ir.property'].with_context(force_company=company.id).get(
            'property_account_payable_id', 'res.partner')
        if not payable or payable.company_id != company:
            return self.browse()
        Account = self.env['account.account']
        digits = max(len(payable.code), 4)
        code = int('1099'.ljust(digits, '0'))
        used = set(Account.search([('company_id', '=', company.id)]).mapped('code'))
        while str(code) in used:
            code += 1
        pending = Account.create({
            'name': _('Pending vendor invoices'),
            'code': str(code),
            'user_type_id': self.env.ref('account.data_account_type_current_assets').id,
            'reconcile': True,
            'company_id': company.id,
        })
        sequence = self.env['ir.sequence'].create({
            'name': _('Invoice register %s') % company.name,
            'implementation': 'no_gap',
            'prefix': 'REG/%(range_year)s/',
            'padding': 4,
            'use_date_range': True,
            'company_id': company.id,
        })
        jcode = 'IREG'
        n = 1
        while self.search_count([('code', '=', jcode), ('company_id', '=', company.id)]):
            n += 1
            jcode = 'IRG%d' % n
        return self.create({
            'name': _('Invoice register'),
            'code': jcode,
            'type': 'purchase',
            'sequence': 50,  # after the ordinary purchase journal: bills default there
            'company_id': company.id,
            'is_invoice_register': True,
            'register_pending_account_id': pending.id,
            'register_offset_account_id': payable.id,
            'default_debit_account_id': pending.id,
            'default_credit_account_id': pending.id,
            'register_sequence_id': sequence.id,
            'register_approver_required': True,
        })

    @api.model
    def _create_invoice_register_journals(self):
        """One invoice register per company that has a chart of accounts
        (called on install; companies charted later get theirs from
        account.chart.template.generate_journals)."""
        # every company: a handful of records, not a table to page through
        for company in self.env['res.company'].sudo().search([]):  # pylint: disable=no-search-all
            self.sudo()._create_invoice_register_journal(company)
        return True
