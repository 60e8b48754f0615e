from odoo import fields, models


class ResCompany(models.Model):
    _inherit = 'res.company'

    project_proposal_review_required = fields.Boolean(
        string='Review project invoice proposals',
        help='Every invoice proposal must be approved by a reviewer before posting.')
    project_proposal_four_eyes = fields.Boolean(
        string='Four-eyes review of invoice proposals', default=True,
        help='The user who submitted an invoice proposal for review cannot approve it.')


class ResConfigSettings(models.TransientModel):
    _inherit = 'res.config.settings'

    project_proposal_review_required = fields.Boolean(
        related='company_id.project_proposal_review_required')
    project_proposal_four_eyes = fields.Boolean(related='company_id.project_proposal_four_eyes')
