"""docs/access-matrix.md shows the matrix the addons' tests check, cell by
cell (project_*/tests/access_matrix.py): a change of rights changes both."""
import importlib.util
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _load(path):
    spec = importlib.util.spec_from_file_location(path.replace('/', '_'), os.path.join(ROOT, path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tables():
    groups = _load('project_invoicing_base/tests/access_groups.py')
    pool = _load('project_invoice_pool/tests/access_matrix.py')
    billing = _load('project_billing_schedule/tests/access_matrix.py')
    return (groups.render('Invoice register and invoice pool', pool.MATRIX) + '\n' +
            groups.render('Project billing', billing.MATRIX))


def test_the_document_shows_the_tested_matrix():
    with open(os.path.join(ROOT, 'docs', 'access-matrix.md')) as f:
        doc = f.read()
    assert tables() in doc, ('docs/access-matrix.md is out of date; its tables are:\n' + tables())
