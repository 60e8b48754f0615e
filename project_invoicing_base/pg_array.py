"""Column arrays for set-based SQL (INSERT ... SELECT FROM unnest(...)).

psycopg2 sends a Python list as ARRAY[v1, v2, ...], an expression with one
node per value that PostgreSQL parses and casts value by value: 3.5 s for
200,000 rows of 11 columns, more than the insert itself. An array literal
'{...}' is read by the element type's input function in one go (0.5 s).
"""


def array_literal(values):
    """`values` as a PostgreSQL array literal, for a `%s::<type>[]`
    parameter: None is NULL; numbers go as they are, text and dates quoted
    (every element is read by its type's input function, so an integer
    column takes Python ints: 10.0 or True is refused, not converted)."""
    if set(map(type, values)) <= _NUMBERS:  # ids and amounts, the most of a bulk insert
        return '{%s}' % ','.join(map(str, values)).replace('None', 'NULL')
    return '{%s}' % ','.join(map(_element, values))


_NUMBERS = {int, float, type(None)}


def _element(value):
    kind = type(value)
    if value is None:
        return 'NULL'
    if kind is int or kind is float:  # str() of a float is its shortest exact repr
        return str(value)
    if kind is bool:
        return 'true' if value else 'false'
    return '"%s"' % str(value).replace('\\', '\\\\').replace('"', '\\"')


def insert_columns(cr, table, fixed, columns, returning=None):
    """Insert one row into `table` per position of the column arrays, in one
    statement: `fixed` {column: value} shared by every row (sent once),
    `columns` [(column, PostgreSQL type, values)]. Returns the `returning`
    column of the new rows, in order, when asked."""
    # table, column and type names come from the calling code, never from input
    query = 'INSERT INTO %s (%s) SELECT %s FROM unnest(%s) AS u%s' % (
        table, ','.join(list(fixed) + [name for name, _type, _values in columns]),
        ','.join(['%s'] * len(fixed) + ['u.*']),
        ','.join('%%s::%s[]' % pg_type for _name, pg_type, _values in columns),
        ' RETURNING %s' % returning if returning else '')
    cr.execute(query, list(fixed.values()) +  # pylint: disable=sql-injection
               [array_literal(values) for _name, _type, values in columns])
    return [row[0] for row in cr.fetchall()] if returning else None
