"""Random sequences of what accountants do, with the accounting invariants
asserted to the cent after every step (hypothesis RuleBasedStateMachine).

Each example runs inside a savepoint that is rolled back afterwards. Runs
LEDGER_EXAMPLES examples (default 30, about two minutes on a 2-core
machine); set it higher for a longer hunt, e.g. LEDGER_EXAMPLES=2000 setup/test.
"""
import logging
import os
from collections import Counter

from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    precondition,
    rule,
    run_state_machine_as_test,
)

from odoo.exceptions import UserError, ValidationError

from .ledger_invariants import LedgerInvariants
from .test_ledger import LedgerCase

_logger = logging.getLogger(__name__)
EXAMPLES = int(os.environ.get('LEDGER_EXAMPLES', '30'))
OPEN = ('draft', 'review', 'approved')


# preconditions as named functions: hypothesis describes them by name (a
# lambda's description is read from the source file)
def has_draft(machine):
    return machine.has(['draft'])


def has_open(machine):
    return machine.has(OPEN)


def has_posted(machine):
    return machine.has(['posted'])


def has_invoiced(machine):
    return machine.has(status='invoiced')


def has_not_chargeable(machine):
    return machine.has(status='not_chargeable')


class LedgerMachine(LedgerInvariants, RuleBasedStateMachine):
    case = None    # the running test case: env, contract, sources
    done = Counter()   # actions that changed something, over all examples

    def __init__(self):
        super(LedgerMachine, self).__init__()
        self.env = self.case.env
        self.env.cr.execute('SAVEPOINT ledger_example')
        self.env.clear()
        c = self.case
        self.contract, self.project, self.task = c.contract, c.project, c.task
        self.customer, self.grant = c.src_customer, c.src_grant
        self.Proposal = self.env['project.invoice.proposal']
        self.day = 0

    def teardown(self):
        self.env.cr.execute('ROLLBACK TO SAVEPOINT ledger_example')
        self.env.clear()

    # helpers ------------------------------------------------------------
    def attempt(self, fn, name=None):
        """Run fn in a savepoint; a refusal (UserError) rolls it back."""
        name = name or getattr(fn, '__name__', 'action')
        try:
            with self.env.cr.savepoint():
                fn()
            self.done[name] += 1
            return True
        except (UserError, ValidationError):
            self.done[name + ' refused'] += 1
            self.env.clear()
            return False

    def pick(self, records, i):
        return records[i % len(records)] if records else None

    def txns(self, domain=()):
        return self.env['account.analytic.line'].search(
            [('billing_contract_id', '=', self.contract.id), ('billing_type', '!=', False)]
            + list(domain), order='id')

    def proposals(self, states):
        return self.Proposal.search([('contract_id', '=', self.contract.id), ('state', 'in', states)],
                                    order='id')

    def has(self, states=None, status=None):
        if states:
            return bool(self.Proposal.search_count([('contract_id', '=', self.contract.id),
                                                    ('state', 'in', states)]))
        return bool(self.env['account.analytic.line'].search_count([
            ('billing_contract_id', '=', self.contract.id), ('invoice_status', '=', status)]))

    # actions ------------------------------------------------------------
    @initialize(hours=st.lists(st.sampled_from([1.0, 2.5, 4.0]), min_size=1, max_size=3),
                post=st.booleans())
    def start(self, hours, post):
        for h in hours:
            self.log_hours(h)
        proposals = self.Proposal._propose(self.contract, date_to='2026-12-31')[0]
        if post:
            proposals.action_post()

    @rule(hours=st.sampled_from([0.5, 1.0, 2.25, 3.0, 8.0]))
    def log_hours(self, hours):
        self.day = self.day % 27 + 1
        self.case.timesheet(hours, date='2026-03-%02d' % self.day, task=self.task)

    @rule(i=st.integers(0, 30), hours=st.sampled_from([0.25, 1.5, 4.0, 10.0]))
    def edit_hours(self, i, hours):
        txn = self.pick(self.txns([('adjustment_kind', '=', False)]), i)
        if not txn:
            return
        status, before = txn.invoice_status, txn.unit_amount
        done = self.attempt(lambda: txn.write({'unit_amount': hours}), 'edit')
        if status == 'invoiced' and abs(hours - before) > 1e-9:
            assert not done, 'an invoiced transaction was edited in place'
        if status in ('to_invoice', 'not_chargeable') and not txn.funding_share_ids:
            assert done, 'a transaction not yet proposed could not be edited'

    @precondition(has_draft)
    @rule(i=st.integers(0, 30), price=st.sampled_from([80.0, 99.99, 110.0, 123.45]))
    def change_price(self, i, price):
        lines = self.proposals(['draft']).mapped('line_ids').filtered(
            lambda l: l.transaction_type == 'hour' and not l.credited_line_id)
        line = self.pick(lines, i)
        if line:   # as the form saves it: through the proposal's one2many
            self.attempt(lambda: line.proposal_id.write(
                {'line_ids': [(1, line.id, {'sales_price': price})]}), 'price')

    @rule(pct=st.sampled_from([50.0, 60.0, 70.0, 85.0]))
    def change_rule(self, pct):
        rule = self.contract.funding_rule_ids[:1]
        rule.allocation_ids.filtered(lambda a: a.source_id == self.customer).percent = pct
        rule.allocation_ids.filtered(lambda a: a.source_id == self.grant).percent = 100.0 - pct

    @rule()
    def propose(self):
        self.attempt(lambda: self.Proposal._propose(self.contract, date_to='2026-12-31'), 'propose')

    @precondition(has_draft)
    @rule(i=st.integers(0, 30), not_chargeable=st.booleans())
    def remove_line(self, i, not_chargeable):
        lines = self.proposals(['draft']).mapped('line_ids').filtered(
            lambda l: l.transaction_type not in ('retention', 'retention_release'))
        line = self.pick(lines, i)
        if line:
            mode = 'not_chargeable' if not_chargeable else 'not_now'
            self.attempt(lambda: self.env['project.invoice.proposal.remove'].create({
                'line_ids': [(6, 0, line.ids)], 'mode': mode}).action_remove(), mode)

    @precondition(has_draft)
    @rule(i=st.integers(0, 30))
    def post(self, i):
        proposal = self.pick(self.proposals(['draft']), i)
        if proposal:
            self.attempt(proposal.action_post, 'post')

    @precondition(has_open)
    @rule(i=st.integers(0, 30))
    def cancel_proposal(self, i):
        proposal = self.pick(self.proposals(OPEN), i)
        if proposal:
            assert self.attempt(proposal.action_cancel, 'cancel proposal')

    @precondition(has_posted)
    @rule(i=st.integers(0, 30))
    def cancel_invoice(self, i):
        proposal = self.pick(self.proposals(['posted']), i)
        if proposal and proposal.invoice_id.state == 'open':
            if self.attempt(proposal.invoice_id.action_invoice_cancel, 'cancel invoice'):
                assert proposal.state == 'cancel'

    @precondition(has_posted)
    @rule(i=st.integers(0, 30), mode=st.sampled_from(['refund', 'cancel', 'modify']))
    def refund_invoice(self, i, mode):
        proposal = self.pick(self.proposals(['posted']).filtered(
            lambda p: p.invoice_id.type == 'out_invoice' and p.invoice_id.state == 'open'), i)
        if not proposal:
            return

        def refund():
            invoice = proposal.invoice_id
            self.env['account.invoice.refund'].with_context(
                active_id=invoice.id, active_ids=invoice.ids, active_model='account.invoice').create(
                {'description': 'Hypothesis', 'filter_refund': mode}).invoice_refund()
            invoice.refund_invoice_ids.filtered(lambda r: r.state == 'draft').action_invoice_open()
        self.attempt(refund, 'refund')

    def credited_candidates(self):
        """(transaction, source) pairs with something invoiced to credit."""
        rows = self.env['project.billing.ledger'].search(
            [('contract_id', '=', self.contract.id), ('posted', '!=', 0)])
        return [(r.analytic_line_id, r.source_id) for r in rows if r.analytic_line_id]

    @precondition(has_posted)
    @rule(i=st.integers(0, 30), reinvoice=st.booleans())
    def credit_source(self, i, reinvoice):
        pair = self.pick(self.credited_candidates(), i)
        if pair:
            txn, source = pair
            self.attempt(lambda: self.Proposal._propose_credit(
                txn, reinvoice=reinvoice, sources=source).action_post(), 'credit')

    @precondition(has_invoiced)
    @rule(i=st.integers(0, 30), hours=st.sampled_from([0.0, 2.0, 12.0]))
    def adjust(self, i, hours):
        txn = self.pick(self.txns([('invoice_status', '=', 'invoiced')]), i)
        if txn:
            self.attempt(lambda: txn._adjust(hours, txn.sales_price), 'adjust')

    @precondition(has_draft)
    @rule(i=st.integers(0, 30), price=st.sampled_from([40.0, 250.0]))
    def add_fee(self, i, price):
        proposal = self.pick(self.proposals(['draft']).filtered(lambda p: p.kind == 'invoice'), i)
        if proposal:   # as the form adds it: through the proposal's one2many
            self.attempt(lambda: proposal.write({'line_ids': [(0, 0, {
                'name': 'Fee', 'quantity': 1.0, 'sales_price': price})]}), 'fee')

    @rule(room=st.sampled_from([0.0, 50.0, 400.0]))
    def set_grant_limit(self, room):
        """A limit of what the grant has taken plus `room` (0: no limit)."""
        taken = self.env['project.billing.ledger']._consumed(self.grant.ids).get(self.grant.id) or 0.0
        self.grant.limit_amount = taken + room if room else 0.0

    @precondition(has_draft)
    @rule(i=st.integers(0, 30), j=st.integers(0, 30))
    def credit_into_draft(self, i, j):
        txn = self.pick(self.txns([('invoice_status', '=', 'invoiced')]), i)
        proposal = self.pick(self.proposals(['draft']).filtered(lambda p: p.kind == 'invoice'), j)
        if txn and proposal:
            self.attempt(lambda: self.Proposal._propose_credit(txn, into=proposal), 'credit into')

    @rule()
    def release_retention(self):
        self.Proposal._propose_retention_release(self.contract, '2026-12-31', explicit=False)

    @precondition(has_not_chargeable)
    @rule(i=st.integers(0, 30))
    def mark_chargeable(self, i):
        txn = self.pick(self.txns([('marked_not_chargeable', '=', True)]), i)
        if txn:
            txn.action_mark_chargeable()


class TestLedgerStateful(LedgerCase):

    @classmethod
    def setUpClass(cls):
        super(TestLedgerStateful, cls).setUpClass()
        cls.src_customer.retention_percent = 10.0
        cls.task = cls.env['project.task'].create({
            'name': 'Planned work', 'project_id': cls.project.id, 'planned_hours': 20.0})
        cls.env['account.journal'].search([('type', '=', 'sale')]).write({'update_posted': True})

    def test_random_sequences_keep_the_books_true(self):
        LedgerMachine.case = self
        LedgerMachine.done.clear()
        run_state_machine_as_test(LedgerMachine, settings=settings(
            max_examples=EXAMPLES, stateful_step_count=12, deadline=None, database=None,
            derandomize=not os.environ.get('LEDGER_RANDOM'),
            suppress_health_check=list(HealthCheck)))
        _logger.info('ledger state machine, %d examples: %s', EXAMPLES,
                     ', '.join('%s %d' % kv for kv in sorted(LedgerMachine.done.items())))
        # the sequences reached what they are for (a test that cannot fail
        # because nothing happened is no test)
        for action in ('post', 'credit', 'cancel invoice', 'refund', 'adjust', 'edit', 'fee')[
                :7 if EXAMPLES >= 100 else 1]:
            self.assertTrue(LedgerMachine.done[action], 'no %s in %d examples' % (action, EXAMPLES))
