"""The hours annex of a project invoice: its transactions grouped by project,
task or employee, with a subtotal per group and a grand total. Pure: no Odoo.

build(rows, grouping, rounding) -> list of groups, or [] for grouping 'none'.

    rows: dicts with project_id, project, task_id, task, employee_id, employee
          (ids and display names; falsy when the transaction has none), date,
          description, quantity, price, share, amount (signed as on the
          proposal line: a credit is negative)
    group: {'key', 'label', 'rows', 'quantity', 'amount'}; the amounts are
          Decimals rounded to the currency, so that subtotals add up to the
          total exactly (floats may not, by a cent over many lines)

total(groups) is the grand total, the sum of the subtotals.
"""
from decimal import Decimal

from .allocation import to_decimal

GROUPINGS = ('none', 'project', 'task', 'employee')
QUANTITY_ROUNDING = 0.01  # the proposal line's quantity digits (16, 2)


def _key(row, grouping, several_projects):
    """(sort key, group key, label parts) of `row` under `grouping`."""
    if grouping == 'project':
        return (row['project_id'] or 0,), [row['project']]
    if grouping == 'task':
        # tasks of different projects may share a name: the project tells them apart
        parts = [row['project']] if several_projects else []
        return (row['project_id'] or 0, row['task_id'] or 0), parts + [row['task']]
    return (row['employee_id'] or 0,), [row['employee']]


def _row_order(row):
    return tuple(str(row[name] or '') for name in ('date', 'employee', 'task', 'description'))


def build(rows, grouping, rounding=0.01, missing='-'):
    """The groups of `rows` (see the module doc). `missing` names what a
    row lacks (no task, no employee); groups of it come last."""
    if grouping not in GROUPINGS:
        raise ValueError('unknown annex grouping %r' % (grouping,))
    if grouping == 'none':
        return []
    several_projects = len(set(row['project_id'] for row in rows)) > 1
    groups = {}
    for row in rows:
        key, parts = _key(row, grouping, several_projects)
        group = groups.get(key)
        if group is None:
            label = ' / '.join(part or missing for part in parts)
            group = groups[key] = {'key': key, 'label': label, 'rows': [],
                                   'quantity': Decimal(0), 'amount': Decimal(0),
                                   'incomplete': not all(parts)}
        amount = to_decimal(row['amount'], rounding)
        quantity = to_decimal(row['quantity'], QUANTITY_ROUNDING)
        group['rows'].append(dict(row, amount=amount, quantity=quantity))
        group['amount'] += amount
        group['quantity'] += quantity
    for group in groups.values():
        group['rows'].sort(key=_row_order)  # stable: equal rows keep their order
    ordered = sorted(groups.values(),
                     key=lambda g: (g['incomplete'], g['label'].lower(), g['key']))
    for group in ordered:
        del group['incomplete']
    return ordered


def total(groups):
    """The grand total (a Decimal): the sum of the subtotals."""
    return sum((group['amount'] for group in groups), Decimal(0))


def total_quantity(groups):
    return sum((group['quantity'] for group in groups), Decimal(0))
