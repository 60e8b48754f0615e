"""Every string of the three addons has its Dutch translation: a term in an
addon's .pot (refreshed by setup/i18n) without a msgstr in its nl.po fails."""
import glob
import json
import os

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDONS = ['project_invoicing_base', 'project_invoice_pool', 'project_billing_schedule']


def entries(path):
    """{msgid: msgstr} of a .po/.pot file (plural forms are not used)."""
    result, key, current = {}, None, None
    with open(path, encoding='utf-8') as f:
        for line in f.read().split('\n') + ['']:
            line = line.strip()
            if line.startswith('msgid '):
                key, current = 'id', [json.loads(line[6:])]
                msgid = current
            elif line.startswith('msgstr '):
                key, current = 'str', [json.loads(line[7:])]
                msgstr = current
            elif line.startswith('"') and current is not None:
                current.append(json.loads(line))
            elif not line and key == 'str':
                result[''.join(msgid)] = ''.join(msgstr)
                key, current = None, None
    result.pop('', None)
    return result


@pytest.mark.parametrize('addon', ADDONS)
def test_every_term_has_dutch(addon):
    pot = entries(os.path.join(ROOT, addon, 'i18n', '%s.pot' % addon))
    nl = entries(os.path.join(ROOT, addon, 'i18n', 'nl.po'))
    assert pot, 'no terms in %s.pot' % addon
    missing = sorted(t for t in pot if not nl.get(t))
    assert not missing, '%d terms of %s have no Dutch translation, e.g. %r' % (
        len(missing), addon, missing[:5])


def test_every_addon_is_checked():
    found = sorted(os.path.basename(os.path.dirname(os.path.dirname(p)))
                   for p in glob.glob(os.path.join(ROOT, '*', 'i18n', '*.pot')))
    assert found == sorted(ADDONS)
