"""The plan PostgreSQL would use for an ORM search, sequential scans
forbidden: whether an index can serve the search at all."""


def search_plan(model, domain, select='id'):
    from_clause, where_clause, params = model._where_calc(domain).get_sql()
    cr = model.env.cr
    cr.execute('SET LOCAL enable_seqscan = off')
    cr.execute('EXPLAIN SELECT %s FROM %s WHERE %s' % (select, from_clause, where_clause), params)
    return ' '.join(row[0] for row in cr.fetchall())
