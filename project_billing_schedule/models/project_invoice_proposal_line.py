from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.project_invoicing_base.pg_array import insert_columns

LINE_TYPES = [
    ('hour', 'Hours'),
    ('expense', 'Expenses'),
    ('item', 'Items'),
    ('fee', 'Fees'),
    ('on_account', 'On-account'),
    ('retention', 'Retention'),
    ('retention_release', 'Retention release'),
]
PRICE_EDITABLE = ('hour', 'expense', 'item', 'fee')
OPEN_STATES = ('draft', 'review', 'approved')
# what a user may change on a draft line; the rest follows the ledger
FREE_FIELDS = {'name', 'sequence', 'product_id'}
# what a fee added on a proposal is given by
FEE_FIELDS = FREE_FIELDS | {'proposal_id', 'project_id', 'quantity', 'sales_price',
                            'transaction_type', 'amount'}


class ProjectInvoiceProposalLine(models.Model):
    """One funding source's share of one transaction on a proposal, a credit
    of such a share (credited_line_id), or a retention line. Its amount is
    what the billing ledger says is due to the source: it changes only
    through the transaction (price, quantity), never by hand."""
    _name = 'project.invoice.proposal.line'
    _inherit = ['project.invoicing.input.check']
    _description = 'Invoice proposal line'
    _order = 'proposal_id, sequence, id'

    proposal_id = fields.Many2one('project.invoice.proposal', required=True, ondelete='cascade',
                                  index=True)
    state = fields.Selection(related='proposal_id.state', readonly=True)
    # set with the line (its proposal's, which never changes): a stored
    # related field would be recomputed over every line of a proposal. Not
    # indexed: lines are read by proposal or transaction, and every index
    # costs each of the many thousands of lines a month end inserts
    company_id = fields.Many2one('res.company', readonly=True)
    currency_id = fields.Many2one(related='proposal_id.currency_id', readonly=True)
    sequence = fields.Integer(default=10)
    transaction_type = fields.Selection(LINE_TYPES, string='Type', required=True, default='fee')
    analytic_line_id = fields.Many2one('account.analytic.line', string='Transaction', index=True,
                                       ondelete='restrict', readonly=True)
    # indexed by init() where set only, as credited_line_id below: almost
    # every line invoices a timesheet or cost
    on_account_id = fields.Many2one('project.on.account', string='On-account transaction',
                                    ondelete='restrict', readonly=True)
    # indexed by init() where set only: almost every line credits nothing, and a
    # full index invites the planner to scan it for "IS NULL"
    credited_line_id = fields.Many2one('project.invoice.proposal.line', string='Credits line',
                                       readonly=True, help='The posted line this line credits.')
    reinvoice = fields.Boolean(string='Invoice again', readonly=True,
                               help='Credit line: the credited share is to invoice again.')
    project_id = fields.Many2one('project.project', readonly=True)
    date = fields.Date(string='Transaction date', readonly=True)
    name = fields.Char(string='Description', required=True)
    product_id = fields.Many2one('product.product')
    quantity = fields.Float(digits=(16, 2), default=1.0)
    sales_price = fields.Float(string='Sales price', digits=(16, 4),
                               help='Unit sales price of the transaction; changing it changes '
                                    'the transaction and every funding share of it.')
    share_percent = fields.Float(string='Share (%)', digits=(16, 4), default=100.0, readonly=True)
    funding_rule_id = fields.Many2one('project.funding.rule', readonly=True, ondelete='restrict',
                                      help='The rule that split the transaction over its sources.')
    amount = fields.Monetary(currency_field='currency_id', readonly=True)
    # the link to the invoice line is a row of its own, inserted at posting:
    # an UPDATE of lines made in the same transaction (a periodic run
    # proposes and posts at once) makes PostgreSQL check every foreign key
    # of the line again, a third of the posting's time at 100,000 lines
    invoice_line_ids = fields.Many2many(
        'account.invoice.line', 'project_proposal_line_invoice_line_rel', 'proposal_line_id',
        'invoice_line_id', string='Invoice lines', readonly=True, copy=False)
    invoice_line_id = fields.Many2one('account.invoice.line', string='Invoice line',
                                      compute='_compute_invoice_line_id',
                                      search='_search_invoice_line_id')

    @api.model_cr
    def init(self):
        self.env.cr.execute("""
            CREATE INDEX IF NOT EXISTS project_invoice_proposal_line_credited_line_id_set_index
                ON project_invoice_proposal_line (credited_line_id)
             WHERE credited_line_id IS NOT NULL""")
        self.env.cr.execute("""
            CREATE INDEX IF NOT EXISTS project_invoice_proposal_line_on_account_id_set_index
                ON project_invoice_proposal_line (on_account_id)
             WHERE on_account_id IS NOT NULL""")
        # a proposal line is invoiced on one invoice line, as the column was
        self.env.cr.execute("""
            CREATE UNIQUE INDEX IF NOT EXISTS project_proposal_line_invoice_line_rel_line_uniq
                ON project_proposal_line_invoice_line_rel (proposal_line_id)""")
        # the plain index and the unique pair Odoo made with the table say no
        # more than that one, and each is one more entry for every row posted
        self.env.cr.execute(
            'DROP INDEX IF EXISTS project_proposal_line_invoice_line_rel_proposal_line_id_idx')
        self.env.cr.execute("""
            SELECT conname FROM pg_constraint
             WHERE conrelid = 'project_proposal_line_invoice_line_rel'::regclass AND contype = 'u'""")
        for (name,) in self.env.cr.fetchall():
            # a name PostgreSQL gave, read from its catalogue just above
            # pylint: disable=sql-injection
            self.env.cr.execute(
                'ALTER TABLE project_proposal_line_invoice_line_rel DROP CONSTRAINT "%s"' % name)

    @api.depends('invoice_line_ids')
    def _compute_invoice_line_id(self):
        for line in self:
            line.invoice_line_id = line.invoice_line_ids[:1]

    def _search_invoice_line_id(self, operator, value):
        return [('invoice_line_ids', operator, value)]

    @api.onchange('quantity', 'sales_price')
    def _onchange_fee_amount(self):
        # a new fee shows its amount before it is saved
        if self.transaction_type == 'fee' and not self.analytic_line_id:
            self.amount = self.currency_id.round(self.quantity * self.sales_price) \
                if self.currency_id else round(self.quantity * self.sales_price, 2)

    # ------------------------------------------------------------------
    # Creating: only fees by hand; the rest comes from the ledger
    # ------------------------------------------------------------------
    @api.model
    def create(self, vals):
        self._check_input(vals)  # before the proposal is read from it
        proposal = self.env['project.invoice.proposal'].browse(vals.get('proposal_id'))
        if vals.get('transaction_type', 'fee') != 'fee' or vals.get('analytic_line_id') or \
                vals.get('on_account_id') or vals.get('credited_line_id'):
            raise UserError(_('Only fees are added on a proposal by hand. Add transactions to '
                              'invoice or to credit with "Add transactions" or "Credit".'))
        if proposal.state != 'draft':
            raise UserError(_('Fees can only be added to draft invoice proposals.'))
        if proposal.kind == 'retention_release':
            raise UserError(_('A retention release holds no fees.'))
        other = set(k for k, v in vals.items() if v) & {
            'funding_rule_id', 'invoice_line_id', 'invoice_line_ids', 'reinvoice',
            'share_percent'}
        if other - {'share_percent'} or vals.get('share_percent', 100.0) != 100.0:
            raise UserError(_('A fee is given by its description, product, project, quantity and '
                              'price; %s follow from the ledger.') % ', '.join(sorted(other)))
        # what a form sends besides (defaults of read-only columns) is not the caller's to set
        vals = dict((k, v) for k, v in vals.items() if k in FEE_FIELDS)
        project = self.env['project.project'].browse(vals.get('project_id'))
        if project and (project.contract_id != proposal.contract_id or (
                proposal.project_id and project != proposal.project_id)):
            raise UserError(_('A fee on %s belongs to its project (%s).') % (
                proposal.name, proposal.project_id.name or proposal.contract_id.display_name))
        vals = dict(vals, transaction_type='fee', amount=0.0, company_id=proposal.company_id.id)
        line = super(ProjectInvoiceProposalLine, self).create(vals)
        line._create_fee_transaction()
        return line

    def _create_internal(self, vals):
        proposal = self.env['project.invoice.proposal'].browse(vals['proposal_id'])
        return super(ProjectInvoiceProposalLine, self).create(
            dict(vals, company_id=proposal.company_id.id))

    def _create_fee_transaction(self):
        """A fee added on a proposal becomes a fee transaction of the project
        (the trail), paid by this proposal's funding source as far as its
        limit allows (the rest goes to the next funding rule)."""
        proposal = self.proposal_id
        project = self.project_id or proposal.project_id or proposal.contract_id.project_ids[:1]
        if not project.analytic_account_id:
            raise UserError(_('A fee needs a project with an analytic account.'))
        product = self.product_id or proposal.contract_id.fee_product_id
        txn = self.env['account.analytic.line'].create({
            'name': self.name, 'account_id': project.analytic_account_id.id,
            'date': proposal.date, 'unit_amount': self.quantity, 'amount': 0.0,
            'billing_type': 'fee', 'sales_price': self.sales_price, 'product_id': product.id})
        self._write_internal({'analytic_line_id': txn.id, 'project_id': project.id,
                              'date': proposal.date, 'product_id': product.id})
        source = proposal.funding_source_id.id
        self.env['project.funding.share']._resplit({('a', txn.id): [((0, False), [(source, 100.0, True)])]})
        self._follow_shares([txn.id], [])

    # columns _create_bulk writes; the others keep their SQL default (NULL)
    _BULK_COLUMNS = ('proposal_id', 'sequence', 'transaction_type', 'analytic_line_id',
                     'on_account_id', 'project_id', 'date', 'name', 'product_id', 'quantity',
                     'sales_price', 'share_percent', 'amount', 'funding_rule_id',
                     'credited_line_id', 'reinvoice', 'company_id',
                     'create_uid', 'create_date', 'write_uid', 'write_date')

    @api.model
    def _create_bulk(self, proposal, vals_list):
        """Create lines of a draft proposal with one INSERT from column
        arrays instead of an ORM create per line (a proposal of a month's
        timesheets has thousands); its totals are recomputed in batch."""
        # every way lines come into a proposal ends here: a draft only
        proposal._check_state(('draft',), _('changed'))
        cr = self.env.cr
        now = fields.Datetime.now()
        numbers = ('sequence', 'quantity', 'sales_price', 'share_percent', 'amount')
        fixed = {'proposal_id': proposal.id, 'company_id': proposal.company_id.id,
                 'create_uid': self.env.uid,
                 'create_date': now, 'write_uid': self.env.uid, 'write_date': now}
        varying = [col for col in self._BULK_COLUMNS if col not in fixed]
        columns = []
        for col in varying:
            if col in numbers:    # the ORM's conventions: 0 for numbers,
                columns.append([vals.get(col) or 0 for vals in vals_list])
            elif col == 'reinvoice':
                columns.append([bool(vals.get(col)) for vals in vals_list])
            else:                 # NULL for empty relations and text
                columns.append([vals.get(col) or None for vals in vals_list])
        ids = insert_columns(cr, 'project_invoice_proposal_line', fixed, [
            (col, self._fields[col].column_type[0], values)
            for col, values in zip(varying, columns)], returning='id') if vals_list else []
        proposal.invalidate_cache(['line_ids'], proposal.ids)
        for fname in ('amount_total', 'amount_retention'):
            self.env.add_todo(proposal._fields[fname], proposal)
        return self.browse(ids)

    # ------------------------------------------------------------------
    # Editing: price and fee quantity go to the transaction
    # ------------------------------------------------------------------
    @api.multi
    def write(self, vals):
        self._check_input(vals)  # sales price and quantity are popped below
        if self.filtered(lambda l: l.state != 'draft'):
            raise UserError(_('Lines of an invoice proposal can only change while it is a draft.'))
        vals = dict(vals)
        # numbers as the ORM reads them ('5' and False included: checked above)
        price = vals.pop('sales_price', None)
        price = float(price or 0.0) if price is not None else None
        quantity = vals.pop('quantity', None)
        quantity = float(quantity or 0.0) if quantity is not None else None
        other = set(vals) - FREE_FIELDS
        if other:
            raise UserError(_('%s of a proposal line follow the transaction and its funding '
                              'shares: they cannot be written.') % ', '.join(sorted(other)))
        res = super(ProjectInvoiceProposalLine, self).write(vals) if vals else True
        for line in self:
            if price is not None and abs(price - line.sales_price) > 1e-9:
                if line.transaction_type not in PRICE_EDITABLE or line.credited_line_id:
                    raise UserError(_('The sales price of %s lines cannot be changed.')
                                    % dict(LINE_TYPES)[line.transaction_type])
                line.analytic_line_id._set_price_from_proposal(price)
            if quantity is not None and abs(quantity - line.quantity) > 1e-9:
                if line.transaction_type != 'fee' or line.credited_line_id:
                    raise UserError(_('Only the quantity of a fee changes on a proposal; hours '
                                      'and costs change on the transaction itself.'))
                line.analytic_line_id.write({'unit_amount': quantity})
        return res

    def _write_internal(self, vals):
        return super(ProjectInvoiceProposalLine, self).write(vals)

    @api.model
    def _follow_shares(self, analytic_ids, on_account_ids):
        """Open lines of these transactions take their source's new due
        (their shares were split again); lines of a source that lost its
        share go. Retention, totals and statuses follow."""
        domain = [('proposal_id.state', 'in', OPEN_STATES), ('credited_line_id', '=', False)]
        lines = self.search(domain + ['|', ('analytic_line_id', 'in', list(analytic_ids)),
                                      ('on_account_id', 'in', list(on_account_ids))])
        Ledger = self.env['project.billing.ledger']
        shares = dict((((('a', r['analytic_line_id']) if r['analytic_line_id'] else
                         ('o', r['on_account_id'])), r['source_id']), r)
                      for r in Ledger._rows(analytic_ids, on_account_ids))
        info = self.env['project.funding.share']._line_info(analytic_ids, on_account_ids)
        gone = self.browse()
        for line in lines:
            key = ('a', line.analytic_line_id.id) if line.analytic_line_id else \
                ('o', line.on_account_id.id)
            source = line.proposal_id.funding_source_id.id
            row = shares.get((key, source))
            if not row:
                gone |= line
                continue
            txn = line.analytic_line_id or line.on_account_id
            value = txn.billing_amount if line.analytic_line_id else txn.amount
            amount = row['share'] - row['posted']
            percent = info.get((key, source), (None, False))[0]
            if percent is None:
                percent = round(100.0 * amount / value, 4) if value else 100.0
            line._write_internal({
                'amount': amount, 'share_percent': percent,
                'quantity': line.analytic_line_id.unit_amount if line.analytic_line_id else 1.0,
                'sales_price': line.analytic_line_id.sales_price if line.analytic_line_id
                else txn.amount})
        proposals = lines.mapped('proposal_id')
        if gone:
            super(ProjectInvoiceProposalLine, gone).unlink()
        proposals._update_retention()
        proposals._recompute_totals()
        Ledger._sync(analytic_ids, on_account_ids)
        return True

    # ------------------------------------------------------------------
    # Removing: "not now" (unlink) or "not chargeable" (_remove)
    # ------------------------------------------------------------------
    @api.multi
    def unlink(self):
        """Remove lines from draft proposals: their sources' shares are to
        invoice again ("not now"); a credit line's share stays invoiced."""
        if self.filtered(lambda l: l.state != 'draft'):
            raise UserError(_('Lines can only be removed from draft invoice proposals.'))
        if self.filtered(lambda l: l.transaction_type == 'retention'):
            raise UserError(_('Retention follows the other lines of a proposal (and the funding '
                              "source's retention percentage); it is not removed by hand."))
        proposals = self.mapped('proposal_id')
        analytic = self.mapped('analytic_line_id').ids + \
            self.mapped('credited_line_id.analytic_line_id').ids
        on_account = self.mapped('on_account_id').ids + \
            self.mapped('credited_line_id.on_account_id').ids
        res = super(ProjectInvoiceProposalLine, self).unlink()
        proposals._update_retention()
        proposals._recompute_totals()
        self.env['project.billing.ledger']._sync(analytic, on_account)
        return res

    def _unlink_released(self):
        """Delete lines whose proposal is cancelled (history no longer kept)."""
        return super(ProjectInvoiceProposalLine, self).unlink()

    @api.multi
    def action_remove(self):
        return {'type': 'ir.actions.act_window', 'res_model': 'project.invoice.proposal.remove',
                'view_mode': 'form', 'target': 'new', 'name': _('Remove from the proposal'),
                'context': {'default_line_ids': [(6, 0, self.ids)]}}
