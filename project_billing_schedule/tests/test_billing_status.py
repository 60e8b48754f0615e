"""The billing status function (pure, no database)."""
import unittest

from hypothesis import given, settings, strategies as st

from ..billing_status import Share, needs_unfreeze, share_due, transaction_status


def share(amount=100.0, posted=0.0, open=0.0, open_lines=0, posted_lines=0, internal=False,
          written_off=False):
    return Share(amount=amount, internal=internal, on_hold=False, posted=posted, open=open,
                 open_lines=open_lines, written_off=written_off, posted_lines=posted_lines)


class TestBillingStatus(unittest.TestCase):

    def test_statuses(self):
        self.assertEqual(transaction_status([]), 'to_invoice')
        self.assertEqual(transaction_status([], excluded=True), 'not_chargeable')
        self.assertEqual(transaction_status([share(open=100.0, open_lines=1)]), 'in_proposal')
        self.assertEqual(transaction_status([share(posted=100.0, posted_lines=1)]), 'invoiced')
        # case 1: one source credited to invoice again, the other invoiced
        self.assertEqual(transaction_status([share(70.0, 0.0, posted_lines=2),
                                             share(30.0, 30.0, posted_lines=1)]), 'to_invoice')
        # credited for good, all of it
        self.assertEqual(transaction_status([share(70.0, 0.0, posted_lines=2, written_off=True),
                                             share(30.0, 0.0, posted_lines=2, written_off=True)]),
                         'credited')
        # one source credited for good, the other still invoiced
        self.assertEqual(transaction_status([share(70.0, 0.0, posted_lines=2, written_off=True),
                                             share(30.0, 30.0, posted_lines=1)]), 'invoiced')
        # borne internally: not chargeable, never stuck in proposal
        self.assertEqual(transaction_status([share(internal=True)]), 'not_chargeable')
        # a 0.00 transaction proposed and posted is invoiced, not proposed forever
        self.assertEqual(transaction_status([share(0.0, 0.0, posted_lines=1)]), 'invoiced')

    def test_due_and_unfreeze(self):
        self.assertEqual(share_due(share(70.0, posted=0.0, open=0.0)), 70)
        self.assertEqual(share_due(share(70.0, posted=70.0)), 0)
        self.assertEqual(share_due(share(70.0, written_off=True)), 0)
        self.assertEqual(share_due(share(70.0, internal=True)), 0)
        self.assertTrue(needs_unfreeze([share()]))
        self.assertFalse(needs_unfreeze([share(internal=True)]))
        self.assertFalse(needs_unfreeze([share(open_lines=1)]))

    @settings(max_examples=300, deadline=None, database=None, derandomize=True)
    @given(st.lists(st.tuples(st.integers(0, 1000), st.integers(0, 1000), st.integers(0, 1000),
                              st.booleans(), st.booleans(), st.integers(0, 2), st.integers(0, 2)),
                    max_size=4), st.booleans())
    def test_property_one_status_that_matches_the_ledger(self, rows, excluded):
        # internal sources are never proposed nor invoiced
        shares = [share(a, 0, 0, 0, 0, True, False) if internal else
                  share(a, min(p, a), min(o, a - min(p, a)), ol, pl, False, wo)
                  for a, p, o, internal, wo, ol, pl in rows]
        status = transaction_status(shares, excluded)
        external = [s for s in shares if not s.internal]
        if excluded or (shares and not external):
            self.assertEqual(status, 'not_chargeable')
        elif any(s.open_lines for s in shares):
            self.assertEqual(status, 'in_proposal')
        elif status == 'invoiced':   # nothing is due: each share invoiced or credited for good
            self.assertTrue(all(share_due(s) == 0 for s in external))
            self.assertTrue(any(s.posted_lines for s in external))
        elif status == 'to_invoice':
            self.assertTrue(not shares or any(share_due(s) != 0 for s in external)
                            or not any(s.posted_lines for s in external))
        else:
            self.assertEqual(status, 'credited')
            self.assertEqual(sum(s.posted for s in external), 0)
