from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = 'res.config.settings'

    invoice_match_tolerance_percent = fields.Float(
        related='company_id.invoice_match_tolerance_percent')
    invoice_match_tolerance_amount = fields.Float(
        related='company_id.invoice_match_tolerance_amount')
