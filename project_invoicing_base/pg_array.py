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
