"""What input is accepted for each field type (pure function, no database)."""
import math
import unittest

from hypothesis import given, strategies as st

from ..input_types import problem, referenced_ids


class TestInputTypes(unittest.TestCase):

    def test_examples(self):
        self.assertEqual(problem('monetary', 'twelve'), 'number')
        self.assertEqual(problem('float', float('nan')), 'number')
        self.assertEqual(problem('float', 'inf'), 'number')
        self.assertIsNone(problem('float', '12.50'))
        self.assertIsNone(problem('float', False))
        self.assertEqual(problem('float', True), 'number')
        self.assertEqual(problem('integer', 2.5), 'integer')
        self.assertEqual(problem('many2one', '7'), 'id')
        self.assertEqual(problem('many2one', -3), 'id')
        self.assertIsNone(problem('many2one', 0))
        self.assertEqual(problem('many2one', True), 'id')
        self.assertEqual(problem('date', '30-11-2026'), 'date')
        self.assertIsNone(problem('date', '2026-11-30'))
        self.assertEqual(problem('datetime', '2026-11-30 25:00:00'), 'datetime')
        self.assertEqual(problem('many2many', [6, 0, [1]]), 'commands')
        for garbage in ([(0, 0, 'x')], [(6, 0, 5)], [(0,)], [(1, 7, 'x')], [(4, 'a')],
                        [(6, 0, [1, -2])], [(True, 0, {})], [(7, 1)]):
            self.assertEqual(problem('one2many', garbage), 'commands', garbage)
        self.assertIsNone(problem('one2many', [(0, 0, {'a': 1}), (1, 3, {}), (2, 4), (5,)]))
        self.assertIsNone(problem('many2many', [(6, 0, [1, 2])]))
        self.assertEqual(referenced_ids('many2many', [(6, 0, [1, 2]), (4, 9), (0, 0, {})]),
                         [1, 2, 9])

    @given(st.floats(allow_nan=True, allow_infinity=True))
    def test_a_float_is_accepted_when_finite_and_in_range(self, value):
        ok = math.isfinite(value) and abs(value) < 1e15
        self.assertEqual(problem('float', value) is None, ok)
        self.assertEqual(problem('monetary', repr(value)) is None, ok)

    @given(st.text())
    def test_text_is_a_number_only_when_it_reads_as_one(self, value):
        try:
            ok = math.isfinite(float(value)) and abs(float(value)) < 1e15
        except ValueError:
            ok = False
        self.assertEqual(problem('float', value) is None, ok or value == '')

    @given(st.one_of(st.integers(), st.booleans(), st.text(), st.floats(allow_nan=False)))
    def test_a_many2one_is_a_positive_id(self, value):
        # False, '' and 0 are empty (the ORM writes NULL)
        ok = value is False or value == '' or (
            isinstance(value, int) and not isinstance(value, bool) and value >= 0)
        self.assertEqual(problem('many2one', value) is None, ok)
