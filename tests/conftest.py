"""End-to-end fixtures: an Odoo server started on a free port against the
database setup/test installed (ODOO_TEST_DB), stopped after the session."""
import os
import shutil
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

    def execute_as(self, login, model, method, *args, **kw):
        """As a demo user whose password is its login."""
        uid = self.uid(login, login)
        assert uid, 'no demo user %s' % login
        return self.models().execute_kw(self.db, uid, login, model, method, list(args), kw)


@pytest.fixture(scope='session')
def odoo_server():
    db = os.environ.get('ODOO_TEST_DB')
    if not db:
        pytest.skip('ODOO_TEST_DB is not set: run through setup/test')
    os.makedirs(ARTIFACTS, exist_ok=True)
    if os.environ.get('ODOO_TEST_URL'):
        # a server that already runs (while developing the tests)
        server = OdooServer(db, 0, os.environ.get('ODOO_TEST_LOG', ''))
        server.url = os.environ['ODOO_TEST_URL']
        yield server
        return
    server, proc = _start(db, 'server-%s.log' % db, ['--workers', '0'])
    yield server
    _stop(proc)


@pytest.fixture(scope='module')
def odoo_workers_server():
    """The same database served as production does (setup/run): two worker
    processes, queue_job loaded server-wide and its job runner on."""
    db = os.environ.get('ODOO_TEST_DB')
    if not db:
        pytest.skip('ODOO_TEST_DB is not set: run through setup/test')
    os.makedirs(ARTIFACTS, exist_ok=True)
    server, proc = _start(db, 'server-workers-%s.log' % db,
                          ['--workers', '2', '--load', 'web,queue_job'],
                          {'ODOO_QUEUE_JOB_CHANNELS': 'root:2,root.project_invoicing:1,'
                                                      'root.account_invoice_validation_queued:1'})
    yield server
    _stop(proc)


def _start(db, log_name, args, env=None):
    port = _free_port()
    log = os.path.join(ARTIFACTS, log_name)
    proc = subprocess.Popen(
        [os.path.join(ROOT, 'setup', 'odoo'), '-d', db, '--db-filter', '^%s$' % db,
         '--http-interface', '127.0.0.1', '--http-port', str(port),
         '--longpolling-port', str(_free_port()),
         '--max-cron-threads', '0', '--logfile', log] + args,
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, env=dict(os.environ, **(env or {})))
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
    return server, proc


def _stop(proc):
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# ----------------------------------------------------------------------
# Browser: Debian's chromium driven by Playwright (no browser download)
# ----------------------------------------------------------------------
CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
                 '--disable-component-update', '--no-first-run', '--disable-sync']
# the onboarding tour's tips cover buttons and screenshots
HIDE_TOURS = '.o_tooltip, .o_tooltip_overlay { display: none !important; }'


def _chromium():
    import shutil
    return shutil.which('chromium') or shutil.which('chromium-browser')


@pytest.fixture(scope='session')
def browser():
    from playwright.sync_api import sync_playwright
    exe = _chromium()
    if not exe:
        pytest.fail('chromium is not installed: run setup/install')
    with sync_playwright() as p:
        # launch() gives every run a fresh, temporary user-data-dir
        b = p.chromium.launch(executable_path=exe, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Shots(object):
    """Screenshots of each step, in tests/artifacts/<test>/NN-step.png."""

    def __init__(self, page, name):
        self.page, self.n = page, 0
        self.dir = os.path.join(ARTIFACTS, name)
        shutil.rmtree(self.dir, ignore_errors=True)  # only this run's pictures
        os.makedirs(self.dir, exist_ok=True)
        self.last = None

    def __call__(self, step):
        self.n += 1
        self.last = os.path.join(self.dir, '%02d-%s.png' % (self.n, step))
        self.page.screenshot(path=self.last)
        return self.last


@pytest.fixture
def page(browser, odoo_server, request):
    context = browser.new_context(viewport={'width': 1400, 'height': 900}, locale='en-US')
    page = context.new_page()
    page.set_default_timeout(45000)
    page.add_init_script('document.addEventListener("DOMContentLoaded", function () {'
                         ' var s = document.createElement("style"); s.textContent = %r;'
                         ' document.head.appendChild(s); });' % HIDE_TOURS)
    page.shots = Shots(page, request.node.name)
    yield page
    if getattr(request.node, 'failed', False):
        path = page.shots('failure')
        print('\nscreenshot: %s\nserver log: %s' % (path, odoo_server.log))
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == 'call' and report.failed:
        item.failed = True
