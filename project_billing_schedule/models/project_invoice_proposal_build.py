from odoo import _, api, fields, models
from odoo.exceptions import UserError

LINE_SEQUENCE = {'hour': 1, 'expense': 2, 'item': 3, 'fee': 4, 'on_account': 6}
# the contract's product a proposal line of these types takes
LINE_PRODUCTS = {'hour': 'hour_product_id', 'fee': 'fee_product_id',
                 'on_account': 'on_account_product_id'}


class ProjectInvoiceProposalBuild(models.Model):
    """Building proposals: which transactions, which share of each per
    funding source (frozen at the first proposal, see project.funding.share)
    and how they are grouped into proposals."""
    _inherit = 'project.invoice.proposal'

    def _lock_skip(self, table, ids, status_field, status):
        """Ids among `ids` still in `status`, row-locked for this transaction;
        rows another user is proposing right now are skipped."""
        if not ids:
            return []
        self.env.cr.execute(
            'SELECT id FROM %s WHERE id IN %%s AND %s = %%s ORDER BY id FOR UPDATE SKIP LOCKED'
            % (table, status_field), (tuple(ids), status))
        return [r[0] for r in self.env.cr.fetchall()]

    def _candidates(self, contracts, date_to, types, projects, transactions, on_accounts):
        """What to invoice on `contracts`, row-locked: explicit transactions
        must belong to them (a wizard or an integrator cannot invoice
        another contract's work through this one)."""
        Analytic = self.env['account.analytic.line']
        OnAccount = self.env['project.on.account']
        foreign = Analytic.browse()
        if transactions is None:
            domain = [('billing_contract_id', 'in', contracts.ids),
                      ('invoice_status', '=', 'to_invoice'), ('date', '<=', date_to),
                      ('billing_type', 'in', list(types))]
            if projects:
                domain.append(('billing_project_id', 'in', projects.ids))
            transactions = Analytic.search(domain, order='date, id')
        elif transactions:
            self.env.cr.execute('SELECT id FROM account_analytic_line WHERE id IN %s AND '
                                '(billing_contract_id IS NULL OR billing_contract_id != ALL(%s))',
                                (tuple(transactions.ids), contracts.ids))
            foreign = Analytic.browse([r[0] for r in self.env.cr.fetchall()])
        if foreign:
            raise UserError(_('Transaction "%s" belongs to %s, not to the contract being invoiced '
                              '(%s).') % (foreign[0].name, foreign[0].billing_contract_id.display_name
                                          or _('no contract'), contracts[:1].display_name))
        if on_accounts is None:
            on_accounts = OnAccount.browse()
            if 'on_account' in types:
                domain = [('contract_id', 'in', contracts.ids), ('status', '=', 'ready'),
                          ('date', '<=', date_to)]
                if projects:
                    domain.append(('project_id', 'in', projects.ids))
                on_accounts = OnAccount.search(domain)
        foreign = on_accounts.filtered(lambda o: o.contract_id not in contracts)
        if foreign:
            raise UserError(_('On-account transaction "%s" belongs to %s, not to the contract '
                              'being invoiced (%s).') % (foreign[0].name,
                                                         foreign[0].contract_id.display_name,
                                                         contracts[:1].display_name))
        on_accounts._check_invoiceable()
        return (Analytic.browse(self._lock_skip('account_analytic_line', transactions.ids,
                                                'invoice_status', 'to_invoice')),
                OnAccount.browse(self._lock_skip('project_on_account', on_accounts.ids,
                                                 'status', 'ready')))

    @api.model
    def _reasons_by_contract(self, reasons):
        """{contract id: readable text} of _propose()'s reasons (keyed by the
        transaction or on-account record left out)."""
        texts = {}
        for record, reason in reasons.items():
            contract = record.billing_contract_id if record._name == 'account.analytic.line' \
                else record.contract_id
            texts.setdefault(contract.id, []).append(reason)
        return dict((cid, _('%d transaction(s) not invoiced: %s') % (
            len(msgs), '; '.join(sorted(set(msgs))))) for cid, msgs in texts.items())

    def _propose(self, contracts, date_to=None, types=None, projects=None, transactions=None,
                 on_accounts=None, split_by_type=False, retention_release=False, date=None,
                 billing_rule=None, threshold=0.0, into=None, defer=None):
        """Create invoice proposals for what is to invoice on `contracts`:
        one per funding source (and per project when the contract invoices
        per project, per transaction type when split_by_type), each source
        getting what is due to it (its share less what it was invoiced).
        `into`: a draft proposal that receives its own source's lines.
        `defer`: ([], []) that receives the (analytic, on-account) ids whose
        status sync and headroom notice the caller does once it has posted
        (_post(pending=defer), then contracts._announce_headroom()).

        Returns (proposals, reasons): reasons maps a transaction to why it
        was left out (no funding rule, limit reached, source on hold)."""
        date_to = date_to or fields.Date.context_today(self)
        types = set(types or ('hour', 'expense', 'item', 'fee', 'on_account'))
        Ledger = self.env['project.billing.ledger']
        transactions, on_accounts = self._candidates(contracts, date_to, types, projects,
                                                     transactions, on_accounts)
        by_id = dict((c.id, c) for c in contracts)
        txn_rows = self._transaction_rows(transactions.ids)
        items = [{'key': ('a', r['id']), 'record': r,
                  'contract': by_id.get(r['contract_id']) or contracts.browse(r['contract_id']),
                  'amount': r['billing_amount'], 'date': r['date'],
                  'transaction_type': r['billing_type'], 'project_id': r['project_id'],
                  'task_id': r['task_id'], 'categ_id': r['categ_id']} for r in txn_rows]
        items += [{'key': ('o', o.id), 'record': o, 'contract': o.contract_id, 'amount': o.amount,
                   'date': o.date, 'transaction_type': 'on_account',
                   'project_id': o.project_id.id, 'task_id': o.task_id.id} for o in on_accounts]
        # what each source is due: frozen shares, or shares frozen now
        due = Ledger._due(transactions.ids, on_accounts.ids)
        fresh = [item for item in items if item['key'] not in due]
        allocations, reasons = contracts._allocate_funding(fresh)
        self._freeze(fresh, allocations, due)
        info = self.env['project.funding.share']._line_info(transactions.ids, on_accounts.ids)
        groups, types_of, products = {}, {}, {}
        per_project = dict((c.id, c.invoicing_mode == 'project') for c in contracts)
        Source = self.env['project.funding.source']
        for item in items:
            key = item['key']
            contract = item['contract']
            for source_id, amount, share in due.get(key, ()):
                if source_id not in types_of:
                    types_of[source_id] = Source.browse(source_id).funding_type
                if types_of[source_id] == 'internal' or (
                        into and source_id != into.funding_source_id.id):
                    continue
                if share is not None and not amount:
                    continue  # nothing left to invoice to this source
                if types_of[source_id] == 'on_hold':
                    reasons[key] = _('Funding source %s is on hold.') % Source.browse(
                        source_id).display_name
                    continue
                project_id = item['project_id']
                if contract.id not in per_project:
                    per_project[contract.id] = contract.invoicing_mode == 'project'
                gkey = into.id if into else (
                    contract.id, project_id if per_project[contract.id] else False,
                    source_id, item['transaction_type'] if split_by_type else False)
                percent, rule_id = info.get((key, source_id), (None, False))
                if percent is None:
                    percent = round(100.0 * float(amount) / item['amount'], 4) \
                        if item['amount'] else 100.0
                if contract.id not in products:  # read once, not per line
                    products[contract.id] = dict(
                        (ttype, contract[fname].id) for ttype, fname in LINE_PRODUCTS.items())
                groups.setdefault(gkey, []).append(self._proposal_line_vals(
                    item, project_id, float(amount), percent, rule_id, products[contract.id]))
        proposals = self.browse()
        Line = self.env['project.invoice.proposal.line']
        # stored totals computed once for all the new proposals
        with self.env.norecompute():
            for gkey, lines in groups.items():
                if into:
                    proposal = into
                else:
                    contract_id, project_id, source_id, ttype = gkey
                    proposal = self._create_internal({
                        'contract_id': contract_id, 'project_id': project_id,
                        'funding_source_id': source_id, 'transaction_type': ttype,
                        'date': date or date_to,
                        'billing_rule_id': billing_rule.id if billing_rule else False,
                        'billing_threshold': threshold})
                Line._create_bulk(proposal, lines)
                proposals |= proposal
        proposals.recompute()
        if defer is None:
            Ledger._sync(transactions.ids, on_accounts.ids)
        else:
            defer[0].extend(transactions.ids)
            defer[1].extend(on_accounts.ids)
        self._write_reasons(reasons)
        proposals._update_retention()
        if retention_release:
            proposals |= self._propose_retention_release(contracts, date or date_to,
                                                         projects=projects, explicit=False)[0]
        if defer is None:
            contracts._announce_headroom()
        return proposals, dict(((self.env['account.analytic.line'] if k[0] == 'a'
                                 else self.env['project.on.account']).browse(k[1]), r)
                               for k, r in reasons.items())

    def _freeze(self, items, allocations, due):
        """Store the shares of transactions proposed for the first time (one
        row per rule and source) and add them to `due` as fresh shares."""
        Share = self.env['project.funding.share']
        rows = []
        for item in items:
            parts = allocations.get(item['key'])
            if parts is None:
                continue
            rows += Share._part_rows(item['key'], parts)
            per_source = {}
            for _rule, source_id, _pct, _rounding, amount in parts:
                per_source[source_id] = per_source.get(source_id, 0.0) + amount
            due[item['key']] = [(src, amount, None) for src, amount in per_source.items()]
        Share._create_bulk(rows)

    def _write_reasons(self, reasons):
        analytic = dict((k[1], r) for k, r in reasons.items() if k[0] == 'a')
        self.env['account.analytic.line']._set_reason(analytic)
        for key, reason in reasons.items():
            if key[0] == 'o':
                self.env.cr.execute('UPDATE project_on_account SET not_invoiceable_reason = %s '
                                    'WHERE id = %s', (reason, key[1]))
        self.env['project.on.account'].invalidate_cache(['not_invoiceable_reason'])

    def _transaction_rows(self, ids):
        """What proposals need of these transactions, as dicts, by date."""
        if not ids:
            return []
        self.recompute()  # prices and quantities written in this transaction
        self.env.cr.execute("""
            SELECT l.id, l.billing_contract_id AS contract_id, l.billing_project_id AS project_id,
                   l.billing_amount, l.date, l.billing_type, l.task_id, l.product_id,
                   p.categ_id, l.name, l.unit_amount, l.sales_price
              FROM account_analytic_line l
              LEFT JOIN product_product pp ON pp.id = l.product_id
              LEFT JOIN product_template p ON p.id = pp.product_tmpl_id
             WHERE l.id IN %s ORDER BY l.date, l.id""", (tuple(ids),))
        return self.env.cr.dictfetchall()

    def _proposal_line_vals(self, item, project_id, amount, percent, rule_id, products):
        """`products`: the contract's product id per LINE_PRODUCTS type."""
        record = item['record']
        if item['key'][0] == 'a':
            ttype = record['billing_type']
            product_id = products['hour'] if ttype == 'hour' else \
                (record['product_id'] or products['fee'])
            return {'transaction_type': ttype, 'analytic_line_id': record['id'],
                    'project_id': project_id, 'date': record['date'],
                    'name': record['name'] or '/', 'product_id': product_id,
                    'quantity': record['unit_amount'], 'sales_price': record['sales_price'],
                    'share_percent': percent, 'amount': amount, 'funding_rule_id': rule_id,
                    'sequence': LINE_SEQUENCE.get(ttype, 5)}
        return {'transaction_type': 'on_account', 'on_account_id': record.id,
                'project_id': project_id, 'date': record.date, 'name': record.name,
                'product_id': products['on_account'], 'quantity': 1.0,
                'sales_price': record.amount, 'share_percent': percent, 'amount': amount,
                'funding_rule_id': rule_id, 'sequence': LINE_SEQUENCE['on_account']}

    @api.multi
    def action_add_transactions(self):
        """Open the wizard that adds transactions to invoice (or invoiced
        ones to credit) to this draft proposal."""
        self.ensure_one()
        self._check_state(('draft',), _('changed'))
        return {'type': 'ir.actions.act_window', 'res_model': 'project.invoice.proposal.add',
                'view_mode': 'form', 'target': 'new', 'name': _('Add transactions'),
                'context': {'default_proposal_id': self.id}}

    @api.multi
    def action_credit_transactions(self):
        """Open the wizard that credits invoiced transactions of this
        proposal's funding source on this draft (a corrective invoice)."""
        self.ensure_one()
        self._check_state(('draft',), _('changed'))
        return {'type': 'ir.actions.act_window', 'res_model': 'project.invoice.credit.wizard',
                'view_mode': 'form', 'target': 'new', 'name': _('Credit transactions'),
                'context': {'default_proposal_id': self.id,
                            'default_source_ids': [(6, 0, self.funding_source_id.ids)]}}

    def _add_transactions(self, transactions=None, on_accounts=None):
        """Add this proposal's source's share of these transactions."""
        self.ensure_one()
        self._check_state(('draft',), _('changed'))
        self._lock()
        proposals, reasons = self._propose(
            self.contract_id, date_to='9999-12-31', projects=self.project_id or None,
            transactions=transactions or self.env['account.analytic.line'],
            on_accounts=on_accounts or self.env['project.on.account'], into=self)
        if not proposals and reasons:
            raise UserError('\n'.join(set(reasons.values())))
        return proposals
