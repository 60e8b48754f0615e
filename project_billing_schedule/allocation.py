"""Split an amount over funding sources: pure arithmetic, no Odoo.

allocate(amount, shares, rounding) -> list of amounts, one per share, each a
multiple of `rounding` (the currency's rounding: 0.01, 1.0 for JPY, ...),
summing exactly to `amount` (itself rounded first). Every share but the
rounding one is rounded half away from zero; the rounding share gets what is
left, so the difference always lands on it.

    shares: [(percent, is_rounding_source), ...], percents summing to 100,
            exactly one is_rounding_source
"""
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)


def _unit(rounding):
    return Decimal(repr(float(rounding))).normalize()


def to_decimal(amount, rounding):
    """`amount` as a Decimal rounded to the currency (half away from zero)."""
    unit = _unit(rounding)
    return (Decimal(repr(float(amount))) / unit).quantize(Decimal(1), ROUND_HALF_UP) * unit


def allocate(amount, shares, rounding=0.01):
    if not shares:
        raise ValueError('no shares to allocate to')
    if sum(1 for _pct, is_rounding in shares if is_rounding) != 1:
        raise ValueError('exactly one share must be the rounding source')
    percents = [Decimal(repr(float(pct))) for pct, _r in shares]
    if sum(percents) != HUNDRED:
        raise ValueError('percentages must total 100, not %s' % sum(percents))
    unit = _unit(rounding)
    total = to_decimal(amount, rounding)
    parts = []
    for (pct, is_rounding), dpct in zip(shares, percents):
        if is_rounding:
            parts.append(None)
        else:
            parts.append((total * dpct / HUNDRED / unit).quantize(Decimal(1), ROUND_HALF_UP) * unit)
    rest = total - sum(p for p in parts if p is not None)
    return [float(rest if p is None else p) for p in parts]
