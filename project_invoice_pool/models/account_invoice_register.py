from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.project_invoicing_base.exceptions import InputError


class AccountInvoiceRegister(models.Model):
    """Facturenregister: a batch of vendor invoice headers keyed on arrival.

    Posting books each line at once to the register journal's pending account
    against the vendor (one journal entry per line, because each line is
    later reversed on its own, on its own date, when its bill is posted)."""
    _name = 'account.invoice.register'
    _description = 'Invoice register'
    _inherit = ['mail.thread', 'project.invoicing.input.check']
    _order = 'date desc, id desc'

    name = fields.Char(string='Number', required=True, copy=False, readonly=True,
                       default='/', index=True, track_visibility='onchange')
    date = fields.Date(required=True, default=fields.Date.context_today,
                       readonly=True, states={'draft': [('readonly', False)]})
    journal_id = fields.Many2one(
        'account.journal', string='Invoice register journal', required=True,
        readonly=True, states={'draft': [('readonly', False)]},
        domain="[('is_invoice_register', '=', True), ('company_id', '=', company_id)]",
        default=lambda self: self._default_journal())
    company_id = fields.Many2one(
        'res.company', required=True, readonly=True,
        states={'draft': [('readonly', False)]},
        default=lambda self: self.env.user.company_id)
    state = fields.Selection([
        ('draft', 'Draft'),
        ('posted', 'Posted'),
        ('cancel', 'Cancelled'),
    ], default='draft', required=True, readonly=True, copy=False,
        track_visibility='onchange')
    line_ids = fields.One2many(
        'account.invoice.register.line', 'register_id', string='Lines', copy=True,
        readonly=True, states={'draft': [('readonly', False)]})
    amount_total = fields.Monetary(compute='_compute_amount_total',
                                   currency_field='company_currency_id',
                                   string='Total (company currency)')
    company_currency_id = fields.Many2one(related='company_id.currency_id', readonly=True)
    note = fields.Text()

    @api.model
    def _default_journal(self):
        company = self.env['res.company'].browse(
            self.env.context.get('default_company_id')) or self.env.user.company_id
        return self.env['account.journal'].search([
            ('is_invoice_register', '=', True), ('company_id', '=', company.id)], limit=1)

    @api.depends('line_ids.amount_company')
    def _compute_amount_total(self):
        for register in self:
            register.amount_total = sum(register.line_ids.mapped('amount_company'))

    @api.model
    def create(self, vals):
        self._check_input(vals)  # before the journal is read from it
        if vals.get('journal_id') and not vals.get('company_id'):
            # the register of a journal is of its company (not the user's current one)
            vals = dict(vals, company_id=self.env['account.journal'].browse(
                vals['journal_id']).company_id.id)
        if vals.get('name', '/') == '/':
            journal = self.env['account.journal'].browse(vals.get('journal_id')) \
                or self._default_journal()
            seq_date = vals.get('date') or fields.Date.context_today(self)
            if journal.register_sequence_id:
                vals['name'] = journal.register_sequence_id.with_context(
                    ir_sequence_date=seq_date).next_by_id()
            else:
                vals['name'] = self.env['ir.sequence'].with_context(
                    ir_sequence_date=seq_date).next_by_code('account.invoice.register') or '/'
        return super(AccountInvoiceRegister, self).create(vals)

    @api.constrains('journal_id', 'company_id')
    def _check_company(self):
        # read as superuser: a refusal names records the user may not read
        for register in self.sudo():
            register.line_ids._check_company()
            if register.journal_id.company_id != register.company_id:
                raise InputError(_('Journal %s belongs to %s, invoice register %s to %s.') % (
                    register.journal_id.name, register.journal_id.company_id.name, register.name,
                    register.company_id.name))

    @api.multi
    def write(self, vals):
        if 'state' in vals:
            raise UserError(_('The state of an invoice register follows Post and Cancel.'))
        if {'journal_id', 'company_id', 'date'} & set(vals) and self.filtered(
                lambda r: r.state != 'draft'):
            raise UserError(_('The journal, company and date of a posted invoice register cannot '
                              'change.'))
        return super(AccountInvoiceRegister, self).write(vals)

    def _write_state(self, state):
        return super(AccountInvoiceRegister, self).write({'state': state})

    @api.multi
    def unlink(self):
        if self.filtered(lambda r: r.state != 'draft' or r.line_ids.mapped('move_id')):
            raise UserError(_('Only draft invoice registers that were never posted can be deleted.'))
        return super(AccountInvoiceRegister, self).unlink()

    @api.multi
    def action_post(self):
        """Post every line (one balanced journal entry per line)."""
        for register in self:
            if register.state != 'draft':
                raise UserError(_('Invoice register %s is not a draft.') % register.name)
            if not register.line_ids:
                raise UserError(_('Invoice register %s has no lines to post.') % register.name)
        self.mapped('line_ids')._post()
        self._write_state('posted')
        for register in self:
            register.message_post(body=_('Posted %d entries to the invoice pool.') % len(register.line_ids))
        return True

    @api.multi
    def action_cancel(self):
        """Cancel the register: entries still in the pool are reversed.
        Refused while any entry has a posted vendor bill."""
        lines = self.mapped('line_ids')
        invoiced = lines.filtered(lambda l: l.pool_state == 'invoiced')
        if invoiced:
            raise UserError(_(
                'These entries already have a posted vendor bill; cancel the '
                'bill first:\n%s') % '\n'.join(invoiced.mapped('display_name')))
        lines.filtered(lambda l: l.pool_state == 'in_pool').action_cancel()
        lines.filtered(lambda l: l.pool_state == 'draft')._write_pool({'pool_state': 'cancelled'})
        self._write_state('cancel')
        return True

    @api.multi
    def action_draft(self):
        if self.mapped('line_ids.move_id'):
            raise UserError(_('A register that was posted cannot return to draft; '
                              'create a new register instead.'))
        self.mapped('line_ids')._write_pool({'pool_state': 'draft'})
        self._write_state('draft')
        return True
