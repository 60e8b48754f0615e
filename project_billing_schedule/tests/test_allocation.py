"""The funding allocation arithmetic (pure function, no database)."""
import unittest
from decimal import Decimal

from hypothesis import given, settings, strategies as st

from ..allocation import allocate, fill

THIRDS = [(33.33, False), (33.33, False), (33.34, True)]


class TestAllocate(unittest.TestCase):

    def test_thirds(self):
        self.assertEqual(allocate(100.0, THIRDS), [33.33, 33.33, 33.34])

    def test_one_cent_over_three_sources(self):
        self.assertEqual(allocate(0.01, THIRDS), [0.0, 0.0, 0.01])

    def test_difference_lands_on_rounding_source(self):
        # 70/30 of 100.01: 30 % = 30.003 -> 30.00; the customer gets 70.01
        self.assertEqual(allocate(100.01, [(70.0, True), (30.0, False)]), [70.01, 30.0])
        # wherever the rounding source stands, it is the one that gets the cent
        self.assertEqual(allocate(10.0, [(33.3333, True), (33.3333, False), (33.3334, False)]),
                         [3.34, 3.33, 3.33])

    def test_negative_amounts(self):
        self.assertEqual(allocate(-100.01, [(70.0, True), (30.0, False)]), [-70.01, -30.0])
        self.assertEqual(allocate(-0.01, THIRDS), [0.0, 0.0, -0.01])

    def test_currency_without_decimals(self):
        # JPY: rounding 1
        self.assertEqual(allocate(1000, THIRDS, rounding=1.0), [333.0, 333.0, 334.0])
        self.assertEqual(allocate(1, THIRDS, rounding=1.0), [0.0, 0.0, 1.0])
        # the amount itself is rounded to the currency first
        self.assertEqual(allocate(1000.4, [(50, False), (50, True)], rounding=1.0), [500.0, 500.0])

    def test_three_decimals(self):
        self.assertEqual(allocate(1.0, THIRDS, rounding=0.001), [0.333, 0.333, 0.334])

    def test_refusals(self):
        with self.assertRaisesRegex(ValueError, 'exactly one'):
            allocate(10, [(50, False), (50, False)])
        with self.assertRaisesRegex(ValueError, 'exactly one'):
            allocate(10, [(50, True), (50, True)])
        with self.assertRaisesRegex(ValueError, 'total 100'):
            allocate(10, [(50, True), (49.99, False)])
        with self.assertRaises(ValueError):
            allocate(10, [])

    @settings(max_examples=400, deadline=None, database=None, derandomize=True)
    @given(
        cents=st.integers(min_value=-10 ** 9, max_value=10 ** 9),
        rounding=st.sampled_from([0.01, 1.0, 0.001, 0.05]),
        cuts=st.lists(st.integers(min_value=1, max_value=9999), min_size=0, max_size=6, unique=True),
        data=st.data())
    def test_property_sums_exactly(self, cents, rounding, cuts, data):
        # random percent sets: cut 100.00 % (10000 basis points) at random places
        points = [0] + sorted(cuts) + [10000]
        percents = [(b - a) / 100.0 for a, b in zip(points, points[1:])]
        rounding_index = data.draw(st.integers(min_value=0, max_value=len(percents) - 1))
        shares = [(p, i == rounding_index) for i, p in enumerate(percents)]
        amount = cents / 100.0
        parts = allocate(amount, shares, rounding)
        unit = Decimal(repr(rounding))
        total = (Decimal(repr(amount)) / unit).quantize(Decimal(1), 'ROUND_HALF_UP') * unit
        dparts = [Decimal(repr(p)) for p in parts]
        self.assertEqual(len(parts), len(shares))
        # exact sum, every part a multiple of the currency unit
        self.assertEqual(sum(dparts), total)
        for d in dparts:
            self.assertEqual(d % unit, 0)
        # every part but the rounding one is its share rounded to the unit
        for i, (d, (pct, is_rounding)) in enumerate(zip(dparts, shares)):
            if not is_rounding:
                exact = total * Decimal(repr(pct)) / 100
                self.assertLessEqual(abs(d - exact), unit / 2)


class TestFill(unittest.TestCase):
    """allocation.fill(): rules by priority, limits filled, the rest on."""

    def test_limit_filled_then_next_rule(self):
        parts, rest = fill(800.0, [('r1', [('A', 100.0, True)]), ('r2', [('B', 100.0, True)])],
                           {'A': 500.0})
        self.assertEqual([(p[1], p[4]) for p in parts], [('A', 500.0), ('B', 300.0)])
        self.assertEqual(rest, 0.0)

    def test_split_rule_capped_by_its_limited_source(self):
        headroom = {'A': 500.0}
        parts, rest = fill(1000.0, [('r1', [('A', 70.0, True), ('B', 30.0, False)]),
                                    ('r2', [('C', 100.0, True)])], headroom)
        self.assertEqual([(p[1], p[4]) for p in parts],
                         [('A', 500.0), ('B', 214.28), ('C', 285.72)])
        self.assertEqual(headroom, {'A': 0.0})

    def test_what_no_rule_takes_is_the_rest(self):
        parts, rest = fill(100.0, [('r1', [('A', 100.0, True)])], {'A': 40.0})
        self.assertEqual(([p[4] for p in parts], rest), ([40.0], 60.0))

    def test_deduction_takes_nothing_from_a_limit(self):
        headroom = {'A': 0.0}
        parts, rest = fill(-100.0, [('r1', [('A', 70.0, True), ('B', 30.0, False)])], headroom)
        self.assertEqual([p[4] for p in parts], [-70.0, -30.0])
        self.assertEqual(headroom, {'A': 70.0})

    @settings(max_examples=300, deadline=None, database=None, derandomize=True)
    @given(cents=st.integers(min_value=0, max_value=10 ** 7),
           rules=st.lists(st.tuples(st.sampled_from('ABCD'), st.sampled_from('ABCD'),
                                    st.integers(min_value=1, max_value=99)), min_size=1, max_size=4),
           limits=st.dictionaries(st.sampled_from('ABCD'),
                                  st.integers(min_value=0, max_value=10 ** 6), max_size=4))
    def test_property_exact_and_within_limits(self, cents, rules, limits):
        chain = []
        for i, (a, b, pct) in enumerate(rules):
            shares = [(a, float(pct), True)] if a == b else [(a, float(pct), True),
                                                             (b, float(100 - pct), False)]
            if a == b:
                shares = [(a, 100.0, True)]
            chain.append(('r%d' % i, shares))
        headroom = dict((k, v / 100.0) for k, v in limits.items())
        before = dict(headroom)
        parts, rest = fill(cents / 100.0, chain, headroom)
        total = sum(Decimal(repr(p[4])) for p in parts) + Decimal(repr(rest))
        self.assertEqual(total, Decimal(cents) / 100)        # nothing made up or lost
        self.assertGreaterEqual(rest, 0.0)
        taken = {}
        for _rule, source, _pct, _rnd, amount in parts:
            self.assertGreaterEqual(amount, 0.0)
            taken[source] = taken.get(source, Decimal(0)) + Decimal(repr(amount))
        for source, limit in before.items():                 # no limit exceeded
            self.assertLessEqual(taken.get(source, 0), Decimal(repr(limit)) + Decimal('0.001'))
        if rest and not before:
            self.fail('no limits, yet %s was not placed' % rest)

    def test_not_to_exceed_over_sources_then_on_hold(self):
        """A contract's not-to-exceed covers its billable sources together;
        what crosses it goes to the on-hold rule, which it does not cover."""
        chain = [('r1', [('A', 70.0, True), ('B', 30.0, False)]), ('hold', [('H', 100.0, True)])]
        headroom = {'nte': 1000.0}
        limits_of = {'A': ['nte'], 'B': ['nte']}
        parts, rest = fill(800.0, chain, headroom, limits_of=limits_of)
        self.assertEqual([(p[1], p[4]) for p in parts], [('A', 560.0), ('B', 240.0)])
        parts, rest = fill(500.0, chain, headroom, limits_of=limits_of)
        self.assertEqual(([(p[1], p[4]) for p in parts], rest),
                         ([('A', 140.0), ('B', 60.0), ('H', 300.0)], 0.0))
        self.assertEqual(headroom, {'nte': 0.0})

    @settings(max_examples=200, deadline=None, database=None, derandomize=True)
    @given(amounts=st.lists(st.integers(min_value=-10 ** 5, max_value=10 ** 6), max_size=8),
           pct=st.integers(min_value=1, max_value=99),
           nte=st.integers(min_value=0, max_value=3 * 10 ** 6),
           limit_a=st.none() | st.integers(min_value=0, max_value=10 ** 6))
    def test_property_not_to_exceed(self, amounts, pct, nte, limit_a):
        """Over a sequence of transactions: every one placed exactly, the
        billable sources together never above the not-to-exceed (nor A above
        its own limit), and on hold only what a limit kept out."""
        chain = [('r1', [('A', float(pct), True), ('B', float(100 - pct), False)]),
                 ('hold', [('H', 100.0, True)])]
        headroom = {'nte': nte / 100.0}
        limits_of = {'A': ['nte'], 'B': ['nte']}
        if limit_a is not None:
            headroom['A'] = limit_a / 100.0
            limits_of['A'] = ['A', 'nte']
        billable, held, own = Decimal(0), Decimal(0), Decimal(0)
        for cents in amounts:
            roomy = cents > 0 and min(headroom.values()) >= cents / 100.0
            parts, rest = fill(cents / 100.0, chain, headroom, limits_of=limits_of)
            self.assertEqual(rest, 0.0)                      # the on-hold rule takes any rest
            self.assertEqual(sum(Decimal(repr(p[4])) for p in parts), Decimal(cents) / 100)
            for _r, source, _p, _x, amount in parts:
                if source == 'H':
                    self.assertGreaterEqual(amount, 0.0)
                    held += Decimal(repr(amount))
                else:
                    billable += Decimal(repr(amount))
                    own += Decimal(repr(amount)) if source == 'A' else 0
            if roomy:
                self.assertFalse([p for p in parts if p[1] == 'H'])  # room enough: nothing held
        positive = sum(Decimal(c) for c in amounts if c > 0) / 100
        if all(c >= 0 for c in amounts):
            self.assertLessEqual(billable, Decimal(nte) / 100)
            if limit_a is not None:
                self.assertLessEqual(own, Decimal(limit_a) / 100)
        self.assertLessEqual(held, positive)
