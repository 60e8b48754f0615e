"""Column arrays for set-based SQL (INSERT ... SELECT FROM unnest(...)).

psycopg2 sends a Python list as ARRAY[v1, v2, ...], an expression with one
node per value that PostgreSQL parses and casts value by value: 3.5 s for
200,000 rows of 11 columns, more than the insert itself. An array literal
'{...}' is read by the element type's input function in one go (0.5 s).
"""


def array_literal(values):
    """`values` as a PostgreSQL array literal, for a `%s::<type>[]`
    parameter: None is NULL, every other value is quoted (text, numbers,
    dates and booleans are read by their type's input function)."""
    return '{%s}' % ','.join('NULL' if value is None else _element(value) for value in values)


def _element(value):
    # str() of a float is its shortest exact repr in Python 3
    text = ('true' if value else 'false') if isinstance(value, bool) else str(value)
    return '"%s"' % text.replace('\\', '\\\\').replace('"', '\\"')
