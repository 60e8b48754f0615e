"""The ranking of suggested purchase orders (pure function, no database)."""
import unittest
from datetime import date, timedelta

from hypothesis import given, settings, strategies as st

from ..po_suggestion import Candidate, only_fit, rank, reference_found, within_tolerance

INVOICE = date(2026, 2, 1)
TEXTS = [('name', 'Consulting January'), ('number', 'V-100')]


def po(key, amount, days=0, name=None, ref=None):
    return Candidate(key, name or 'PO%05d' % key, ref, INVOICE - timedelta(days=days), amount)


class TestRank(unittest.TestCase):

    def keys(self, candidates, amount=100.0, texts=TEXTS, tolerance=(0.0, 2.0)):
        return [s.key for s in rank(candidates, amount, INVOICE, texts, tolerance)]

    def test_fit_then_reference_then_date(self):
        # 101.50 fits 100.00 within 2.00; 90.00 ordered 2 days before, 120.00 7 days
        ranked = rank([po(1, 90.0, 2), po(2, 101.5, 22), po(3, 120.0, 7)], 100.0, INVOICE,
                      TEXTS, (0.0, 2.0))
        self.assertEqual([(s.key, s.rank, s.fits, s.days) for s in ranked],
                         [(2, 1, True, 22), (1, 2, False, 2), (3, 3, False, 7)])
        self.assertEqual(ranked[0].difference, 1.5)
        self.assertEqual(ranked[0].reasons, [('fits', 1.5), ('days', 22)])
        self.assertEqual(only_fit(ranked), 2)
        # the reference beats the date, not the fit
        texts = [('name', 'Consulting, our order PO00003'), ('number', 'V-100')]
        ranked = rank([po(1, 90.0, 2), po(2, 101.5, 22), po(3, 120.0, 7)], 100.0, INVOICE,
                      texts, (0.0, 2.0))
        self.assertEqual([s.key for s in ranked], [2, 3, 1])
        self.assertEqual(ranked[1].reasons, [('differs', 20.0), ('reference', 'PO00003', 'name'),
                                             ('days', 7)])

    def test_vendor_reference_in_the_invoice_number(self):
        texts = [('name', 'Consulting'), ('number', 'inv 2026/7 for so-4711')]
        ranked = rank([po(1, 50.0, 1), po(2, 60.0, 9, ref='SO-4711')], 100.0, INVOICE, texts,
                      (0.0, 0.0))
        self.assertEqual([s.key for s in ranked], [2, 1])
        self.assertIn(('reference', 'SO-4711', 'number'), ranked[0].reasons)

    def test_several_or_no_fits_link_nothing(self):
        self.assertIsNone(only_fit(rank([po(1, 99.0), po(2, 100.5)], 100.0, INVOICE, TEXTS,
                                        (0.0, 2.0))))
        self.assertIsNone(only_fit(rank([po(1, 90.0)], 100.0, INVOICE, TEXTS, (0.0, 2.0))))
        self.assertIsNone(only_fit([]))

    def test_tolerance_edges(self):
        # the amount: 2.00 fits, 2.01 not; the percent: 10 % of 75.00 is 7.50
        self.assertTrue(within_tolerance(2.0, 100.0, 0.0, 2.0, 0.01))
        self.assertFalse(within_tolerance(2.01, 100.0, 0.0, 2.0, 0.01))
        self.assertTrue(within_tolerance(-7.5, 75.0, 10.0, 0.0, 0.01))
        self.assertFalse(within_tolerance(7.51, 75.0, 10.0, 0.0, 0.01))
        # no tolerance: only a nil difference (to the cent) passes
        self.assertTrue(within_tolerance(0.004, 75.0, 0.0, 0.0, 0.01))
        self.assertFalse(within_tolerance(0.01, 75.0, 0.0, 0.0, 0.01))

    def test_reference_as_a_word(self):
        self.assertTrue(reference_found('PO00012', 'see po00012, thanks'))
        self.assertFalse(reference_found('PO0001', 'PO00012'))
        self.assertFalse(reference_found('12', 'order 12'))          # too short to mean much
        self.assertFalse(reference_found(None, 'PO00012'))
        self.assertFalse(reference_found('PO00012', None))

    def test_no_dates_rank_last_among_equals(self):
        undated = Candidate(1, 'PO00001', None, None, 50.0)
        self.assertEqual(self.keys([undated, po(2, 50.0, 30)]), [2, 1])
        self.assertEqual(rank([undated], 100.0, None, TEXTS, (0.0, 0.0))[0].days, None)


amounts = st.integers(min_value=0, max_value=100000).map(lambda c: c / 100.0)
candidates = st.lists(st.tuples(amounts, st.integers(min_value=0, max_value=400),
                                st.booleans()), max_size=8)


class TestRankProperties(unittest.TestCase):

    @settings(max_examples=300, deadline=None, database=None, derandomize=True)
    @given(candidates=candidates, amount=amounts, pct=st.sampled_from([0.0, 1.0, 10.0]),
           absolute=st.sampled_from([0.0, 0.5, 5.0]), seed=st.randoms(use_true_random=False))
    def test_property_order(self, candidates, amount, pct, absolute, seed):
        pos = [po(i + 1, a, days, name='PO9%04d' % (i + 1)) for i, (a, days, _r) in
               enumerate(candidates)]
        # the numbers of some orders stand in the description
        texts = [('name', ' '.join(p.name for p, (_a, _d, r) in zip(pos, candidates) if r)),
                 ('number', 'X')]
        ranked = rank(pos, amount, INVOICE, texts, (pct, absolute))
        # a permutation, ranked 1..n, the same whatever the input order
        self.assertEqual(sorted(s.key for s in ranked), [p.key for p in pos])
        self.assertEqual([s.rank for s in ranked], list(range(1, len(pos) + 1)))
        shuffled = list(pos)
        seed.shuffle(shuffled)
        self.assertEqual(rank(shuffled, amount, INVOICE, texts, (pct, absolute)), ranked)
        by_key = dict((p.key, p) for p in pos)
        for s in ranked:
            self.assertEqual(s.fits, within_tolerance(by_key[s.key].amount_to_invoice - amount,
                                                      amount, pct, absolute, 0.01))
            self.assertEqual(s.reference, candidates[s.key - 1][2])
        # fits first; then referenced ones; then the closer order date
        for a, b in zip(ranked, ranked[1:]):
            self.assertGreaterEqual((a.fits, a.reference), (b.fits, b.reference))
            if (a.fits, a.reference) == (b.fits, b.reference):
                self.assertLessEqual(a.days, b.days)
        fitting = [s.key for s in ranked if s.fits]
        self.assertEqual(only_fit(ranked), fitting[0] if len(fitting) == 1 else None)
