"""Benchmark: periodic project invoicing and the invoice pool, each against
Odoo's own way of doing the same (run by setup/bench, not by setup/test).

Data is generated once per size with a fixed seed and committed; every timed
run happens in a transaction that is rolled back, so the runs see the same
data. Time is wall clock, queries are the cursor's own count.
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
        # sale recomputes the order line's delivered quantity over all its
        # timesheets after each one (quadratic: 10,000 lines took 15-30 min to
        # generate); here it is computed once per order, after the last one
        Timesheet = env['account.analytic.line'].with_context(sale_analytic_norecompute=True)
        for i in range(lines):
            vals = {'name': 'Work %d' % i, 'employee_id': employees[i % 5].id,
                    'unit_amount': rng.choice([0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 7.5, 8.0]),
                    'date': DATE % (1 + i % 28)}
            env['account.analytic.line'].create(dict(vals, project_id=project.id))
            Timesheet.create(dict(vals, project_id=task.project_id.id, task_id=task.id))
        order.order_line._analytic_compute_delivered_quantity()
        assert order.order_line.qty_delivered == sum(task.timesheet_ids.mapped('unit_amount'))
        ours |= contract
        orders |= order
    return {'contracts': ours.ids, 'orders': orders.ids}


def run_a_ours(env, data):
    contracts = env['project.contract'].browse(data['contracts'])
    report = env['project.periodic.invoice.wizard']._run(contracts, '2026-10-31')
    errors = [e for c, p, e in report if e]
    assert not errors, errors
    invoices = env['account.invoice'].browse([i for c, p, e in report for i in p.mapped('invoice_id').ids])
    assert invoices and set(invoices.mapped('state')) == {'open'}
    return invoices


def run_a_odoo(env, data):
    orders = env['sale.order'].browse(data['orders'])
    invoice_ids = orders.action_invoice_create()
    invoices = env['account.invoice'].browse(invoice_ids)
    invoices.action_invoice_open()
    assert set(invoices.mapped('state')) == {'open'}
    return invoices


def check_a(env, data, invoices_ours, invoices_odoo):
    # the same hours make the same money both ways, to the cent
    ours = round(sum(invoices_ours.mapped('amount_total')), 2)
    theirs = round(sum(invoices_odoo.mapped('amount_total')), 2)
    assert ours == theirs, (ours, theirs)
    return ours


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


def run_b_ours(env, data):
    orders = env['purchase.order'].browse(data['orders'])
    register = env['account.invoice.register'].create({'line_ids': [(0, 0, {
        'partner_id': po.partner_id.id, 'vendor_invoice_number': 'B%d-%d' % (data['tag'], po.id),
        'invoice_date': DATE % 2, 'name': po.name, 'amount': po.amount_total, 'purchase_id': po.id,
        'approver_id': data['approver']}) for po in orders]})
    register.action_post()
    bills = env['account.invoice']
    for line in register.line_ids:
        bills |= env['account.invoice'].browse(line.action_create_bill()['res_id'])
    bills.action_update_matching_status()
    bills.action_invoice_open()
    assert set(register.line_ids.mapped('pool_state')) == {'invoiced'}
    return bills


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


def check_b(env, data, ours, theirs):
    a, b = round(sum(ours.mapped('amount_total')), 2), round(sum(theirs.mapped('amount_total')), 2)
    assert a == b, (a, b)
    return a


# ----------------------------------------------------------------------
def vacuum(registry):
    """Rolled-back runs leave dead row versions behind (thousands of status
    updates and inserts); clear them so every run starts from the same state."""
    with registry.cursor() as cr:
        cr.autocommit(True)
        cr.execute('VACUUM ANALYZE')


def timed(registry, func, data):
    vacuum(registry)
    with registry.cursor() as cr:
        env = env_for(cr)
        q0, t0 = cr.sql_log_count, time.perf_counter()
        result = func(env, data)
        env['base'].recompute()
        seconds = time.perf_counter() - t0
        queries = cr.sql_log_count - q0
        total = result.mapped('amount_total')
        cr.rollback()
    return seconds, queries, result, total


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--db', required=True)
    parser.add_argument('--db-args', default='')
    parser.add_argument('--contracts', type=int, default=10)
    parser.add_argument('--lines', default='1000,10000', help='timesheet lines in all (scenario A)')
    parser.add_argument('--bills', default='100,1000', help='bills (scenario B)')
    parser.add_argument('--runs', type=int, default=3)
    parser.add_argument('--scenarios', default='A,B')
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
    for scenario, size in plan:
        rng = random.Random(20261121 + size)
        t0 = time.perf_counter()
        with registry.cursor() as cr:
            env = env_for(cr)
            if scenario == 'A':
                data = setup_a(env, args.contracts, size // args.contracts, rng)
            else:
                data = setup_b(env, size, rng)
            cr.commit()
        print('scenario %s, size %d: data ready in %.0f s' % (scenario, size, time.perf_counter() - t0),
              flush=True)
        funcs = {'A': (run_a_ours, run_a_odoo, check_a), 'B': (run_b_ours, run_b_odoo, check_b)}[scenario]
        row = {'scenario': scenario, 'size': size, 'unit': 'timesheet line' if scenario == 'A' else 'bill'}
        amounts = {}
        variants = (('ours', funcs[0]), ('odoo', funcs[1]))
        times = dict((variant, []) for variant, _f in variants)
        queries = dict((variant, []) for variant, _f in variants)
        # the variants take turns, run by run: a machine that slows down or
        # speeds up during the benchmark then weighs on both alike
        for run in range(args.runs):
            for variant, func in variants:
                seconds, count, records, total = timed(registry, func, data)
                times[variant].append(seconds)
                queries[variant].append(count)
                amounts[variant] = round(sum(total), 2)
                print('  %s run %d: %.2f s, %d queries' % (variant, run + 1, seconds, count), flush=True)
        for variant, _f in variants:
            row[variant] = {'seconds': statistics.median(times[variant]), 'runs': times[variant],
                            'queries': statistics.median(queries[variant]),
                            'ms_per_unit': 1000.0 * statistics.median(times[variant]) / size,
                            'queries_per_unit': statistics.median(queries[variant]) / float(size)}
        assert amounts['ours'] == amounts['odoo'], amounts
        row['amount_total'] = amounts['ours']
        row['ratio'] = row['ours']['seconds'] / row['odoo']['seconds']
        results.append(row)
    with open(args.output, 'w') as f:
        json.dump({'date': time.strftime('%Y-%m-%d %H:%M'), 'runs': args.runs,
                   'contracts': args.contracts, 'results': results}, f, indent=2)
    print()
    print('| scenario | size | ours (s) | Odoo (s) | ours / Odoo | ours ms/unit | Odoo ms/unit '
          '| ours queries/unit | Odoo queries/unit |')
    print('|---|---|---|---|---|---|---|---|---|')
    for r in results:
        print('| %s | %d %ss | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |' % (
            'A periodic invoicing' if r['scenario'] == 'A' else 'B invoice pool', r['size'], r['unit'],
            r['ours']['seconds'], r['odoo']['seconds'], r['ratio'], r['ours']['ms_per_unit'],
            r['odoo']['ms_per_unit'], r['ours']['queries_per_unit'], r['odoo']['queries_per_unit']))
    print('\nfigures written to %s' % args.output)


if __name__ == '__main__':
    with api.Environment.manage():
        main()
