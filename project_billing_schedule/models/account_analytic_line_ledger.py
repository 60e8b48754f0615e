from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare

from ..billing_status import transaction_status
from ..guards import refuse
from .account_analytic_line import (
    BILLING_DERIVED,
    IDENTITY_FIELDS,
    LEDGER_FIELDS,
    PRICING_FIELDS,
    VALUE_FIELDS,
)


class AccountAnalyticLine(models.Model):
    """A project transaction in the billing ledger: its status is written
    from the ledger only; edits the ledger cannot follow are refused (an
    invoiced transaction is corrected with Adjust), the others are carried
    into its draft proposals."""
    _inherit = 'account.analytic.line'

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
        return True

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
            invoiced = [r for r in facts if r['posted'] or r['written_off'] or r['credit_open']]
            if invoiced and line.invoice_status != 'invoiced':
                raise UserError(_('Transaction "%s" (%s) is invoiced to %s: it cannot be changed. '
                                  'Credit that share too with "Invoice again" to change it, or '
                                  'Adjust it once it is invoiced in full.') % (
                    line.name, line.date, ', '.join(self.env['project.funding.source'].browse(
                        [r['source_id'] for r in invoiced]).mapped('display_name'))))
            if invoiced:
                raise UserError(_('Transaction "%s" (%s) is invoiced: it cannot be changed. Correct '
                                  'it with Adjust (Invoice control): it is reversed and the '
                                  'corrected transaction is invoiced anew.')
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

    def _write_ledger(self, vals):
        """Write ledger fields (adjustment links, marks): the ledger's own
        paths only, past the guard of write()."""
        return super(AccountAnalyticLine, self).write(vals)

    def _check_invoicing_user(self, what):
        if not self.env.user._is_superuser() and not self.user_has_groups(
                'project_billing_schedule.group_project_invoicing_user'):
            raise AccessError(_('Only project invoicing users may %s.') % what)

    @api.multi
    def write(self, vals):
        self._check_input(vals)
        refuse(self, vals, LEDGER_FIELDS, BILLING_DERIVED)
        if 'sales_price' in vals:
            self._check_invoicing_user(_('change what a transaction is billed'))
        if self.filtered(lambda l: l.adjustment_kind == 'reversal') and \
                set(vals) & (set(VALUE_FIELDS) | set(IDENTITY_FIELDS) | {'amount', 'date'}):
            raise UserError(_('A reversal mirrors the transaction it reverses: it cannot change.'))
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
        if self.filtered(lambda l: l.adjustment_kind == 'reversal'):
            raise UserError(_('A reversal belongs to its adjustment: it cannot be deleted.'))
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
        return True

    @api.multi
    def action_mark_chargeable(self):
        """Undo "not chargeable": the transaction is to invoice again (its
        funding is decided anew at the next proposal)."""
        self._check_invoicing_user(_('make a transaction chargeable again'))
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
