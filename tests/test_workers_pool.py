"""Month end in the invoice pool on a production-like server (issue 16):
two worker processes, queue_job's runner on. An AP clerk enqueues the
validation of a dozen pool bills of different dates over XML-RPC; the jobs
post each bill in a transaction of its own, as the clerk, reversing the
interim postings; the one bill that does not match stays in draft and its
job fails with the reason."""
import time

from test_xmlrpc_pool import _as, _setup

BILLS = 12


def test_pool_bills_validated_in_background_jobs(odoo_workers_server):
    srv = odoo_workers_server
    tag = str(int(time.time() * 1000))
    clerk = _as(srv, 'apclerk')
    vendor, _po, approver, journal = _setup(srv, tag)
    product = srv.execute('product.product', 'search', [('default_code', '=', 'S0001')])[0]
    orders = []
    for i in range(BILLS):
        po = srv.execute('purchase.order', 'create', {
            'partner_id': vendor, 'order_line': [(0, 0, {
                'product_id': product, 'name': 'S0001', 'product_qty': 1, 'price_unit': 100.0 + i,
                'product_uom': 1, 'date_planned': '2026-11-01', 'taxes_id': [(6, 0, [])]})]})
        srv.execute('purchase.order', 'button_confirm', [po])
        orders.append(po)
    register = clerk('account.invoice.register', 'create', {'journal_id': journal, 'line_ids': [
        (0, 0, {'partner_id': vendor, 'vendor_invoice_number': 'W-%s-%d' % (tag, i),
                'name': 'Consulting', 'amount': 100.0 + i, 'purchase_id': po,
                'invoice_date': '2026-11-%02d' % (1 + i % 3), 'approver_id': approver})
        for i, po in enumerate(orders)]})
    clerk('account.invoice.register', 'action_post', [register])
    entries = clerk('account.invoice.register.line', 'search', [('register_id', '=', register)],
                    order='id')
    bills = [clerk('account.invoice.register.line', 'action_create_bill', [e])['res_id']
             for e in entries]
    # the last bill is billed at a price the purchase order does not have
    line = srv.execute('account.invoice.line', 'search', [('invoice_id', '=', bills[-1])])
    srv.execute('account.invoice.line', 'write', line, {'price_unit': 500.0})
    ctx = {'active_ids': bills, 'active_model': 'account.invoice'}
    wizard = clerk('account.invoice.confirm', 'create', {}, context=ctx)
    clerk('account.invoice.confirm', 'enqueue_invoice_confirm', [wizard], context=ctx)
    jobs = srv.execute('account.invoice', 'read', bills, ['validation_job_ids'])
    job_ids = [j for b in jobs for j in b['validation_job_ids']]
    assert len(job_ids) == BILLS
    deadline = time.time() + 180
    while True:
        states = srv.execute('queue.job', 'read', job_ids, ['state', 'exc_info', 'channel',
                                                            'user_id', 'record_ids'])
        if all(j['state'] in ('done', 'failed') for j in states) or time.time() > deadline:
            break
        time.sleep(2)
    clerk_uid = srv.uid('apclerk', 'apclerk')
    assert set(j['user_id'][0] for j in states) == {clerk_uid}
    assert set(j['channel'] for j in states) == {'root.account_invoice_validation_queued'}
    failed = [j for j in states if j['state'] == 'failed']
    assert [j['state'] for j in states].count('done') == BILLS - 1, states
    assert len(failed) == 1 and 'does not match' in failed[0]['exc_info']
    posted = srv.execute('account.invoice', 'read', bills, ['state', 'amount_total', 'number'])
    assert [b['state'] for b in posted] == ['open'] * (BILLS - 1) + ['draft']
    assert [b['amount_total'] for b in posted[:-1]] == [100.0 + i for i in range(BILLS - 1)]
    pool = srv.execute('account.invoice.register.line', 'read', entries, ['pool_state'])
    assert [e['pool_state'] for e in pool] == ['invoiced'] * (BILLS - 1) + ['in_pool']
    # the pending account holds the one entry still in the pool, to the cent
    pending = srv.execute('account.journal', 'read', [journal],
                          ['register_pending_account_id'])[0]['register_pending_account_id'][0]
    moves = srv.execute('account.move.line', 'search_read', [
        ('account_id', '=', pending), ('partner_id', '=', vendor)], ['balance'])
    assert round(sum(m['balance'] for m in moves), 2) == 100.0 + BILLS - 1
