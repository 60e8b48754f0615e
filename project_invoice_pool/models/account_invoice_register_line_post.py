import psycopg2

from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.tools import float_compare


class AccountInvoiceRegisterLinePost(models.Model):
    """Posting register entries to the pending account."""
    _inherit = 'account.invoice.register.line'

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
            'register_line_id': self.id,
            'line_ids': [(0, 0, debit), (0, 0, credit)],
        }

    @api.model_cr
    def init(self):
        # one live entry per vendor invoice (company, vendor, number), whatever
        # two users post at the same moment
        self.env.cr.execute("""
            CREATE UNIQUE INDEX IF NOT EXISTS account_invoice_register_line_number_uniq
                ON account_invoice_register_line
                   (company_id, commercial_partner_id, lower(trim(vendor_invoice_number)))
             WHERE pool_state IN ('in_pool', 'invoiced')""")

    def _claim_numbers(self):
        """Enter these entries in the pool, in a savepoint: when another user
        posted the same vendor invoice a moment ago, the unique index refuses
        it and the savepoint is rolled back, so the refusal is a readable
        error (in the user's language) and not an aborted transaction; the
        failed statement is not logged as an error. All entries in one
        statement: a savepoint per entry costs a subtransaction each, and
        every later row check of a long posting (1,000 bills) pays for them;
        only a refused batch is tried again entry by entry, to name the one
        taken."""
        try:
            self._claim()
        except psycopg2.IntegrityError:
            for line in self:
                try:
                    line._claim()
                except psycopg2.IntegrityError:
                    raise UserError(_('Vendor invoice %s of %s was registered by another user a '
                                      'moment ago: it is not posted twice.') % (
                        line.vendor_invoice_number, line.partner_id.name))
        self.invalidate_cache(['pool_state'], self.ids)

    def _claim(self):
        with self.env.cr.savepoint():
            self.env.cr.execute(
                "UPDATE account_invoice_register_line SET pool_state = 'in_pool' "
                "WHERE id IN %s", (tuple(self.ids),), log_exceptions=False)

    @api.multi
    def _post(self):
        errors = self._posting_errors()
        if errors:
            raise UserError(_('The invoice register cannot be posted:\n') + '\n'.join(errors))
        self._claim_numbers()
        Move = self.env['account.move']
        moves = Move
        # stored computed fields of all the entries are recomputed once, in
        # batch, instead of once per entry (reads recompute on demand)
        with self.env.norecompute():
            for line in self:
                move = Move.create(line._prepare_move())
                line._write_pool({'move_id': move.id,
                                  'date_due': line.date_due or line._default_due_date()})
                moves |= move
        self.recompute()
        moves.post()
        return moves
