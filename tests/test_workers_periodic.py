"""Month end on a production-like server (issue 16): two worker processes,
queue_job's runner on. Periodic invoicing of 30 contracts through the UI
returns at once to its run; the jobs invoice the contracts in chunks while
the run's progress shows; every contract is invoiced once, to the cent."""
import time

from odoo_ui import login, open_periodic_invoicing, wait_idle
from playwright.sync_api import expect

CONTRACTS = 30


def test_periodic_invoicing_of_30_contracts_in_background_jobs(page, odoo_workers_server):
    srv = odoo_workers_server
    tag = str(int(time.time() * 1000))
    company = srv.execute('res.users', 'read', [srv.uid()], ['company_id'])[0]['company_id'][0]
    # background from 10 contracts, 20 per job: this run is two jobs
    srv.execute('res.company', 'write', [company], {
        'project_invoicing_job_threshold': 10, 'project_invoicing_chunk_size': 20})
    customer = srv.execute('res.partner', 'create', {'name': 'Month end ' + tag, 'customer': True})
    employee = srv.execute('hr.employee', 'search', [('user_id', '!=', False)], limit=1)[0]
    contracts = []
    for i in range(CONTRACTS):
        contract = srv.execute('project.contract', 'create', {
            'name': 'Month end %s %02d' % (tag, i), 'partner_id': customer, 'state': 'active'})
        project = srv.execute('project.project', 'create', {
            'name': 'Month end %s %02d' % (tag, i), 'project_invoice_type': 'time_material',
            'contract_id': contract})
        srv.execute('account.analytic.line', 'create', {
            'name': 'Work', 'project_id': project, 'employee_id': employee,
            'unit_amount': 1.0 + i % 4, 'date': '2026-11-02'})
        contracts.append(contract)

    login(page, srv)
    modal = open_periodic_invoicing(page)
    page.shots('month-end-preview')
    started = time.time()
    modal.locator('.modal-footer button', has_text='Invoice').click()
    # back at once, on the run: in the background, in progress
    expect(page.locator('.o_form_view .o_field_widget[name="background"] input')).to_be_checked()
    returned = time.time() - started
    page.shots('month-end-run-started')
    run_id = srv.execute('project.invoicing.run', 'search', [], limit=1, order='id desc')[0]
    deadline = time.time() + 300
    while True:
        run = srv.execute('project.invoicing.run', 'read', [run_id],
                          ['state', 'progress', 'waiting_count', 'contract_count'])[0]
        if run['state'] != 'running' or time.time() > deadline:
            break
        time.sleep(2)
    assert run['state'] in ('done', 'failed'), run
    assert run['waiting_count'] == 0 and run['progress'] == 100.0, run
    jobs = srv.execute('queue.job', 'search_read', [('model_name', '=', 'project.invoicing.run'),
                                                    ('record_ids', 'like', '[%d]' % run_id)],
                       ['state', 'channel'])
    assert len(jobs) == -(-run['contract_count'] // 20)        # chunks of 20
    assert set(j['state'] for j in jobs) == {'done'}, jobs
    assert set(j['channel'] for j in jobs) == {'root.project_invoicing'}
    page.reload()
    wait_idle(page)
    expect(page.locator('.o_statusbar_status .btn-primary')).to_contain_text('Done')
    page.shots('month-end-run-done')
    # every one of the 30 contracts invoiced once, to the cent (100.00 an hour)
    lines = srv.execute('project.invoicing.run.line', 'search_read',
                        [('run_id', '=', run_id), ('contract_id', 'in', contracts)],
                        ['state', 'error'])
    assert [l['state'] for l in lines] == ['done'] * CONTRACTS, lines
    invoices = srv.execute('account.invoice', 'search_read',
                           [('partner_id', '=', customer), ('type', '=', 'out_invoice')],
                           ['amount_total', 'state'])
    assert len(invoices) == CONTRACTS
    assert set(i['state'] for i in invoices) == {'open'}
    price = srv.execute('product.product', 'read', [srv.execute(
        'project.contract', 'read', [contracts[0]], ['hour_product_id'])[0]['hour_product_id'][0]],
        ['list_price'])[0]['list_price']
    assert sorted(i['amount_total'] for i in invoices) == sorted(
        round(price * (1.0 + i % 4), 2) for i in range(CONTRACTS))
    assert returned < 30, returned                           # the request did not do the work
