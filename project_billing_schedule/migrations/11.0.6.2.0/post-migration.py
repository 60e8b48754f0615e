"""11.0.6.2.0: a funding share keeps no log columns and takes its contract
and company from its funding source (each was a foreign key PostgreSQL
checked on every one of the many thousand shares a month end inserts).
Odoo keeps the columns of fields a model no longer has, and the description
of its log fields: both go here."""
from odoo import SUPERUSER_ID, api

from odoo.addons.base.ir.ir_model import MODULE_UNINSTALL_FLAG

LOG_FIELDS = ['create_uid', 'create_date', 'write_uid', 'write_date']


def migrate(cr, version):
    if not version:
        return
    cr.execute("""
        ALTER TABLE project_funding_share
            DROP COLUMN IF EXISTS create_uid, DROP COLUMN IF EXISTS create_date,
            DROP COLUMN IF EXISTS write_uid, DROP COLUMN IF EXISTS write_date,
            DROP COLUMN IF EXISTS company_id, DROP COLUMN IF EXISTS contract_id""")
    env = api.Environment(cr, SUPERUSER_ID, {})
    stale = env['ir.model.fields'].search([('model', '=', 'project.funding.share'),
                                           ('name', 'in', LOG_FIELDS)])
    env['ir.model.data'].search([('model', '=', 'ir.model.fields'),
                                 ('res_id', 'in', stale.ids)]).unlink()
    stale.with_context(**{MODULE_UNINSTALL_FLAG: True}).unlink()
