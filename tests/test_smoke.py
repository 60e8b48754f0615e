"""Smoke test: a real server answers XML-RPC and both addons are installed."""
import urllib.request


def test_both_addons_installed(odoo_server):
    assert odoo_server.uid(), 'admin cannot log in'
    mods = odoo_server.execute(
        'ir.module.module', 'search_read',
        [('name', 'in', ['project_invoice_pool', 'project_billing_schedule'])],
        fields=['name', 'state'])
    assert sorted((m['name'], m['state']) for m in mods) == [
        ('project_billing_schedule', 'installed'),
        ('project_invoice_pool', 'installed'),
    ]


def test_login_page_served(odoo_server):
    with urllib.request.urlopen(odoo_server.url + '/web/login', timeout=30) as resp:
        assert resp.status == 200
        assert b'login' in resp.read()
