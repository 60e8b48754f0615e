from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.project_invoicing_base.exceptions import InputError

# set by posting, billing and cancelling only
WORKFLOW_FIELDS = {'pool_state', 'move_id', 'reversal_move_id', 'invoice_id'}
# what the interim posting was made of: fixed once posted
POSTED_FIELDS = {'partner_id', 'vendor_invoice_number', 'amount', 'currency_id', 'invoice_date',
                 'date_due', 'register_id', 'approver_id'}


class AccountInvoiceRegisterLine(models.Model):
    """One vendor invoice keyed into a register; once posted it is an entry
    of the invoice pool until its vendor bill is posted."""
    _name = 'account.invoice.register.line'
    _inherit = ['mail.thread', 'project.invoicing.input.check']
    _description = 'Invoice register entry'
    _order = 'invoice_date desc, id desc'

    register_id = fields.Many2one('account.invoice.register',
                                  required=True, ondelete='cascade', index=True)
    company_id = fields.Many2one(related='register_id.company_id', store=True,
                                 readonly=True, index=True)
    journal_id = fields.Many2one(related='register_id.journal_id', store=True, readonly=True)
    partner_id = fields.Many2one('res.partner', string='Vendor', index=True,
                                 domain="[('supplier', '=', True)]")
    commercial_partner_id = fields.Many2one(related='partner_id.commercial_partner_id',
                                            store=True, readonly=True, index=True)
    vendor_invoice_number = fields.Char(string='Vendor invoice number', index=True,
                                        help="The vendor's own number of the invoice.")
    invoice_date = fields.Date(string='Invoice date', required=True,
                               default=fields.Date.context_today)
    date_due = fields.Date(string='Due date',
                           help="From the vendor's payment term unless entered.")
    name = fields.Char(string='Description')
    amount = fields.Monetary(currency_field='currency_id',
                             help='Invoice total as keyed from the paper invoice (credit).')
    currency_id = fields.Many2one('res.currency', required=True,
                                  default=lambda self: self.env.user.company_id.currency_id)
    amount_company = fields.Monetary(compute='_compute_amount_company',
                                     currency_field='company_currency_id',
                                     string='Amount (company currency)')
    company_currency_id = fields.Many2one(related='company_id.currency_id', readonly=True)
    purchase_id = fields.Many2one(
        'purchase.order', string='Purchase order', index=True,
        domain="[('state', 'in', ('purchase', 'done')), ('partner_id', 'child_of', partner_id), "
               "('company_id', '=', company_id)]")
    approver_id = fields.Many2one(
        'res.users', string='Approved by',
        domain=lambda self: [('groups_id', 'in', self.env.ref('project_invoice_pool.group_invoice_approver').id)])
    account_id = fields.Many2one(
        'account.account', string='Expense account',
        domain="[('deprecated', '=', False), ('internal_type', '=', 'other'), ('company_id', '=', company_id)]",
        help='Account of the single bill line when the entry has no purchase order.')
    move_id = fields.Many2one('account.move', string='Journal entry', readonly=True, copy=False)
    reversal_move_id = fields.Many2one('account.move', string='Reversal entry', readonly=True, copy=False)
    move_line_ids = fields.One2many('account.move.line', compute='_compute_move_line_ids',
                                    string='Journal items', groups='account.group_account_invoice')
    pool_state = fields.Selection([
        ('draft', 'Not posted'),
        ('in_pool', 'In pool'),
        ('invoiced', 'Invoiced'),
        ('cancelled', 'Cancelled'),
    ], string='Pool state', default='draft', required=True, readonly=True, copy=False, index=True)
    invoice_id = fields.Many2one('account.invoice', string='Vendor bill', readonly=True,
                                 copy=False, ondelete='set null')
    # accounting documents: for accounting users (an approver reads the entry only)
    invoice_ids = fields.One2many('account.invoice', 'register_line_id', string='Bills',
                                  groups='account.group_account_invoice',
                                  readonly=True)
    invoice_state = fields.Selection(related='invoice_id.state', string='Bill state', readonly=True)
    match_state = fields.Selection(related='invoice_id.match_state', readonly=True)
    match_first_failure = fields.Char(related='invoice_id.match_first_failure', readonly=True,
                                      string='Why not matched')
    age_days = fields.Integer(compute='_compute_age_days', string='Age (days)')

    @api.depends('amount', 'currency_id', 'invoice_date', 'move_id')
    def _compute_amount_company(self):
        for line in self:
            if line.move_id:
                # read as superuser: an approver sees the amount, not the entry
                pending = line.sudo().journal_id.register_pending_account_id
                line.amount_company = sum(line.move_id.sudo().line_ids.filtered(
                    lambda l: l.account_id == pending).mapped('balance'))
            elif line.currency_id and line.company_id:
                line.amount_company = line.currency_id.with_context(
                    date=line.invoice_date).compute(line.amount, line.company_id.currency_id)

    @api.depends('invoice_date')
    def _compute_age_days(self):
        today = fields.Date.from_string(fields.Date.context_today(self))
        for line in self:
            if line.invoice_date:
                line.age_days = (today - fields.Date.from_string(line.invoice_date)).days

    @api.multi
    def name_get(self):
        return [(line.id, ' - '.join(filter(None, [
            line.register_id.name, line.partner_id.name, line.vendor_invoice_number])))
            for line in self]

    def _default_due_date(self):
        """Due date from the vendor's payment term, else the invoice date."""
        term = self.partner_id.commercial_partner_id.property_supplier_payment_term_id
        if term and self.invoice_date:
            dates = [d for d, _a in term.compute(1.0, date_ref=self.invoice_date)[0]]
            return max(dates) if dates else self.invoice_date
        return self.invoice_date

    @api.depends('move_id', 'reversal_move_id')
    def _compute_move_line_ids(self):
        for line in self:
            line.move_line_ids = (line.move_id | line.reversal_move_id).mapped('line_ids')

    @api.multi
    def action_open_move(self):
        """The interim entry in its own form (with its items), not in a
        dialog over the register."""
        self.ensure_one()
        if not self.move_id:
            raise UserError(_('Register entry %s is not posted yet: it has no journal entry.')
                            % self.display_name)
        self.move_id.check_access_rights('read')
        return {'type': 'ir.actions.act_window', 'res_model': 'account.move', 'view_mode': 'form',
                'res_id': self.move_id.id, 'target': 'current', 'name': self.move_id.name}

    @api.model
    def create(self, vals):
        bad = WORKFLOW_FIELDS & set(k for k, v in vals.items() if v and v != 'draft')
        if bad:
            raise UserError(_('%s of an invoice register entry are set by posting and billing, not '
                              'by hand.') % ', '.join(sorted(bad)))
        line = super(AccountInvoiceRegisterLine, self).create(vals)
        if not line.date_due:
            line._write_pool({'date_due': line._default_due_date()})
        return line

    @api.multi
    def write(self, vals):
        """Workflow fields are written by the workflow; what a posted entry
        was posted with is fixed (Cancel entry is the way out); a missing
        purchase order may still be filled in while the entry waits."""
        bad = WORKFLOW_FIELDS & set(vals)
        if bad:
            raise UserError(_('%s of an invoice register entry are set by posting and billing, not '
                              'by hand.') % ', '.join(sorted(bad)))
        posted = self.filtered('move_id')
        if posted:
            fixed = POSTED_FIELDS & set(vals)
            if 'purchase_id' in vals and posted.filtered(
                    lambda l: l.purchase_id or l.pool_state != 'in_pool'):
                fixed.add('purchase_id')
            if fixed:
                raise UserError(_('%s of a posted register entry cannot change (%s); cancel the '
                                  'entry and register the invoice again.') % (
                    ', '.join(sorted(fixed)), posted[0].display_name))
        return super(AccountInvoiceRegisterLine, self).write(vals)

    def _write_pool(self, vals):
        return super(AccountInvoiceRegisterLine, self).write(vals)

    @api.multi
    def unlink(self):
        if self.filtered('move_id'):
            raise UserError(_('A posted register entry is never deleted (its journal entry stays): '
                              'cancel it, which reverses the interim posting.'))
        return super(AccountInvoiceRegisterLine, self).unlink()

    @api.onchange('partner_id', 'invoice_date')
    def _onchange_partner_id(self):
        partner = self.partner_id.commercial_partner_id
        if partner.property_purchase_currency_id:
            self.currency_id = partner.property_purchase_currency_id
        self.date_due = self._default_due_date()

    @api.onchange('purchase_id')
    def _onchange_purchase_id(self):
        po = self.purchase_id
        if po:
            self.partner_id = self.partner_id or po.partner_id
            self.currency_id = po.currency_id
            if not self.amount:
                self.amount = po.amount_total
            if not self.name:
                self.name = po.name

    @api.constrains('purchase_id', 'account_id', 'register_id')
    def _check_company(self):
        # read as superuser: a refusal names records the user may not read
        for line in self.sudo():
            for record in (line.purchase_id, line.account_id):
                if record and record.company_id != line.company_id:
                    raise InputError(_('%s belongs to %s, register entry %s to %s.') % (
                        record.display_name, record.company_id.name, line.display_name,
                        line.company_id.name))

    @api.constrains('approver_id')
    def _check_approver(self):
        group = self.env.ref('project_invoice_pool.group_invoice_approver')
        # read as superuser: a refusal names records the user may not read
        for line in self.sudo().filtered('approver_id'):
            if group not in line.approver_id.groups_id:
                raise InputError(_('%s is not an invoice approver.') % line.approver_id.name)
