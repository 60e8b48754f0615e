from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_is_zero


class ProjectInvoiceProposalRetention(models.Model):
    """Retention (ingehouden bedragen): the part of each invoice a customer
    withholds until the work is complete. A credit gives back its part of
    what was withheld; a release invoices what is outstanding once each
    project's completion meets the funding source's condition."""
    _inherit = 'project.invoice.proposal'

    def _retention_line_vals(self, name, amount, credited_line=None):
        return {'proposal_id': self.id, 'transaction_type': 'retention', 'sequence': 9999,
                'name': name, 'product_id': self.env.ref('project_billing_schedule.product_retention').id,
                'quantity': 1.0, 'sales_price': amount, 'amount': amount, 'share_percent': 100.0,
                'credited_line_id': credited_line.id if credited_line else False}

    def _update_retention(self, settle=False):
        """Keep the retention lines of draft proposals in step with their
        other lines: the source's percentage of the new lines (on a
        positive base), and for credit lines their part of the retention of
        the invoice they credit (see _give_back). `settle`: at posting, for
        the proposals being posted (whatever their state), the give-backs
        once more against what is posted by then."""
        Line = self.env['project.invoice.proposal.line']
        todo = self if settle else self.filtered(lambda p: p.state == 'draft')
        todo = todo.filtered(lambda p: p.kind != 'retention_release')
        if not todo:
            return
        # most proposals have no retention and no credits: skip them without
        # loading their (thousands of) lines
        self.env.cr.execute("""
            SELECT proposal_id FROM project_invoice_proposal_line
             WHERE proposal_id IN %s AND (transaction_type = 'retention' OR credited_line_id IS NOT NULL)
             GROUP BY proposal_id""", (tuple(todo.ids),))
        involved = set(r[0] for r in self.env.cr.fetchall())
        todo = todo.filtered(lambda p: p.id in involved or (
            p.funding_source_id.retention_percent and not settle))
        settled = []
        for proposal in todo:
            currency = proposal.currency_id
            wanted = {}  # credited retention line id (or False) -> (name, amount)
            lines = proposal.line_ids.filtered(lambda l: l.transaction_type != 'retention')
            base = sum(lines.filtered(lambda l: not l.credited_line_id).mapped('amount'))
            pct = proposal.funding_source_id.retention_percent
            existing = proposal.line_ids.filtered(lambda l: l.transaction_type == 'retention')
            if settle:   # what was approved stays; what it gives back, no more than is withheld
                wanted.update((False, (l.name, min(l.amount, proposal._retention_available())
                                       if l.amount > 0 else l.amount))
                              for l in existing if not l.credited_line_id)
            elif pct and base:
                # a negative base (a reversal, a deduction) gives its retention back
                amount = -currency.round(base * pct / 100.0)
                if amount > 0:
                    amount = min(amount, proposal._retention_available())
                wanted[False] = (_('Retention %s %%') % pct, amount)
            for original in lines.mapped('credited_line_id.proposal_id'):
                kept = original.line_ids.filtered(
                    lambda l: l.transaction_type == 'retention' and not l.credited_line_id)
                if not kept:
                    continue
                now = -sum(lines.filtered(lambda l: l.credited_line_id.proposal_id == original)
                           .mapped('amount'))
                wanted[kept[0].id] = (_('Retention given back (%s)') % original.name,
                                      original._give_back(kept, now, proposal, settled))
            for line in existing:
                key = line.credited_line_id.id or False
                name, amount = wanted.pop(key, (None, 0.0))
                if float_is_zero(amount, precision_rounding=currency.rounding):
                    line._unlink_released()
                elif float_compare(amount, line.amount, precision_rounding=currency.rounding):
                    line._write_internal({'amount': amount, 'sales_price': amount})
            for key, (name, amount) in wanted.items():
                if not float_is_zero(amount, precision_rounding=currency.rounding):
                    Line._create_internal(proposal._retention_line_vals(
                        name, amount, Line.browse(key) if key else None))
            settled.append(proposal.id)
        self._recompute_totals()

    def _give_back(self, kept, now, credit, settled=()):
        """What crediting `now` more of this posted proposal (on `credit`)
        gives back of its retention `kept`: the whole's share of all that is
        credited once this one posts, less what posted credits gave back
        already, so the last credit gives back the exact rest; never more
        than is still withheld (a release invoiced it already). `settled`:
        proposals of the same posting batch, counted as posted."""
        currency = self.currency_id
        retained = sum(kept.mapped('amount'))
        base = sum(self.line_ids.filtered(
            lambda l: l.transaction_type != 'retention' and not l.credited_line_id).mapped('amount'))
        if not base:
            return 0.0
        done = tuple(settled) or (0,)
        self.env.cr.execute("""
            SELECT COALESCE(SUM(CASE WHEN l.transaction_type != 'retention' THEN -l.amount END), 0),
                   COALESCE(SUM(CASE WHEN l.transaction_type = 'retention' THEN l.amount END), 0)
              FROM project_invoice_proposal_line l
              JOIN project_invoice_proposal p ON p.id = l.proposal_id
              JOIN project_invoice_proposal_line c ON c.id = l.credited_line_id
             WHERE c.proposal_id = %s AND (p.state = 'posted' OR p.id IN %s) AND p.id != %s
        """, (self.id, done, credit.id))
        before, given = self.env.cr.fetchone()
        amount = -currency.round(retained * (before + now) / base) - given
        return currency.round(max(0.0, min(amount, self._retention_available(credit))))

    def _retention_available(self, giver=None):
        """What is still withheld from this proposal's source on its project,
        less what other proposals not yet posted give back: the most that
        `giver` (default: this proposal) may give back."""
        giver = giver or self
        self.env.cr.execute("""
            SELECT COALESCE(SUM(l.amount), 0) FROM project_invoice_proposal_line l
              JOIN project_invoice_proposal p ON p.id = l.proposal_id
             WHERE l.transaction_type = 'retention' AND l.amount > 0
               AND p.funding_source_id = %s AND p.project_id IS NOT DISTINCT FROM %s
               AND p.id != %s AND p.state IN ('draft', 'review', 'approved')
        """, (self.funding_source_id.id, self.project_id.id or None, giver.id))
        pending = self.env.cr.fetchone()[0]
        outstanding = self._retention_outstanding_by_project(self.funding_source_id).get(
            self.project_id.id or False, 0.0)
        return max(0.0, outstanding - pending)

    def _check_no_release_pending(self):
        """Posting a credit that gives retention back while a release of that
        retention is in proposal would give it back twice."""
        for proposal in self:
            originals = proposal.line_ids.filtered('credited_line_id').mapped(
                'credited_line_id.proposal_id').filtered('amount_retention')
            if proposal.line_ids.filtered(lambda l: l.transaction_type == 'retention'
                                          and l.amount > 0 and not l.credited_line_id):
                originals |= proposal   # it gives retention of its own project back
            for original in originals:
                pending = self.search([
                    ('kind', '=', 'retention_release'), ('state', 'in', ('draft', 'review', 'approved')),
                    ('funding_source_id', '=', original.funding_source_id.id),
                    ('project_id', '=', original.project_id.id)], limit=1)
                if pending:
                    raise UserError(_('Retention release %s is in proposal for %s: post or cancel it '
                                      'before %s, which credits retained work.') % (
                        pending.name, original.funding_source_id.display_name, proposal.name))

    # ------------------------------------------------------------------
    # Outstanding and release
    # ------------------------------------------------------------------
    def _retention_outstanding_by_project(self, source):
        """{project_id or False: retained on posted invoices, less given back
        by credits, less released (by releases not cancelled)}."""
        self.env.cr.execute("""
            SELECT p.project_id,
                   COALESCE(SUM(CASE WHEN l.transaction_type = 'retention' AND p.state = 'posted'
                                     THEN -l.amount ELSE 0 END), 0)
                 - COALESCE(SUM(CASE WHEN l.transaction_type = 'retention_release'
                                     THEN l.amount ELSE 0 END), 0)
              FROM project_invoice_proposal_line l
              JOIN project_invoice_proposal p ON p.id = l.proposal_id
             WHERE p.funding_source_id = %s AND p.state != 'cancel'
             GROUP BY p.project_id""", (source.id,))
        return dict((project_id or False, source.currency_id.round(amount))
                    for project_id, amount in self.env.cr.fetchall())

    @api.model
    def _propose_retention_release(self, contracts, date, projects=None, explicit=True):
        """A release proposal per funding source and project whose retained
        amount may be released: each project's completion (T&M capped at
        100 %) meets the source's condition; retention withheld on invoices
        of the whole contract waits for all its projects. Taken under a row
        lock on the sources, so two runs cannot both release it.

        Returns (proposals, reasons). `explicit`: nothing releasable is
        refused with the reasons (a user asked for a release)."""
        proposals, reasons = self.browse(), []
        Line = self.env['project.invoice.proposal.line']
        product = self.env.ref('project_billing_schedule.product_retention')
        for contract in contracts:
            sources = contract.funding_source_ids.filtered('retention_percent')
            if not sources:
                continue
            self.env.cr.execute('SELECT id FROM project_funding_source WHERE id IN %s ORDER BY id '
                                'FOR UPDATE', (tuple(sources.ids),))
            invoiceable = contract.project_ids.filtered(
                lambda p: p.project_invoice_type in ('time_material', 'fixed_price'))
            completion = invoiceable._completion_percents()
            for source in sources:
                for project_id, outstanding in self._retention_outstanding_by_project(source).items():
                    if projects and project_id not in projects.ids:
                        continue
                    if float_compare(outstanding, 0.0, precision_rounding=source.currency_id.rounding) <= 0:
                        continue
                    scope = invoiceable.filtered(lambda p: p.id == project_id) if project_id \
                        else invoiceable
                    blocker = source._release_blocker(scope, completion, date)
                    if blocker:
                        reasons.append(_('Retention of %s (%s %s): %s.') % (
                            source.display_name, outstanding, source.currency_id.name, blocker))
                        continue
                    proposal = self._create_internal({
                        'contract_id': contract.id, 'project_id': project_id,
                        'funding_source_id': source.id, 'kind': 'retention_release', 'date': date})
                    Line._create_internal({
                        'proposal_id': proposal.id, 'transaction_type': 'retention_release',
                        'name': _('Release of retained amounts'), 'product_id': product.id,
                        'quantity': 1.0, 'sales_price': outstanding, 'amount': outstanding})
                    proposals |= proposal
        proposals._recompute_totals()
        if explicit and not proposals:
            raise UserError('\n'.join(reasons) or _('No retention is outstanding on %s.')
                            % ', '.join(contracts.mapped('display_name')))
        return proposals, reasons
