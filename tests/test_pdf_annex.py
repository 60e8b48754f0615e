"""The hours annex prints after the project invoice, on a page of its own,
grouped as the contract says; a contract without annex prints one page."""
import re

from test_pdf import _credited, _pdf, _posted_invoice


def test_hours_annex_follows_the_invoice(odoo_server):
    srv = odoo_server
    contract, project, invoice = _posted_invoice(srv, {'name': 'Annex customer'}, 'Design', 2.5)
    employee = srv.execute('account.analytic.line', 'search_read', [('project_id', '=', project)],
                           ['employee_id'])[0]['employee_id'][1]
    text, _name = _pdf(srv, invoice)
    assert 'Page: 2 / 2' in text
    annex = text[text.index('Hours annex'):]
    # the default grouping is per project: the project, its row, subtotal and total
    assert 'Per project' in annex
    assert re.search(r'%s\s+Design\s+2\.50\s+\$ 100\.00\s+100\.00 %%\s+\$ 250\.00'
                     % re.escape(employee), annex), annex
    assert re.search(r'Subtotal PDF project \d+\s+2\.50\s+\$ 250\.00', annex), annex
    assert re.search(r'Total of the annex\s+2\.50\s+\$ 250\.00', annex), annex
    # the credit note's annex: the credited hours negative
    _number, text, _name = _credited(srv, contract, project, invoice)
    annex = text[text.index('Hours annex'):]
    assert re.search(r'Total of the annex\s+-2\.50\s+\$ -250\.00', annex), annex
    # no annex: the invoice alone
    srv.execute('project.contract', 'write', [contract], {'annex_grouping': 'none'})
    text, _name = _pdf(srv, invoice)
    assert 'Hours annex' not in text and 'Page: 1 / 1' in text
