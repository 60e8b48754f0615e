"""The accounting invariants the ledger state machine asserts after every
step (see test_ledger_stateful), each to the cent."""
from hypothesis.stateful import invariant

CENT = 0.005


class LedgerInvariants(object):
    """Mixed into the state machine: self.env, self.contract, self.customer,
    self.grant, self.txns() and self.proposals() come from it."""

    @invariant()
    def ledger_within_shares(self):
        self.env['project.billing.ledger'].invalidate_cache()   # views: read them anew
        rows = self.env['project.billing.ledger'].search([('contract_id', '=', self.contract.id)])
        per_txn = {}
        for r in rows:
            low, high = sorted((0.0, r.share))
            assert low - CENT <= r.posted <= high + CENT, (r.analytic_line_id.name, r.share, r.posted)
            # what is proposed never takes a share beyond its value either
            assert low - CENT <= r.posted + r.open <= high + CENT, (r.analytic_line_id.name, r.open)
            per_txn.setdefault(r.analytic_line_id, []).append(r)
        for txn in self.txns():
            shares = per_txn.get(txn, [])
            if shares:        # the frozen split sums to the value exactly
                assert abs(sum(r.share for r in shares) - txn.billing_amount) < CENT, \
                    (txn.name, [r.share for r in shares], txn.billing_amount)
            if txn.invoice_status == 'invoiced':
                # every share invoiced in full, except those credited for good
                for r in shares:
                    if not r.written_off:
                        assert abs(r.posted - r.share) < CENT, (txn.name, r.share, r.posted)
                if not any(r.written_off for r in shares):
                    assert abs(sum(r.posted for r in shares) - txn.billing_amount) < CENT

    @invariant()
    def posted_proposals_match_their_invoices(self):
        for proposal in self.proposals(['posted']):
            invoice = proposal.invoice_id
            assert invoice.state in ('open', 'paid'), (proposal.name, invoice.state)
            sign = 1 if invoice.type == 'out_invoice' else -1
            assert abs(proposal.amount_total - sign * invoice.amount_untaxed) < CENT, \
                (proposal.name, proposal.amount_total, invoice.amount_untaxed)
        cancelled = self.env['account.invoice'].search([
            ('project_proposal_id.contract_id', '=', self.contract.id), ('state', '=', 'cancel')])
        assert not cancelled.mapped('project_proposal_id').filtered(lambda p: p.state == 'posted')

    @invariant()
    def documents_match_the_ledger(self):
        """Per source, the posted documents' transaction lines equal the
        ledger's net invoiced."""
        for source in (self.customer, self.grant):
            lines = self.proposals(['posted']).filtered(
                lambda p: p.funding_source_id == source).mapped('line_ids').filtered(
                lambda l: l.analytic_line_id)
            ledger = self.env['project.billing.ledger'].search([('source_id', '=', source.id)])
            assert abs(sum(lines.mapped('amount')) - sum(ledger.mapped('posted'))) < CENT

    @invariant()
    def invoice_control_adds_up(self):
        rows = self.env['project.invoice.control'].search_read(
            [('contract_id', '=', self.contract.id), ('analytic_line_id', '!=', False)],
            ['analytic_line_id', 'status', 'amount'])
        by_txn = {}
        for r in rows:
            by_txn.setdefault(r['analytic_line_id'][0], []).append(r)
        for txn in self.txns():
            parts = by_txn.get(txn.id, [])
            total = sum(r['amount'] for r in parts)
            assert abs(total - txn.billing_amount) < CENT, (txn.name, total, txn.billing_amount)
            if not [r for r in parts if r['status'] in ('credited', 'not_chargeable')]:
                part = sum(r['amount'] for r in parts
                           if r['status'] in ('to_invoice', 'in_proposal', 'invoiced'))
                assert abs(part - txn.billing_amount) < CENT

    @invariant()
    def limits_hold(self):
        if self.grant.limit_amount:
            taken = self.env['project.billing.ledger']._consumed(self.grant.ids).get(
                self.grant.id) or 0.0
            assert taken <= self.grant.limit_amount + CENT, (taken, self.grant.limit_amount)

    @invariant()
    def retention_outstanding(self):
        source = self.customer
        lines = self.env['project.invoice.proposal.line'].search([
            ('proposal_id.funding_source_id', '=', source.id),
            ('transaction_type', 'in', ('retention', 'retention_release'))])
        posted = lines.filtered(lambda l: l.proposal_id.state == 'posted')
        retained = -sum(posted.filtered(lambda l: l.transaction_type == 'retention'
                                        and not l.credited_line_id).mapped('amount'))
        given_back = sum(posted.filtered(lambda l: l.transaction_type == 'retention'
                                         and l.credited_line_id).mapped('amount'))
        released = sum(lines.filtered(lambda l: l.transaction_type == 'retention_release'
                                      and l.proposal_id.state != 'cancel').mapped('amount'))
        outstanding = source._retention_outstanding()
        assert abs(outstanding - (retained - given_back - released)) < CENT
        assert outstanding > -CENT, outstanding
