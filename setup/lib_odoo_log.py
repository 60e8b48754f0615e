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

LINE = re.compile(r'^\S+ \S+ \d+ (?P<level>\w+) \S+ (?P<logger>[\w.]+): (?P<msg>.*)$')
TEST_LOGGER = re.compile(r'^odoo\.addons\.\w+\.tests\.')
RAN = re.compile(r'^Ran (\d+) tests? in ')
# unittest writes "FAILED" / "OK" and " (failures=1, errors=2)" in separate
# writes, which Odoo logs as separate lines; accept both forms.
RESULT = re.compile(r'^(?:OK|FAILED)?\s*(?:\((?P<stats>[^)]*)\))?\s*$')
MODULE_FAIL = re.compile(r'^Module (\w+): (\d+) failures, (\d+) errors$')


def count(lines):
    """Return (passed, failed, skipped) over every test block of the log."""
    passed = failed = skipped = 0
    module_failed = 0   # what Odoo's own "Module X: N failures, N errors" says
    blocks = []         # [ran, stats dict]
    for line in lines:
        m = LINE.match(line.rstrip('\n'))
        if not m:
            continue
        logger, msg = m.group('logger'), m.group('msg')
        if logger == 'odoo.modules.module':
            f = MODULE_FAIL.match(msg)
            if f:
                module_failed += int(f.group(2)) + int(f.group(3))
            continue
        if not TEST_LOGGER.match(logger):
            continue
        r = RAN.match(msg)
        if r:
            blocks.append([int(r.group(1)), {}])
            continue
        r = RESULT.match(msg)
        if blocks and msg.strip() and r and r.group('stats'):
            for kv in r.group('stats').split(','):
                if '=' in kv:
                    k, v = kv.split('=')
                    blocks[-1][1][k.strip()] = int(v)
    for ran, stats in blocks:
        bad = stats.get('failures', 0) + stats.get('errors', 0) + stats.get('unexpected successes', 0)
        skip = stats.get('skipped', 0) + stats.get('expected failures', 0)
        failed += bad
        skipped += skip
        passed += max(ran - bad - skip, 0)
    # never report fewer failures than Odoo itself counted
    failed = max(failed, module_failed)
    return passed, failed, skipped


if __name__ == '__main__':
    with open(sys.argv[1], errors='replace') as f:
        print(*count(f))
