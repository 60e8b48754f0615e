from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from .project_invoice_proposal import OPEN_STATES


class ProjectInvoiceProposalCredit(models.Model):
    """Credits: a credit line gives back one posted share of a transaction
    (with its part of the retention). The invoice it was on is cancelled
    or refunded in Odoo's own way too; either way the ledger follows."""
    _inherit = 'project.invoice.proposal'

    # ------------------------------------------------------------------
    # What can be credited
    # ------------------------------------------------------------------
    @api.model
    def _creditable_lines(self, transactions=None, on_accounts=None, invoices=None, sources=None,
                          strict=True):
        """Posted shares (proposal lines) of these transactions or invoices
        that are still invoiced: not credited by a posted credit, their
        invoice not cancelled. `strict`: refused when one has a credit in
        proposal (otherwise that one is left out)."""
        Line = self.env['project.invoice.proposal.line']
        domain = [('proposal_id.state', '=', 'posted'), ('credited_line_id', '=', False),
                  ('transaction_type', 'not in', ('retention', 'retention_release'))]
        if invoices is not None:
            domain.append(('proposal_id.invoice_id', 'in', invoices.ids))
        if invoices is None or transactions is not None or on_accounts is not None:
            domain += ['|', ('analytic_line_id', 'in', transactions.ids if transactions else []),
                       ('on_account_id', 'in', on_accounts.ids if on_accounts else [])]
        if sources:
            domain.append(('proposal_id.funding_source_id', 'in', sources.ids))
        posted = Line.search(domain)
        if not posted:
            return posted
        credits = Line.search([('credited_line_id', 'in', posted.ids),
                               ('proposal_id.state', 'in', ('posted',) + OPEN_STATES)])
        pending = credits.filtered(lambda c: c.proposal_id.state in OPEN_STATES)
        if pending and strict:
            raise UserError(_('A credit note proposal for some of these transactions exists already '
                              '(%s).') % ', '.join(set(pending.mapped('proposal_id.name'))))
        return posted - credits.mapped('credited_line_id')

    @api.model
    def _propose_credit(self, transactions=None, on_accounts=None, reinvoice=False, date=None,
                        invoices=None, sources=None, into=None):
        """Credit note proposals for previously invoiced transactions: one
        credit line per posted share, per funding source; from an invoice
        only that invoice's shares. `into`: a draft proposal of the same
        source that takes the credits beside its new transactions."""
        lines = self._creditable_lines(transactions, on_accounts, invoices, sources)
        self._check_not_adjusted(lines)
        if into:
            # only a draft, never a proposal approved, posted or cancelled
            into._check_state(('draft',), _('changed'))
            into._check_rights()
            foreign = lines.filtered(lambda l: l.proposal_id.contract_id != into.contract_id or (
                into.project_id and l.proposal_id.project_id != into.project_id))
            if foreign:
                raise UserError(_('%s credits %s of %s only: "%s" belongs elsewhere.') % (
                    into.name, into.funding_source_id.display_name,
                    into.project_id.name or into.contract_id.display_name, foreign[0].name))
            lines = lines.filtered(lambda l: l.proposal_id.funding_source_id == into.funding_source_id)
        if not lines:
            raise UserError(_('None of these transactions is invoiced: there is nothing to credit.'))
        return self._create_credits(lines, reinvoice, date, into=into)

    def _check_not_adjusted(self, lines):
        """An adjusted transaction is credited by its reversal already; a
        reversal is undone by adjusting its correction, not by a credit."""
        txns = lines.mapped('analytic_line_id')
        adjusted = self.env['account.analytic.line'].search([
            ('adjusted_line_id', 'in', txns.ids), ('adjustment_kind', '=', 'reversal')], limit=1)
        if adjusted:
            raise UserError(_('"%s" was adjusted (its reversal credits it): credit its correction '
                              'instead.') % adjusted.adjusted_line_id.name)
        reversal = txns.filtered(lambda t: t.adjustment_kind == 'reversal')
        if reversal:
            raise UserError(_('"%s" reverses an adjusted transaction: it is not credited (adjust '
                              'the correction instead).') % reversal[0].name)

    def _create_credits(self, lines, reinvoice, date, into=None, kind='credit'):
        groups = {}
        for line in lines:
            proposal = line.proposal_id
            gkey = into.id if into else (proposal.contract_id.id, proposal.project_id.id,
                                         proposal.funding_source_id.id)
            groups.setdefault(gkey, []).append({
                'transaction_type': line.transaction_type, 'credited_line_id': line.id,
                'analytic_line_id': line.analytic_line_id.id, 'on_account_id': line.on_account_id.id,
                'project_id': line.project_id.id, 'date': line.date,
                'name': _('Credit: %s') % line.name, 'product_id': line.product_id.id,
                'quantity': -line.quantity, 'sales_price': line.sales_price,
                'share_percent': line.share_percent, 'amount': -line.amount,
                'funding_rule_id': line.funding_rule_id.id, 'sequence': line.sequence,
                'reinvoice': bool(reinvoice)})
        proposals = self.browse()
        Line = self.env['project.invoice.proposal.line']
        for gkey, vals in groups.items():
            if into:
                proposal = into
            else:
                contract_id, project_id, source_id = gkey
                proposal = self._create_internal({
                    'contract_id': contract_id, 'project_id': project_id,
                    'funding_source_id': source_id, 'kind': kind, 'reinvoice': bool(reinvoice),
                    'date': date or fields.Date.context_today(self)})
            Line._create_bulk(proposal, vals)
            proposals |= proposal
        proposals._update_retention()
        proposals._recompute_totals()
        proposals._sync_ledger()
        return proposals

    # ------------------------------------------------------------------
    # The invoice cancelled, refunded or reset in Odoo's own way
    # ------------------------------------------------------------------
    @api.model
    def _check_cancellable(self, invoices):
        """Before Odoo cancels these invoices: refused while another
        document depends on what they bill (a credit of their lines, a
        release of their retention); cancel that one first."""
        proposals = self.search([('invoice_id', 'in', invoices.ids), ('state', '=', 'posted')])
        if not proposals:
            return
        credits = self.env['project.invoice.proposal.line'].search([
            ('credited_line_id.proposal_id', 'in', proposals.ids),
            ('proposal_id.state', '!=', 'cancel'), ('proposal_id', 'not in', proposals.ids)])
        if credits:
            credit = credits[0].proposal_id
            raise UserError(_('%s is credited by %s%s: cancel that first.') % (
                credits[0].credited_line_id.proposal_id.invoice_id.display_name, credit.name,
                ' (%s)' % credit.invoice_id.display_name if credit.invoice_id else ''))
        reversals = self.env['account.analytic.line'].search([
            ('adjusted_line_id', 'in', proposals.mapped('line_ids.analytic_line_id').ids),
            ('adjustment_kind', '=', 'reversal')], limit=1)
        if reversals:
            raise UserError(_('"%s" on this invoice was adjusted since (its reversal credits it): '
                              'the invoice can no longer be cancelled.')
                            % reversals.adjusted_line_id.name)
        for proposal in proposals.filtered('amount_retention'):
            outstanding = self._retention_outstanding_by_project(proposal.funding_source_id).get(
                proposal.project_id.id or False, 0.0)
            if proposal.currency_id.compare_amounts(outstanding, -proposal.amount_retention) < 0:
                raise UserError(_('The retention withheld on %s has been released (in part): cancel '
                                  'the release proposal first.') % proposal.invoice_id.display_name)

    @api.model
    def _on_invoices_cancelled(self, invoices):
        """Odoo cancelled these invoices: their posted proposals are
        cancelled with them (a cancelled invoice bills nothing), so their
        transactions are to invoice again (or, for a credit note, invoiced
        again)."""
        proposals = self.search([('invoice_id', 'in', invoices.ids), ('state', '=', 'posted')])
        if not proposals:
            return
        proposals._write_workflow({'state': 'cancel'})
        for proposal in proposals:
            proposal.message_post(body=_('Its invoice %s was cancelled: the proposal is cancelled '
                                         'with it and the ledger no longer counts it.')
                                  % proposal.invoice_id.display_name)
        proposals._sync_ledger()
        # e.g. a credit note whose transactions were invoiced again since, or
        # whose freed funding limit another transaction took meanwhile
        Ledger = self.env['project.billing.ledger']
        Ledger._check_bounds(*proposals._transaction_ids(), with_open=True)
        Ledger._check_limits(proposals.mapped('funding_source_id'))

    @api.model
    def _credit_from_refund(self, refund):
        """A credit note made with Odoo's "Add credit note" on a project
        invoice is being validated: it credits the whole invoice, so every
        share still invoiced on it is credited in the ledger (a posted
        credit proposal that carries the credit note). A partial credit is
        refused: it cannot say which transactions it credits."""
        original = refund.refund_invoice_id.project_proposal_id
        if original.line_ids.filtered('credited_line_id'):
            raise UserError(_('%s credits earlier project invoices itself: undo it by cancelling '
                              'it, not with a credit note.') % refund.refund_invoice_id.display_name)
        lines = original.line_ids.filtered(lambda l: l.transaction_type != 'retention')
        credited = self.env['project.invoice.proposal.line'].search(
            [('credited_line_id', 'in', lines.ids),
             ('proposal_id.state', 'in', ('posted',) + OPEN_STATES)])
        lines -= credited.mapped('credited_line_id')
        self._check_not_adjusted(lines)
        if original.amount_retention and self.search_count([
                ('kind', '=', 'retention_release'), ('state', '!=', 'cancel'),
                ('funding_source_id', '=', original.funding_source_id.id),
                ('project_id', '=', original.project_id.id)]):
            raise UserError(_('The retention withheld on %s has been released since: a credit note '
                              'copied from it would not credit what the customer paid. Use "Credit '
                              'project transactions" on the invoice.')
                            % refund.refund_invoice_id.display_name)
        expected = refund.currency_id.round(abs(original.invoice_id.amount_total))
        if credited:
            raise UserError(_('Credit note for %s: part of that project invoice is credited '
                              'already (%s); credit the rest with "Credit project transactions" '
                              'on the invoice.') % (refund.refund_invoice_id.display_name,
                                                    ', '.join(set(credited.mapped('proposal_id.name')))))
        if not lines or float_compare(refund.amount_total, expected,
                                      precision_rounding=refund.currency_id.rounding):
            raise UserError(_('Credit note for %s: it must credit the whole project invoice '
                              '(%s, not %s). To credit part of it, use "Credit project '
                              'transactions" on the invoice.') % (
                refund.refund_invoice_id.display_name, expected, refund.amount_total))
        # Odoo's Modify (see account.invoice.refund) credits to invoice again
        reinvoice = bool(self.env.context.get('project_refund_reinvoice'))
        mirror = self._create_credits(lines, reinvoice, refund.date_invoice)
        if mirror.filtered('review_required'):
            # the mirror is approved at once: that would skip the review
            raise UserError(_('Invoice proposals of %s are reviewed: credit %s with "Credit project '
                              'transactions" (a credit proposal for a reviewer), not with a credit '
                              'note of Invoicing.') % (original.contract_id.display_name,
                                                       refund.refund_invoice_id.display_name))
        note = _('Credit note %s made in Invoicing.') % (refund.number or refund.display_name)
        mirror._write_workflow({'state': 'approved', 'note': note})
        return mirror

    def _post_with_invoice(self, invoice):
        """Posted as `invoice`, a credit note Odoo itself validated."""
        original = invoice.refund_invoice_id.invoice_line_ids.sorted(lambda l: (l.sequence, l.id))
        mirrored = dict(zip(original.ids, invoice.invoice_line_ids.sorted(
            lambda l: (l.sequence, l.id)).ids))
        self._link_invoice_lines([
            (line.id, mirrored[line.credited_line_id.invoice_line_id.id])
            for line in self.mapped('line_ids')
            if line.credited_line_id.invoice_line_id.id in mirrored])
        self._write_workflow({'state': 'posted', 'invoice_id': invoice.id})
        invoice._write_project_proposal(self)
        self._after_post()
