"""The hours annex grouping (pure function, no database)."""
import unittest
from decimal import Decimal

from hypothesis import given, settings, strategies as st

from ..annex import build, total, total_quantity


def row(amount, project=1, task=None, employee=None, date='2026-03-02', quantity=1.0,
        description='Work'):
    return {'project_id': project, 'project': 'P%s' % project, 'task_id': task,
            'task': task and 'T%s' % task, 'employee_id': employee,
            'employee': employee and 'E%s' % employee, 'date': date,
            'description': description, 'quantity': quantity, 'price': amount,
            'share': 100.0, 'amount': amount}


class TestAnnex(unittest.TestCase):

    def test_none_has_no_annex(self):
        self.assertEqual(build([row(10.0)], 'none'), [])
        with self.assertRaises(ValueError):
            build([row(10.0)], 'customer')

    def test_groups_subtotals_and_total(self):
        rows = [row(70.0, task=1, employee=2, quantity=1.0), row(0.1, task=2, employee=1),
                row(0.2, task=1, employee=1), row(-70.0, task=1, employee=2, quantity=-1.0)]
        by_task = build(rows, 'task')
        self.assertEqual([g['label'] for g in by_task], ['T1', 'T2'])
        self.assertEqual([g['amount'] for g in by_task], [Decimal('0.20'), Decimal('0.10')])
        self.assertEqual([g['quantity'] for g in by_task], [Decimal('1.00'), Decimal('1.00')])
        by_employee = build(rows, 'employee')
        self.assertEqual([g['label'] for g in by_employee], ['E1', 'E2'])
        self.assertEqual([g['amount'] for g in by_employee], [Decimal('0.30'), Decimal('0.00')])
        # 0.1 + 0.2 in floats is 0.30000000000000004: the total is exact
        self.assertEqual(total(by_task), Decimal('0.30'))
        self.assertEqual(total(build(rows, 'project')), Decimal('0.30'))

    def test_missing_task_or_employee_comes_last(self):
        groups = build([row(1.0), row(2.0, task=9), row(3.0, task=1)], 'task', missing='No task')
        self.assertEqual([g['label'] for g in groups], ['T1', 'T9', 'No task'])

    def test_task_names_the_project_when_several(self):
        groups = build([row(1.0, project=1, task=1), row(2.0, project=2, task=1)], 'task')
        self.assertEqual([g['label'] for g in groups], ['P1 / T1', 'P2 / T1'])

    def test_rows_by_date_then_employee(self):
        rows = [row(1.0, employee=2, date='2026-03-03'), row(2.0, employee=2, date='2026-03-01'),
                row(3.0, employee=1, date='2026-03-03')]
        [group] = build(rows, 'project')
        self.assertEqual([r['amount'] for r in group['rows']],
                         [Decimal('2.00'), Decimal('3.00'), Decimal('1.00')])

    def test_currency_without_decimals(self):
        [group] = build([row(1000.4), row(0.6)], 'project', rounding=1.0)
        self.assertEqual(group['amount'], Decimal(1001))


cents = st.integers(min_value=-10 ** 8, max_value=10 ** 8)
rows_st = st.lists(st.builds(
    lambda c, p, t, e, q: row(c / 100.0, project=p, task=t, employee=e, quantity=q / 100.0),
    cents, st.integers(1, 3), st.one_of(st.none(), st.integers(1, 4)),
    st.one_of(st.none(), st.integers(1, 4)), st.integers(-10 ** 6, 10 ** 6)), max_size=60)


class TestAnnexProperties(unittest.TestCase):

    @settings(max_examples=200, deadline=None, database=None, derandomize=True)
    @given(rows_st, st.sampled_from(['project', 'task', 'employee']))
    def test_subtotals_sum_to_the_total_to_the_cent(self, rows, grouping):
        groups = build(rows, grouping)
        expected = sum(Decimal(round(r['amount'] * 100)) for r in rows) / 100
        self.assertEqual(total(groups), expected)
        self.assertEqual(sum(len(g['rows']) for g in groups), len(rows))
        self.assertEqual(total_quantity(groups),
                         sum(Decimal(round(r['quantity'] * 100)) for r in rows) / 100)
        for group in groups:
            self.assertEqual(group['amount'], sum(r['amount'] for r in group['rows']))
            self.assertEqual(group['amount'] % Decimal('0.01'), 0)
        # each group holds the rows of one key, and no key twice
        keys = [g['key'] for g in groups]
        self.assertEqual(len(keys), len(set(keys)))

    @settings(max_examples=100, deadline=None, database=None, derandomize=True)
    @given(st.lists(st.tuples(st.integers(1, 4), st.lists(cents, min_size=1, max_size=8)),
                    max_size=10))
    def test_subtotal_is_the_invoice_lines_it_makes_up(self, invoice_lines):
        """Invoice lines per employee (each the exact sum of its proposal
        lines' amounts): the employee's subtotal is the sum of its lines."""
        rows, by_employee = [], {}
        for employee, amounts in invoice_lines:
            rows.extend(row(c / 100.0, employee=employee) for c in amounts)
            by_employee[employee] = by_employee.get(employee, 0) + sum(amounts)
        groups = build(rows, 'employee')
        self.assertEqual(dict((g['key'][0], g['amount']) for g in groups),
                         dict((e, Decimal(c) / 100) for e, c in by_employee.items()))
