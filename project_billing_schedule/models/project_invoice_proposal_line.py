from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

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


class ProjectInvoiceProposalLine(models.Model):
    """One funding source's share of one transaction on a proposal (or a
    retention line). The lines of one transaction across the proposals of
    its funding sources are proposed, priced, removed and posted together."""
    _name = 'project.invoice.proposal.line'
    _description = 'Invoice proposal line'
    _order = 'proposal_id, sequence, id'

    proposal_id = fields.Many2one('project.invoice.proposal', required=True, ondelete='cascade',
                                  index=True)
    state = fields.Selection(related='proposal_id.state', readonly=True)
    currency_id = fields.Many2one(related='proposal_id.currency_id', readonly=True)
    sequence = fields.Integer(default=10)
    transaction_type = fields.Selection(LINE_TYPES, string='Type', required=True, default='fee')
    analytic_line_id = fields.Many2one('account.analytic.line', string='Transaction', index=True,
                                       ondelete='restrict', readonly=True)
    on_account_id = fields.Many2one('project.on.account', string='On-account transaction',
                                    index=True, ondelete='restrict', readonly=True)
    # indexed by init() where set only: almost every line credits nothing, and a
    # full index invites the planner to scan it for "IS NULL"
    credited_line_id = fields.Many2one('project.invoice.proposal.line', string='Credits line',
                                       readonly=True, help='The posted line this line credits.')
    is_credited = fields.Boolean(readonly=True, copy=False,
                                 help='A posted credit line credits this line.')
    project_id = fields.Many2one('project.project', readonly=True)
    date = fields.Date(string='Transaction date', readonly=True)
    name = fields.Char(string='Description', required=True)
    product_id = fields.Many2one('product.product', string='Product')
    quantity = fields.Float(digits=(16, 2), default=1.0)
    sales_price = fields.Float(string='Sales price', digits=(16, 4),
                               help='Unit sales price of the transaction; changing it changes '
                                    'the transaction and every funding share of it.')
    share_percent = fields.Float(string='Share (%)', digits=(16, 4), default=100.0, readonly=True)
    funding_rule_id = fields.Many2one('project.funding.rule', readonly=True,
                                      help='The rule that split the transaction over its sources.')
    amount = fields.Monetary(string='Amount', currency_field='currency_id')
    invoice_line_id = fields.Many2one('account.invoice.line', string='Invoice line', readonly=True,
                                      copy=False, index=True)

    @api.model_cr
    def init(self):
        self.env.cr.execute("""
            CREATE INDEX IF NOT EXISTS project_invoice_proposal_line_credited_line_id_set_index
                ON project_invoice_proposal_line (credited_line_id)
             WHERE credited_line_id IS NOT NULL""")

    # ------------------------------------------------------------------
    # Transactions behind the lines
    # ------------------------------------------------------------------
    def _siblings(self):
        """All live lines of the same transactions (every funding source)."""
        Line = self.browse()
        analytic = self.mapped('analytic_line_id')
        on_account = self.mapped('on_account_id')
        domain = [('credited_line_id', '=', False), ('is_credited', '=', False),
                  ('state', '!=', 'cancel')]
        if analytic:
            Line |= self.search(domain + [('analytic_line_id', 'in', analytic.ids)])
        if on_account:
            Line |= self.search(domain + [('on_account_id', 'in', on_account.ids)])
        return Line | self

    @api.model
    def _check_still_proposed(self, proposal_ids):
        """At posting, under row lock: every transaction of these proposals is
        still in a proposal (and what they credit is still invoiced), checked
        in one query."""
        if not proposal_ids:
            return
        self.env.cr.execute("""
            SELECT l.name, CASE WHEN l.credited_line_id IS NOT NULL THEN 'credited or not invoiced'
                                ELSE COALESCE(a.invoice_status, o.status, 'not invoiceable') END
              FROM project_invoice_proposal_line l
              LEFT JOIN account_analytic_line a ON a.id = l.analytic_line_id
              LEFT JOIN project_on_account o ON o.id = l.on_account_id
              LEFT JOIN project_invoice_proposal_line c ON c.id = l.credited_line_id
              LEFT JOIN project_invoice_proposal cp ON cp.id = c.proposal_id
             WHERE l.proposal_id IN %s AND (
                   (l.credited_line_id IS NULL AND (
                       -- IS DISTINCT FROM: a cleared (NULL) status is no proposal either
                       (l.analytic_line_id IS NOT NULL
                        AND a.invoice_status IS DISTINCT FROM 'in_proposal')
                    OR (l.on_account_id IS NOT NULL AND o.status IS DISTINCT FROM 'in_proposal')))
                OR (l.credited_line_id IS NOT NULL AND (c.is_credited OR cp.state != 'posted')))
             LIMIT 1""", (tuple(proposal_ids),))
        row = self.env.cr.fetchone()
        if row:
            raise UserError(_('Transaction "%s" is %s: it cannot be invoiced again.') % row)

    def _release(self):
        """Take these lines' transactions out of their proposals (all funding
        shares together) and make them invoiceable again. The shares on other
        proposals are removed; these lines stay for their caller to delete
        (or, on a cancelled proposal, as its history)."""
        siblings = self._siblings().filtered(lambda l: not l.credited_line_id)
        if siblings.filtered(lambda l: l.state == 'posted'):
            raise UserError(_('Part of these transactions is already invoiced to another funding '
                              'source; they can no longer be removed.'))
        if siblings.filtered(lambda l: l.state in ('review', 'approved')) - self:
            raise UserError(_('Another funding share of these transactions is in review; '
                              'reject that proposal first.'))
        credits = self.filtered('credited_line_id')
        Analytic = self.env['account.analytic.line']
        Analytic._set_billing_status(siblings.mapped('analytic_line_id').ids, 'to_invoice')
        siblings.mapped('on_account_id').write({'status': 'ready'})
        Analytic._set_billing_status(credits.mapped('credited_line_id.analytic_line_id').ids,
                                     'invoiced')
        credits.mapped('credited_line_id.on_account_id').write({'status': 'invoiced'})
        others = (siblings | credits) - self
        proposals = others.mapped('proposal_id')
        super(ProjectInvoiceProposalLine, others).unlink()
        proposals._update_retention()

    @api.multi
    def unlink(self):
        # removing a line from a draft proposal: its transaction goes back to
        # "to invoice" (with its other funding shares)
        if self.filtered(lambda l: l.state not in ('draft', 'cancel')):
            raise UserError(_('Lines can only be removed from draft invoice proposals.'))
        transactions = self.filtered(lambda l: l.transaction_type != 'retention'
                                     and l.state == 'draft')
        proposals = self.mapped('proposal_id')
        if transactions:
            transactions._release()
        res = super(ProjectInvoiceProposalLine, self.exists()).unlink()
        proposals.exists()._update_retention()
        return res

    @api.model
    def create(self, vals):
        line = super(ProjectInvoiceProposalLine, self).create(vals)
        if line.transaction_type == 'fee' and not line.analytic_line_id \
                and not self.env.context.get('proposal_batch'):
            line._create_fee_transaction()
        return line

    # columns _create_bulk writes; the others keep their SQL default (NULL)
    _BULK_COLUMNS = ('proposal_id', 'sequence', 'transaction_type', 'analytic_line_id',
                     'on_account_id', 'project_id', 'date', 'name', 'product_id', 'quantity',
                     'sales_price', 'share_percent', 'amount', 'funding_rule_id', 'is_credited',
                     'create_uid', 'create_date', 'write_uid', 'write_date')

    @api.model
    def _create_bulk(self, proposal, vals_list):
        """Create the lines of a new draft proposal with one INSERT from
        column arrays instead of an ORM create per line (a proposal of a
        month's timesheets has thousands). Only for plain values of the
        columns above; the proposal's stored totals are then recomputed by
        the ORM."""
        cr = self.env.cr
        now = fields.Datetime.now()
        numbers = ('sequence', 'quantity', 'sales_price', 'share_percent', 'amount')
        fixed = {'proposal_id': proposal.id, 'is_credited': False, 'create_uid': self.env.uid,
                 'create_date': now, 'write_uid': self.env.uid, 'write_date': now}
        columns = []
        for col in self._BULK_COLUMNS:
            if col in fixed:
                columns.append([fixed[col]] * len(vals_list))
            elif col in numbers:  # the ORM's conventions: 0 for numbers,
                columns.append([vals.get(col) or 0 for vals in vals_list])
            else:                 # NULL for empty relations and text
                columns.append([vals.get(col) or None for vals in vals_list])
        ids = []
        if vals_list:
            # each array typed as its field's column (int4, numeric, varchar, ...)
            arrays = ','.join('%%s::%s[]' % self._fields[col].column_type[0]
                              for col in self._BULK_COLUMNS)
            cr.execute('INSERT INTO project_invoice_proposal_line (%s) SELECT * FROM unnest(%s) '
                       'RETURNING id' % (','.join(self._BULK_COLUMNS), arrays), columns)
            ids = [r[0] for r in cr.fetchall()]
        lines = self.browse(ids)
        proposal.invalidate_cache(['line_ids'], proposal.ids)
        # the totals are recomputed by the next recompute(), for all the
        # proposals of a batch at once (reads compute them on demand)
        for fname in ('amount_total', 'amount_retention'):
            self.env.add_todo(proposal._fields[fname], proposal)
        return lines

    def _create_fee_transaction(self):
        """A fee added on a proposal becomes a fee transaction of the project
        (the trail), paid entirely by this proposal's funding source."""
        proposal = self.proposal_id
        project = self.project_id or proposal.project_id or proposal.contract_id.project_ids[:1]
        if not project.analytic_account_id:
            raise UserError(_('A fee needs a project with an analytic account.'))
        txn = self.env['account.analytic.line'].with_context(billing_internal=True).create({
            'name': self.name, 'account_id': project.analytic_account_id.id,
            'date': proposal.date, 'unit_amount': self.quantity, 'amount': 0.0,
            'billing_type': 'fee', 'sales_price': self.sales_price,
            'product_id': (self.product_id or proposal.contract_id.fee_product_id).id,
        })
        super(ProjectInvoiceProposalLine, self).write({
            'analytic_line_id': txn.id, 'project_id': project.id, 'date': proposal.date,
            'product_id': (self.product_id or proposal.contract_id.fee_product_id).id,
            'amount': txn.billing_amount, 'share_percent': 100.0})
        txn._set_billing_status(txn.ids, 'in_proposal')
        proposal._update_retention()

    @api.multi
    def write(self, vals):
        if 'sales_price' in vals and not self.env.context.get('proposal_batch'):
            for line in self:
                if line.transaction_type not in PRICE_EDITABLE:
                    raise UserError(_('The sales price of %s lines cannot be changed.')
                                    % dict(LINE_TYPES)[line.transaction_type])
                if line.state != 'draft':
                    raise UserError(_('Prices can only be changed on draft invoice proposals.'))
            res = super(ProjectInvoiceProposalLine, self).write(vals)
            self._reprice(vals['sales_price'])
            return res
        return super(ProjectInvoiceProposalLine, self).write(vals)

    def _reprice(self, price):
        """Write a changed sales price back to the transaction history and
        split the new amount again over all funding shares."""
        txns = self.mapped('analytic_line_id')
        txns.write({'sales_price': price})  # marks the price as changed by hand
        siblings = self._siblings()
        if siblings.filtered(lambda l: l.state != 'draft'):
            raise UserError(_('Another funding share of this transaction is no longer a draft; '
                              'its price cannot change.'))
        for txn in txns:
            shares = siblings.filtered(lambda l: l.analytic_line_id == txn)
            parts = txn.billing_contract_id._split_transaction(txn.billing_amount, shares)
            for share, part in zip(shares, parts):
                super(ProjectInvoiceProposalLine, share).write(
                    {'amount': part, 'sales_price': txn.sales_price})
            shares.mapped('proposal_id')._update_retention()

    @api.model
    def _after_post(self, proposals):
        """After posting `proposals`: transactions whose every funding share is
        posted are invoiced; credited ones are credited (or invoiceable
        again). Set-based: a posting moves thousands of transactions."""
        cr = self.env.cr
        Analytic = self.env['account.analytic.line']
        OnAccount = self.env['project.on.account']
        ids = tuple(proposals.ids)
        # credit lines: what they credit is credited, or to invoice again
        cr.execute("""
            SELECT c.id, c.analytic_line_id, c.on_account_id, p.reinvoice
              FROM project_invoice_proposal_line l
              JOIN project_invoice_proposal p ON p.id = l.proposal_id
              JOIN project_invoice_proposal_line c ON c.id = l.credited_line_id
             WHERE l.proposal_id IN %s""", (ids,))
        credited = cr.fetchall()
        if credited:
            self.browse([r[0] for r in credited]).write({'is_credited': True})
        for reinvoice in (True, False):
            rows = [r for r in credited if bool(r[3]) == reinvoice]
            Analytic._set_billing_status([r[1] for r in rows if r[1]],
                                         'to_invoice' if reinvoice else 'credited')
            OnAccount.browse([r[2] for r in rows if r[2]]).write(
                {'status': 'ready' if reinvoice else 'credited'})
        # the other lines: a transaction is invoiced once all its shares are posted
        for column in ('analytic_line_id', 'on_account_id'):
            cr.execute("""
                SELECT l.%s FROM project_invoice_proposal_line l
                  JOIN project_invoice_proposal p ON p.id = l.proposal_id
                 WHERE l.%s IN (SELECT %s FROM project_invoice_proposal_line
                                 WHERE proposal_id IN %%s AND credited_line_id IS NULL)
                   AND l.credited_line_id IS NULL AND NOT COALESCE(l.is_credited, FALSE)
                   AND p.state != 'cancel'
                 GROUP BY l.%s HAVING bool_and(p.state = 'posted')""" % ((column,) * 4), (ids,))
            done = [r[0] for r in cr.fetchall()]
            if column == 'analytic_line_id':
                Analytic._set_billing_status(done, 'invoiced')
            else:
                OnAccount.browse(done).write({'status': 'invoiced'})

    # ------------------------------------------------------------------
    # Invoice lines
    # ------------------------------------------------------------------
    @api.model
    def _invoice_groups(self, proposal):
        """The invoice lines of a proposal, one per group of its lines with the
        same type, product, project, unit price and share (grouped in SQL: a
        proposal can hold thousands of lines). Retention, on-account and credit
        lines stay single. Returns dicts, in line order."""
        self.env.cr.execute("""
            SELECT transaction_type, product_id, project_id, share_percent,
                   array_agg(id ORDER BY sequence, id) AS ids, SUM(amount) AS amount,
                   SUM(quantity) AS quantity, MIN(name) AS name, COUNT(*) AS count
              FROM project_invoice_proposal_line
             WHERE proposal_id = %s
             GROUP BY CASE WHEN transaction_type IN ('retention', 'retention_release', 'on_account')
                             OR credited_line_id IS NOT NULL THEN id END,
                      transaction_type, product_id, project_id, ROUND(sales_price::numeric, 4),
                      share_percent
             ORDER BY MIN(sequence), MIN(id)""", (proposal.id,))
        return self.env.cr.dictfetchall()

    @api.model
    def _prepare_invoice_line(self, proposal, group, sign, fpos, accounts):
        """One invoice line for a group of proposal lines, its amount exactly
        their sum (times sign: a credit note carries positive amounts).
        `accounts` caches revenue accounts over a batch of proposals."""
        currency = proposal.currency_id
        company = proposal.company_id
        product = self.env['product.product'].browse(group['product_id'])
        project = self.env['project.project'].browse(group['project_id'])
        amount = currency.round((group['amount'] or 0.0) * sign)
        quantity = group['quantity'] or 0.0
        price_digits = self.env['decimal.precision'].precision_get('Product Price')
        unit = round(amount / quantity, price_digits) if quantity else 0.0
        if not quantity or float_compare(currency.round(unit * quantity), amount,
                                         precision_rounding=currency.rounding) != 0:
            # the share does not divide into a unit price: invoice the exact amount
            unit, quantity = amount, 1.0
        key = (product.id, fpos.id, company.id)
        if key not in accounts:
            accounts[key] = self.env['account.invoice.line'].get_invoice_line_account(
                'out_invoice', product, fpos, company)
        account = accounts[key]
        if not account:
            raise UserError(_('No revenue account for product "%s" (nor its category): set its '
                              'income account to invoice %s.') % (
                product.display_name or group['name'], proposal.contract_id.display_name))
        taxes = product.taxes_id.filtered(lambda t: t.company_id == company)
        ttype = group['transaction_type']
        name = group['name'] if group['count'] == 1 else '%s (%d)' % (
            dict(LINE_TYPES)[ttype], group['count'])
        share = group['share_percent'] or 0.0
        if share and float_compare(share, 100.0, precision_digits=4):
            name = '%s - %s %%' % (name, round(share, 2))
        return {
            'name': name,
            'product_id': product.id,
            'uom_id': product.uom_id.id,
            'account_id': account.id,
            'quantity': quantity,
            'price_unit': unit,
            'invoice_line_tax_ids': [(6, 0, fpos.map_tax(taxes).ids)],
            'account_analytic_id': project.analytic_account_id.id,
        }
