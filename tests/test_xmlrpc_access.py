"""Bad input and workflow bypasses over XML-RPC, as the demo users of each
group would send them: the fault names the field and the value (never a
bare traceback) and no row is left behind."""
import time
import xmlrpc.client

import pytest


def _count(srv, model, domain=()):
    return srv.execute(model, 'search_count', list(domain))


def test_bad_input_is_answered_with_the_field_and_the_value(odoo_server):
    srv = odoo_server
    tag = str(int(time.time() * 1000))
    vendor = srv.execute('res.partner', 'create', {'name': 'Bad input vendor ' + tag,
                                                   'supplier': True, 'is_company': True})
    approver = srv.execute('res.users', 'search', [('login', '=', 'approver')])[0]
    journal = srv.execute('account.journal', 'search', [('is_invoice_register', '=', True)])[0]
    lines_before = _count(srv, 'account.invoice.register.line')
    registers_before = _count(srv, 'account.invoice.register')
    line = {'partner_id': vendor, 'vendor_invoice_number': 'BAD-' + tag, 'name': 'Consulting',
            'amount': 'twelve', 'approver_id': approver}
    with pytest.raises(xmlrpc.client.Fault) as fault:
        srv.execute_as('apclerk', 'account.invoice.register', 'create',
                       {'journal_id': journal, 'line_ids': [(0, 0, line)]})
    assert "Amount (amount): 'twelve' is not a finite number" in fault.value.faultString
    assert 'Traceback' not in fault.value.faultString
    with pytest.raises(xmlrpc.client.Fault) as fault:
        srv.execute_as('apclerk', 'account.invoice.register', 'create', {
            'journal_id': journal, 'line_ids': [(0, 0, dict(line, amount=75.0,
                                                            partner_id=987654321))]})
    assert 'Vendor (partner_id): there is no Contact with id 987654321' in fault.value.faultString
    assert (_count(srv, 'account.invoice.register'),
            _count(srv, 'account.invoice.register.line')) == (registers_before, lines_before)
    # project billing: an unknown customer, an allocation of 150 %
    contracts_before = _count(srv, 'project.contract')
    with pytest.raises(xmlrpc.client.Fault) as fault:
        srv.execute_as('projectbilling', 'project.contract', 'create',
                       {'name': 'Ghost ' + tag, 'partner_id': 987654321})
    assert 'Customer (partner_id): there is no Contact with id 987654321' in fault.value.faultString
    assert _count(srv, 'project.contract') == contracts_before
    contract = srv.execute_as('projectbilling', 'project.contract', 'create',
                              {'name': 'Allocations ' + tag, 'partner_id': vendor})
    source = srv.execute('project.funding.source', 'search', [('contract_id', '=', contract)])[0]
    rules_before = _count(srv, 'project.funding.rule')
    with pytest.raises(xmlrpc.client.Fault, match=r'above 0 % and at most 100 % \(got 150.0 %\)'):
        srv.execute('project.funding.rule', 'create', {
            'contract_id': contract, 'name': '150/-50', 'sequence': 30,
            'allocation_ids': [(0, 0, {'source_id': source, 'percent': 150.0,
                                       'is_rounding': True}),
                               (0, 0, {'source_id': source, 'percent': -50.0})]})
    assert _count(srv, 'project.funding.rule') == rules_before


def test_the_review_cannot_be_bypassed(odoo_server):
    srv = odoo_server
    tag = str(int(time.time() * 1000))
    customer = srv.execute('res.partner', 'create', {'name': 'Review customer ' + tag,
                                                     'customer': True})
    contract = srv.execute_as('projectbilling', 'project.contract', 'create',
                              {'name': 'Review ' + tag, 'partner_id': customer})
    # the preparer does not decide that review is not needed...
    with pytest.raises(xmlrpc.client.Fault, match='Only reviewers'):
        srv.execute_as('projectbilling', 'project.contract', 'write', [contract],
                       {'review_required': True})
    srv.execute_as('reviewer', 'project.contract', 'write', [contract], {'review_required': True})
    project = srv.execute('project.project', 'create', {
        'name': 'Review project ' + tag, 'project_invoice_type': 'time_material',
        'contract_id': contract})
    employee = srv.execute('hr.employee', 'search', [], limit=1)[0]
    srv.execute('account.analytic.line', 'create', {
        'name': 'Work', 'project_id': project, 'employee_id': employee, 'unit_amount': 2.0,
        'date': '2026-11-02'})
    proposals = srv.execute_as('projectbilling', 'project.contract', 'create_invoice_proposals',
                               [contract], '2026-11-30')
    # ...nor approves by writing the state, nor posts without approval
    with pytest.raises(xmlrpc.client.Fault, match='set by the documents and workflows'):
        srv.execute_as('projectbilling', 'project.invoice.proposal', 'write', proposals,
                       {'state': 'approved'})
    with pytest.raises(xmlrpc.client.Fault, match='must be approved by a reviewer'):
        srv.execute_as('projectbilling', 'project.invoice.proposal', 'action_post', proposals)
    srv.execute_as('reviewer', 'project.invoice.proposal', 'action_submit', proposals)
    with pytest.raises(xmlrpc.client.Fault, match='four-eyes'):
        srv.execute_as('reviewer', 'project.invoice.proposal', 'action_approve', proposals)
    srv.execute('project.invoice.proposal', 'action_approve', proposals)
    srv.execute_as('projectbilling', 'project.invoice.proposal', 'action_post', proposals)
    rows = srv.execute('project.invoice.proposal', 'read', proposals,
                       ['state', 'reviewed_uid', 'submitted_uid'])
    assert [r['state'] for r in rows] == ['posted']
    assert rows[0]['reviewed_uid'][0] != rows[0]['submitted_uid'][0]
    # a portal user reaches no private helper
    with pytest.raises(xmlrpc.client.Fault, match='Private methods'):
        srv.execute('account.journal', '_create_invoice_register_journals')
