from odoo import fields, models


class ResCompany(models.Model):
    _inherit = 'res.company'

    project_proposal_review_required = fields.Boolean(
        string='Review project invoice proposals',
        help='Every invoice proposal must be approved by a reviewer before posting.')


class ResConfigSettings(models.TransientModel):
    _inherit = 'res.config.settings'

    project_proposal_review_required = fields.Boolean(
        related='company_id.project_proposal_review_required')
