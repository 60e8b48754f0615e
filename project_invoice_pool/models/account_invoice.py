from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare


class AccountInvoice(models.Model):
    _inherit = 'account.invoice'

    register_line_id = fields.Many2one(
        'account.invoice.register.line', string='Invoice pool entry', readonly=True,
        copy=False, index=True, ondelete='restrict',
        help='The register entry this bill was created from; posting the bill '
             'reverses that entry\'s interim posting.')
    register_amount = fields.Monetary(related='register_line_id.amount', readonly=True,
                                      string='Registered amount')
    match_state = fields.Selection([
        ('none', 'Not checked'),
        ('matched', 'Matched'),
        ('not_matched', 'Not matched'),
    ], string='Matching status', default='none', readonly=True, copy=False,
        track_visibility='onchange')
    match_differences = fields.Text(string='Matching differences', readonly=True, copy=False)
    match_override_uid = fields.Many2one('res.users', string='Mismatch accepted by',
                                         readonly=True, copy=False)
    match_override_date = fields.Datetime(string='Mismatch accepted on', readonly=True, copy=False)

    @api.model_cr
    def init(self):
        # at most one live bill per pool entry, whatever the UI does
        self.env.cr.execute("""
            CREATE UNIQUE INDEX IF NOT EXISTS account_invoice_register_line_live_uniq
                ON account_invoice (register_line_id)
             WHERE register_line_id IS NOT NULL AND state != 'cancel'
        """)

    # ------------------------------------------------------------------
    # Update matching status
    # ------------------------------------------------------------------
    def _match_differences(self):
        """Readable differences between this bill and its purchase order and
        register entry, outside the company's tolerances."""
        self.ensure_one()
        company = self.company_id
        currency = self.currency_id
        pct = company.invoice_match_tolerance_percent
        absolute = company.invoice_match_tolerance_amount

        def outside(value, expected, rounding):
            diff = abs(value - expected)
            if float_compare(diff, 0.0, precision_rounding=rounding) <= 0:
                return False
            return diff > absolute + rounding / 2 and diff > abs(expected) * pct / 100.0

        diffs = []
        entry = self.register_line_id
        if entry:
            expected = entry.currency_id.with_context(date=self.date_invoice).compute(
                entry.amount, currency)
            if outside(self.amount_total, expected, currency.rounding):
                diffs.append(_('Invoice total %.2f differs from the registered amount %.2f.')
                             % (self.amount_total, expected))
            if entry.partner_id.commercial_partner_id != self.partner_id.commercial_partner_id:
                diffs.append(_('Vendor %s differs from the registered vendor %s.')
                             % (self.partner_id.name, entry.partner_id.name))
        for line in self.invoice_line_ids.filtered('purchase_line_id'):
            pol = line.purchase_line_id
            label = line.product_id.default_code or line.product_id.name or line.name
            po_price = pol.currency_id.with_context(date=self.date_invoice).compute(
                pol.price_unit, currency, round=False)
            if outside(line.price_unit, po_price, currency.rounding):
                diffs.append(_('%s: unit price %.2f, purchase order %.2f.')
                             % (label, line.price_unit, po_price))
            if pol.product_id.purchase_method == 'receive':
                expected_qty, what = pol.qty_received, _('received')
            else:
                expected_qty, what = pol.product_qty, _('ordered')
            others = sum(
                l.uom_id._compute_quantity(l.quantity, pol.product_uom) * (-1 if l.invoice_id.type == 'in_refund' else 1)
                for l in pol.invoice_lines
                if l.invoice_id != self and l.invoice_id.state != 'cancel')
            billed = line.uom_id._compute_quantity(line.quantity, pol.product_uom)
            rounding = pol.product_uom.rounding
            if float_compare(billed, expected_qty - others, precision_rounding=rounding) > 0 \
                    and outside(billed, expected_qty - others, rounding):
                diffs.append(_('%s: billed quantity %s exceeds the %s quantity not yet billed (%s).')
                             % (label, billed, what, expected_qty - others))
        return diffs

    @api.multi
    def action_update_matching_status(self):
        """Update matching status: compare with the purchase order and the
        register entry; the result is stored on the bill."""
        for bill in self:
            diffs = bill._match_differences()
            vals = {'match_state': 'not_matched' if diffs else 'matched',
                    'match_differences': '\n'.join(diffs) or False}
            if (bill.match_state, bill.match_differences or False) != \
                    (vals['match_state'], vals['match_differences']):
                bill.write(vals)
        return True

    # ------------------------------------------------------------------
    # Posting and cancelling bills of the invoice pool
    # ------------------------------------------------------------------
    # Odoo 11 validates a recordset of invoices one by one while prefetching
    # for all of them: each invoice's writes invalidate what the next one
    # reads for the whole set, so n invoices cost about n^2 (100 vendor bills
    # at once: ~17 s, in batches of 10: ~9 s). Pool bills go in batches.
    _pool_post_batch = 10

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
        pool_bills = self.filtered(lambda i: i.register_line_id and i.state == 'draft')
        for bill in pool_bills:
            if bill.register_line_id.pool_state != 'in_pool':
                raise UserError(_('Invoice pool entry %s is no longer in the pool (%s).') % (
                    bill.register_line_id.display_name, bill.register_line_id.pool_state))
        pool_bills.action_update_matching_status()
        if not self.env.context.get('invoice_match_override'):
            unmatched = pool_bills.filtered(lambda b: b.match_state != 'matched')
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
    def action_invoice_open_override(self):
        """Post anyway: an AP manager accepts the matching differences."""
        if not self.user_has_groups('project_invoice_pool.group_ap_manager'):
            raise AccessError(_('Only an AP manager may post a vendor bill that does not match.'))
        self.action_update_matching_status()
        for bill in self.filtered(lambda b: b.match_state == 'not_matched'):
            bill.write({'match_override_uid': self.env.uid,
                        'match_override_date': fields.Datetime.now()})
            bill.message_post(body=_('Posted despite matching differences, accepted by %s:<br/>%s') % (
                self.env.user.name, (bill.match_differences or '').replace('\n', '<br/>')))
        return self.with_context(invoice_match_override=True).action_invoice_open()

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
            lambda e: e.invoice_id in drafts).write({'invoice_id': False})
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
