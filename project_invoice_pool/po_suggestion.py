"""Which purchase orders to suggest for a register entry without one, best
first (pure Python, no Odoo: tested on its own).

Ranked by, in this order: (1) the amount still to invoice on the order fits
the entry's amount within the matching tolerance, (2) the order's reference
(its number or the vendor's own reference) appears in the entry's
description or vendor invoice number, (3) the order date is close to the
invoice date; then the smaller difference, then the key (a stable order)."""
import re
from collections import namedtuple

# key: the caller's id of the order; date: a datetime.date or None
Candidate = namedtuple('Candidate', 'key name partner_ref date amount_to_invoice')
# reasons: codes the caller words, in its user's language:
#   ('fits', difference) or ('differs', difference),
#   ('reference', reference, where) with where one of the keys of `texts`,
#   ('days', days between order date and invoice date) when both are known
Suggestion = namedtuple('Suggestion', 'key rank fits reference days difference reasons')

# shorter references ("12", "A") are found in too many texts to mean anything
MIN_REFERENCE_LENGTH = 3


def within_tolerance(difference, expected, percent, amount, rounding):
    """A difference is tolerated when it is within either limit: the amount
    (plus half the currency's rounding, so a nil difference always passes)
    or `percent` of the expected value. Update matching status applies the
    same rule (account.invoice._check)."""
    diff = abs(difference)
    return diff <= amount + rounding / 2.0 or diff <= abs(expected) * percent / 100.0


def reference_found(reference, text):
    """The reference stands in the text as a word of its own, in any case:
    PO0001 is not found in PO00012."""
    reference = (reference or '').strip()
    if len(reference) < MIN_REFERENCE_LENGTH or not text:
        return False
    pattern = r'(?<![0-9A-Za-z])%s(?![0-9A-Za-z])' % re.escape(reference)
    return re.search(pattern, text, re.IGNORECASE) is not None


def _reference(candidate, texts):
    """(reference, where) of the first reference found, else None."""
    for reference in (candidate.name, candidate.partner_ref):
        for where, text in texts:
            if reference_found(reference, text):
                return reference.strip(), where
    return None


def rank(candidates, amount, date, texts, tolerance, rounding=0.01):
    """The candidates as Suggestions, best first, ranked 1, 2, ...

    amount: the entry's amount; date: its invoice date (or None); texts:
    [(where, text)] searched for the references; tolerance: (percent,
    amount) as Update matching status applies it; rounding: the currency's."""
    percent, absolute = tolerance
    scored = []
    for candidate in candidates:
        difference = candidate.amount_to_invoice - amount
        fits = within_tolerance(difference, amount, percent, absolute, rounding)
        reference = _reference(candidate, texts)
        days = abs((candidate.date - date).days) if candidate.date and date else None
        reasons = [('fits' if fits else 'differs', difference)]
        if reference:
            reasons.append(('reference',) + reference)
        if days is not None:
            reasons.append(('days', days))
        key = (not fits, reference is None, days is None, days or 0, abs(difference),
               candidate.key)
        scored.append((key, candidate, fits, bool(reference), days, difference, reasons))
    scored.sort(key=lambda s: s[0])
    return [Suggestion(c.key, i, fits, ref, days, difference, reasons)
            for i, (_key, c, fits, ref, days, difference, reasons) in enumerate(scored, 1)]


def only_fit(suggestions):
    """The key of the one suggestion that fits, when exactly one does."""
    fitting = [s.key for s in suggestions if s.fits]
    return fitting[0] if len(fitting) == 1 else None
