from odoo import api, fields, models


class InvoiceProposalReject(models.TransientModel):
    _name = 'project.invoice.proposal.reject'
    _inherit = ['project.invoicing.input.check']
    _description = 'Reject invoice proposals'

    proposal_ids = fields.Many2many('project.invoice.proposal', required=True)
    reason = fields.Text(required=True)

    @api.multi
    def action_reject(self):
        self.proposal_ids.action_reject(self.reason)
        return {'type': 'ir.actions.act_window_close'}
