"""An integrator's script: both flows through the public model methods over
XML-RPC (stdlib xmlrpc.client only), as an outside system would run them.
Every button method used returns something XML-RPC can carry."""
import time
import xmlrpc.client


def _balance(srv, account_id, partner_id=None):
    domain = [('account_id', '=', account_id), ('move_id.state', '=', 'posted')]
    if partner_id:
        domain.append(('partner_id', '=', partner_id))
    rows = srv.execute('account.move.line', 'read_group', domain, ['balance'], [])
    return round(rows[0]['balance'] or 0.0, 2) if rows else 0.0


def test_invoice_pool_flow_over_xmlrpc(odoo_server):
    srv = odoo_server
    tag = str(int(time.time() * 1000))
    vendor = srv.execute('res.partner', 'create', {'name': 'RPC vendor ' + tag, 'supplier': True,
                                                   'is_company': True})
    product = srv.execute('product.product', 'search', [('default_code', '=', 'S0001')])[0]
    po = srv.execute('purchase.order', 'create', {
        'partner_id': vendor,
        'order_line': [(0, 0, {'product_id': product, 'name': 'S0001', 'product_qty': 1,
                               'price_unit': 75.0, 'product_uom': 1,
                               'date_planned': '2026-11-01', 'taxes_id': [(6, 0, [])]})]})
    assert srv.execute('purchase.order', 'button_confirm', [po]) is not None
    approver = srv.execute('res.users', 'search', [('login', '=', 'approver')])[0]
    journal = srv.execute('account.journal', 'search_read', [('is_invoice_register', '=', True)],
                          fields=['register_pending_account_id', 'register_offset_account_id'])[0]
    pending = journal['register_pending_account_id'][0]
    payable = journal['register_offset_account_id'][0]
    pending_before = _balance(srv, pending)
    register = srv.execute('account.invoice.register', 'create', {
        'journal_id': journal['id'],
        'line_ids': [(0, 0, {'partner_id': vendor, 'vendor_invoice_number': 'RPC-' + tag,
                             'name': 'Consulting', 'amount': 75.0, 'purchase_id': po,
                             'approver_id': approver})]})
    srv.execute('account.invoice.register', 'action_post', [register])
    entry = srv.execute('account.invoice.register.line', 'search_read',
                        [('register_id', '=', register)], fields=['pool_state', 'move_id'])[0]
    assert entry['pool_state'] == 'in_pool'
    assert _balance(srv, pending) - pending_before == 75.0
    assert _balance(srv, payable, vendor) == -75.0

    action = srv.execute('account.invoice.register.line', 'action_create_bill', [entry['id']])
    bill = action['res_id']
    srv.execute('account.invoice', 'action_update_matching_status', [bill])
    state = srv.execute('account.invoice', 'read', [bill], ['match_state', 'amount_total'])[0]
    assert state['match_state'] == 'matched'
    assert state['amount_total'] == 75.0
    srv.execute('account.invoice', 'action_invoice_open', [bill])
    assert srv.execute('account.invoice', 'read', [bill], ['state'])[0]['state'] == 'open'
    assert _balance(srv, pending) - pending_before == 0.0
    assert _balance(srv, payable, vendor) == -75.0
    transactions = srv.execute('res.partner', 'action_view_vendor_transactions', [vendor])
    lines = srv.execute('account.move.line', 'search_read', transactions['domain'],
                        fields=['move_id', 'debit', 'credit'])
    assert len(set(l['move_id'][0] for l in lines)) == 3   # register, reversal, bill


def test_project_proposal_flow_over_xmlrpc(odoo_server):
    srv = odoo_server
    tag = str(int(time.time() * 1000))
    customer = srv.execute('res.partner', 'create', {'name': 'RPC customer ' + tag, 'customer': True})
    hours = srv.execute('product.product', 'create', {
        'name': 'RPC hours ' + tag, 'type': 'service', 'list_price': 100.0, 'taxes_id': [(6, 0, [])]})
    contract = srv.execute('project.contract', 'create', {
        'name': 'RPC contract ' + tag, 'partner_id': customer, 'hour_product_id': hours,
        'review_required': True, 'state': 'active'})
    project = srv.execute('project.project', 'create', {
        'name': 'RPC project ' + tag, 'project_invoice_type': 'time_material', 'contract_id': contract})
    employee = srv.execute('hr.employee', 'create', {'name': 'RPC employee ' + tag})
    for h in (4.0, 6.0):
        srv.execute('account.analytic.line', 'create', {
            'name': 'Work', 'project_id': project, 'employee_id': employee, 'unit_amount': h,
            'date': '2026-11-02'})
    proposal_ids = srv.execute('project.contract', 'create_invoice_proposals', [contract], '2026-11-30')
    assert len(proposal_ids) == 1
    proposal = srv.execute('project.invoice.proposal', 'read', proposal_ids,
                           ['amount_total', 'line_ids', 'state'])[0]
    assert proposal['amount_total'] == 1000.0
    line = srv.execute('project.invoice.proposal.line', 'read', proposal['line_ids'][:1],
                       ['analytic_line_id', 'quantity'])[0]
    srv.execute('project.invoice.proposal.line', 'write', [line['id']], {'sales_price': 110.0})
    expected = 1000.0 + line['quantity'] * 10.0
    txn = srv.execute('account.analytic.line', 'read', [line['analytic_line_id'][0]],
                      ['sales_price', 'invoice_status'])[0]
    assert (txn['sales_price'], txn['invoice_status']) == (110.0, 'in_proposal')
    srv.execute('project.invoice.proposal', 'action_submit', proposal_ids)
    # four-eyes: whoever submitted does not approve
    try:
        srv.execute('project.invoice.proposal', 'action_approve', proposal_ids)
        raise AssertionError('the submitter approved their own proposal')
    except xmlrpc.client.Fault as e:
        assert 'four-eyes' in e.faultString
    srv.execute_as('reviewer', 'project.invoice.proposal', 'action_approve', proposal_ids)
    assert srv.execute('project.invoice.proposal', 'action_post', proposal_ids) is True
    proposal = srv.execute('project.invoice.proposal', 'read', proposal_ids,
                           ['state', 'invoice_id', 'amount_total'])[0]
    assert proposal['state'] == 'posted'
    assert proposal['amount_total'] == expected
    invoice = srv.execute('account.invoice', 'read', [proposal['invoice_id'][0]],
                          ['state', 'amount_total', 'type', 'project_document_title'])[0]
    assert (invoice['state'], invoice['type'], invoice['amount_total']) == ('open', 'out_invoice', expected)
    assert invoice['project_document_title'] == 'Invoice'
    statuses = srv.execute('account.analytic.line', 'search_read',
                           [('billing_project_id', '=', project), ('billing_type', '!=', False)],
                           fields=['invoice_status'])
    assert {s['invoice_status'] for s in statuses} == {'invoiced'}
