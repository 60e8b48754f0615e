"""The invoice pool's controls over XML-RPC, as an AP clerk (demo login
apclerk) and a hostile integrator would try them, and two clients posting
the same vendor invoice at the same moment."""
import threading
import time
import xmlrpc.client

import pytest


def _as(srv, login):
    uid = srv.uid(login, login)
    proxy = srv.models()

    def call(model, method, *args, **kw):
        return proxy.execute_kw(srv.db, uid, login, model, method, list(args), kw)
    return call


def _setup(srv, tag, price=75.0):
    vendor = srv.execute('res.partner', 'create', {'name': 'Pool vendor ' + tag, 'supplier': True,
                                                   'is_company': True})
    product = srv.execute('product.product', 'search', [('default_code', '=', 'S0001')])[0]
    po = srv.execute('purchase.order', 'create', {
        'partner_id': vendor,
        'order_line': [(0, 0, {'product_id': product, 'name': 'S0001', 'product_qty': 1,
                               'price_unit': price, 'product_uom': 1,
                               'date_planned': '2026-11-01', 'taxes_id': [(6, 0, [])]})]})
    srv.execute('purchase.order', 'button_confirm', [po])
    approver = srv.execute('res.users', 'search', [('login', '=', 'approver')])[0]
    journal = srv.execute('account.journal', 'search', [('is_invoice_register', '=', True)])[0]
    return vendor, po, approver, journal


def _register(call, vendor, po, approver, journal, number, amount=75.0):
    return call('account.invoice.register', 'create', {
        'journal_id': journal, 'line_ids': [(0, 0, {
            'partner_id': vendor, 'vendor_invoice_number': number, 'name': 'Consulting',
            'amount': amount, 'purchase_id': po, 'approver_id': approver})]})


def test_pool_controls_over_xmlrpc(odoo_server):
    srv = odoo_server
    tag = str(int(time.time() * 1000))
    clerk = _as(srv, 'apclerk')
    vendor, po, approver, journal = _setup(srv, tag)
    register = _register(clerk, vendor, po, approver, journal, 'X-' + tag)
    clerk('account.invoice.register', 'action_post', [register])
    entry = clerk('account.invoice.register.line', 'search', [('register_id', '=', register)])[0]
    # 3: a posted entry is fixed and kept
    with pytest.raises(xmlrpc.client.Fault, match='cannot change'):
        clerk('account.invoice.register.line', 'write', [entry], {'amount': 1.0})
    with pytest.raises(xmlrpc.client.Fault, match='never deleted'):
        clerk('account.invoice.register.line', 'unlink', [entry])
    # 1: a context key grants nothing
    bill = clerk('account.invoice.register.line', 'action_create_bill', [entry])['res_id']
    line = clerk('account.invoice', 'read', [bill], ['invoice_line_ids'])[0]['invoice_line_ids']
    clerk('account.invoice.line', 'write', line, {'price_unit': 80.0})
    with pytest.raises(xmlrpc.client.Fault, match='does not match'):
        clerk('account.invoice', 'action_invoice_open', [bill],
              context={'invoice_match_override': True})
    with pytest.raises(xmlrpc.client.Fault, match='not by hand'):
        clerk('account.invoice', 'write', [bill], {'match_state': 'matched'})
    # 6: the install's helper is not callable over XML-RPC
    with pytest.raises(xmlrpc.client.Fault):
        clerk('account.journal', 'create_invoice_register_journals')
    with pytest.raises(xmlrpc.client.Fault, match='Private methods'):
        clerk('account.journal', '_create_invoice_register_journals')


def test_one_liability_per_vendor_invoice_over_xmlrpc(odoo_server):
    srv = odoo_server
    tag = str(int(time.time() * 1000))
    clerk = _as(srv, 'apclerk')
    vendor, po, approver, journal = _setup(srv, tag)
    register = _register(clerk, vendor, po, approver, journal, 'L-' + tag)
    clerk('account.invoice.register', 'action_post', [register])
    # 2: a bill straight from the purchase order, the same reference
    bill = clerk('account.invoice', 'create', {
        'type': 'in_invoice', 'partner_id': vendor, 'purchase_id': po, 'reference': 'L-' + tag})
    clerk('account.invoice', 'purchase_order_change', [bill])
    clerk('account.invoice', 'compute_taxes', [bill])
    clerk('account.invoice', 'action_invoice_open', [bill])
    entry = clerk('account.invoice.register.line', 'search_read', [('register_id', '=', register)],
                  fields=['pool_state', 'invoice_id'])[0]
    assert (entry['pool_state'], entry['invoice_id'][0]) == ('invoiced', bill)
    rows = srv.execute('account.move.line', 'read_group',
                       [('partner_id', '=', vendor), ('account_id.internal_type', '=', 'payable'),
                        ('move_id.state', '=', 'posted')], ['balance'], [])
    assert round(rows[0]['balance'], 2) == -75.0             # owed once, not 150


def test_two_clients_post_the_same_vendor_invoice(odoo_server):
    """Two clients post registers with the same vendor invoice number at the
    same moment, 20 rounds: each round exactly one is posted, the other gets
    a readable refusal."""
    srv = odoo_server
    tag = str(int(time.time() * 1000))
    vendor, po, approver, journal = _setup(srv, tag)
    clerk = _as(srv, 'apclerk')
    for round_ in range(20):
        number = 'R%d-%s' % (round_, tag)
        registers = [_register(clerk, vendor, po, approver, journal, number) for _i in range(2)]
        barrier = threading.Barrier(2)
        results = [None, None]

        def post(i):
            call = _as(srv, 'apclerk')                       # a client of its own
            barrier.wait()
            try:
                results[i] = call('account.invoice.register', 'action_post', [registers[i]])
            except xmlrpc.client.Fault as fault:
                results[i] = fault.faultString
        threads = [threading.Thread(target=post, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        posted = [r for r in results if r is True]
        refused = [r for r in results if isinstance(r, str)]
        assert len(posted) == 1 and len(refused) == 1, results
        assert 'registered' in refused[0] and 'Traceback' not in refused[0].splitlines()[-1], refused
        states = srv.execute('account.invoice.register.line', 'search_read',
                             [('vendor_invoice_number', '=', number)], fields=['pool_state'])
        assert sorted(s['pool_state'] for s in states) == ['draft', 'in_pool'], states


def test_paid_liability_and_reset_to_draft_over_xmlrpc(odoo_server):
    srv = odoo_server
    tag = str(int(time.time() * 1000))
    vendor, po, approver, journal = _setup(srv, tag)
    register = _register(srv.execute, vendor, po, approver, journal, 'P-' + tag)
    srv.execute('account.invoice.register', 'action_post', [register])
    entry = srv.execute('account.invoice.register.line', 'search_read',
                        [('register_id', '=', register)], fields=['move_id'])[0]
    offset = srv.execute('account.journal', 'read', [journal],
                         ['register_offset_account_id'])[0]['register_offset_account_id'][0]
    interim = srv.execute('account.move.line', 'search',
                          [('move_id', '=', entry['move_id'][0]), ('account_id', '=', offset)])
    # 4: the register's liability is paid (30.00) before the bill comes
    bank = srv.execute('account.journal', 'search_read', [('type', '=', 'bank')],
                       fields=['default_credit_account_id'], limit=1)[0]
    payment = srv.execute('account.move', 'create', {
        'journal_id': bank['id'], 'line_ids': [
            (0, 0, {'account_id': offset, 'partner_id': vendor, 'debit': 30.0, 'credit': 0.0,
                    'name': 'Part payment'}),
            (0, 0, {'account_id': bank['default_credit_account_id'][0], 'partner_id': vendor,
                    'debit': 0.0, 'credit': 30.0, 'name': 'Part payment'})]})
    srv.execute('account.move', 'post', [payment])
    paid = srv.execute('account.move.line', 'search',
                       [('move_id', '=', payment), ('account_id', '=', offset)])
    srv.execute('account.move.line', 'reconcile', interim + paid)
    with pytest.raises(xmlrpc.client.Fault, match='was paid'):
        srv.execute('account.invoice.register.line', 'action_cancel', [entry['id']])
    bill = srv.execute('account.invoice.register.line', 'action_create_bill', [entry['id']])['res_id']
    srv.execute('account.invoice', 'action_invoice_open', [bill])
    state = srv.execute('account.invoice', 'read', [bill], ['state', 'residual', 'journal_id'])[0]
    assert (state['state'], state['residual']) == ('open', 45.0)
    # 5: cancelled, billed again: the first bill is not reset to draft
    srv.execute('account.move.line', 'remove_move_reconcile', paid)
    srv.execute('account.journal', 'write', [state['journal_id'][0]], {'update_posted': True})
    srv.execute('account.invoice', 'action_invoice_cancel', [bill])
    srv.execute('account.invoice.register.line', 'action_create_bill', [entry['id']])
    with pytest.raises(xmlrpc.client.Fault, match='cannot be reset to draft'):
        srv.execute('account.invoice', 'action_invoice_draft', [bill])
