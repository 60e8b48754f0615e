from odoo import _, api, fields, models, tools
from odoo.exceptions import UserError

from ..billing_status import Share, needs_unfreeze, share_due

OPEN = "('draft', 'review', 'approved')"


def ledger_sql(share_filter='TRUE', line_filter='TRUE'):
    """Per transaction and funding source: its frozen share and what posted
    documents (whose invoice is not cancelled: such a proposal is cancelled
    with it) and open proposals hold of it. The one definition of the
    billing ledger: the view below, the status sync and the funding limits
    all read it. Filters are SQL on project_funding_share (alias s0) and on
    project_invoice_proposal_line (alias l) to read a few transactions."""
    return """
        WITH s AS (
            -- a row's id is its first share's: unique, stable, and fits
            -- XML-RPC's 32-bit integers
            SELECT MIN(s0.id) AS id,
                   COALESCE(s0.analytic_line_id, -s0.on_account_id) AS txn,
                   s0.analytic_line_id, s0.on_account_id, s0.source_id, SUM(s0.amount) AS share
              FROM project_funding_share s0 WHERE %s
             GROUP BY s0.analytic_line_id, s0.on_account_id, s0.source_id
        ), g AS (
            SELECT COALESCE(l.analytic_line_id, -l.on_account_id) AS txn,
                   p.funding_source_id AS source_id,
                   SUM(CASE WHEN p.state = 'posted' AND l.credited_line_id IS NULL
                            THEN l.amount ELSE 0 END) AS invoiced,
                   SUM(CASE WHEN p.state = 'posted' AND l.credited_line_id IS NOT NULL
                            THEN -l.amount ELSE 0 END) AS credited,
                   SUM(CASE WHEN p.state = 'posted' AND l.credited_line_id IS NULL
                            THEN l.quantity ELSE 0 END) AS invoiced_qty,
                   SUM(CASE WHEN p.state = 'posted' AND l.credited_line_id IS NOT NULL
                            THEN -l.quantity ELSE 0 END) AS credited_qty,
                   COUNT(CASE WHEN p.state = 'posted' THEN 1 END) AS posted_lines,
                   SUM(CASE WHEN p.state IN %s AND l.credited_line_id IS NULL
                            THEN l.amount ELSE 0 END) AS open,
                   COUNT(CASE WHEN p.state IN %s AND l.credited_line_id IS NULL
                              THEN 1 END) AS open_lines,
                   SUM(CASE WHEN p.state IN %s AND l.credited_line_id IS NOT NULL
                            THEN -l.amount ELSE 0 END) AS credit_open,
                   bool_or(p.state = 'posted' AND l.credited_line_id IS NOT NULL
                           AND NOT COALESCE(l.reinvoice, FALSE)) AS written_off
              FROM project_invoice_proposal_line l
              JOIN project_invoice_proposal p ON p.id = l.proposal_id
             WHERE p.state != 'cancel' AND %s
               AND (l.analytic_line_id IS NOT NULL OR l.on_account_id IS NOT NULL)
             GROUP BY 1, 2
        )
        SELECT s.id, s.txn, s.analytic_line_id, s.on_account_id, s.source_id, f.contract_id,
               f.funding_type, s.share,
               COALESCE(g.invoiced, 0) AS invoiced, COALESCE(g.credited, 0) AS credited,
               COALESCE(g.invoiced, 0) - COALESCE(g.credited, 0) AS posted,
               COALESCE(g.invoiced_qty, 0) AS invoiced_qty,
               COALESCE(g.credited_qty, 0) AS credited_qty,
               COALESCE(g.posted_lines, 0) AS posted_lines, COALESCE(g.open, 0) AS open,
               COALESCE(g.open_lines, 0) AS open_lines,
               COALESCE(g.credit_open, 0) AS credit_open,
               COALESCE(g.written_off, FALSE) AS written_off
          FROM s
          JOIN project_funding_source f ON f.id = s.source_id
          LEFT JOIN g ON g.txn = s.txn AND g.source_id = s.source_id
    """ % (share_filter, OPEN, OPEN, OPEN, line_filter)


class ProjectBillingLedger(models.Model):
    """Billing ledger: per transaction and funding source, its share and
    what has been invoiced, credited and proposed of it. Derived, never
    written: it is a view over the frozen shares and the proposal lines."""
    _name = 'project.billing.ledger'
    _description = 'Billing ledger'
    _auto = False
    _order = 'analytic_line_id, on_account_id, source_id'

    analytic_line_id = fields.Many2one('account.analytic.line', string='Transaction', readonly=True)
    on_account_id = fields.Many2one('project.on.account', string='On-account transaction',
                                    readonly=True)
    source_id = fields.Many2one('project.funding.source', string='Funding source', readonly=True)
    contract_id = fields.Many2one('project.contract', readonly=True)
    company_id = fields.Many2one(related='contract_id.company_id', readonly=True)
    currency_id = fields.Many2one(related='contract_id.currency_id', readonly=True)
    funding_type = fields.Selection([('customer', 'Customer'), ('grant', 'Grant'),
                                     ('internal', 'Internal'), ('on_hold', 'On hold')],
                                    string='Type', readonly=True)
    share = fields.Monetary(readonly=True)
    invoiced = fields.Monetary(readonly=True)
    credited = fields.Monetary(readonly=True)
    posted = fields.Monetary(string='Net invoiced', readonly=True)
    invoiced_qty = fields.Float(string='Quantity invoiced', readonly=True)
    credited_qty = fields.Float(string='Quantity credited', readonly=True)
    open = fields.Monetary(string='In proposal', readonly=True)
    credit_open = fields.Monetary(string='Credit in proposal', readonly=True)
    written_off = fields.Boolean(string='Credited, not to invoice again', readonly=True)
    due = fields.Monetary(string='To invoice', readonly=True)

    @api.model_cr
    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        # a fixed statement (no caller input): the view's definition
        # pylint: disable=sql-injection
        self.env.cr.execute("""
            CREATE VIEW project_billing_ledger AS (
                SELECT x.*,
                       CASE WHEN x.funding_type = 'internal' OR x.written_off THEN 0
                            ELSE x.share - x.posted - x.open END AS due
                  FROM (%s) x)""" % ledger_sql())

    # ------------------------------------------------------------------
    # Reading the ledger
    # ------------------------------------------------------------------
    @api.model
    def _rows(self, analytic_ids=(), on_account_ids=()):
        """Ledger rows (dicts) of these transactions, read with filters
        pushed into both halves of the query."""
        conds, params = [], []
        for column, ids in (('analytic_line_id', analytic_ids), ('on_account_id', on_account_ids)):
            if ids:
                conds.append('%%s.%s IN %%%%s' % column)
                params.append(tuple(ids))
        if not conds:
            return []
        self.recompute()  # values written in this transaction, computed before SQL reads them
        cond = '(%s)' % ' OR '.join(conds)
        self.env.cr.execute(ledger_sql(cond % (('s0',) * len(conds)), cond % (('l',) * len(conds))),
                            params + params)
        return self.env.cr.dictfetchall()

    @api.model
    def _facts(self, analytic_ids=(), on_account_ids=(), rows=None):
        """{('a'|'o', id): [(source_id, Share)]} for these transactions (or
        these ledger `rows`); transactions without shares are absent."""
        facts = {}
        for r in self._rows(analytic_ids, on_account_ids) if rows is None else rows:
            key = ('a', r['analytic_line_id']) if r['analytic_line_id'] else ('o', r['on_account_id'])
            facts.setdefault(key, []).append((r['source_id'], Share(
                amount=r['share'], internal=r['funding_type'] == 'internal',
                on_hold=r['funding_type'] == 'on_hold', posted=r['posted'], open=r['open'],
                open_lines=r['open_lines'], written_off=r['written_off'],
                posted_lines=r['posted_lines'])))
        return facts

    @api.model
    def _due(self, analytic_ids=(), on_account_ids=()):
        """{('a'|'o', id): [(source_id, due, Share)]}: what each source still
        has to be invoiced of each transaction."""
        return dict((key, [(src, share_due(share), share) for src, share in shares])
                    for key, shares in self._facts(analytic_ids, on_account_ids).items())

    @api.model
    def _consumed(self, source_ids):
        """{source_id: amount its funding limit has taken}: the shares it
        pays, except what was credited for good; a negative share (a
        deduction) frees the limit only once it is invoiced."""
        if not source_ids:
            return {}
        self.recompute()
        self.env.cr.execute("""
            SELECT x.source_id, SUM(CASE WHEN x.written_off OR x.share < 0 THEN x.posted
                                         ELSE x.share END)
              FROM (%s) x GROUP BY x.source_id""" % ledger_sql(
                's0.source_id IN %s', 'p.funding_source_id IN %s'), (tuple(source_ids),) * 2)
        return dict(self.env.cr.fetchall())

    @api.model
    def _headroom(self, sources, exclude=None):
        """{source_id: limit - consumed} for the limited sources among
        `sources`, row-locked first so that two runs at once cannot both
        fill the same limit. `exclude`: (analytic_ids, on_account_ids) whose
        own shares do not count (they are being split again)."""
        limited = sources.filtered('limit_amount')
        if not limited:
            return {}
        consumed = self._consumed_locked(limited, exclude)
        return dict((s.id, s.limit_amount - (consumed.get(s.id) or 0.0)) for s in limited)

    @api.model
    def _consumed_locked(self, sources, exclude=None):
        """_consumed() of these sources, row-locked first so that two runs
        at once cannot both fill the same limit; `exclude`: see _headroom."""
        self.env.cr.execute('SELECT id FROM project_funding_source WHERE id IN %s ORDER BY id '
                            'FOR UPDATE', (tuple(sources.ids),))
        consumed = self._consumed(sources.ids)
        if exclude:
            for r in self._rows(*exclude):
                if r['source_id'] in consumed:
                    consumed[r['source_id']] -= r['posted'] if r['written_off'] or \
                        r['share'] < 0 else r['share']
        return consumed

    # ------------------------------------------------------------------
    # The one place where billing statuses are decided
    # ------------------------------------------------------------------
    @api.model
    def _sync(self, analytic_ids=(), on_account_ids=(), check_bounds=False):
        """Recompute the billing status of these transactions from the
        ledger; release the frozen shares of those with nothing proposed
        or posted. Every path that changes billing ends here.
        `check_bounds`: _check_bounds() them first, from the same read."""
        analytic_ids, on_account_ids = list(set(analytic_ids or ())), list(set(on_account_ids or ()))
        if not (analytic_ids or on_account_ids):
            return
        rows = self._rows(analytic_ids, on_account_ids)
        if check_bounds:
            self._check_rows_bounds(rows)
        facts = self._facts(rows=rows)
        release = [key for key, shares in facts.items() if needs_unfreeze([s for _x, s in shares])]
        if release:   # a reversal's shares are its original's, negated: never split anew
            self.env.cr.execute("SELECT id FROM account_analytic_line WHERE id IN %s AND "
                                "adjustment_kind = 'reversal'",
                                (tuple([k[1] for k in release if k[0] == 'a'] or [0]),))
            keep = set(('a', r[0]) for r in self.env.cr.fetchall())
            release = [k for k in release if k not in keep]
        if release:
            self.env['project.funding.share']._delete_for(
                [k[1] for k in release if k[0] == 'a'], [k[1] for k in release if k[0] == 'o'])
            self.env['account.analytic.line']._restore_proposal_price(
                [k[1] for k in release if k[0] == 'a'])
            for key in release:
                facts.pop(key)
        shares = dict((key, [s for _x, s in v]) for key, v in facts.items())
        self.env['account.analytic.line']._write_status(analytic_ids, shares)
        self.env['project.on.account']._write_status(on_account_ids, shares)

    @api.model
    def _internal_reason(self):
        return _('Borne by an internal funding source')

    @api.model
    def _check_bounds(self, analytic_ids=(), on_account_ids=(), with_open=False):
        """The last guard after posting (and cancelling): no source is ever
        invoiced more than its share of a transaction, nor credited below
        nothing; `with_open`: counting what is proposed too."""
        self._check_rows_bounds(self._rows(analytic_ids, on_account_ids), with_open)

    @api.model
    def _check_rows_bounds(self, rows, with_open=False):
        for r in rows:
            share = r['share'] or 0.0
            posted = (r['posted'] or 0.0) + ((r['open'] or 0.0) if with_open else 0.0)
            low, high = sorted((0.0, share))
            if posted < low - 0.001 or posted > high + 0.001:
                txn = self.env['account.analytic.line'].browse(r['analytic_line_id']) \
                    if r['analytic_line_id'] else self.env['project.on.account'].browse(
                        r['on_account_id'])
                source = self.env['project.funding.source'].browse(r['source_id'])
                raise UserError(_('Transaction "%s" would be invoiced %s to %s, whose share of it '
                                  'is %s: refused. (Was it credited and invoiced again? Cancel the '
                                  'newer document first.)') % (txn.name, posted,
                                                               source.display_name, share))

    @api.model
    def _check_limits(self, sources):
        """No limited source has taken more than its limit, nor the billable
        sources of a contract together more than its not-to-exceed."""
        for contract in sources.mapped('contract_id').filtered('not_to_exceed'):
            billable = contract.funding_source_ids.filtered(
                lambda s: s.funding_type in ('customer', 'grant'))
            taken = sum(self._consumed(billable.ids).values())
            if contract.currency_id.compare_amounts(taken, contract.not_to_exceed) > 0:
                raise UserError(_('%s would bill %s, above its not-to-exceed amount of %s: '
                                  'refused.') % (contract.display_name, taken,
                                                 contract.not_to_exceed))
        limited = sources.filtered('limit_amount')
        consumed = self._consumed(limited.ids)
        for source in limited:
            if source.currency_id.compare_amounts(consumed.get(source.id) or 0.0,
                                                  source.limit_amount) > 0:
                raise UserError(_('%s would have taken %s of its funding limit of %s: refused.') % (
                    source.display_name, consumed[source.id], source.limit_amount))
