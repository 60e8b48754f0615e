from odoo import _, api, fields, models
from odoo.exceptions import UserError


class AccountInvoice(models.Model):
    """Vendor bills of the invoice pool: posting one reverses its entry's
    interim posting. One liability per vendor invoice: a bill posted
    straight from a purchase order whose vendor and reference match an
    entry in the pool is linked to that entry and posted as the pool does."""
    _inherit = 'account.invoice'

    register_line_id = fields.Many2one(
        'account.invoice.register.line', string='Invoice pool entry', readonly=True,
        copy=False, index=True, ondelete='restrict',
        help='The register entry this bill was created from; posting the bill '
             'reverses that entry\'s interim posting.')
    register_amount = fields.Monetary(related='register_line_id.amount', readonly=True,
                                      string='Registered amount')

    @api.model_cr
    def init(self):
        # at most one live bill per pool entry, whatever the UI does
        self.env.cr.execute("""
            CREATE UNIQUE INDEX IF NOT EXISTS account_invoice_register_line_live_uniq
                ON account_invoice (register_line_id)
             WHERE register_line_id IS NOT NULL AND state != 'cancel'
        """)
        # Odoo refuses a vendor bill whose reference its vendor already used,
        # with a search by reference on every validation; without an index it
        # reads every vendor bill of the company, so each bill validated cost
        # more than the one before (2,371 rows read per bill at 400 bills).
        self.env.cr.execute("""
            CREATE INDEX IF NOT EXISTS account_invoice_vendor_reference_idx
                ON account_invoice (reference) WHERE type IN ('in_invoice', 'in_refund')
        """)

    @api.model
    def create(self, vals):
        entry = self.env['account.invoice.register.line'].browse(vals.get('register_line_id'))
        if entry:
            live = entry.invoice_ids.filtered(lambda i: i.state != 'cancel')
            if entry.pool_state != 'in_pool' or live:
                raise UserError(_('Invoice pool entry %s is %s: it gets no new vendor bill.') % (
                    entry.display_name, _('billed by %s') % live[0].display_name if live
                    else dict(entry._fields['pool_state'].selection)[entry.pool_state].lower()))
        return super(AccountInvoice, self).create(vals)

    @api.multi
    def write(self, vals):
        if 'register_line_id' in vals:
            raise UserError(_('The invoice pool entry of a vendor bill is set when the bill is '
                              'created from the pool or posted; it cannot be changed.'))
        return super(AccountInvoice, self).write(vals)

    # ------------------------------------------------------------------
    # Posting and cancelling bills of the invoice pool
    # ------------------------------------------------------------------
    # Odoo 11 validates a recordset of invoices one by one while prefetching
    # for all of them: each invoice's writes invalidate what the next one
    # reads for the whole set, so n invoices cost about n^2 (100 vendor bills
    # at once: ~17 s, in batches of 10: ~9 s). Pool bills go in batches.
    _pool_post_batch = 10

    def _link_pool_entries(self):
        """Bills made without the pool for a vendor invoice that waits in
        it: linked to its entry, so the vendor owes it once."""
        Entry = self.env['account.invoice.register.line']
        for bill in self.filtered(lambda i: i.type == 'in_invoice' and i.state == 'draft'
                                  and not i.register_line_id and i.reference):
            # the same normalised key as the register's unique index
            self.env.cr.execute("""
                SELECT id FROM account_invoice_register_line
                 WHERE company_id = %s AND commercial_partner_id = %s AND pool_state = 'in_pool'
                   AND lower(trim(vendor_invoice_number)) = lower(trim(%s)) LIMIT 1""",
                                (bill.company_id.id, bill.commercial_partner_id.id, bill.reference))
            row = self.env.cr.fetchone()
            if not row:
                continue
            entry = Entry.browse(row[0])
            other = entry.invoice_ids.filtered(lambda i: i.state != 'cancel')
            if other:
                raise UserError(_('Vendor invoice %s waits in the invoice pool (%s) with vendor bill '
                                  '%s: post that bill, or delete it first.') % (
                    bill.reference, entry.display_name, other[0].display_name))
            super(AccountInvoice, bill).write({'register_line_id': entry.id})
            entry._write_pool({'invoice_id': bill.id})
            bill.message_post(body=_('Linked to invoice pool entry %s (same vendor and reference): '
                                     'its interim posting is reversed with this bill.')
                              % entry.display_name)
        return True

    @api.multi
    def action_invoice_open(self):
        batch = self._pool_post_batch
        if len(self) > batch and len(self.filtered('register_line_id')) > batch:
            for start in range(0, len(self), batch):
                self[start:start + batch].action_invoice_open()
            return True
        if self.filtered(lambda i: i.journal_id.is_invoice_register and i.state == 'draft'):
            raise UserError(_('An invoice register journal only holds register entries; '
                              'post the vendor bill in an ordinary purchase journal.'))
        self._link_pool_entries()
        pool_bills = self.filtered(lambda i: i.register_line_id and i.state == 'draft')
        for bill in pool_bills:
            if bill.register_line_id.pool_state != 'in_pool':
                raise UserError(_('Invoice pool entry %s is no longer in the pool (%s).') % (
                    bill.register_line_id.display_name, bill.register_line_id.pool_state))
        pool_bills.action_update_matching_status()
        # an AP manager's acceptance recorded on the bill, for these very
        # differences: the only way past the matching control
        unmatched = pool_bills.filtered(lambda b: b.match_state != 'matched'
                                        and not b._override_holds())
        if unmatched:
            raise UserError(_(
                'Vendor bill %s does not match its purchase order or register '
                'entry:\n%s\nCorrect the bill, or ask an AP manager to post it anyway.') % (
                unmatched[0].reference or unmatched[0].display_name,
                unmatched[0].match_differences))
        res = super(AccountInvoice, self).action_invoice_open()
        if pool_bills:
            entries = self.env['account.invoice.register.line'].browse(
                [bill.register_line_id.id for bill in pool_bills])
            entries._reverse_interim_postings(pool_bills)
        return res

    @api.multi
    def action_cancel(self):
        posted = self.filtered(lambda i: i.register_line_id and i.state in ('open', 'paid'))
        drafts = self.filtered(lambda i: i.register_line_id and i.state == 'draft')
        res = super(AccountInvoice, self).action_cancel()
        for bill in posted:
            entry = bill.register_line_id
            if entry.pool_state == 'invoiced' and entry.invoice_id == bill:
                entry._restore_to_pool(bill)
        drafts.mapped('register_line_id').filtered(
            lambda e: e.invoice_id in drafts)._write_pool({'invoice_id': False})
        return res

    @api.multi
    def action_invoice_draft(self):
        for bill in self.filtered('register_line_id'):
            entry = bill.register_line_id
            live = entry.invoice_ids.filtered(lambda i: i != bill and i.state != 'cancel')
            if live or entry.pool_state != 'in_pool':
                raise UserError(_('Vendor bill %s belonged to invoice pool entry %s, which has %s '
                                  'now: it cannot be reset to draft.') % (
                    bill.display_name, entry.display_name,
                    live[0].display_name if live else entry.pool_state))
        res = super(AccountInvoice, self).action_invoice_draft()
        for bill in self.filtered('register_line_id'):
            bill.register_line_id._write_pool({'invoice_id': bill.id})
        return res

    @api.multi
    def _check_duplicate_supplier_reference(self):
        # A pool entry whose bill was cancelled is billed again with the same
        # vendor reference: the cancelled bill of the same entry is no duplicate.
        pool_bills = self.filtered('register_line_id')
        super(AccountInvoice, self - pool_bills)._check_duplicate_supplier_reference()
        for bill in pool_bills.filtered('reference'):
            if self.search_count([
                    ('type', '=', bill.type), ('reference', '=', bill.reference),
                    ('company_id', '=', bill.company_id.id),
                    ('commercial_partner_id', '=', bill.commercial_partner_id.id),
                    ('id', '!=', bill.id),
                    '|', ('state', '!=', 'cancel'), ('register_line_id', '!=', bill.register_line_id.id)]):
                raise UserError(_('Duplicated vendor reference detected. You probably '
                                  'encoded twice the same vendor bill/credit note.'))
        return True
