"""Benchmark: periodic project invoicing and the invoice pool, each against
Odoo's own way of doing the same (run by setup/bench, not by setup/test).

Data is generated once per size with a fixed seed and committed; every timed
run happens in a transaction that is rolled back, so the runs see the same
data. Time is wall clock, queries are the cursor's own count, rows read are
PostgreSQL's count for the run's transactions (rows of the tables read by
sequential scans, entries of the indexes returned by index scans): unlike
the time, the queries and rows read per unit do not drift with the machine.
"""
import argparse
import json
import os
import random
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'setup'))
import odoo11_compat  # noqa: E402

import odoo  # noqa: E402

odoo11_compat.patch_odoo()
from odoo import SUPERUSER_ID, api  # noqa: E402

DATE = '2026-10-%02d'


RELATIONS = []


def rows_read(cr):
    """Rows read so far (of tables by sequential scans, of indexes by index
    scans) as PostgreSQL counts them for this transaction, read before and
    after the work (the count may include earlier transactions' not yet
    flushed). Asked of each table and index by oid: the statistics views
    join the catalogs and would cost 10 ms a call."""
    if not RELATIONS:
        cr.execute("SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                   " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i')")
        RELATIONS.extend(oid for oid, in cr.fetchall())
    cr.execute('SELECT COALESCE(SUM(pg_stat_get_xact_tuples_returned(r)), 0) FROM unnest(%s::oid[]) r',
               (RELATIONS,))
    return int(cr.fetchone()[0])


def env_for(cr):
    return api.Environment(cr, SUPERUSER_ID, {'tracking_disable': True, 'mail_notrack': True,
                                              'mail_create_nolog': True})


# ----------------------------------------------------------------------
# Scenario A: periodic project invoicing vs sale_timesheet invoicing
# ----------------------------------------------------------------------
def setup_a(env, contracts, lines, rng):
    """C contracts with one T&M project and a 70/30 funding split, and the
    same hours on C sale orders invoiced on timesheets."""
    employees = env['hr.employee'].browse([env['hr.employee'].create(
        {'name': 'Bench employee %d' % i, 'timesheet_cost': 40.0}).id for i in range(5)])
    hours = env['product.product'].create({
        'name': 'Bench hours', 'type': 'service', 'list_price': 100.0, 'taxes_id': [(6, 0, [])],
        'uom_id': env.ref('product.product_uom_hour').id, 'uom_po_id': env.ref('product.product_uom_hour').id})
    so_product = env['product.product'].create({
        'name': 'Bench service on timesheets', 'type': 'service', 'list_price': 100.0,
        'invoice_policy': 'delivery', 'service_type': 'timesheet',
        'service_tracking': 'task_new_project', 'taxes_id': [(6, 0, [])],
        'uom_id': env.ref('product.product_uom_hour').id, 'uom_po_id': env.ref('product.product_uom_hour').id})
    grant = env['res.partner'].create({'name': 'Bench grant', 'customer': True})
    Contract = env['project.contract'].with_context(project_contract_no_default_funding=True)
    ours, orders = env['project.contract'], env['sale.order']
    for c in range(contracts):
        customer = env['res.partner'].create({'name': 'Bench customer %d' % c, 'customer': True})
        contract = Contract.create({'name': 'Bench contract %d' % c, 'partner_id': customer.id,
                                    'hour_product_id': hours.id, 'state': 'active'})
        src_c = env['project.funding.source'].create({'contract_id': contract.id,
                                                      'partner_id': customer.id})
        src_g = env['project.funding.source'].create({'contract_id': contract.id, 'partner_id': grant.id,
                                                      'funding_type': 'grant'})
        env['project.funding.rule'].create({
            'contract_id': contract.id, 'name': '70/30', 'allocation_ids': [
                (0, 0, {'source_id': src_c.id, 'percent': 70.0, 'is_rounding': True}),
                (0, 0, {'source_id': src_g.id, 'percent': 30.0})]})
        project = env['project.project'].create({'name': 'Bench project %d' % c,
                                                 'project_invoice_type': 'time_material',
                                                 'contract_id': contract.id})
        order = env['sale.order'].create({'partner_id': customer.id, 'order_line': [(0, 0, {
            'product_id': so_product.id, 'product_uom_qty': 1.0, 'price_unit': 100.0,
            'tax_id': [(6, 0, [])]})]})
        order.action_confirm()
        task = order.order_line.task_id
        specs = [(i % 5, 'Work %d' % i, rng.choice([0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 7.5, 8.0]),
                  DATE % (1 + i % 28)) for i in range(lines)]
        # the first line of each employee through the ORM (all that Odoo and
        # the addons compute on a new timesheet), the others copied from it
        # in one INSERT per project, their amounts scaled to their hours
        for project_id, task_id in ((project.id, False), (task.project_id.id, task.id)):
            templates = {}
            for emp, name, qty, date in specs[:5]:
                templates[emp] = env['account.analytic.line'].with_context(
                    sale_analytic_norecompute=True).create({
                        'name': name, 'employee_id': employees[emp].id, 'unit_amount': qty,
                        'date': date, 'project_id': project_id, 'task_id': task_id}).id
            clone_lines(env.cr, [(templates[emp], name, qty, date)
                                 for emp, name, qty, date in specs[5:]])
        env.cache.invalidate()
        order.order_line._analytic_compute_delivered_quantity()
        # checked in SQL: reading a thousand lines through the ORM loads all
        # their fields (half of the data's time at 100,000 lines)
        env.cr.execute('SELECT SUM(unit_amount) FROM account_analytic_line WHERE task_id = %s',
                       (task.id,))
        assert order.order_line.qty_delivered == env.cr.fetchone()[0]
        env.cr.execute('SELECT SUM(billing_amount) FROM account_analytic_line WHERE project_id = %s',
                       (project.id,))
        assert round(float(env.cr.fetchone()[0]), 2) == round(sum(q for _e, _n, q, _d in specs) * 100.0, 2)
        ours |= contract
        orders |= order
    return {'contracts': ours.ids, 'orders': orders.ids}


# linear in the hours: scaled from the copied line
SCALED = ('amount', 'amount_currency', 'timesheet_revenue', 'billing_amount', 'billing_cost')


def clone_lines(cr, rows):
    """Timesheet lines as copies of template lines, set-based: rows are
    (template id, name, hours, date)."""
    if not rows:
        return
    cr.execute("SELECT column_name FROM information_schema.columns "
               "WHERE table_name = 'account_analytic_line' AND column_name != 'id'")
    columns = [c for c, in cr.fetchall()]
    exprs = []
    for column in columns:
        if column in ('name', 'date'):
            exprs.append('v.%s' % column)
        elif column == 'unit_amount':
            exprs.append('v.qty')
        elif column in SCALED:
            exprs.append('ROUND(t.%s * (v.qty / t.unit_amount)::numeric, 2)' % column)
        elif column in ('create_date', 'write_date'):
            exprs.append("(now() at time zone 'UTC')")
        else:
            exprs.append('t.%s' % column)
    tmpl, names, qtys, dates = zip(*rows)
    # pylint: disable=sql-injection
    cr.execute('INSERT INTO account_analytic_line (%s) SELECT %s '
               'FROM unnest(%%s::int[], %%s::varchar[], %%s::float8[], %%s::date[]) '
               'AS v(tmpl, name, qty, date) JOIN account_analytic_line t ON t.id = v.tmpl'
               % (', '.join(columns), ', '.join(exprs)),
               (list(tmpl), list(names), list(qtys), list(dates)))


def run_a_ours(env, data):
    contracts = env['project.contract'].browse(data['contracts'])
    report = env['project.periodic.invoice.wizard']._run(contracts, '2026-10-31')
    errors = [e for c, p, e in report if e]
    assert not errors, errors
    invoices = env['account.invoice'].browse([i for c, p, e in report for i in p.mapped('invoice_id').ids])
    assert invoices and set(invoices.mapped('state')) == {'open'}
    return invoices


def run_a_jobs(env, data):
    """The same run as queue_job jobs of 20 contracts, each performed here in
    turn (what the job runner does, without its HTTP round trips)."""
    from odoo.addons.queue_job.job import Job
    env.user.company_id.write({'project_invoicing_job_threshold': 1,
                               'project_invoicing_chunk_size': 20})
    contracts = env['project.contract'].browse(data['contracts'])
    run = env['project.invoicing.run']._start(contracts, '2026-10-31', None, True)
    jobs = env['queue.job'].search([('model_name', '=', 'project.invoicing.run'),
                                    ('record_ids', 'like', '[%d]' % run.id)])
    for job in jobs:
        Job.load(env, job.uuid).perform()
    assert run.state == 'done', run.line_ids.mapped('error')
    invoices = run.invoice_ids
    assert invoices and set(invoices.mapped('state')) == {'open'}
    return invoices


def run_a_odoo(env, data):
    orders = env['sale.order'].browse(data['orders'])
    invoice_ids = orders.action_invoice_create()
    invoices = env['account.invoice'].browse(invoice_ids)
    invoices.action_invoice_open()
    assert set(invoices.mapped('state')) == {'open'}
    return invoices


# ----------------------------------------------------------------------
# Scenario B: the invoice pool vs bills made straight from the POs
# ----------------------------------------------------------------------
def setup_b(env, bills, rng):
    product = env['product.product'].create({
        'name': 'Bench service', 'type': 'service', 'purchase_method': 'purchase',
        'supplier_taxes_id': [(6, 0, [])]})
    vendors = [env['res.partner'].create({'name': 'Bench vendor %d' % v, 'supplier': True}).id
               for v in range(10)]
    orders = []
    for k in range(bills):
        po = env['purchase.order'].create({'partner_id': vendors[k % 10], 'order_line': [(0, 0, {
            'product_id': product.id, 'name': 'Service', 'product_qty': 1.0,
            'price_unit': rng.randint(1000, 99999) / 100.0, 'product_uom': product.uom_po_id.id,
            'date_planned': DATE % 1, 'taxes_id': [(6, 0, [])]})]})
        po.button_confirm()
        orders.append(po.id)
    approver = env.ref('base.user_root')
    return {'orders': orders, 'approver': approver.id, 'tag': rng.randint(0, 10 ** 9)}


def post_register(env, orders, data, prefix):
    """A register of one entry per purchase order, posted."""
    register = env['account.invoice.register'].create({'line_ids': [(0, 0, {
        'partner_id': po.partner_id.id, 'vendor_invoice_number': '%s%d-%d' % (prefix, data['tag'], po.id),
        'invoice_date': DATE % 2, 'name': po.name, 'amount': po.amount_total, 'purchase_id': po.id,
        'approver_id': data['approver']}) for po in env['purchase.order'].browse(orders)]})
    register.action_post()
    return register


def run_b_ours(env, data):
    register = post_register(env, data['orders'], data, 'B')
    bills = env['account.invoice']
    for line in register.line_ids:
        bills |= env['account.invoice'].browse(line.action_create_bill()['res_id'])
    bills.action_update_matching_status()
    bills.action_invoice_open()
    assert set(register.line_ids.mapped('pool_state')) == {'invoiced'}
    return bills


def run_b_jobs(registry, data):
    """The same bills as a clerk makes them, each request committed:
    registers of 50 entries posted, a bill per entry (a click each), the
    matching status of all, then Validate in the background (Enqueue
    Validation): one job per bill, each performed
    here in a transaction of its own (what the job runner does, without its
    HTTP round trips). It commits, so it runs on POs of its own, made first
    with the size's seed (same amounts) and not timed."""
    from odoo.addons.queue_job.job import Job
    with registry.cursor() as cr:
        data = dict(data, **setup_b(env_for(cr), len(data['orders']), random.Random(data['seed'])))
    vacuum(registry)
    queries, rows, counting, t0 = 0, 0, 0.0, time.perf_counter()

    def step(work):
        # a request of its own, as Odoo serves one: its own cursor, and its
        # own environments (their record cache otherwise spans the steps)
        nonlocal queries, rows, counting
        api.Environment.reset()
        with registry.cursor() as cr:
            t = time.perf_counter()
            before, count = rows_read(cr), cr.sql_log_count
            counting += time.perf_counter() - t
            result = work(env_for(cr))
            queries += cr.sql_log_count - count
            t = time.perf_counter()
            rows += rows_read(cr) - before
            counting += time.perf_counter() - t
        return result
    orders = data['orders']

    # a clerk keys the invoices as they come, a register of 50 at a time
    entries = [entry for start in range(0, len(orders), 50) for entry in step(
        lambda env: post_register(env, orders[start:start + 50], data, 'J').line_ids.ids)]
    bills = [step(lambda env: env['account.invoice.register.line'].browse(entry)
                  .action_create_bill()['res_id']) for entry in entries]
    step(lambda env: env['account.invoice'].browse(bills).action_update_matching_status())
    step(lambda env: env['account.invoice.confirm'].with_context(active_ids=bills).create({})
         .enqueue_invoice_confirm())
    uuids = step(lambda env: env['account.invoice'].browse(bills).mapped('validation_job_ids.uuid'))
    for uuid in uuids:
        step(lambda env: Job.load(env, uuid).perform())
    seconds = time.perf_counter() - t0 - counting
    total = step(lambda env: [(i.state, i.amount_total) for i in env['account.invoice'].browse(bills)])
    assert set(state for state, _a in total) == {'open'}
    return seconds, (queries, rows), None, [amount for _s, amount in total]


run_b_jobs.commits = True


def run_b_odoo(env, data):
    bills = env['account.invoice']
    for po in env['purchase.order'].browse(data['orders']):
        bill = env['account.invoice'].create({
            'type': 'in_invoice', 'partner_id': po.partner_id.id, 'purchase_id': po.id,
            'reference': 'O%d-%d' % (data['tag'], po.id), 'date_invoice': DATE % 2})
        bill.purchase_order_change()
        bill.compute_taxes()
        bills |= bill
    bills.action_invoice_open()
    return bills


# ----------------------------------------------------------------------
def vacuum(registry):
    """Rolled-back runs leave dead row versions behind (thousands of status
    updates and inserts); clear them so every run starts from the same state."""
    with registry.cursor() as cr:
        cr.autocommit(True)
        cr.execute('VACUUM ANALYZE')


def timed(registry, func, data):
    if getattr(func, 'commits', False):
        return func(registry, data)
    vacuum(registry)
    with registry.cursor() as cr:
        env = env_for(cr)
        r0 = rows_read(cr)
        q0, t0 = cr.sql_log_count, time.perf_counter()
        result = func(env, data)
        env['base'].recompute()
        seconds = time.perf_counter() - t0
        queries = cr.sql_log_count - q0
        rows = rows_read(cr) - r0
        total = result.mapped('amount_total')
        cr.rollback()
    return seconds, (queries, rows), result, total


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--db', required=True)
    parser.add_argument('--db-args', default='')
    parser.add_argument('--contracts', default='10',
                        help='contracts per scenario A size (one value: all sizes)')
    parser.add_argument('--lines', default='1000,10000', help='timesheet lines in all (scenario A)')
    parser.add_argument('--bills', default='100,1000', help='bills (scenario B)')
    parser.add_argument('--runs', type=int, default=3)
    parser.add_argument('--scenarios', default='A,B')
    parser.add_argument('--variants', default='ours,odoo,jobs',
                        help="which variants to time (e.g. 'ours' alone for a size whose "
                             "baseline takes too long)")
    parser.add_argument('--output', default=os.path.join(ROOT, 'bench-results.json'))
    args = parser.parse_args()
    odoo.tools.config.parse_config(['-d', args.db, '--addons-path', ROOT, '--log-level=warn']
                                   + args.db_args.split())
    registry = odoo.registry(args.db)
    results = []
    plan = []
    if 'A' in args.scenarios:
        plan += [('A', int(n)) for n in args.lines.split(',')]
    if 'B' in args.scenarios:
        plan += [('B', int(n)) for n in args.bills.split(',')]
    contracts = [int(n) for n in args.contracts.split(',')]
    contracts_of = dict((size, contracts[min(i, len(contracts) - 1)]) for i, size in enumerate(
        int(n) for n in args.lines.split(',')))
    # all data first (each size's rows stay committed beside the others'),
    # then the runs: run by run every size and every variant takes its turn,
    # so a machine that slows down or speeds up during the benchmark weighs
    # on all alike, the time per unit of one size against another's included
    cases = []
    for scenario, size in plan:
        rng = random.Random(20261121 + size)
        t0 = time.perf_counter()
        with registry.cursor() as cr:
            env = env_for(cr)
            if scenario == 'A':
                data = setup_a(env, contracts_of[size], size // contracts_of[size], rng)
            else:
                data = dict(setup_b(env, size, rng), seed=20261121 + size)
            cr.commit()
        print('scenario %s, size %d: data ready in %.0f s' % (scenario, size, time.perf_counter() - t0),
              flush=True)
        funcs = {'A': (run_a_ours, run_a_odoo), 'B': (run_b_ours, run_b_odoo)}[scenario]
        row = {'scenario': scenario, 'size': size, 'unit': 'timesheet line' if scenario == 'A' else 'bill',
               'contracts': contracts_of.get(size) if scenario == 'A' else None,
               'data_seconds': round(time.perf_counter() - t0, 1)}
        variants = (('ours', funcs[0]), ('odoo', funcs[1]))
        variants += (('jobs', run_a_jobs if scenario == 'A' else run_b_jobs),)
        variants = tuple((v, f) for v, f in variants if v in args.variants.split(','))
        cases.append((row, data, variants, dict((v, []) for v, _f in variants),
                      dict((v, []) for v, _f in variants), {}))
    for run in range(args.runs):
        turns = [(case, variant, func) for case in cases for variant, func in case[2]]
        # every other run in the reverse order: a machine that drifts one way
        # during a run of runs would otherwise always favour whatever goes first
        for (row, data, variants, times, queries, amounts), variant, func in (
                turns if run % 2 == 0 else turns[::-1]):
            seconds, count, records, total = timed(registry, func, data)
            times[variant].append(seconds)
            queries[variant].append(count)
            amounts[variant] = round(sum(total), 2)
            print('  %s %d, %s run %d: %.2f s, %d queries, %d rows read' % (
                row['scenario'], row['size'], variant, run + 1, seconds, count[0], count[1]), flush=True)
    for row, data, variants, times, queries, amounts in cases:
        size = row['size']
        for variant, _f in variants:
            count = statistics.median(q for q, _r in queries[variant])
            rows = statistics.median(r for _q, r in queries[variant])
            row[variant] = {'seconds': statistics.median(times[variant]), 'runs': times[variant],
                            'queries': count, 'rows_read': rows,
                            'ms_per_unit': 1000.0 * statistics.median(times[variant]) / size,
                            'queries_per_unit': count / float(size), 'rows_per_unit': rows / float(size)}
        assert len(set(amounts.values())) == 1, amounts
        row['amount_total'] = amounts['ours']
        if 'odoo' in row:
            row['ratio'] = row['ours']['seconds'] / row['odoo']['seconds']
        if 'jobs' in row:
            row['jobs_ratio'] = row['jobs']['seconds'] / row['ours']['seconds']
        results.append(row)
    with open(args.output, 'w') as f:
        json.dump({'date': time.strftime('%Y-%m-%d %H:%M'), 'runs': args.runs,
                   'results': results}, f, indent=2)
    print()
    print('| scenario | size | data (s) | ours (s) | Odoo (s) | ours / Odoo | jobs / ours '
          '| ours ms/unit | Odoo ms/unit | jobs ms/unit | ours queries/unit | Odoo queries/unit '
          '| ours rows read/unit | Odoo rows read/unit | jobs rows read/unit |')
    print('|---' * 15 + '|')

    def fig(row, variant, key):
        return '%.2f' % row[variant][key] if variant in row else '-'

    for r in results:
        print('| %s | %d %ss%s | %.0f | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |' % (
            'A periodic invoicing' if r['scenario'] == 'A' else 'B invoice pool', r['size'], r['unit'],
            ' (%d contracts)' % r['contracts'] if r['contracts'] else '', r['data_seconds'],
            fig(r, 'ours', 'seconds'), fig(r, 'odoo', 'seconds'),
            '%.2f' % r['ratio'] if 'ratio' in r else '-',
            '%.2f' % r['jobs_ratio'] if 'jobs_ratio' in r else '-', fig(r, 'ours', 'ms_per_unit'),
            fig(r, 'odoo', 'ms_per_unit'), fig(r, 'jobs', 'ms_per_unit'),
            fig(r, 'ours', 'queries_per_unit'), fig(r, 'odoo', 'queries_per_unit'),
            fig(r, 'ours', 'rows_per_unit'), fig(r, 'odoo', 'rows_per_unit'),
            fig(r, 'jobs', 'rows_per_unit')))
    print('\nfigures written to %s' % args.output)


if __name__ == '__main__':
    with api.Environment.manage():
        main()
