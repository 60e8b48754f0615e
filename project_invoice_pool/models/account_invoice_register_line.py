from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare

import psycopg2


class AccountInvoiceRegisterLine(models.Model):
    """One vendor invoice keyed into a register; once posted it is an entry
    of the invoice pool until its vendor bill is posted."""
    _name = 'account.invoice.register.line'
    _description = 'Invoice register entry'
    _order = 'invoice_date desc, id desc'

    register_id = fields.Many2one('account.invoice.register', string='Register',
                                  required=True, ondelete='cascade', index=True)
    company_id = fields.Many2one(related='register_id.company_id', store=True,
                                 readonly=True, index=True)
    journal_id = fields.Many2one(related='register_id.journal_id', store=True, readonly=True)
    partner_id = fields.Many2one('res.partner', string='Vendor', index=True,
                                 domain="[('supplier', '=', True)]")
    vendor_invoice_number = fields.Char(string='Vendor invoice number', index=True,
                                        help="The vendor's own number of the invoice.")
    invoice_date = fields.Date(string='Invoice date', required=True,
                               default=fields.Date.context_today)
    date_due = fields.Date(string='Due date',
                           help="From the vendor's payment term unless entered.")
    name = fields.Char(string='Description')
    amount = fields.Monetary(string='Amount', currency_field='currency_id',
                             help='Invoice total as keyed from the paper invoice (credit).')
    currency_id = fields.Many2one('res.currency', required=True,
                                  default=lambda self: self.env.user.company_id.currency_id)
    amount_company = fields.Monetary(compute='_compute_amount_company',
                                     currency_field='company_currency_id',
                                     string='Amount (company currency)')
    company_currency_id = fields.Many2one(related='company_id.currency_id', readonly=True)
    purchase_id = fields.Many2one(
        'purchase.order', string='Purchase order', index=True,
        domain="[('state', 'in', ('purchase', 'done')), ('partner_id', 'child_of', partner_id), ('company_id', '=', company_id)]")
    approver_id = fields.Many2one(
        'res.users', string='Approved by',
        domain=lambda self: [('groups_id', 'in', self.env.ref('project_invoice_pool.group_invoice_approver').id)])
    account_id = fields.Many2one(
        'account.account', string='Expense account',
        domain="[('deprecated', '=', False), ('internal_type', '=', 'other'), ('company_id', '=', company_id)]",
        help='Account of the single bill line when the entry has no purchase order.')
    move_id = fields.Many2one('account.move', string='Journal entry', readonly=True, copy=False)
    reversal_move_id = fields.Many2one('account.move', string='Reversal entry', readonly=True, copy=False)
    pool_state = fields.Selection([
        ('draft', 'Not posted'),
        ('in_pool', 'In pool'),
        ('invoiced', 'Invoiced'),
        ('cancelled', 'Cancelled'),
    ], string='Pool state', default='draft', required=True, readonly=True, copy=False, index=True)
    invoice_id = fields.Many2one('account.invoice', string='Vendor bill', readonly=True,
                                 copy=False, ondelete='set null')
    invoice_ids = fields.One2many('account.invoice', 'register_line_id', string='Bills',
                                  readonly=True)
    invoice_state = fields.Selection(related='invoice_id.state', string='Bill state', readonly=True)
    match_state = fields.Selection(related='invoice_id.match_state', readonly=True)
    age_days = fields.Integer(compute='_compute_age_days', string='Age (days)')

    @api.depends('amount', 'currency_id', 'invoice_date', 'move_id')
    def _compute_amount_company(self):
        for line in self:
            if line.move_id:
                line.amount_company = sum(line.move_id.line_ids.filtered(
                    lambda l: l.account_id == line.journal_id.register_pending_account_id
                ).mapped('balance'))
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

    @api.model
    def create(self, vals):
        line = super(AccountInvoiceRegisterLine, self).create(vals)
        if not line.date_due:
            line.date_due = line._default_due_date()
        return line

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

    @api.constrains('approver_id')
    def _check_approver(self):
        group = self.env.ref('project_invoice_pool.group_invoice_approver')
        for line in self.filtered('approver_id'):
            if group not in line.approver_id.groups_id:
                raise ValidationError(_('%s is not an invoice approver.') % line.approver_id.name)

    # ------------------------------------------------------------------
    # Posting to the pending account
    # ------------------------------------------------------------------
    def _lock_date(self, company):
        if self.user_has_groups('account.group_account_manager'):
            return company.fiscalyear_lock_date
        return max(company.period_lock_date or '0000-00-00',
                   company.fiscalyear_lock_date or '0000-00-00')

    def _posting_errors(self):
        """Every reason why these lines cannot be posted, as readable text."""
        errors = []
        # duplicates: the same vendor invoice number for the same vendor in
        # this batch, in posted registers, or on a vendor bill (per company)
        keys = {}
        for line in self:
            if line.partner_id and line.vendor_invoice_number:
                key = (line.company_id.id, line.partner_id.commercial_partner_id.id,
                       line.vendor_invoice_number.strip().lower())
                keys.setdefault(key, self.browse())
                keys[key] |= line
        known = set()
        if keys:
            numbers = tuple(set(k[2] for k in keys))
            self.env.cr.execute("""
                SELECT l.company_id, p.commercial_partner_id, lower(trim(l.vendor_invoice_number))
                  FROM account_invoice_register_line l
                  JOIN res_partner p ON p.id = l.partner_id
                 WHERE lower(trim(l.vendor_invoice_number)) IN %s
                   AND l.pool_state IN ('in_pool', 'invoiced') AND l.id NOT IN %s
                UNION
                SELECT i.company_id, i.commercial_partner_id, lower(trim(i.reference))
                  FROM account_invoice i
                 WHERE lower(trim(i.reference)) IN %s
                   AND i.type IN ('in_invoice', 'in_refund') AND i.state != 'cancel'
            """, (numbers, tuple(self.ids) or (0,), numbers))
            known = set(self.env.cr.fetchall())
        for key, lines in keys.items():
            if len(lines) > 1:
                errors.append(_('Vendor invoice %s of %s is keyed more than once.')
                              % (lines[0].vendor_invoice_number, lines[0].partner_id.name))
            elif key in known:
                errors.append(_('Vendor invoice %s of %s is already registered or billed.')
                              % (lines.vendor_invoice_number, lines.partner_id.name))
        for line in self:
            label = line.vendor_invoice_number or line.name or _('(no number)')
            journal = line.journal_id
            if line.pool_state != 'draft':
                errors.append(_('%s: already posted.') % label)
            if not line.partner_id:
                errors.append(_('%s: no vendor.') % label)
            if not line.vendor_invoice_number:
                errors.append(_('%s: no vendor invoice number.') % label)
            if float_compare(line.amount, 0.0, precision_rounding=line.currency_id.rounding) <= 0:
                errors.append(_('%s: the amount must be positive (a vendor credit note is '
                                'entered as a vendor refund, not in the register).') % label)
            if journal.register_approver_required and not line.approver_id:
                errors.append(_('%s: an approver is required by register %s.') % (label, journal.name))
            po = line.purchase_id
            if po and po.company_id != line.company_id:
                errors.append(_('%s: purchase order %s belongs to company %s.')
                              % (label, po.name, po.company_id.name))
            if po and line.partner_id and \
                    po.partner_id.commercial_partner_id != line.partner_id.commercial_partner_id:
                errors.append(_('%s: purchase order %s is for vendor %s, not %s.')
                              % (label, po.name, po.partner_id.name, line.partner_id.name))
            if po and po.state not in ('purchase', 'done'):
                errors.append(_('%s: purchase order %s is not confirmed.') % (label, po.name))
            lock = self._lock_date(line.company_id)
            if lock and line.invoice_date <= lock:
                errors.append(_('%s: the invoice date %s is in a locked period (lock date %s).')
                              % (label, line.invoice_date, lock))
            if not journal.is_invoice_register:
                errors.append(_('%s: journal %s is not an invoice register.') % (label, journal.name))
        return errors

    def _prepare_move(self):
        self.ensure_one()
        journal = self.journal_id
        company_currency = self.company_id.currency_id
        foreign = self.currency_id != company_currency
        amount = self.currency_id.with_context(date=self.invoice_date).compute(
            self.amount, company_currency)
        partner = self.partner_id.commercial_partner_id
        common = {'partner_id': partner.id, 'name': self.name or self.vendor_invoice_number}
        debit = dict(common, account_id=journal.register_pending_account_id.id,
                     debit=amount, credit=0.0)
        credit = dict(common, account_id=journal.register_offset_account_id.id,
                      debit=0.0, credit=amount, date_maturity=self.date_due or self.invoice_date)
        if foreign:
            debit.update(currency_id=self.currency_id.id, amount_currency=self.amount)
            credit.update(currency_id=self.currency_id.id, amount_currency=-self.amount)
        return {
            'journal_id': journal.id,
            'date': self.invoice_date,
            'ref': self.vendor_invoice_number,
            'company_id': self.company_id.id,
            'line_ids': [(0, 0, debit), (0, 0, credit)],
        }

    @api.multi
    def _post(self):
        errors = self._posting_errors()
        if errors:
            raise UserError(_('The invoice register cannot be posted:\n') + '\n'.join(errors))
        Move = self.env['account.move']
        moves = Move
        # stored computed fields of all the entries are recomputed once, in
        # batch, instead of once per entry (reads recompute on demand)
        with self.env.norecompute():
            for line in self:
                move = Move.create(line._prepare_move())
                line.write({'move_id': move.id, 'pool_state': 'in_pool',
                            'date_due': line.date_due or line._default_due_date()})
                moves |= move
        self.recompute()
        moves.post()
        return moves

    # ------------------------------------------------------------------
    # Invoice pool actions
    # ------------------------------------------------------------------
    def _lock_for_billing(self):
        """Row lock on the pool entries, so that two users clicking Purchase
        order on the same entry cannot both create a bill."""
        try:
            self.env.cr.execute(
                'SELECT id FROM account_invoice_register_line WHERE id IN %s FOR UPDATE NOWAIT',
                (tuple(self.ids),))
        except psycopg2.OperationalError:
            raise UserError(_('Another user is creating the vendor bill of this entry '
                              'right now. Try again in a moment.'))
        self.invalidate_cache(['invoice_id', 'pool_state'], self.ids)

    def _bill_journal_id(self):
        journal = self.env['account.journal'].search([
            ('type', '=', 'purchase'), ('is_invoice_register', '=', False),
            ('company_id', '=', self.company_id.id)], order='sequence, id', limit=1)
        if not journal:
            raise UserError(_('Company %s has no purchase journal for vendor bills.')
                            % self.company_id.name)
        return journal.id

    def _prepare_bill(self, journal_id):
        self.ensure_one()
        partner = self.partner_id
        return {
            'type': 'in_invoice',
            'partner_id': partner.id,
            'journal_id': journal_id,
            'company_id': self.company_id.id,
            'currency_id': self.currency_id.id,
            'reference': self.vendor_invoice_number,
            'date_invoice': self.invoice_date,
            'date_due': self.date_due,
            'name': self.name,
            'origin': self.purchase_id.name or self.register_id.name,
            'register_line_id': self.id,
            'purchase_id': self.purchase_id.id,
            'payment_term_id': False if self.date_due else
            partner.property_supplier_payment_term_id.id,
            'account_id': partner.with_context(
                force_company=self.company_id.id).property_account_payable_id.id,
        }

    @api.multi
    def action_create_bill(self):
        """Button "Purchase order": create the draft vendor bill of each entry,
        its lines filled from the purchase order as Odoo's own "Add Purchase
        Order" does, and open it."""
        self._lock_for_billing()
        Invoice = self.env['account.invoice']
        bills = Invoice
        journals = {}
        for line in self:
            if line.company_id not in journals:
                journals[line.company_id] = line._bill_journal_id()
            if line.pool_state != 'in_pool':
                raise UserError(_('%s is not in the invoice pool.') % line.display_name)
            if line.invoice_id and line.invoice_id.state != 'cancel':
                raise UserError(_('%s already has vendor bill %s.')
                                % (line.display_name, line.invoice_id.display_name))
            bill = Invoice.create(line._prepare_bill(journals[line.company_id]))
            if line.purchase_id:
                # Odoo's own "Add Purchase Order": the lines come from the PO
                bill.purchase_order_change()
                bill.payment_term_id = False  # the due date comes from the register
            else:
                if not line.account_id:
                    raise UserError(_('%s has no purchase order: choose its expense '
                                      'account first.') % line.display_name)
                bill.write({'invoice_line_ids': [(0, 0, {
                    'name': line.name or line.vendor_invoice_number,
                    'account_id': line.account_id.id,
                    'quantity': 1.0,
                    'price_unit': line.amount,
                })]})
            bill.compute_taxes()
            line.invoice_id = bill
            bills |= bill
        action = self.env.ref('account.action_invoice_tree2').read()[0]
        if len(bills) == 1:
            action.update(views=[(self.env.ref('account.invoice_supplier_form').id, 'form')],
                          res_id=bills.id)
        else:
            action['domain'] = [('id', 'in', bills.ids)]
        return action

    @api.multi
    def action_open_bill(self):
        self.ensure_one()
        action = self.env.ref('account.action_invoice_tree2').read()[0]
        action.update(views=[(self.env.ref('account.invoice_supplier_form').id, 'form')],
                      res_id=self.invoice_id.id)
        return action

    @api.multi
    def action_cancel(self):
        """Cancel entries still in the pool: their interim posting is reversed."""
        for line in self:
            if line.pool_state == 'invoiced':
                raise UserError(_('%s has a posted vendor bill; cancel the bill first.')
                                % line.display_name)
            if line.invoice_id and line.invoice_id.state == 'draft':
                raise UserError(_('%s has draft vendor bill %s; delete or cancel it first.')
                                % (line.display_name, line.invoice_id.display_name))
        to_reverse = self.filtered(lambda l: l.pool_state == 'in_pool')
        for line in to_reverse:
            reversal = self.env['account.move'].browse(line.move_id.reverse_moves(
                date=fields.Date.context_today(self), journal_id=line.journal_id))
            line.write({'reversal_move_id': reversal.id, 'pool_state': 'cancelled'})
            line.register_id.message_post(body=_('Entry %s cancelled; interim posting reversed by %s.')
                                          % (line.display_name, reversal.name))
        (self - to_reverse).write({'pool_state': 'cancelled'})
        return True

    # called when the bills are posted / cancelled
    def _reverse_interim_postings(self, bills):
        """Reverse the interim posting of each entry (self[i] for bills[i]) on
        the date of its bill, and reconcile each with its reversal, so the
        pending account of every entry returns to zero. Batched: one entry
        created per reversal, one post for all (an AP clerk posts hundreds)."""
        Move = self.env['account.move']
        reversals = Move
        with self.env.norecompute():  # one batched recomputation, as in _post
            for line, bill in zip(self, bills):
                move = line.move_id
                reversals |= Move.create({
                    'journal_id': line.journal_id.id, 'date': bill.date or bill.date_invoice,
                    'ref': _('reversal of: ') + move.name, 'company_id': move.company_id.id,
                    'line_ids': [(0, 0, {
                        'account_id': l.account_id.id, 'partner_id': l.partner_id.id,
                        'name': l.name, 'debit': l.credit, 'credit': l.debit,
                        'currency_id': l.currency_id.id, 'amount_currency': -l.amount_currency,
                        'date_maturity': l.date_maturity,
                    }) for l in move.line_ids]})
        self.recompute()
        reversals.post()
        for line, bill, reversal in zip(self, bills, reversals):
            for account in line.move_id.line_ids.mapped('account_id').filtered('reconcile'):
                pair = (line.move_id.line_ids | reversal.line_ids).filtered(
                    lambda l: l.account_id == account)
                # an entry and its exact mirror: Odoo's reconcile makes it a full
                # reconciliation by itself (no exchange difference can remain)
                pair.reconcile()
            # the trail: the entry points to its reversal and bill; the reversal
            # says whose it is ("reversal of: ...") and who posted it when
            line.write({'reversal_move_id': reversal.id, 'pool_state': 'invoiced',
                        'invoice_id': bill.id})

    def _restore_to_pool(self, bill):
        """The bill was cancelled: undo the reversal (by a counter entry, so the
        trail stays) and put the entry back in the pool."""
        self.ensure_one()
        restore = self.env['account.move'].browse(self.reversal_move_id.reverse_moves(
            date=fields.Date.context_today(self), journal_id=self.journal_id))
        # reverse_moves reconciled the reversal with its counter entry; the
        # original interim lines are open again.
        msg = _('Bill %s cancelled: reversal %s undone by %s; entry back in the invoice pool.') % (
            bill.number or bill.display_name, self.reversal_move_id.name, restore.name)
        self.write({'reversal_move_id': False, 'pool_state': 'in_pool', 'invoice_id': False})
        self.register_id.message_post(body=msg)
        bill.message_post(body=msg)
