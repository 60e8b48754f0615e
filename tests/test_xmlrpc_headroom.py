"""Funding headroom, posting preview and the reporting views over XML-RPC,
as an integrator of each group would call them."""
import time
import xmlrpc.client

import pytest


def _contract(srv, tag, limit):
    customer = srv.execute('res.partner', 'create', {'name': 'NTE customer ' + tag,
                                                     'customer': True})
    contract = srv.execute('project.contract', 'create', {
        'name': 'NTE ' + tag, 'partner_id': customer, 'state': 'active', 'not_to_exceed': limit})
    project = srv.execute('project.project', 'create', {
        'name': 'NTE project ' + tag, 'project_invoice_type': 'time_material',
        'contract_id': contract})
    return contract, project


def _hours(srv, project, hours, date='2026-11-02'):
    employee = srv.execute('hr.employee', 'search', [('user_id', '!=', False)], limit=1)[0]
    return srv.execute('account.analytic.line', 'create', {
        'name': 'NTE work', 'project_id': project, 'employee_id': employee,
        'unit_amount': hours, 'date': date})


def test_not_to_exceed_over_xmlrpc(odoo_server):
    srv = odoo_server
    tag = str(int(time.time() * 1000))
    contract, project = _contract(srv, tag, 100.0)
    line = _hours(srv, project, 5.0)
    price = srv.execute('account.analytic.line', 'read', [line], ['billing_amount'])[0]['billing_amount']
    assert price > 100.0       # five hours are worth more than the whole limit
    fields = ['headroom', 'headroom_to_invoice', 'headroom_state']
    read = srv.execute('project.contract', 'read', [contract], fields)[0]
    assert (read['headroom'], read['headroom_to_invoice'], read['headroom_state']) == (
        round(100.0 - price, 2), price, 'exceeded')
    proposals = srv.execute_as('projectbilling', 'project.contract', 'create_invoice_proposals',
                               [contract], '2026-11-30')
    totals = srv.execute('project.invoice.proposal', 'read', proposals, ['amount_total'])
    assert [t['amount_total'] for t in totals] == [100.0]   # the rest waits on hold
    hold = srv.execute('project.funding.source', 'search_read', [
        ('contract_id', '=', contract), ('funding_type', '=', 'on_hold')], ['id'])
    assert len(hold) == 1
    # a negative limit is refused; moving held work needs the right to propose
    with pytest.raises(xmlrpc.client.Fault, match='cannot be negative'):
        srv.execute('project.contract', 'write', [contract], {'not_to_exceed': -5.0})
    login = 'nte_employee_' + tag          # a project user, not an invoicing user
    groups = [srv.execute('ir.model.data', 'xmlid_to_res_id', xmlid)
              for xmlid in ('base.group_user', 'project.group_project_user')]
    srv.execute('res.users', 'create', {'name': 'NTE employee ' + tag, 'login': login,
                                        'password': login, 'groups_id': [(6, 0, groups)]})
    with pytest.raises(xmlrpc.client.Fault, match='not allowed'):
        srv.execute_as(login, 'project.contract', 'action_release_held_work', [contract])
    # the preview of that proposal posts nothing, for anyone who may read it
    action = srv.execute_as('projectbilling', 'project.invoice.proposal',
                            'action_preview_posting', proposals)
    rows = srv.execute_as('projectbilling', 'project.posting.preview.line', 'search_read',
                          action['domain'], ['debit', 'credit'])
    assert round(sum(r['debit'] for r in rows), 2) == round(sum(r['credit'] for r in rows), 2) >= 100.0
    state = srv.execute('project.invoice.proposal', 'read', proposals, ['state', 'invoice_id'])[0]
    assert (state['state'], state['invoice_id']) == ('draft', False)
    # the reports read, and only read
    backlog = srv.execute_as('projectbilling', 'project.billing.backlog', 'search_read',
                             [('contract_id', '=', contract)], ['category', 'amount'])
    assert [(b['category'], b['amount']) for b in backlog] == [
        ('tm_to_invoice', round(price - 100.0, 2))]
    with pytest.raises(xmlrpc.client.Fault):
        srv.execute_as('projectbilling', 'project.retention.ledger', 'create', {'retained': 1.0})
