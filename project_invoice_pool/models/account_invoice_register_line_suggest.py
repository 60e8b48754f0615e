from collections import Counter

from odoo import _, api, fields, models
from odoo.tools import float_compare

from ..po_suggestion import Candidate, only_fit, rank

# the form shows the best few; posting looks at every order of the vendor
SHOWN = 10


class AccountInvoiceRegisterLineSuggest(models.Model):
    """Purchase orders suggested for an entry without one (ranked by
    po_suggestion.rank); posting links the order when exactly one fits."""
    _inherit = 'account.invoice.register.line'

    # rows made on reading (see account.invoice.po.suggestion); buyers see
    # them, AP clerks use them
    po_suggestion_ids = fields.One2many('account.invoice.po.suggestion',
                                        compute='_compute_po_suggestion_ids',
                                        string='Suggested purchase orders',
                                        groups='purchase.group_purchase_user')

    def _po_amount_to_invoice(self, po):
        """What a bill of `po` would still total, in the order's currency:
        per line the quantity Odoo's Add purchase order puts on a bill
        (ordered or received, less billed), with its taxes."""
        total = 0.0
        for pol in po.order_line:
            if pol.product_id.purchase_method == 'purchase':
                qty = pol.product_qty - pol.qty_invoiced
            else:
                qty = pol.qty_received - pol.qty_invoiced
            if float_compare(qty, 0.0, precision_rounding=pol.product_uom.rounding) <= 0:
                continue
            taxes = po.fiscal_position_id.map_tax(pol.taxes_id)
            total += taxes.compute_all(pol.price_unit, po.currency_id, qty, product=pol.product_id,
                                       partner=po.partner_id)['total_included']
        return total

    def _po_candidates(self):
        """{order id: amount left to invoice in the entry's currency} of the
        confirmed orders of the entry's vendor and company with something
        left to invoice, less what other entries waiting for their bill
        claim on them (a bill made from the pool counts on the order itself)."""
        self.ensure_one()
        vendor = self.partner_id.commercial_partner_id
        if not vendor or not self.company_id or not self.currency_id:
            return {}
        orders = self.env['purchase.order'].search([
            ('partner_id', 'child_of', vendor.id), ('company_id', '=', self.company_id.id),
            ('state', 'in', ('purchase', 'done')), ('invoice_status', '=', 'to invoice')])
        if not orders:
            return {}
        date = self.invoice_date or fields.Date.context_today(self)
        # amounts only: whoever may read this entry may see what is claimed
        claims = self.sudo().search([
            ('purchase_id', 'in', orders.ids), ('id', '!=', self.id or 0),
            ('pool_state', 'in', ('draft', 'in_pool')),
            '|', ('invoice_id', '=', False), ('invoice_id.state', '=', 'cancel')])
        claimed = Counter()
        for claim in claims:
            claimed[claim.purchase_id.id] += claim.currency_id.with_context(date=date).compute(
                claim.amount, self.currency_id)
        amounts = {}
        rounding = self.currency_id.rounding
        for po in orders:
            amount = po.currency_id.with_context(date=date).compute(
                self._po_amount_to_invoice(po), self.currency_id) - claimed[po.id]
            if float_compare(amount, 0.0, precision_rounding=rounding) > 0:
                amounts[po.id] = amount
        return amounts

    def _po_suggestions(self):
        """[(purchase order, po_suggestion.Suggestion, amount to invoice)],
        best first, and the tolerance applied (percent, amount, source)."""
        self.ensure_one()
        tolerance = self.env['account.invoice']._tolerance_of(self.partner_id, self.company_id)
        amounts = self._po_candidates()
        orders = self.env['purchase.order'].browse(list(amounts))
        candidates = [Candidate(po.id, po.name, po.partner_ref,
                                fields.Datetime.from_string(po.date_order).date()
                                if po.date_order else None, amounts[po.id]) for po in orders]
        date = fields.Date.from_string(self.invoice_date) if self.invoice_date else None
        ranked = rank(candidates, self.amount, date,
                      [('name', self.name), ('number', self.vendor_invoice_number)],
                      tolerance[:2], self.currency_id.rounding)
        return [(orders.browse(s.key), s, amounts[s.key]) for s in ranked], tolerance

    def _po_suggestion_reason(self, suggestion, tolerance):
        """Why the order is suggested, in the user's words."""
        words = []
        for reason in suggestion.reasons:
            if reason[0] == 'fits':
                words.append(_('amount to invoice fits within the tolerance (%s)') % tolerance[2])
            elif reason[0] == 'differs':
                words.append(_('amount to invoice differs by more than the tolerance (%s)')
                             % tolerance[2])
            elif reason[0] == 'reference':
                words.append((_('%s found in the description') if reason[2] == 'name' else
                              _('%s found in the vendor invoice number')) % reason[1])
            elif reason[0] == 'days':
                words.append(_('ordered %d days from the invoice date') % reason[1]
                             if reason[1] else _('ordered on the invoice date'))
        return '; '.join(words)

    def _compute_po_suggestion_ids(self):
        # no @api.depends: made on each read, never in an onchange (a new
        # record's rows could not be used)
        Suggestion = self.env['account.invoice.po.suggestion']
        saved = [i for i in self.ids if isinstance(i, int)]
        # this user's rows of an earlier read (a transient model: own rows only)
        Suggestion.search([('entry_id', 'in', saved)]).unlink()
        for line in self:
            rows = Suggestion
            if line.id in saved and not line.purchase_id and \
                    line.pool_state in ('draft', 'in_pool'):
                suggestions, tolerance = line._po_suggestions()
                for po, suggestion, amount in suggestions[:SHOWN]:
                    rows |= Suggestion.create({
                        'entry_id': line.id, 'sequence': suggestion.rank, 'purchase_id': po.id,
                        'date_order': (po.date_order or '')[:10] or False,
                        'currency_id': line.currency_id.id,
                        'amount_to_invoice': amount, 'difference': suggestion.difference,
                        'fits': suggestion.fits,
                        'reason': line._po_suggestion_reason(suggestion, tolerance)})
            line.po_suggestion_ids = rows

    @api.multi
    def _post(self):
        moves = super(AccountInvoiceRegisterLineSuggest, self)._post()
        self.filtered(lambda l: not l.purchase_id)._link_only_fitting_po()
        return moves

    def _link_only_fitting_po(self):
        """Link the purchase order of each entry when it is the only one of
        the vendor that fits within the tolerance, and say so in the entry's
        chatter. Nothing is linked when none or several fit, nor when the
        same order is the only fit of several entries posted together (which
        invoice is it?)."""
        picks = {}
        for line in self:
            suggestions, tolerance = line._po_suggestions()
            key = only_fit([s for _po, s, _a in suggestions])
            if key:
                picks[line.id] = (key, tolerance, dict((s.key, a) for _po, s, a in suggestions))
        counts = Counter(key for key, _t, _a in picks.values())
        for line in self.filtered(lambda l: l.id in picks):
            key, tolerance, amounts = picks[line.id]
            if counts[key] > 1:
                continue
            po = self.env['purchase.order'].browse(key)
            line.write({'purchase_id': po.id})
            line.message_post(body=_(
                'Linked to %s: the only purchase order of this vendor whose amount to invoice '
                'fits within the tolerance (%.2f to invoice, %.2f registered; tolerance of the %s).')
                % (po.name, amounts[key], line.amount, tolerance[2]))
