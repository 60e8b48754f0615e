from odoo import api
from odoo.tests.common import TransactionCase

from ..environments import release_environments


class TestReleaseEnvironments(TransactionCase):
    """release_environments() lets go of the environments only the record
    cache keeps alive, and nothing written is lost."""

    def live(self):
        return len(list(api.Environment.envs))

    def test_environments_released(self):
        partner = self.env['res.partner'].create({'name': 'Env test', 'lang': 'en_US'})
        before = self.live()
        for i in range(20):
            # a context of its own (as Odoo's invoice validation makes per
            # invoice), and a context-dependent field read in it: its cache
            # key is the environment, which the cache keeps alive
            partner.with_context(env_test=i).property_account_receivable_id.id
        self.assertGreaterEqual(self.live(), before + 20)
        partner.write({'name': 'Env test (renamed)'})
        release_environments(self.env)
        self.assertLess(self.live(), before + 20)
        self.env.cr.execute('SELECT name FROM res_partner WHERE id = %s', (partner.id,))
        self.assertEqual(self.env.cr.fetchone()[0], 'Env test (renamed)')
        self.assertEqual(partner.name, 'Env test (renamed)')
