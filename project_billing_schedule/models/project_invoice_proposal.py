from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare, float_is_zero

import psycopg2


class ProjectInvoiceProposal(models.Model):
    """Factuurvoorstel: a preliminary invoice for one funding source of a
    project (or of a whole contract). Posting it creates and validates the
    customer invoice (or credit note when its total is negative)."""
    _name = 'project.invoice.proposal'
    _description = 'Invoice proposal'
    _inherit = ['mail.thread']
    _order = 'date desc, id desc'

    name = fields.Char(required=True, copy=False, readonly=True, default='/', index=True)
    contract_id = fields.Many2one('project.contract', required=True, readonly=True, index=True,
                                  ondelete='restrict', states={'draft': [('readonly', False)]})
    project_id = fields.Many2one('project.project', readonly=True, index=True,
                                 help='Empty when the contract is invoiced per contract.')
    funding_source_id = fields.Many2one('project.funding.source', string='Funding source',
                                        required=True, readonly=True, ondelete='restrict')
    partner_id = fields.Many2one(related='funding_source_id.partner_id', store=True, readonly=True,
                                 string='Invoice to')
    company_id = fields.Many2one(related='contract_id.company_id', store=True, readonly=True)
    currency_id = fields.Many2one(related='contract_id.currency_id', store=True, readonly=True)
    date = fields.Date(string='Invoice date', required=True, default=fields.Date.context_today,
                       readonly=True, states={'draft': [('readonly', False)]})
    kind = fields.Selection([
        ('invoice', 'Invoice proposal'),
        ('credit', 'Credit note proposal'),
        ('retention_release', 'Retention release'),
    ], default='invoice', required=True, readonly=True)
    transaction_type = fields.Selection([
        ('hour', 'Hours'), ('expense', 'Expenses'), ('item', 'Items'), ('fee', 'Fees'),
        ('on_account', 'On-account')], readonly=True,
        help='Set when the proposal holds one transaction type only.')
    state = fields.Selection([
        ('draft', 'Draft'),
        ('review', 'In review'),
        ('approved', 'Approved'),
        ('posted', 'Posted'),
        ('cancel', 'Cancelled'),
    ], default='draft', required=True, readonly=True, copy=False, index=True,
        track_visibility='onchange')
    line_ids = fields.One2many('project.invoice.proposal.line', 'proposal_id', string='Lines',
                               readonly=True, states={'draft': [('readonly', False)]})
    amount_total = fields.Monetary(compute='_compute_amounts', store=True, string='Total')
    amount_retention = fields.Monetary(compute='_compute_amounts', store=True, string='Retention')
    review_required = fields.Boolean(compute='_compute_review_required')
    submitted_uid = fields.Many2one('res.users', string='Submitted by', readonly=True, copy=False)
    reviewed_uid = fields.Many2one('res.users', string='Reviewed by', readonly=True, copy=False)
    reviewed_date = fields.Datetime(string='Reviewed on', readonly=True, copy=False)
    reject_reason = fields.Text(string='Rejection reason', readonly=True, copy=False)
    invoice_id = fields.Many2one('account.invoice', string='Customer invoice', readonly=True,
                                 copy=False, track_visibility='onchange')
    reinvoice = fields.Boolean(string='Invoice again after crediting', readonly=True,
                               help='Credited transactions become invoiceable again.')
    billing_rule_id = fields.Many2one('project.billing.rule', readonly=True, index=True)
    billing_threshold = fields.Float(readonly=True, string='Completion threshold (%)')
    note = fields.Text()

    @api.depends('line_ids.amount', 'line_ids.transaction_type')
    def _compute_amounts(self):
        # saved proposals: summed in SQL (they hold thousands of lines);
        # proposals being edited in a form: from the lines in memory
        saved = self.filtered(lambda p: isinstance(p.id, int))
        totals = {}
        if saved:
            self.env.cr.execute("""
                SELECT proposal_id, SUM(amount),
                       SUM(CASE WHEN transaction_type = 'retention' THEN amount ELSE 0 END)
                  FROM project_invoice_proposal_line WHERE proposal_id IN %s
                 GROUP BY proposal_id""", (tuple(saved.ids),))
            totals = dict((r[0], r[1:]) for r in self.env.cr.fetchall())
        for proposal in self:
            if proposal in saved:
                total, retention = totals.get(proposal.id, (0.0, 0.0))
            else:
                total = sum(proposal.line_ids.mapped('amount'))
                retention = sum(proposal.line_ids.filtered(
                    lambda l: l.transaction_type == 'retention').mapped('amount'))
            proposal.amount_total = total
            proposal.amount_retention = retention

    @api.depends('contract_id.review_required', 'company_id.project_proposal_review_required')
    def _compute_review_required(self):
        for proposal in self:
            proposal.review_required = proposal.contract_id.review_required or \
                proposal.company_id.project_proposal_review_required

    @api.model
    def create(self, vals):
        if vals.get('name', '/') == '/':
            vals['name'] = self.env['ir.sequence'].next_by_code('project.invoice.proposal') or '/'
        return super(ProjectInvoiceProposal, self).create(vals)

    @api.multi
    def unlink(self):
        if self.filtered(lambda p: p.state not in ('draft', 'cancel')):
            raise UserError(_('Only draft or cancelled invoice proposals can be deleted.'))
        self.filtered(lambda p: p.state == 'draft').action_cancel()
        return super(ProjectInvoiceProposal, self).unlink()

    # ------------------------------------------------------------------
    # Retention
    # ------------------------------------------------------------------
    def _update_retention(self):
        """Keep the (negative) retention line of invoice proposals in step with
        their other lines: percent of the funding source, on a positive base."""
        Line = self.env['project.invoice.proposal.line']
        for proposal in self.filtered(lambda p: p.kind == 'invoice' and p.state == 'draft'):
            source = proposal.funding_source_id
            if not source.retention_percent and not proposal.amount_retention:
                continue
            retention = Line.search([('proposal_id', '=', proposal.id),
                                     ('transaction_type', '=', 'retention')])
            base = proposal.amount_total - proposal.amount_retention
            amount = 0.0
            if source.retention_percent and base > 0:
                amount = -proposal.currency_id.round(base * source.retention_percent / 100.0)
            if float_is_zero(amount, precision_rounding=proposal.currency_id.rounding):
                retention.unlink()
            elif retention:
                retention.write({'amount': amount, 'sales_price': amount})
            else:
                Line.create({
                    'proposal_id': proposal.id, 'transaction_type': 'retention', 'sequence': 9999,
                    'name': _('Retention %s %%') % source.retention_percent,
                    'product_id': self.env.ref('project_billing_schedule.product_retention').id,
                    'quantity': 1.0, 'sales_price': amount, 'amount': amount,
                    'share_percent': 100.0})

    # ------------------------------------------------------------------
    # Review workflow ("Review project invoice proposals")
    # ------------------------------------------------------------------
    def _check_state(self, states, action):
        for proposal in self:
            if proposal.state not in states:
                raise UserError(_('Invoice proposal %s is %s: it cannot be %s.') % (
                    proposal.name, dict(self._fields['state'].selection)[proposal.state].lower(),
                    action))

    @api.multi
    def action_submit(self):
        self._check_state(('draft',), _('submitted for review'))
        for proposal in self:
            if not proposal.line_ids:
                raise UserError(_('Invoice proposal %s has no lines.') % proposal.name)
        self.write({'state': 'review', 'submitted_uid': self.env.uid, 'reject_reason': False})
        for proposal in self:
            proposal.message_post(body=_('Submitted for review by %s.') % self.env.user.name)
        return True

    def _check_reviewer(self):
        if not self.user_has_groups('project_billing_schedule.group_project_invoice_reviewer'):
            raise AccessError(_('Only a reviewer of project invoice proposals may approve or '
                                'reject them.'))

    @api.multi
    def action_approve(self):
        self._check_reviewer()
        self._check_state(('review',), _('approved'))
        self.write({'state': 'approved', 'reviewed_uid': self.env.uid,
                    'reviewed_date': fields.Datetime.now()})
        for proposal in self:
            proposal.message_post(body=_('Approved by %s.') % self.env.user.name)
        return True

    @api.multi
    def action_reject(self, reason):
        self._check_reviewer()
        self._check_state(('review', 'approved'), _('rejected'))
        if not (reason or '').strip():
            raise UserError(_('Give the reason for the rejection.'))
        self.write({'state': 'draft', 'reject_reason': reason, 'reviewed_uid': self.env.uid,
                    'reviewed_date': fields.Datetime.now()})
        for proposal in self:
            proposal.message_post(body=_('Rejected by %s: %s') % (self.env.user.name, reason))
        return True

    @api.multi
    def action_open_reject(self):
        return {
            'type': 'ir.actions.act_window', 'res_model': 'project.invoice.proposal.reject',
            'view_mode': 'form', 'target': 'new',
            'context': {'default_proposal_ids': [(6, 0, self.ids)]},
        }

    @api.multi
    def action_cancel(self):
        self._check_state(('draft', 'review', 'approved'), _('cancelled'))
        self.mapped('line_ids')._release()
        self.write({'state': 'cancel'})
        for proposal in self:
            proposal.message_post(body=_('Cancelled; its transactions are invoiceable again.'))
        return True

    # ------------------------------------------------------------------
    # Posting
    # ------------------------------------------------------------------
    def _lock_transactions(self):
        """Row locks on every transaction of these proposals; then re-read
        their state from the database, so nothing is invoiced twice."""
        for table, column in (('account_analytic_line', 'analytic_line_id'),
                              ('project_on_account', 'on_account_id')):
            try:
                self.env.cr.execute("""
                    SELECT id FROM %s WHERE id IN (
                        SELECT %s FROM project_invoice_proposal_line WHERE proposal_id IN %%s)
                    FOR UPDATE NOWAIT""" % (table, column), (tuple(self.ids),))
            except psycopg2.OperationalError:
                raise UserError(_('Some of these transactions are being invoiced by another '
                                  'user right now. Try again in a moment.'))
        self.env['account.analytic.line'].invalidate_cache(['invoice_status'])
        self.env['project.on.account'].invalidate_cache(['status'])
        self.env['project.invoice.proposal.line'].invalidate_cache()

    def _check_postable(self):
        # which proposals have lines, without loading thousands of line records
        self.env.cr.execute('SELECT DISTINCT proposal_id FROM project_invoice_proposal_line '
                            'WHERE proposal_id IN %s', (tuple(self.ids),))
        with_lines = set(r[0] for r in self.env.cr.fetchall())
        for proposal in self:
            if proposal.state == 'posted':
                raise UserError(_('Invoice proposal %s is already posted.') % proposal.name)
            allowed = ('approved',) if proposal.review_required else ('draft', 'approved')
            if proposal.state not in allowed:
                raise UserError(_('Invoice proposal %s must be approved by a reviewer before it '
                                  'is posted.') % proposal.name if proposal.review_required
                                else _('Invoice proposal %s cannot be posted from state %s.')
                                % (proposal.name, proposal.state))
            if proposal.id not in with_lines:
                raise UserError(_('Invoice proposal %s has no lines.') % proposal.name)
            if proposal.funding_source_id.funding_type in ('internal', 'on_hold'):
                raise UserError(_('Funding source %s is %s: it is not invoiced.') % (
                    proposal.funding_source_id.display_name, proposal.funding_source_id.funding_type))
        self.env['project.invoice.proposal.line']._check_still_proposed(self.ids)

    _post_batch = 10

    @api.multi
    def action_post(self):
        """Create and validate the customer invoice (or credit note) of each
        proposal; the transactions become invoiced (or credited)."""
        if not self:
            return True
        self._lock_transactions()
        self._check_postable()
        # all invoices first, then one validation for all: Odoo's posting
        # does its writes and recomputations once per batch
        accounts, links = {}, []
        # stored totals recomputed once, in batch (nothing in invoice creation
        # searches on them; posting below starts from recomputed values)
        with self.env.norecompute():
            invoices = self.env['account.invoice'].browse(
                [proposal._create_invoice(accounts, links).id for proposal in self])
        invoices.recompute()
        # every proposal line (so every transaction) to its invoice line, in one statement
        self.env.cr.execute("""
            UPDATE project_invoice_proposal_line l SET invoice_line_id = v.invoice_line_id
              FROM unnest(%s::int[], %s::int[]) AS v(id, invoice_line_id) WHERE l.id = v.id""",
                            ([link[0] for link in links], [link[1] for link in links]))
        self.env['project.invoice.proposal.line'].invalidate_cache(['invoice_line_id'])
        # (no compute_taxes: account.invoice.create computes the taxes of an
        # invoice whose lines have any)
        # validated in batches: Odoo 11 rereads every invoice of the recordset
        # after each invoice's writes (n invoices cost about n^2)
        for start in range(0, len(invoices), self._post_batch):
            invoices[start:start + self._post_batch].action_invoice_open()
        for proposal, invoice in zip(self, invoices):
            proposal.write({'state': 'posted', 'invoice_id': invoice.id})
        self.env['project.invoice.proposal.line']._after_post(self)
        return True

    def _invoice_journal(self):
        journal = self.env['account.journal'].search([
            ('type', '=', 'sale'), ('company_id', '=', self.company_id.id)], order='sequence, id',
            limit=1)
        if not journal:
            raise UserError(_('Company %s has no sales journal.') % self.company_id.name)
        return journal

    def _create_invoice(self, accounts, links):
        """The draft invoice of this proposal. `accounts` caches accounts,
        fiscal positions, journals and follower commands over a batch of
        proposals; `links` receives (proposal line id, invoice line id)
        pairs."""
        self.ensure_one()
        sign = 1 if float_compare(self.amount_total, 0.0,
                                  precision_rounding=self.currency_id.rounding) >= 0 else -1
        partner = self.partner_id
        key = ('partner', partner.id, self.company_id.id)
        if key not in accounts:  # once per invoiced partner and company in a batch
            fpos_id = self.env['account.fiscal.position'].get_fiscal_position(partner.id)
            journal_key = ('journal', self.company_id.id)
            if journal_key not in accounts:
                accounts[journal_key] = self._invoice_journal()
            accounts[key] = (
                self.env['account.fiscal.position'].browse(fpos_id),
                partner.with_context(force_company=self.company_id.id).property_account_receivable_id,
                accounts[journal_key])
        fpos, receivable, journal = accounts[key]
        vals = {
            'type': 'out_invoice' if sign > 0 else 'out_refund',
            'partner_id': partner.id,
            'account_id': receivable.id,
            'journal_id': journal.id,
            'currency_id': self.currency_id.id,
            'company_id': self.company_id.id,
            'date_invoice': self.date,
            'origin': self.name,
            'name': self.contract_id.display_name,
            'fiscal_position_id': fpos.id,
            'payment_term_id': partner.property_payment_term_id.id,
            'project_proposal_id': self.id,
            'invoice_line_ids': [],
        }
        if partner != self.env.user.partner_id:
            # the customer follows its invoice from creation, in the invoice's
            # own create, rather than by a message_subscribe() write per
            # invoice at validation (Odoo subscribes it there otherwise)
            key = ('follower', partner.id)
            if key not in accounts:
                accounts[key] = self.env['mail.followers']._add_follower_command(
                    'account.invoice', [], {partner.id: None}, {}, force=True)[0]
            # fresh dicts: the one2many write sets each invoice's id in them
            vals['message_follower_ids'] = [(c[0], c[1], dict(c[2])) for c in accounts[key]]
        Line = self.env['project.invoice.proposal.line']
        groups = Line._invoice_groups(self)
        for seq, group in enumerate(groups):
            vals['invoice_line_ids'].append((0, 0, dict(Line._prepare_invoice_line(
                self, group, sign, fpos, accounts), sequence=seq)))
        invoice = self.env['account.invoice'].create(vals)
        for group, inv_line in zip(groups, invoice.invoice_line_ids.sorted('sequence')):
            links.extend((line_id, inv_line.id) for line_id in group['ids'])
        return invoice

    # ------------------------------------------------------------------
    # Building proposals from transactions
    # ------------------------------------------------------------------
    def _lock_skip(self, table, ids, status_field, status):
        """Ids among `ids` still in `status`, row-locked for this transaction;
        rows another user is proposing right now are skipped."""
        if not ids:
            return []
        self.env.cr.execute(
            'SELECT id FROM %s WHERE id IN %%s AND %s = %%s FOR UPDATE SKIP LOCKED'
            % (table, status_field), (tuple(ids), status))
        return [r[0] for r in self.env.cr.fetchall()]

    @api.model
    def _propose(self, contracts, date_to=None, types=None, projects=None, transactions=None,
                 on_accounts=None, split_by_type=False, retention_release=False, date=None,
                 billing_rule=None, threshold=0.0):
        """Create invoice proposals for what is to invoice on `contracts`:
        one per funding source (and per project when the contract invoices per
        project, per transaction type when split_by_type). The funding rules
        decide each source's share of each transaction.

        Returns (proposals, reasons): reasons maps a transaction to why it was
        left out (no funding rule, limit reached, source on hold)."""
        Analytic = self.env['account.analytic.line']
        OnAccount = self.env['project.on.account']
        date_to = date_to or fields.Date.context_today(self)
        types = set(types or ('hour', 'expense', 'item', 'fee', 'on_account'))
        # 1. what to invoice, row-locked
        if transactions is None:
            domain = [('billing_contract_id', 'in', contracts.ids), ('invoice_status', '=', 'to_invoice'),
                      ('date', '<=', date_to), ('billing_type', 'in', list(types))]
            if projects:
                domain.append(('billing_project_id', 'in', projects.ids))
            transactions = Analytic.search(domain, order='date, id')
        transactions = Analytic.browse(self._lock_skip(
            'account_analytic_line', transactions.ids, 'invoice_status', 'to_invoice'))
        if on_accounts is None:
            on_accounts = OnAccount.browse()
            if 'on_account' in types:
                domain = [('contract_id', 'in', contracts.ids), ('status', '=', 'ready'),
                          ('date', '<=', date_to)]
                if projects:
                    domain.append(('project_id', 'in', projects.ids))
                on_accounts = OnAccount.search(domain)
        on_accounts._check_invoiceable()
        on_accounts = OnAccount.browse(self._lock_skip('project_on_account', on_accounts.ids,
                                                       'status', 'ready'))
        # 2. who pays what (the transactions' values read in one query: a
        # month of timesheets is thousands of records)
        # records of one recordset share their prefetching: a value read on
        # one contract is read for all of them
        by_id = dict((c.id, c) for c in contracts)
        Contract = self.env['project.contract']
        txn_rows = self._transaction_rows(transactions.ids)
        items = [{'key': ('a', r['id']),
                  'contract': by_id.get(r['contract_id']) or Contract.browse(r['contract_id']),
                  'amount': r['billing_amount'], 'date': r['date'],
                  'transaction_type': r['billing_type'], 'project_id': r['project_id'],
                  'task_id': r['task_id'], 'categ_id': r['categ_id']}
                 for r in txn_rows]
        items += [{'key': ('o', o.id), 'contract': o.contract_id, 'amount': o.amount,
                   'date': o.date, 'transaction_type': 'on_account',
                   'project_id': o.project_id.id, 'task_id': o.task_id.id}
                  for o in on_accounts]
        rules = {}
        allocations, reasons = contracts._allocate_funding(items, rules_out=rules)
        # 3. lines grouped into proposals
        groups = {}
        proposed_txn, proposed_oa = [], []
        # per rule, source and contract values looked up once, not per transaction
        percents, per_project, types_of = {}, {}, {}

        def funding_type(source):
            if source not in types_of:
                types_of[source] = source.funding_type
            return types_of[source]

        records = dict([(('a', r['id']), r) for r in txn_rows] + [(('o', o.id), o) for o in on_accounts])
        for item in items:
            key = item['key']
            if key not in allocations:
                continue
            record = records[key]
            parts = allocations[key]
            hold = [src for src, _part in parts if funding_type(src) == 'on_hold']
            if hold:
                reasons[key] = _('Funding source %s is on hold.') % hold[0].display_name
                continue
            contract = item['contract']
            rule = rules[key]
            if rule not in percents:
                percents[rule] = dict((a.source_id, a.percent) for a in rule.allocation_ids)
            pct = percents[rule]
            if contract not in per_project:
                per_project[contract] = contract.invoicing_mode == 'project'
            for source, part in parts:
                if funding_type(source) == 'internal':
                    continue  # borne internally: not invoiced
                project_id = item['project_id']
                gkey = (contract.id, project_id if per_project[contract] else False,
                        source.id, item['transaction_type'] if split_by_type else False)
                groups.setdefault(gkey, []).append(
                    self._proposal_line_vals(record, key[0], contract, project_id, part,
                                             pct[source], rule))
            (proposed_txn if key[0] == 'a' else proposed_oa).append(key[1])
        proposals = self.browse()
        # stored totals computed once for all the new proposals, not once
        # when each is created empty and again when its lines are in
        with self.env.norecompute():
            for (contract_id, project_id, source_id, ttype), lines in groups.items():
                proposal = self.with_context(proposal_batch=True).create({
                    'contract_id': contract_id, 'project_id': project_id,
                    'funding_source_id': source_id, 'transaction_type': ttype,
                    'date': date or date_to,
                    'billing_rule_id': billing_rule.id if billing_rule else False,
                    'billing_threshold': threshold,
                })
                self.env['project.invoice.proposal.line']._create_bulk(proposal, lines)
                proposals |= proposal
        proposals.recompute()
        # 4. statuses, one write per value
        Analytic._set_billing_status(proposed_txn, 'in_proposal')
        OnAccount.browse(proposed_oa).write({'status': 'in_proposal'})
        by_reason = {}
        for key, reason in reasons.items():
            if key[0] == 'a':
                by_reason.setdefault(reason, []).append(key[1])
        for reason, ids in by_reason.items():
            Analytic._set_billing_status(ids, 'to_invoice', reason)
        proposals._update_retention()
        if retention_release:
            proposals |= self._propose_retention_release(contracts, date or date_to)
        return proposals, dict(((Analytic if k[0] == 'a' else OnAccount).browse(k[1]), r)
                               for k, r in reasons.items())

    def _transaction_rows(self, ids):
        """What proposals need of these transactions, as dicts, by date."""
        if not ids:
            return []
        self.env.cr.execute("""
            SELECT l.id, l.billing_contract_id AS contract_id, l.billing_project_id AS project_id,
                   l.billing_amount, l.date, l.billing_type, l.task_id, l.product_id,
                   p.categ_id, l.name, l.unit_amount, l.sales_price
              FROM account_analytic_line l
              LEFT JOIN product_product pp ON pp.id = l.product_id
              LEFT JOIN product_template p ON p.id = pp.product_tmpl_id
             WHERE l.id IN %s ORDER BY l.date, l.id""", (tuple(ids),))
        return self.env.cr.dictfetchall()

    def _proposal_line_vals(self, record, kind, contract, project_id, part, percent, rule):
        if kind == 'a':
            ttype = record['billing_type']
            product_id = contract.hour_product_id.id if ttype == 'hour' else \
                (record['product_id'] or contract.fee_product_id.id)
            return {'transaction_type': ttype, 'analytic_line_id': record['id'],
                    'project_id': project_id, 'date': record['date'],
                    'name': record['name'] or '/', 'product_id': product_id,
                    'quantity': record['unit_amount'], 'sales_price': record['sales_price'],
                    'share_percent': percent, 'amount': part, 'funding_rule_id': rule.id,
                    'sequence': {'hour': 1, 'expense': 2, 'item': 3, 'fee': 4}.get(ttype, 5)}
        return {'transaction_type': 'on_account', 'on_account_id': record.id,
                'project_id': project_id, 'date': record.date, 'name': record.name,
                'product_id': contract.on_account_product_id.id, 'quantity': 1.0,
                'sales_price': record.amount, 'share_percent': percent, 'amount': part,
                'funding_rule_id': rule.id, 'sequence': 6}

    def _propose_retention_release(self, contracts, date):
        """A retention release proposal per funding source whose retained
        amount may be released (its completion condition holds)."""
        proposals = self.browse()
        for contract in contracts:
            completion = contract._completion_percent()
            for source in contract.funding_source_ids.filtered('retention_percent'):
                outstanding = source._retention_outstanding()
                if contract.currency_id.is_zero(outstanding) or outstanding < 0:
                    continue
                need = 100.0 if source.retention_release == 'completion_100' \
                    else source.retention_release_percent
                if float_compare(completion, need, precision_digits=2) < 0:
                    continue
                proposals |= self.create({
                    'contract_id': contract.id, 'funding_source_id': source.id,
                    'kind': 'retention_release', 'date': date,
                    'line_ids': [(0, 0, {
                        'transaction_type': 'retention_release',
                        'name': _('Release of retained amounts'),
                        'product_id': self.env.ref('project_billing_schedule.product_retention').id,
                        'quantity': 1.0, 'sales_price': outstanding, 'amount': outstanding})],
                })
        return proposals

    @api.model
    def _propose_credit(self, transactions, on_accounts=None, reinvoice=False, date=None):
        """Credit note proposals for previously invoiced transactions: one
        credit line per posted funding share, per source."""
        Line = self.env['project.invoice.proposal.line']
        posted = Line.search([
            '|', ('analytic_line_id', 'in', transactions.ids),
            ('on_account_id', 'in', on_accounts.ids if on_accounts else []),
            ('state', '=', 'posted'), ('is_credited', '=', False), ('credited_line_id', '=', False)])
        if not posted:
            raise UserError(_('None of these transactions is invoiced: there is nothing to credit.'))
        pending = Line.search([('credited_line_id', 'in', posted.ids), ('state', '!=', 'cancel')])
        if pending:
            raise UserError(_('A credit note proposal for some of these transactions exists already '
                              '(%s).') % ', '.join(pending.mapped('proposal_id.name')))
        groups = {}
        for line in posted:
            proposal = line.proposal_id
            gkey = (proposal.contract_id.id, proposal.project_id.id, proposal.funding_source_id.id)
            groups.setdefault(gkey, []).append({
                'transaction_type': line.transaction_type, 'credited_line_id': line.id,
                'analytic_line_id': line.analytic_line_id.id, 'on_account_id': line.on_account_id.id,
                'project_id': line.project_id.id, 'date': line.date,
                'name': _('Credit: %s') % line.name, 'product_id': line.product_id.id,
                'quantity': line.quantity, 'sales_price': line.sales_price,
                'share_percent': line.share_percent, 'amount': -line.amount,
                'funding_rule_id': line.funding_rule_id.id, 'sequence': line.sequence})
        proposals = self.browse()
        for (contract_id, project_id, source_id), vals in groups.items():
            proposals |= self.with_context(proposal_batch=True).create({
                'contract_id': contract_id, 'project_id': project_id, 'funding_source_id': source_id,
                'kind': 'credit', 'reinvoice': reinvoice,
                'date': date or fields.Date.context_today(self),
                'line_ids': [(0, 0, v) for v in vals]})
        return proposals
