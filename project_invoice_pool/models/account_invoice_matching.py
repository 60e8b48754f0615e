from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..po_suggestion import within_tolerance

# written by Update matching status and Post anyway only
MATCH_FIELDS = {'match_state', 'match_differences', 'match_first_failure', 'match_line_ids',
                'match_override_uid', 'match_override_date', 'match_override_differences'}


def _match_key(check):
    """What a check says (a dict of _check, or a stored match line)."""
    line = check['invoice_line_id']
    return (check['check'], check['label'], round(check['value'], 4),
            round(check['expected'], 4), round(check['difference'], 4), check['tolerance'],
            bool(check['passed']), check['message'] or False,
            line.id if isinstance(line, models.BaseModel) else line or False)


class AccountInvoiceMatching(models.Model):
    """Update matching status (vereffeningsstatus bijwerken): the bill
    against its purchase order and register entry, each check stored with
    both values and the tolerance applied (the vendor's, else the product
    category's, else the company's)."""
    _inherit = 'account.invoice'

    match_state = fields.Selection([
        ('none', 'Not checked'),
        ('matched', 'Matched'),
        ('not_matched', 'Not matched'),
    ], string='Matching status', default='none', readonly=True, copy=False,
        track_visibility='onchange')
    match_differences = fields.Text(string='Matching differences', readonly=True, copy=False)
    match_first_failure = fields.Char(string='Why not matched', readonly=True, copy=False,
                                      help='The first check that failed.')
    match_line_ids = fields.One2many('account.invoice.match.line', 'invoice_id',
                                     string='Matching checks', readonly=True, copy=False)
    match_override_uid = fields.Many2one('res.users', string='Mismatch accepted by',
                                         readonly=True, copy=False)
    match_override_date = fields.Datetime(string='Mismatch accepted on', readonly=True, copy=False)
    match_override_differences = fields.Text(string='Differences accepted', readonly=True,
                                             copy=False)

    def _tolerance(self, product=None):
        """(percent, amount, source) for a check of this bill: the vendor's
        own tolerances, else the product category's (or a parent's), else
        the company's."""
        return self._tolerance_of(self.partner_id, self.company_id, product)

    @api.model
    def _tolerance_of(self, partner, company, product=None):
        """The tolerances of _tolerance for a vendor and company without a
        bill (the purchase orders suggested for a register entry)."""
        # set by AP managers, read by whoever updates the matching status
        vendor = partner.commercial_partner_id.sudo()
        if vendor.invoice_match_tolerance_own:
            return (vendor.invoice_match_tolerance_percent, vendor.invoice_match_tolerance_amount,
                    _('vendor'))
        categ = product.sudo().categ_id if product else None
        while categ:
            if categ.invoice_match_tolerance_own:
                return (categ.invoice_match_tolerance_percent,
                        categ.invoice_match_tolerance_amount, _('category %s') % categ.name)
            categ = categ.parent_id
        return (company.invoice_match_tolerance_percent, company.invoice_match_tolerance_amount,
                _('company'))

    def _check(self, check, label, value, expected, rounding, tolerance, message, line=None,
               only_over=False):
        """One check as a dict for account.invoice.match.line: passed when
        the difference is nil or within either tolerance (percent of the
        expected value, or the amount). `only_over`: less than expected
        passes (a quantity not yet billed in full)."""
        pct, absolute, source = tolerance
        diff = value - expected
        within = within_tolerance(diff, expected, pct, absolute, rounding)
        passed = within or (only_over and diff < 0)
        return {'check': check, 'label': label, 'value': value, 'expected': expected,
                'difference': diff, 'passed': passed, 'invoice_line_id': line.id if line else False,
                'tolerance': _('%s %% or %s (%s)') % (pct, absolute, source),
                'message': False if passed else message}

    def _match_checks(self):
        """Every check of this bill, as dicts (see _check)."""
        self.ensure_one()
        currency = self.currency_id
        checks = []
        entry = self.register_line_id
        if entry:
            expected = entry.currency_id.with_context(date=self.date_invoice).compute(
                entry.amount, currency)
            checks.append(self._check(
                'total', _('Invoice total'), self.amount_total, expected, currency.rounding,
                self._tolerance(), _('Invoice total %.2f differs from the registered amount %.2f.')
                % (self.amount_total, expected)))
            same = entry.partner_id.commercial_partner_id == self.partner_id.commercial_partner_id
            checks.append(dict(self._check('vendor', _('Vendor'), 1.0, 1.0, 1.0, (0.0, 0.0, ''), ''),
                               passed=same, value=1.0 if same else 0.0, message=False if same else
                               _('Vendor %s differs from the registered vendor %s.')
                               % (self.partner_id.name, entry.partner_id.name)))
        for line in self.invoice_line_ids.filtered('purchase_line_id'):
            pol = line.purchase_line_id
            label = line.product_id.default_code or line.product_id.name or line.name
            tolerance = self._tolerance(line.product_id)
            po_price = pol.currency_id.with_context(date=self.date_invoice).compute(
                pol.price_unit, currency, round=False)
            checks.append(self._check(
                'price', label, line.price_unit, po_price, currency.rounding, tolerance,
                _('%s: unit price %.2f, purchase order %.2f.') % (label, line.price_unit, po_price),
                line))
            if pol.product_id.purchase_method == 'receive':
                check, expected_qty, what = 'qty_received', pol.qty_received, _('received')
            else:
                check, expected_qty, what = 'qty_ordered', pol.product_qty, _('ordered')
            others = sum(
                l.uom_id._compute_quantity(l.quantity, pol.product_uom) *
                (-1 if l.invoice_id.type == 'in_refund' else 1)
                for l in pol.invoice_lines
                if l.invoice_id != self and l.invoice_id.state != 'cancel')
            billed = line.uom_id._compute_quantity(line.quantity, pol.product_uom)
            open_qty = expected_qty - others
            checks.append(self._check(
                check, label, billed, open_qty, pol.product_uom.rounding, tolerance,
                _('%s: billed quantity %s exceeds the %s quantity not yet billed (%s).')
                % (label, billed, what, open_qty), line, only_over=True))
        for seq, check in enumerate(checks):
            check['sequence'] = seq
        return checks

    def _match_differences(self):
        return [c['message'] for c in self._match_checks() if not c['passed']]

    @api.multi
    def action_update_matching_status(self):
        """Update matching status: run the checks, store them with the bill."""
        self._check_pool_clerk()
        # the checks are the method's own record (no user writes them)
        Match = self.env['account.invoice.match.line'].sudo()
        stored = dict((bill.id, Match.browse()) for bill in self)
        for match in Match.search([('invoice_id', 'in', self.ids)], order='sequence, id'):
            stored[match.invoice_id.id] |= match
        for bill in self:
            checks = bill._match_checks()
            # checked again (at posting) with the same result: the record stands
            if [_match_key(c) for c in checks] != [_match_key(m) for m in stored[bill.id]] or \
                    stored[bill.id].mapped('company_id') - bill.company_id:
                stored[bill.id].unlink()
                for check in checks:
                    Match.create(dict(check, invoice_id=bill.id, company_id=bill.company_id.id))
            failed = [c['message'] for c in checks if not c['passed']]
            vals = {'match_state': 'not_matched' if failed else 'matched',
                    'match_differences': '\n'.join(failed) or False,
                    'match_first_failure': failed[0] if failed else False}
            if any(bill[name] != value for name, value in vals.items()):
                bill._write_match(vals)
        self.invalidate_cache(['match_line_ids'], self.ids)
        return True

    def _check_pool_clerk(self):
        if self.filtered('register_line_id') and not self.user_has_groups(
                'project_invoice_pool.group_ap_clerk'):
            raise AccessError(_('Bills from the invoice pool are checked (matching status) and '
                                'posted by the AP clerks.'))

    def _write_match(self, vals):
        return super(AccountInvoiceMatching, self).write(vals)

    @api.multi
    def write(self, vals):
        bad = MATCH_FIELDS & set(vals)
        if bad:
            raise UserError(_('%s of a vendor bill are set by Update matching status and Post '
                              'anyway, not by hand.') % ', '.join(sorted(bad)))
        return super(AccountInvoiceMatching, self).write(vals)

    @api.multi
    def action_invoice_open_override(self):
        """Post anyway: an AP manager accepts the differences as they stand;
        recorded (who, when, what) on the bill and in its chatter. Posting
        checks the record, not the caller's context."""
        if not self.user_has_groups('project_invoice_pool.group_ap_manager'):
            raise AccessError(_('Only an AP manager may post a vendor bill that does not match.'))
        self.action_update_matching_status()
        for bill in self.filtered(lambda b: b.match_state == 'not_matched'):
            bill._write_match({'match_override_uid': self.env.uid,
                               'match_override_date': fields.Datetime.now(),
                               'match_override_differences': bill.match_differences})
            bill.message_post(body=_('Posted despite matching differences, accepted by %s:<br/>%s')
                              % (self.env.user.name,
                                 (bill.match_differences or '').replace('\n', '<br/>')))
        return self.action_invoice_open()

    def _override_holds(self):
        """The differences of this unmatched bill were accepted, as they are
        now, by a user who is an AP manager."""
        self.ensure_one()
        return bool(self.match_override_uid) and \
            self.match_override_differences == self.match_differences and \
            self.match_override_uid.has_group('project_invoice_pool.group_ap_manager')
