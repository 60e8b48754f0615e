"""The billing ledger as an integrator drives it over XML-RPC: credit one
funder's invoice, cancel an invoice the Odoo way, try to edit an invoiced
timesheet, ask for a retention release too early."""
import time
import xmlrpc.client

import pytest


def _setup(srv, tag, retention=0.0):
    customer = srv.execute('res.partner', 'create', {'name': 'Ledger customer ' + tag, 'customer': True})
    grant = srv.execute('res.partner', 'create', {'name': 'Ledger grant ' + tag, 'customer': True})
    hours = srv.execute('product.product', 'create', {
        'name': 'Ledger hours ' + tag, 'type': 'service', 'list_price': 100.0,
        'taxes_id': [(6, 0, [])]})
    contract = srv.execute('project.contract', 'create', {
        'name': 'Ledger contract ' + tag, 'partner_id': customer, 'hour_product_id': hours,
        'state': 'active'})
    src = srv.execute('project.funding.source', 'search_read', [('contract_id', '=', contract)],
                      fields=['id'])[0]['id']
    srv.execute('project.funding.source', 'write', [src], {'retention_percent': retention})
    grant_src = srv.execute('project.funding.source', 'create', {
        'contract_id': contract, 'partner_id': grant, 'funding_type': 'grant'})
    rule = srv.execute('project.funding.rule', 'search', [('contract_id', '=', contract)])[0]
    srv.execute('project.funding.rule', 'write', [rule], {'allocation_ids': [
        (1, srv.execute('project.funding.allocation', 'search', [('rule_id', '=', rule)])[0],
         {'percent': 70.0}),
        (0, 0, {'source_id': grant_src, 'percent': 30.0})]})
    project = srv.execute('project.project', 'create', {
        'name': 'Ledger project ' + tag, 'project_invoice_type': 'time_material',
        'contract_id': contract})
    srv.execute('project.task', 'create', {'name': 'Plan', 'project_id': project,
                                           'planned_hours': 100.0})
    employee = srv.execute('hr.employee', 'create', {'name': 'Ledger employee ' + tag})
    timesheet = srv.execute('account.analytic.line', 'create', {
        'name': 'Work', 'project_id': project, 'employee_id': employee, 'unit_amount': 10.0,
        'date': '2026-11-02'})
    return contract, timesheet, customer, grant


def _status(srv, txn):
    return srv.execute('account.analytic.line', 'read', [txn], ['invoice_status'])[0]['invoice_status']


def test_credit_one_funder_and_cancel_an_invoice_over_xmlrpc(odoo_server):
    srv = odoo_server
    contract, txn, customer, grant = _setup(srv, str(int(time.time() * 1000)))
    proposals = srv.execute('project.contract', 'create_invoice_proposals', [contract], '2026-11-30')
    srv.execute('project.invoice.proposal', 'action_post', proposals)
    assert _status(srv, txn) == 'invoiced'
    # an invoiced timesheet is not edited in place
    with pytest.raises(xmlrpc.client.Fault, match='Adjust'):
        srv.execute('account.analytic.line', 'write', [txn], {'unit_amount': 25.0})
    invoices = dict((p['partner_id'][0], p['invoice_id'][0]) for p in srv.execute(
        'project.invoice.proposal', 'read', proposals, ['partner_id', 'invoice_id']))
    credits = srv.execute('project.contract', 'create_credit_proposals', [contract],
                          invoice_ids=[invoices[grant]], reinvoice=True)
    credit = srv.execute('project.invoice.proposal', 'read', credits,
                         ['partner_id', 'amount_total'])
    assert [(c['partner_id'][0], c['amount_total']) for c in credit] == [(grant, -300.0)]
    srv.execute('project.invoice.proposal', 'action_post', credits)
    assert _status(srv, txn) == 'to_invoice'
    again = srv.execute('project.contract', 'create_invoice_proposals', [contract], '2026-11-30')
    rows = srv.execute('project.invoice.proposal', 'read', again, ['partner_id', 'amount_total'])
    assert [(r['partner_id'][0], r['amount_total']) for r in rows] == [(grant, 300.0)]
    srv.execute('project.invoice.proposal', 'action_post', again)
    # the customer's invoice cancelled the Odoo way: its share is to invoice again
    journal = srv.execute('account.invoice', 'read', [invoices[customer]], ['journal_id'])[0]
    srv.execute('account.journal', 'write', [journal['journal_id'][0]], {'update_posted': True})
    srv.execute('account.invoice', 'action_invoice_cancel', [invoices[customer]])
    state = srv.execute('project.invoice.proposal', 'search_read',
                        [('invoice_id', '=', invoices[customer])], fields=['state'])[0]['state']
    assert state == 'cancel'
    assert _status(srv, txn) == 'to_invoice'
    ledger = srv.execute('project.billing.ledger', 'search_read', [('analytic_line_id', '=', txn)],
                         fields=['source_id', 'share', 'posted', 'due'])
    assert sorted((r['share'], r['posted'], r['due']) for r in ledger) == [
        (300.0, 300.0, 0.0), (700.0, 0.0, 700.0)]


def test_retention_release_refused_with_its_condition_over_xmlrpc(odoo_server):
    srv = odoo_server
    contract, txn, customer, grant = _setup(srv, str(int(time.time() * 1000)), retention=10.0)
    proposals = srv.execute('project.contract', 'create_invoice_proposals', [contract], '2026-11-30')
    totals = sorted(p['amount_total'] for p in srv.execute(
        'project.invoice.proposal', 'read', proposals, ['amount_total']))
    assert totals == [300.0, 630.0]                       # 700 less 10 % retention
    srv.execute('project.invoice.proposal', 'action_post', proposals)
    with pytest.raises(xmlrpc.client.Fault, match=r'released at 100.0 % completion; .* is 10.0 % complete'):
        srv.execute('project.contract', 'create_retention_release', [contract])
