#!/usr/bin/env python3
"""Count the unit-test results in an Odoo 11 log (used by setup/test).

Odoo 11 prints no totals line. Each test module run by --test-enable logs,
under the test module's logger (odoo.addons.<module>.tests.<file>), unittest's
"Ran N tests in Xs" followed by "OK", "OK (skipped=N)" or
"FAILED (failures=N, errors=N, skipped=N)". We add those up per block.

Usage: lib_odoo_log.py LOGFILE   -> prints "passed failed skipped" on stdout
"""
import re
import sys

LINE = re.compile(r'^\S+ \S+ \d+ (?P<level>\w+) \S+ (?P<logger>odoo\.addons\.[\w.]+\.tests\.[\w.]+): (?P<msg>.*)$')
RAN = re.compile(r'^Ran (\d+) tests? in ')
RESULT = re.compile(r'^(OK|FAILED)(?: \((.*)\))?$')


def count(lines):
    passed = failed = skipped = 0
    ran = None
    for line in lines:
        m = LINE.match(line.rstrip('\n'))
        if not m:
            continue
        msg = m.group('msg')
        r = RAN.match(msg)
        if r:
            ran = int(r.group(1))
            continue
        r = RESULT.match(msg)
        if r and ran is not None:
            stats = dict((k.strip(), int(v)) for k, v in
                         (kv.split('=') for kv in (r.group(2) or '').split(',') if '=' in kv))
            bad = stats.get('failures', 0) + stats.get('errors', 0) \
                + stats.get('unexpected successes', 0)
            skip = stats.get('skipped', 0) + stats.get('expected failures', 0)
            failed += bad
            skipped += skip
            passed += max(ran - bad - skip, 0)
            ran = None
    return passed, failed, skipped


if __name__ == '__main__':
    with open(sys.argv[1], errors='replace') as f:
        print(*count(f))
