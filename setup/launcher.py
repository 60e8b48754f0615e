#!/usr/bin/env python3
"""odoo-bin for this project: apply the Python 3.11 shims, then run Odoo's CLI.

Run it through setup/odoo, which picks the virtualenv's Python and adds the
database settings and this repository's addons to the addons path.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import odoo11_compat  # noqa: E402  (sets TZ=UTC, patches the stdlib)

import odoo  # noqa: E402

odoo11_compat.patch_odoo()

if os.environ.get('ODOO11_COMPAT_VERBOSE'):
    sys.stderr.write('odoo11_compat: %s\n' % ', '.join(odoo11_compat.PATCHES))

if __name__ == '__main__':
    odoo.cli.main()
