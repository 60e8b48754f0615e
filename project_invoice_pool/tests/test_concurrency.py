from odoo.exceptions import UserError
from odoo.tests.common import TransactionCase
from odoo.tools import mute_logger


class TestConcurrentBill(TransactionCase):
    """Two users click Purchase order on the same pool entry at once: the
    second one waits for nothing and gets a clear error; one bill results.
    Needs committed data, so it uses the demo entry and two real cursors."""

    def test_two_cursors_one_bill(self):
        entry = self.env.ref('project_invoice_pool.demo_register_1_line_1',
                             raise_if_not_found=False)
        if not entry or entry.pool_state != 'in_pool' or entry.invoice_id:
            self.skipTest('needs the demo pool entry')
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            env1 = self.env(cr=cr1)
            env2 = self.env(cr=cr2)
            env1['account.invoice.register.line'].browse(entry.id).action_create_bill()
            with mute_logger('odoo.sql_db'), self.assertRaisesRegex(UserError, 'Another user'):
                env2['account.invoice.register.line'].browse(entry.id).action_create_bill()
            cr2.rollback()
            cr1.rollback()  # leave the demo entry as it was
