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


def fill(amount, rules, headroom, rounding=0.01, limits_of=None):
    """Split `amount` over funding rules tried in priority order, keeping
    every limit within its headroom. A rule takes as much of what is left as
    its limits allow, so one transaction is split across rules when it
    crosses a limit; the next rule takes the rest.

    rules:     [(rule_key, [(source_key, percent, is_rounding), ...]), ...]
    headroom:  {limit_key: amount it may still take}; updated in place with
               what this split takes.
    limits_of: {source_key: [limit_key, ...]}: the limits a source counts
               against (a contract's not-to-exceed covers several sources);
               by default a source counts against its own key in
               `headroom`, if there, so a source not in it has no limit.

    Returns (parts, rest): parts = [(rule_key, source_key, percent,
    is_rounding, amount)]; their amounts and `rest` (what no rule could take,
    0.0 when all is placed) sum exactly to `amount` rounded. A negative or
    zero amount (a deduction) takes nothing from a limit: the first rule
    takes it whole.
    """
    unit = _unit(rounding)
    rest = to_decimal(amount, rounding)
    parts = []

    def limits(source):
        if limits_of is not None and source in limits_of:
            return limits_of[source]
        return (source,) if source in headroom else ()

    def take(rule_key, shares, portion):
        split = allocate(float(portion), [(p, r) for _s, p, r in shares], rounding)
        return [(rule_key, s, p, r, part) for (s, p, r), part in zip(shares, split)]

    def taken(split):
        """{limit_key: what `split` takes from it}"""
        out = {}
        for _k, source, _p, _r, part in split:
            for key in limits(source):
                out[key] = out.get(key, Decimal(0)) + Decimal(repr(part))
        return out

    def fits(split):
        return all(value <= to_decimal(headroom[key], rounding)
                   for key, value in taken(split).items() if value > 0)

    def take_from(split):
        for key, value in taken(split).items():
            headroom[key] = float(to_decimal(headroom[key], rounding) - value)

    if rest <= 0:
        if rules:
            parts, rest = take(rules[0][0], rules[0][1], rest), Decimal(0)
            take_from(parts)
    for rule_key, shares in rules if rest > 0 else ():
        portion = rest
        percents = {}
        for source, pct, _r in shares:
            for key in limits(source):
                percents[key] = percents.get(key, Decimal(0)) + Decimal(repr(float(pct)))
        for key, pct in percents.items():
            if pct > 0:
                room = max(to_decimal(headroom[key], rounding), Decimal(0))
                cap = (room * HUNDRED / pct / unit).to_integral_value('ROUND_FLOOR') * unit
                portion = min(portion, cap)
        split = take(rule_key, shares, portion) if portion > 0 else None
        while split and not fits(split):
            portion -= unit  # the rounding source took a unit too many: give it back
            split = take(rule_key, shares, portion) if portion > 0 else None
        if not split:
            continue
        parts += split
        rest -= portion
        take_from(split)
        if rest == 0:
            break
    return parts, float(rest)
