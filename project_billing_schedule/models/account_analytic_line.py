from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..allocation import to_decimal
from ..billing_status import transaction_status
from ..guards import refuse

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
# written only by the ledger and its workflows, never by a caller's write()
LEDGER_FIELDS = {'invoice_status', 'billing_excluded', 'marked_not_chargeable',
                 'marked_not_chargeable_uid', 'marked_not_chargeable_date',
                 'proposal_price_edited', 'proposal_price_origin', 'proposal_price_origin_manual',
                 'adjusted_line_id', 'adjustment_kind', 'not_invoiceable_reason',
                 'sales_price_manual', 'chargeable'}
# computed from the others: never written by a caller
BILLING_DERIVED = {'billing_amount', 'billing_cost', 'billing_project_id', 'billing_contract_id',
                   'billing_currency_id'}


class AccountAnalyticLine(models.Model):
    """Project transactions are analytic lines: hours (timesheets), expenses
    and items (costs from vendor bills on the project's analytic account)
    and fees. The billing fields say what the customer is charged; the
    invoice status is derived from the billing ledger."""
    _name = 'account.analytic.line'
    _inherit = ['account.analytic.line', 'project.invoicing.input.check']
    # what timesheet users and integrators enter (Odoo creates revenue and
    # cost lines in bulk when it posts invoices: not checked again)
    _input_check_fields = ('name', 'date', 'unit_amount', 'amount', 'project_id', 'task_id',
                           'employee_id', 'sales_price', 'billing_type', 'product_id')

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
    chargeable = fields.Boolean(copy=False)
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
        invoices on the analytic account) is not."""
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
        return True

    @api.model
    def create(self, vals):
        self._check_input(vals)
        refuse(self, dict((k, v) for k, v in vals.items() if v), LEDGER_FIELDS, BILLING_DERIVED)
        if (vals.get('sales_price') or vals.get('billing_type')) and not self.env.user._is_superuser() \
                and not self.user_has_groups('project_billing_schedule.group_project_invoicing_user'):
            raise UserError(_('Only project invoicing users set what a transaction is billed.'))
        line = super(AccountAnalyticLine, self).create(vals)
        line._update_billing()
        return line
