from hypothesis import given, settings, strategies as st

from odoo.tests.common import TransactionCase

from ..pg_array import array_literal, insert_columns

# PostgreSQL text holds any character but NUL
TEXT = st.text(alphabet=st.characters(blacklist_characters='\x00', blacklist_categories=('Cs',)))


class TestArrayLiteral(TransactionCase):
    """array_literal() reads back in PostgreSQL as the very values given."""

    def read_back(self, values, pg_type):
        self.env.cr.execute('SELECT %%s::%s[]' % pg_type, (array_literal(values),))
        return self.env.cr.fetchone()[0]

    def test_examples(self):
        self.assertEqual(self.read_back([1, None, -7], 'int4'), [1, None, -7])
        awkward = ['a,b', '"q"', 'back\\slash', '{x}', 'NULL', '', ' s ']
        self.assertEqual(self.read_back(awkward, 'varchar'), awkward)
        self.assertEqual(self.read_back([True, False, None], 'bool'), [True, False, None])
        numbers = [0.1, 1e-07, 12345678.125]
        self.assertEqual([float(v) for v in self.read_back(numbers, 'numeric')], numbers)
        self.assertEqual([str(d) for d in self.read_back(['2026-11-30'], 'date')], ['2026-11-30'])
        self.assertEqual(self.read_back([], 'int4'), [])

    @settings(max_examples=150, deadline=None)
    @given(st.lists(st.one_of(st.none(), TEXT), max_size=8))
    def test_text_round_trip(self, values):
        self.assertEqual(self.read_back(values, 'varchar'), values)

    @settings(max_examples=150, deadline=None)
    @given(st.lists(st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False,
                                                   width=64)), max_size=8))
    def test_float_round_trip(self, values):
        self.assertEqual(self.read_back(values, 'float8'), values)

    @settings(max_examples=100, deadline=None)
    @given(st.lists(st.one_of(st.none(), st.integers(-2 ** 31, 2 ** 31 - 1)), max_size=8))
    def test_integer_round_trip(self, values):
        self.assertEqual(self.read_back(values, 'int4'), values)

    def test_insert_columns(self):
        cr = self.env.cr
        cr.execute('CREATE TEMP TABLE pg_array_test (id serial, kind varchar, n int4, x numeric)')
        ids = insert_columns(cr, 'pg_array_test', {'kind': 'fixed, "quoted"'}, [
            ('n', 'int4', [1, None, 3]), ('x', 'numeric', [0.5, 2.25, None])], returning='id')
        self.assertEqual(len(ids), 3)
        cr.execute('SELECT id, kind, n, x FROM pg_array_test ORDER BY id')
        self.assertEqual([(i, k, n, x if x is None else float(x)) for i, k, n, x in cr.fetchall()],
                         [(ids[0], 'fixed, "quoted"', 1, 0.5), (ids[1], 'fixed, "quoted"', None, 2.25),
                          (ids[2], 'fixed, "quoted"', 3, None)])
        self.assertIsNone(insert_columns(cr, 'pg_array_test', {}, [('n', 'int4', [7])]))
