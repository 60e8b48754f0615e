"""The billing status of a transaction, decided from its ledger: pure
functions, no Odoo. Every path that changes billing (propose, remove,
re-price, post, cancel, credit, cancel or refund the invoice in Odoo) ends
by recomputing the status of the transactions it touched with
`transaction_status()`; nothing sets a status by hand.

A transaction's value is split over funding sources into shares (frozen
when it is first proposed). Per share the ledger knows:

    amount       the source's share of the transaction value
    internal     the source is internal: its share is never invoiced
    on_hold      the source is on hold: its share waits
    posted       net amount on posted documents whose invoice is not
                 cancelled (invoices minus credit notes)
    open         amount on proposals not yet posted (not credits)
    open_lines   number of such lines (a 0.00 share is proposed too)
    written_off  a posted credit said "do not invoice again"
    posted_lines number of posted lines (invoice or credit)

Amounts are Decimals or floats already rounded to the currency.
"""
from collections import namedtuple
from decimal import Decimal

Share = namedtuple('Share', 'amount internal on_hold posted open open_lines written_off '
                            'posted_lines')


def _d(value):
    return Decimal(repr(float(value or 0.0)))


def share_due(share):
    """What is still to propose of one share: its amount less what is
    invoiced and proposed; nothing for internal or written-off shares."""
    if share.internal or share.written_off:
        return Decimal(0)
    return _d(share.amount) - _d(share.posted) - _d(share.open)


def transaction_status(shares, excluded=False):
    """The status of one transaction.

    shares:   [Share, ...] (empty: never proposed, or released entirely)
    excluded: not chargeable by nature (internal or fixed-price project,
              line property) or marked not chargeable by a user
    """
    if excluded:
        return 'not_chargeable'
    if any(s.open_lines for s in shares):
        return 'in_proposal'
    if not shares:
        return 'to_invoice'
    external = [s for s in shares if not s.internal]
    if not external:
        return 'not_chargeable'     # borne internally in full
    if any(share_due(s) != 0 for s in external):
        return 'to_invoice'
    if not any(s.posted_lines for s in external):
        return 'to_invoice'         # shares frozen but nothing proposed yet
    if any(s.written_off for s in external) and sum(_d(s.posted) for s in external) == 0:
        return 'credited'
    return 'invoiced'


def needs_unfreeze(shares):
    """Shares are released (the next proposal splits the value again by the
    rules of that day) when nothing of the transaction is proposed or was
    ever posted: a cancelled proposal leaves no trace on the split."""
    external = [s for s in shares if not s.internal]
    return bool(external) and not any(s.open_lines or s.posted_lines for s in shares)
