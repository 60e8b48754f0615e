from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from ..allocation import to_decimal
from ..billing_status import transaction_status

INVOICE_STATUS = [
    ('not_chargeable', 'Not chargeable'),
    ('to_invoice', 'To invoice'),
    ('in_proposal', 'In a proposal'),
    ('invoiced', 'Invoiced'),
    ('credited', 'Credited'),
]
# what, when it changes on a transaction not yet proposed, re-prices it
PRICING_FIELDS = {'unit_amount', 'amount', 'employee_id', 'project_id', 'account_id',
                  'product_id', 'purchase_line_id', 'billing_type'}
# what changes the value of a transaction once it is proposed or invoiced
VALUE_FIELDS = ('unit_amount', 'sales_price', 'employee_id', 'product_id')
# what moves it to another project or makes it another kind of transaction
IDENTITY_FIELDS = ('project_id', 'account_id', 'billing_type')


class AccountAnalyticLine(models.Model):
    """Project transactions are analytic lines: hours (timesheets), expenses
    and items (costs from vendor bills on the project's analytic account)
    and fees. The billing fields say what the customer is charged; the
    invoice status is derived from the billing ledger."""
    _inherit = 'account.analytic.line'

    billing_project_id = fields.Many2one(
        'project.project', string='Billing project', compute='_compute_billing_project',
        store=True, index=True, readonly=True)
    billing_contract_id = fields.Many2one(
        related='billing_project_id.contract_id', store=True, readonly=True, index=True,
        string='Project contract')
    billing_type = fields.Selection([
        ('hour', 'Hour'),
        ('expense', 'Expense'),
        ('item', 'Item'),
        ('fee', 'Fee'),
    ], string='Transaction type', index=True, copy=False)
    purchase_line_id = fields.Many2one('purchase.order.line', string='Purchase order line',
                                       readonly=True, index=True)
    chargeable = fields.Boolean(string='Chargeable', copy=False)
    billing_excluded = fields.Boolean(
        string='Not chargeable by nature', copy=False, readonly=True,
        help='An internal or fixed-price project, or a purchase line that is not chargeable.')
    marked_not_chargeable = fields.Boolean(string='Marked not chargeable', copy=False,
                                           readonly=True)
    marked_not_chargeable_uid = fields.Many2one('res.users', string='Marked not chargeable by',
                                                copy=False, readonly=True)
    marked_not_chargeable_date = fields.Datetime(string='Marked not chargeable on', copy=False,
                                                 readonly=True)
    billing_currency_id = fields.Many2one(related='billing_contract_id.currency_id', readonly=True,
                                          string='Billing currency')
    sales_price = fields.Float(string='Sales price', digits=(16, 4), copy=False,
                               help='Unit sales price charged to the customer.')
    sales_price_manual = fields.Boolean(string='Price changed', copy=False, readonly=True,
                                        help='The sales price was changed by hand and is not '
                                             'recomputed from rates.')
    proposal_price_edited = fields.Boolean(copy=False, readonly=True,
                                           string='Price changed on a proposal')
    proposal_price_origin = fields.Float(digits=(16, 4), copy=False, readonly=True,
                                         string='Price before the proposal changed it')
    proposal_price_origin_manual = fields.Boolean(copy=False, readonly=True)
    billing_amount = fields.Monetary(string='Sales amount', currency_field='billing_currency_id',
                                     compute='_compute_billing_amount', store=True)
    billing_cost = fields.Monetary(string='Cost', currency_field='company_currency_id',
                                   compute='_compute_billing_amount', store=True)
    invoice_status = fields.Selection(INVOICE_STATUS, string='Invoice status', index=True,
                                      copy=False, readonly=True)
    not_invoiceable_reason = fields.Char(string='Why not invoiceable', copy=False, readonly=True)
    proposal_line_ids = fields.One2many('project.invoice.proposal.line', 'analytic_line_id',
                                        string='Invoice proposal lines', readonly=True)
    funding_share_ids = fields.One2many('project.funding.share', 'analytic_line_id',
                                        string='Funding shares', readonly=True)
    ledger_ids = fields.One2many('project.billing.ledger', 'analytic_line_id',
                                 string='Billing ledger', readonly=True)
    adjusted_line_id = fields.Many2one('account.analytic.line', string='Adjusts', copy=False,
                                       readonly=True, index=True,
                                       help='The invoiced transaction this one corrects or reverses.')
    adjustment_kind = fields.Selection([('reversal', 'Reversal'), ('correction', 'Correction')],
                                       copy=False, readonly=True)

    @api.depends('project_id', 'account_id')
    def _compute_billing_project(self):
        accounts = self.filtered(lambda l: not l.project_id).mapped('account_id')
        by_account = {}
        if accounts:
            for project in self.env['project.project'].search(
                    [('analytic_account_id', 'in', accounts.ids)], order='id desc'):
                by_account[project.analytic_account_id.id] = project
        for line in self:
            line.billing_project_id = line.project_id or by_account.get(line.account_id.id)

    @api.depends('sales_price', 'unit_amount', 'amount', 'billing_currency_id', 'billing_type')
    def _compute_billing_amount(self):
        for line in self:
            rounding = (line.billing_currency_id or line.company_id.currency_id).rounding
            line.billing_amount = float(to_decimal(line.sales_price * line.unit_amount, rounding)) \
                if line.billing_type else 0.0
            line.billing_cost = -line.amount

    # ------------------------------------------------------------------
    # Billing values: type, chargeable, sales price
    # ------------------------------------------------------------------
    def _is_cost_line(self):
        """Hours and costs are transactions; revenue (our own customer
        invoices on the analytic account) and reversals of adjusted
        transactions are not."""
        if self.adjustment_kind == 'reversal':
            return False
        if self.project_id:  # a timesheet, whatever its cost
            return True
        invoice_type = self.move_id.invoice_id.type
        if invoice_type:
            return invoice_type in ('in_invoice', 'in_refund')
        return self.amount < 0 or self.billing_type == 'fee'

    def _billing_kind(self):
        if self.billing_type == 'fee':
            return 'fee'
        if self.project_id:
            return 'hour'
        if self.product_id.type in ('product', 'consu'):
            return 'item'
        return 'expense'

    def _billing_chargeable(self, kind):
        if self.purchase_line_id:
            return self.purchase_line_id.line_property == 'chargeable'
        if kind in ('item', 'expense'):
            return (self.product_id.categ_id.project_line_property or 'chargeable') == 'chargeable'
        return True

    def _unit_sales_price(self, rates, kind):
        """Sales price per unit in the contract currency."""
        contract = self.billing_contract_id
        company_currency = self.company_id.currency_id or self.env.user.company_id.currency_id
        to_contract = lambda amount: company_currency.with_context(date=self.date).compute(  # noqa: E731
            amount, contract.currency_id, round=False)
        if kind == 'hour':
            price = rates.get((contract.id, 'employee', self.employee_id.id))
            if price is None:
                price = rates.get((contract.id, 'product', contract.hour_product_id.id))
            if price is None:
                price = to_contract(contract.hour_product_id.lst_price)
            return price
        if kind in ('item', 'expense'):
            if contract.markup_percent:
                unit_cost = -self.amount / self.unit_amount if self.unit_amount else -self.amount
                return to_contract(unit_cost * (1 + contract.markup_percent / 100.0))
            return to_contract(self.product_id.lst_price)
        return self.sales_price

    def _update_billing(self):
        """(Re)compute type, chargeability and sales price. A transaction
        with frozen shares keeps its type (the ledger decides its status)."""
        rates = None  # read on first need: most new lines (e.g. revenue) are not priced
        by_values = {}
        frozen, posted = set(), set()
        for r in self.env['project.billing.ledger']._rows(self.ids):
            frozen.add(r['analytic_line_id'])
            if r['posted'] or r['written_off']:
                posted.add(r['analytic_line_id'])
        for line in self:
            project = line.billing_project_id
            if not project or not line._is_cost_line():
                if not (line.billing_type or line.invoice_status or line.chargeable or
                        line.not_invoiceable_reason):
                    continue  # e.g. a new revenue line of a customer invoice: nothing to clear
                vals = {'billing_type': False, 'invoice_status': False, 'billing_excluded': False,
                        'not_invoiceable_reason': False, 'chargeable': False}
            else:
                kind = line._billing_kind()
                chargeable = line._billing_chargeable(kind)
                reason = False
                if project.project_invoice_type == 'internal':
                    reason = _('Internal project')
                elif project.project_invoice_type == 'fixed_price':
                    reason = _('Fixed-price project: invoiced through its billing schedule')
                elif not chargeable:
                    reason = _('Not chargeable')
                vals = {'billing_type': kind, 'chargeable': chargeable,
                        'billing_excluded': bool(reason)}
                if line.id not in frozen:
                    vals['invoice_status'] = transaction_status(
                        [], bool(reason) or line.marked_not_chargeable)
                    if not line.marked_not_chargeable:
                        vals['not_invoiceable_reason'] = reason
                # an invoiced price is history: only Adjust changes it
                if not line.sales_price_manual and kind != 'fee' and line.id not in posted:
                    if rates is None:
                        rates = self.mapped('billing_contract_id')._hour_rates()
                    vals['sales_price'] = line._unit_sales_price(rates, kind)
            key = tuple(sorted(vals.items()))
            by_values.setdefault(key, self.browse())
            by_values[key] |= line
        # one write per distinct set of values, not one per line
        for key, lines in by_values.items():
            super(AccountAnalyticLine, lines).write(dict(key))

    # ------------------------------------------------------------------
    # Status: written only from the ledger (project.billing.ledger._sync)
    # ------------------------------------------------------------------
    @api.model
    def _write_status(self, ids, shares):
        """Write the statuses transaction_status() gives these lines, one
        UPDATE per status; `shares` maps ('a', id) to its ledger Shares."""
        if not ids:
            return
        self.env.cr.execute("""
            SELECT id, billing_type, billing_excluded, marked_not_chargeable, invoice_status
              FROM account_analytic_line WHERE id IN %s""", (tuple(ids),))
        changes = {}
        for line_id, btype, excluded, marked, current in self.env.cr.fetchall():
            status = transaction_status(shares.get(('a', line_id), []), bool(excluded or marked)) \
                if btype else None
            if status != current:
                changes.setdefault(status, []).append(line_id)
        internal = self.env['project.billing.ledger']._internal_reason()
        for status, line_ids in changes.items():
            # a proposed or invoiced transaction needs no reason; one borne
            # internally says so; others keep theirs
            reason_sql = 'NULL' if status in ('in_proposal', 'invoiced', 'credited') else \
                'not_invoiceable_reason'
            params = [status]
            if status == 'not_chargeable':
                reason_sql = "CASE WHEN billing_excluded OR marked_not_chargeable " \
                             "THEN not_invoiceable_reason ELSE %s END"
                params.append(internal)
            self.env.cr.execute("""
                UPDATE account_analytic_line SET invoice_status = %%s,
                       not_invoiceable_reason = %s, write_uid = %%s,
                       write_date = (now() at time zone 'UTC')
                 WHERE id IN %%s""" % reason_sql, params + [self.env.uid, tuple(line_ids)])
        self.invalidate_cache(['invoice_status', 'not_invoiceable_reason'], list(ids))

    @api.model
    def _set_reason(self, reasons):
        """{line_id: why it was not proposed}, one UPDATE per reason."""
        by_reason = {}
        for line_id, reason in reasons.items():
            by_reason.setdefault(reason, []).append(line_id)
        for reason, ids in by_reason.items():
            self.env.cr.execute('UPDATE account_analytic_line SET not_invoiceable_reason = %s '
                                'WHERE id IN %s', (reason, tuple(ids)))
        self.invalidate_cache(['not_invoiceable_reason'], list(reasons))

    @api.model
    def _restore_proposal_price(self, ids):
        """Shares released, nothing posted: a price changed on the cancelled
        proposal goes back to what it was."""
        if not ids:
            return
        self.env.cr.execute("""
            UPDATE account_analytic_line
               SET sales_price = proposal_price_origin,
                   sales_price_manual = COALESCE(proposal_price_origin_manual, FALSE),
                   proposal_price_edited = FALSE
             WHERE id IN %s AND proposal_price_edited RETURNING id""", (tuple(ids),))
        restored = [r[0] for r in self.env.cr.fetchall()]
        if restored:
            lines = self.browse(restored)
            lines.invalidate_cache(['sales_price', 'sales_price_manual', 'proposal_price_edited'])
            lines.modified(['sales_price'])
            lines.recompute()

    def _set_price_from_proposal(self, price):
        """A sales price changed on a proposal line: remember the price
        before (restored if the proposal is cancelled), then write it."""
        for line in self.filtered(lambda l: not l.proposal_price_edited):
            super(AccountAnalyticLine, line).write({
                'proposal_price_edited': True, 'proposal_price_origin': line.sales_price,
                'proposal_price_origin_manual': line.sales_price_manual})
        self.write({'sales_price': price})

    # ------------------------------------------------------------------
    # Edits: carried into draft proposals, refused once invoiced
    # ------------------------------------------------------------------
    def _changes(self, vals, fnames):
        """Fields of `fnames` in vals whose value differs from this line's."""
        changed = []
        for fname in fnames:
            if fname not in vals:
                continue
            value = self[fname]
            new = vals[fname]
            if isinstance(value, models.BaseModel):
                value = value.id
            if isinstance(new, float) or isinstance(value, float):
                if float_compare(float(new or 0.0), float(value or 0.0), precision_digits=6):
                    changed.append(fname)
            elif (new or False) != (value or False):
                changed.append(fname)
        return changed

    def _check_billing_change(self, vals):
        """Refuse edits the billing ledger cannot follow: an invoiced
        transaction is corrected with Adjust; one in a proposal under review
        waits for the reviewer; a proposed one stays on its project."""
        Ledger = self.env['project.billing.ledger']
        rows = Ledger._rows(self.ids)
        if not rows:
            return
        by_line = {}
        for r in rows:
            by_line.setdefault(r['analytic_line_id'], []).append(r)
        for line in self.browse(list(by_line)):
            value_fields = VALUE_FIELDS + (() if line.project_id else ('amount',))
            values = line._changes(vals, value_fields)
            identity = line._changes(vals, IDENTITY_FIELDS)
            if not (values or identity):
                continue
            facts = by_line[line.id]
            if any(r['posted'] or r['written_off'] or r['credit_open'] for r in facts):
                raise UserError(_('Transaction "%s" (%s) is invoiced: it cannot be changed. Correct '
                                  'it with Adjust (Invoice control): the original is credited and '
                                  'the corrected transaction is invoiced anew.')
                                % (line.name, line.date))
            proposals = line.proposal_line_ids.mapped('proposal_id').filtered(
                lambda p: p.state in ('review', 'approved'))
            if proposals:
                raise UserError(_('Transaction "%s" is in invoice proposal %s, which is in review: '
                                  'it cannot change until the proposal is rejected.')
                                % (line.name, ', '.join(proposals.mapped('name'))))
            if identity:
                proposals = line.proposal_line_ids.mapped('proposal_id').filtered(
                    lambda p: p.state == 'draft')
                raise UserError(_('Transaction "%s" is in invoice proposal %s: remove it from the '
                                  'proposal before moving it to another project or type.')
                                % (line.name, ', '.join(proposals.mapped('name')) or '-'))

    @api.model
    def create(self, vals):
        line = super(AccountAnalyticLine, self).create(vals)
        line._update_billing()
        return line

    @api.multi
    def write(self, vals):
        if 'sales_price' in vals:
            vals = dict(vals, sales_price_manual=True)
        guarded = set(vals) & (set(VALUE_FIELDS) | set(IDENTITY_FIELDS) | {'amount'})
        before = {}
        if guarded:
            self._check_billing_change(vals)
            before = dict((line.id, line.billing_amount) for line in self)
        res = super(AccountAnalyticLine, self).write(vals)
        if PRICING_FIELDS & set(vals):
            self._update_billing()
        if before:
            changed = self.filtered(lambda l: float_compare(
                l.billing_amount, before.get(l.id, 0.0), precision_digits=6) != 0)
            if changed:
                self.env['project.funding.share']._revalue(analytic_ids=changed.ids)
        return res

    @api.multi
    def unlink(self):
        used = self.env['project.invoice.proposal.line'].search([('analytic_line_id', 'in', self.ids)])
        if used:
            raise UserError(_('Transaction "%s" is on invoice proposal %s: it cannot be deleted (a '
                              'proposed transaction is removed from its proposal first; an invoiced '
                              'one is corrected with Adjust).') % (
                used[0].analytic_line_id.name, used[0].proposal_id.name))
        return super(AccountAnalyticLine, self).unlink()

    # ------------------------------------------------------------------
    # Not chargeable, again chargeable
    # ------------------------------------------------------------------
    def _mark_not_chargeable(self, reason):
        if self:
            super(AccountAnalyticLine, self).write({
                'marked_not_chargeable': True, 'marked_not_chargeable_uid': self.env.uid,
                'marked_not_chargeable_date': fields.Datetime.now(),
                'not_invoiceable_reason': reason})

    @api.multi
    def action_mark_chargeable(self):
        """Undo "not chargeable": the transaction is to invoice again (its
        funding is decided anew at the next proposal)."""
        marked = self.filtered('marked_not_chargeable')
        if marked:
            super(AccountAnalyticLine, marked).write({
                'marked_not_chargeable': False, 'marked_not_chargeable_uid': False,
                'marked_not_chargeable_date': False, 'not_invoiceable_reason': False})
        internal = self.filtered(lambda l: l.invoice_status == 'not_chargeable'
                                 and not l.billing_excluded and not l.proposal_line_ids)
        self.env['project.funding.share']._delete_for(internal.ids)
        self.env['project.billing.ledger']._sync(self.ids)
        return True
