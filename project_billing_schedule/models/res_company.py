from odoo import fields, models


class ResCompany(models.Model):
    _inherit = 'res.company'

    project_proposal_review_required = fields.Boolean(
        string='Review project invoice proposals',
        help='Every invoice proposal must be approved by a reviewer before posting.')
    project_proposal_four_eyes = fields.Boolean(
        string='Four-eyes review of invoice proposals', default=True,
        help='The user who submitted an invoice proposal for review cannot approve it.')
    project_invoicing_chunk_size = fields.Integer(
        string='Contracts per periodic invoicing job', default=20,
        help='A periodic invoicing run in the background invoices this many contracts per job.')
    project_invoicing_job_threshold = fields.Integer(
        string='Periodic invoicing in the background from', default=40,
        help='A run of at least this many contracts runs as background jobs; smaller runs '
             'run at once.')


class ResConfigSettings(models.TransientModel):
    _inherit = 'res.config.settings'

    project_proposal_review_required = fields.Boolean(
        related='company_id.project_proposal_review_required')
    project_proposal_four_eyes = fields.Boolean(related='company_id.project_proposal_four_eyes')
    project_invoicing_chunk_size = fields.Integer(related='company_id.project_invoicing_chunk_size')
    project_invoicing_job_threshold = fields.Integer(
        related='company_id.project_invoicing_job_threshold')
