from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.project_invoicing_base.pg_array import insert_columns

from ..allocation import fill
from .project_contract import HOLD_KEY


class ProjectFundingShare(models.Model):
    """One funding source's share of one transaction's value, frozen when
    the transaction is first proposed: later changes of the funding rules do
    not touch it, a changed price is split again with it (see
    project.billing.ledger._revalue), and what each source has invoiced and
    credited is measured against it. One row per rule and source, so the
    frozen chain of rules can be replayed; the ledger sums them per source.

    Its rows are the ones a month end inserts by the ten thousand, and
    PostgreSQL checks each of a row's foreign keys on insert (4 us a key):
    so a share keeps no log columns (who froze it and when is its proposal
    line's, or its adjustment's) and takes its contract (and company) from
    its funding source."""
    _name = 'project.funding.share'
    _description = 'Funding share of a transaction'
    _order = 'rule_sequence, id'
    _log_access = False

    analytic_line_id = fields.Many2one('account.analytic.line', string='Transaction',
                                       index=True, ondelete='cascade', readonly=True)
    # indexed by init() where set only: most shares are of timesheets and costs
    on_account_id = fields.Many2one('project.on.account', string='On-account transaction',
                                    ondelete='cascade', readonly=True)
    source_id = fields.Many2one('project.funding.source', string='Funding source', required=True,
                                index=True, ondelete='restrict', readonly=True)
    contract_id = fields.Many2one(related='source_id.contract_id', readonly=True)
    currency_id = fields.Many2one(related='contract_id.currency_id', readonly=True)
    company_id = fields.Many2one(related='contract_id.company_id', readonly=True)
    funding_rule_id = fields.Many2one('project.funding.rule', string='Funding rule',
                                      ondelete='restrict', readonly=True)
    rule_sequence = fields.Integer(string='Rule priority', readonly=True)
    percent = fields.Float(string='Share (%)', digits=(16, 4), readonly=True)
    is_rounding = fields.Boolean(string='Rounding source', readonly=True)
    amount = fields.Monetary(readonly=True)

    @api.model_cr
    def init(self):
        self.env.cr.execute("""
            CREATE INDEX IF NOT EXISTS project_funding_share_on_account_id_set_index
                ON project_funding_share (on_account_id) WHERE on_account_id IS NOT NULL""")

    _COLUMNS = ('analytic_line_id', 'on_account_id', 'source_id', 'funding_rule_id',
                'rule_sequence', 'percent', 'is_rounding', 'amount')

    @api.model
    def _create_bulk(self, rows):
        """Insert shares from dicts with one statement (a month end freezes
        thousands); returns nothing: the ledger reads them in SQL."""
        if not rows:
            return
        relations = set(c for c in self._COLUMNS if self._fields[c].type == 'many2one')
        columns = [(c, self._fields[c].column_type[0],
                    [(row.get(c) or None) if c in relations else row.get(c) for row in rows])
                   for c in self._COLUMNS]
        insert_columns(self.env.cr, 'project_funding_share', {}, columns)
        self.invalidate_cache()

    @api.model
    def _part_rows(self, key, parts):
        """The share rows (for _create_bulk) of transaction `key` ('a'|'o',
        id) from its parts as allocation.fill() gives them: ((sequence,
        rule_id), source_id, percent, is_rounding, amount)."""
        kind, txn_id = key
        return [{'analytic_line_id': txn_id if kind == 'a' else None,
                 'on_account_id': txn_id if kind == 'o' else None,
                 'source_id': source_id, 'funding_rule_id': rule_id, 'rule_sequence': seq,
                 'percent': pct, 'is_rounding': is_rounding, 'amount': amount}
                for (seq, rule_id), source_id, pct, is_rounding, amount in parts]

    @api.model
    def _delete_for(self, analytic_ids=(), on_account_ids=()):
        for column, ids in (('analytic_line_id', analytic_ids), ('on_account_id', on_account_ids)):
            if ids:
                self.env.cr.execute('DELETE FROM project_funding_share WHERE %s IN %%s' % column,
                                    (tuple(ids),))
        self.invalidate_cache()

    @api.model
    def _chains(self, analytic_ids=(), on_account_ids=()):
        """The frozen chain of rules of each transaction, to split it again:
        {('a'|'o', id): [((sequence, rule_id), [(source_id, percent, is_rounding)])]}"""
        chains = {}
        for column, kind, ids in (('analytic_line_id', 'a', analytic_ids),
                                  ('on_account_id', 'o', on_account_ids)):
            if not ids:
                continue
            self.env.cr.execute("""
                SELECT %s, funding_rule_id, rule_sequence, source_id, percent, is_rounding
                  FROM project_funding_share WHERE %s IN %%s
                 ORDER BY rule_sequence, funding_rule_id NULLS FIRST, id""" % (column, column),
                                (tuple(ids),))
            for txn, rule, seq, source, pct, rnd in self.env.cr.fetchall():
                chain = chains.setdefault((kind, txn), [])
                key = (seq, rule)
                if not chain or chain[-1][0] != key:
                    chain.append((key, []))
                chain[-1][1].append((source, pct, rnd))
        return chains

    @api.model
    def _line_info(self, analytic_ids=(), on_account_ids=()):
        """{(('a'|'o', id), source_id): (percent, rule_id)} for proposal
        lines: the frozen percent when one rule gave the source its share
        (None when several did: the caller derives it from the amounts)."""
        info = {}
        for column, kind, ids in (('analytic_line_id', 'a', analytic_ids),
                                  ('on_account_id', 'o', on_account_ids)):
            if not ids:
                continue
            self.env.cr.execute("""
                SELECT %s, source_id, CASE WHEN COUNT(*) = 1 THEN MIN(percent) END,
                       MIN(funding_rule_id)
                  FROM project_funding_share WHERE %s IN %%s GROUP BY 1, 2""" % (column, column),
                                (tuple(ids),))
            for txn, source, pct, rule in self.env.cr.fetchall():
                info[((kind, txn), source)] = (pct, rule)
        return info

    # ------------------------------------------------------------------
    # Splitting again: a changed value, a fee added on a proposal
    # ------------------------------------------------------------------
    def _items(self, analytic_ids, on_account_ids):
        """Allocation items (see project.contract._allocate_funding) of
        these transactions, keyed ('a'|'o', id)."""
        items = {}
        Proposal = self.env['project.invoice.proposal']
        for r in Proposal._transaction_rows(list(analytic_ids)):
            items[('a', r['id'])] = {
                'key': ('a', r['id']), 'record': r, 'amount': r['billing_amount'],
                'contract': self.env['project.contract'].browse(r['contract_id']),
                'date': r['date'], 'transaction_type': r['billing_type'],
                'project_id': r['project_id'], 'task_id': r['task_id'], 'categ_id': r['categ_id']}
        for o in self.env['project.on.account'].browse(list(on_account_ids)):
            items[('o', o.id)] = {
                'key': ('o', o.id), 'record': o, 'amount': o.amount, 'contract': o.contract_id,
                'date': o.date, 'transaction_type': 'on_account', 'project_id': o.project_id.id,
                'task_id': o.task_id.id}
        return items

    def _resplit(self, chains):
        """Split these transactions' current value with `chains` ({key:
        [((sequence, rule_id), [(source_id, percent, is_rounding)])]}), then
        with the contract's other rules for what a limit cuts off; replace
        their shares. Limits are checked under lock (their own old shares
        do not count). Refused when the value cannot be placed."""
        Ledger = self.env['project.billing.ledger']
        a_ids = [k[1] for k in chains if k[0] == 'a']
        o_ids = [k[1] for k in chains if k[0] == 'o']
        items = self._items(a_ids, o_ids)
        contracts = self.env['project.contract'].browse(
            list(set(i['contract'].id for i in items.values())))
        headroom = Ledger._headroom(contracts.mapped('funding_source_ids'), exclude=(a_ids, o_ids))
        limits_of = contracts._nte_limits(headroom, exclude=(a_ids, o_ids))
        rows, specs = [], {}
        for key, chain in chains.items():
            item = items[key]
            contract = item['contract']
            frozen = set(k[1] for k, _s in chain)
            keys = set(k for k, _s in chain)
            full = list(chain) + [(k, s) for k, s in contract._funding_chain(item, specs)
                                  if k[1] not in frozen or (k == HOLD_KEY and k not in keys)]
            # the frozen order stands; the on-hold source takes only what no
            # rule may (a rule added since comes before it)
            full = [r for r in full if r[0] != HOLD_KEY] + [r for r in full if r[0] == HOLD_KEY]
            try:
                parts, rest = fill(item['amount'], full, headroom, contract.currency_id.rounding,
                                   limits_of)
            except ValueError as e:   # allocations edited one by one, not totalling 100 %
                raise UserError(_('The funding rules of contract %s are incomplete: %s')
                                % (contract.display_name, e))
            if rest:
                limited = self.env['project.funding.source'].browse(
                    [src for _k, shares in full for src, _p, _r in shares if src in headroom])
                raise UserError(_('%s (%s): %s of its value would exceed the funding limit of %s '
                                  'and no other funding rule takes it. Raise the limit or add a '
                                  'rule first.') % (
                    item['record']['name'] if key[0] == 'a' else item['record'].name,
                    item['amount'], rest, ', '.join(limited.mapped('display_name')) or '-'))
            rows += self._part_rows(key, parts)
        self._delete_for(a_ids, o_ids)
        self._create_bulk(rows)

    @api.model
    def _revalue(self, analytic_ids=(), on_account_ids=()):
        """The value of these transactions changed while their shares are
        frozen (nothing of them is invoiced: see the checks on write).
        Split the new value again with the frozen chain of rules, limits
        re-checked; their open proposal lines follow, so the shares always
        sum to the value."""
        chains = self._chains(analytic_ids, on_account_ids)
        if not chains:
            return
        self._resplit(chains)
        self.env['project.invoice.proposal.line']._follow_shares(
            [k[1] for k in chains if k[0] == 'a'], [k[1] for k in chains if k[0] == 'o'])
