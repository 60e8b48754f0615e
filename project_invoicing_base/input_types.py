"""What a value sent for a field of a given type must look like.

Odoo 11 converts values late (in the ORM's SQL layer), so a wrong type sent
over XML-RPC ends as a bare Python traceback and NaN is stored as a number.
Pure functions, property-tested: the model mixin asks them first."""
import math
from datetime import datetime

NUMBERS = ('float', 'monetary')
LIMIT = 1e15  # no amount or quantity comes near; Decimal rounding fails far above
COMMANDS = range(0, 7)


def _number(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def problem(ftype, value):
    """None when `value` is acceptable for a field of type `ftype`, else
    the kind of value expected: 'number', 'integer', 'id', 'date',
    'datetime' or 'commands'."""
    if value is False or value is None or value == '':
        return None                          # empty: required-ness is Odoo's own check
    if ftype in NUMBERS:
        number = _number(value)
        if number is None or not math.isfinite(number):
            return 'number'
        if abs(number) >= LIMIT:
            return 'range'
    elif ftype == 'integer':
        number = _number(value)
        if number is None or not math.isfinite(number) or number != int(number) \
                or abs(number) >= 2 ** 31:
            return 'integer'
    elif ftype == 'many2one':
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            return 'id'
    elif ftype in ('date', 'datetime'):
        size = 10 if ftype == 'date' else 19
        pattern = '%Y-%m-%d' if ftype == 'date' else '%Y-%m-%d %H:%M:%S'
        try:
            datetime.strptime(str(value)[:size], pattern)
        except ValueError:
            return ftype
    elif ftype in ('one2many', 'many2many'):
        if not isinstance(value, (list, tuple)) or not all(_command(c) for c in value):
            return 'commands'
    return None


def _id(value):
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _command(c):
    """An x2many command of the ORM's own shapes: (0, _, vals),
    (1, id, vals), (2, id), (3, id), (4, id), (5,), (6, _, ids)."""
    if not isinstance(c, (list, tuple)) or not c or c[0] not in COMMANDS \
            or isinstance(c[0], bool):
        return False
    op = c[0]
    if op == 0:
        return len(c) == 3 and isinstance(c[2], dict)
    if op == 1:
        return len(c) == 3 and _id(c[1]) and isinstance(c[2], dict)
    if op in (2, 3, 4):
        return len(c) >= 2 and _id(c[1])
    if op == 5:
        return True
    return len(c) == 3 and isinstance(c[2], (list, tuple)) and all(_id(i) for i in c[2])


def referenced_ids(ftype, value):
    """Ids of existing records this value points to (many2one value, 0
    being empty as for the ORM, or
    the ids in many2many/one2many commands 1-4 and 6)."""
    if ftype == 'many2one':
        return [value] if value else []
    ids = []
    if ftype in ('one2many', 'many2many'):
        for command in value or ():
            if command[0] in (1, 2, 3, 4) and len(command) > 1:
                ids.append(command[1])
            elif command[0] == 6 and len(command) > 2:
                ids.extend(command[2] or [])
    return ids
