"""The printed project invoice carries the company (header and footer need
wkhtmltopdf with patched Qt, which setup/install puts first on the PATH)."""
import json
import re
import subprocess
import time

import requests


def _pdf(srv, invoice_id):
    """(text, file name) of the printed project invoice, as the web client downloads it."""
    session = requests.Session()
    session.post(srv.url + '/web/session/authenticate', json={'jsonrpc': '2.0', 'params': {
        'db': srv.db, 'login': srv.login, 'password': srv.password}}).raise_for_status()
    response = session.get('%s/report/download' % srv.url, params={
        'data': json.dumps(['/report/pdf/project_billing_schedule.report_project_invoice/%d'
                            % invoice_id, 'qweb-pdf']), 'token': '1'})
    assert response.status_code == 200
    assert response.headers['content-type'] == 'application/pdf'
    text = subprocess.run(['pdftotext', '-layout', '-', '-'], input=response.content,
                          capture_output=True, check=True).stdout.decode()
    return text, response.headers['Content-Disposition']


def _posted_invoice(srv, customer_vals, work, hours):
    """A T&M contract of a new customer, `hours` of `work` at the demo rate,
    proposed and posted: (contract, project, customer invoice id)."""
    tag = str(int(time.time() * 1000))
    customer = srv.execute('res.partner', 'create', dict(customer_vals, customer=True))
    contract = srv.execute('project.contract', 'create', {'name': 'PDF ' + tag,
                                                          'partner_id': customer})
    project = srv.execute('project.project', 'create', {
        'name': 'PDF project ' + tag, 'project_invoice_type': 'time_material',
        'contract_id': contract})
    employee = srv.execute('hr.employee', 'search', [], limit=1)[0]
    srv.execute('account.analytic.line', 'create', {
        'name': work, 'project_id': project, 'employee_id': employee, 'unit_amount': hours,
        'date': '2026-11-02'})
    proposals = srv.execute('project.contract', 'create_invoice_proposals', [contract],
                            '2026-11-30')
    srv.execute('project.invoice.proposal', 'action_post', proposals)
    invoice = srv.execute('project.invoice.proposal', 'read', proposals, ['invoice_id'])[0]
    return contract, project, invoice['invoice_id'][0]


def _credited(srv, contract, project, invoice):
    """Credit the project's transactions; (number of the invoice credited,
    PDF text and file name of the credit note)."""
    number = srv.execute('account.invoice', 'read', [invoice], ['number'])[0]['number']
    txn = srv.execute('account.analytic.line', 'search', [('project_id', '=', project)])
    credits = srv.execute('project.contract', 'create_credit_proposals', [contract],
                          transaction_ids=txn)
    srv.execute('project.invoice.proposal', 'action_post', credits)
    credit_note = srv.execute('project.invoice.proposal', 'read', credits, ['invoice_id'])[0]
    return (number,) + _pdf(srv, credit_note['invoice_id'][0])


def test_project_invoice_pdf_has_the_company_header_and_footer(odoo_server):
    srv = odoo_server
    name = 'PDF customer %d' % int(time.time() * 1000)
    contract, project, invoice = _posted_invoice(srv, {
        'name': name, 'street': 'Keizersgracht 1', 'city': 'Amsterdam',
        'zip': '1015 CJ'}, 'Analysis', 2.0)
    company_id, company = srv.execute('res.users', 'read', [srv.uid()], ['company_id'])[0]['company_id']
    vat = srv.execute('res.company', 'read', [company_id], ['vat'])[0]['vat']
    assert vat                                  # the demo company's tax id
    text, _name = _pdf(srv, invoice)
    assert company in text                      # the header (external layout)
    assert vat in text                          # and the seller's tax id
    assert 'Page: 1 / 2' in text                # the footer (page 2: the hours annex)
    assert name in text and 'Keizersgracht 1' in text
    assert 'Invoice' in text
    # the credit note names the invoice it corrects
    number, text, _name = _credited(srv, contract, project, invoice)
    assert 'Corrective invoice' in text and 'Corrects: %s' % number in text
    # the credited hours read as the amounts: 2.0 hours, 200.00
    assert re.search(r'Credit: Analysis\s+2\.00\s+\$ 100\.00\s+100\.00 %\s+\$ 200\.00', text)
    assert company in text


def test_a_dutch_customer_gets_a_dutch_invoice(odoo_server):
    srv = odoo_server
    if not srv.execute('res.lang', 'search', [('code', '=', 'nl_NL')]):
        wizard = srv.execute('base.language.install', 'create', {'lang': 'nl_NL'})
        srv.execute('base.language.install', 'lang_install', [wizard])
    contract, project, invoice = _posted_invoice(
        srv, {'name': 'Klant %d' % int(time.time() * 1000), 'lang': 'nl_NL'}, 'Analyse', 1.5)
    text, name = _pdf(srv, invoice)
    assert 'Factuur' in text and 'Invoice' not in text
    assert 'Factuur' in name   # the file, named in the customer's language too
    # Dutch number format throughout: decimal comma, thousands dot
    assert re.search(r'Analyse\s+1,50\s+\$ 100,00\s+100,00 %\s+\$ 150,00', text), text
    assert '150.00' not in text
    # crediting it: a Dutch corrective invoice naming the one it corrects
    number, text, name = _credited(srv, contract, project, invoice)
    assert 'Correctiefactuur' in text and 'Corrigeert: %s' % number in text, text
    assert 'Correctiefactuur' in name
