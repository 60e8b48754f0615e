"""End-to-end fixtures: an Odoo server started on a free port against the
database setup/test installed (ODOO_TEST_DB), stopped after the session."""
import os
import socket
import subprocess
import time
import xmlrpc.client

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ARTIFACTS = os.path.join(ROOT, 'tests', 'artifacts')


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class OdooServer(object):
    def __init__(self, db, port, log):
        self.db, self.port, self.log = db, port, log
        self.url = 'http://127.0.0.1:%d' % port
        self.login, self.password = 'admin', 'admin'

    def common(self):
        return xmlrpc.client.ServerProxy(self.url + '/xmlrpc/2/common', allow_none=True)

    def models(self):
        return xmlrpc.client.ServerProxy(self.url + '/xmlrpc/2/object', allow_none=True)

    def uid(self, login=None, password=None):
        return self.common().authenticate(self.db, login or self.login,
                                          password or self.password, {})

    def execute(self, model, method, *args, **kw):
        uid = self.uid()
        return self.models().execute_kw(self.db, uid, self.password, model, method,
                                        list(args), kw)


@pytest.fixture(scope='session')
def odoo_server():
    db = os.environ.get('ODOO_TEST_DB')
    if not db:
        pytest.skip('ODOO_TEST_DB is not set: run through setup/test')
    os.makedirs(ARTIFACTS, exist_ok=True)
    port = _free_port()
    log = os.path.join(ARTIFACTS, 'server-%s.log' % db)
    proc = subprocess.Popen(
        [os.path.join(ROOT, 'setup', 'odoo'), '-d', db, '--db-filter', '^%s$' % db,
         '--http-interface', '127.0.0.1', '--http-port', str(port),
         '--longpolling-port', str(_free_port()), '--workers', '0',
         '--max-cron-threads', '0', '--logfile', log],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    server = OdooServer(db, port, log)
    deadline = time.time() + 60
    while True:
        try:
            server.common().version()
            break
        except (ConnectionError, OSError, xmlrpc.client.ProtocolError):
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                pytest.fail('Odoo server did not start; see %s' % log)
            time.sleep(0.5)
    yield server
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
