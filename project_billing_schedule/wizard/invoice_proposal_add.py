from odoo import _, api, fields, models
from odoo.exceptions import UserError


class InvoiceProposalAdd(models.TransientModel):
    """Add transactions to invoice to a draft proposal: its funding source's
    share of each (the other sources' shares are proposed to them)."""
    _name = 'project.invoice.proposal.add'
    _inherit = ['project.invoicing.input.check']
    _description = 'Add transactions to an invoice proposal'

    proposal_id = fields.Many2one('project.invoice.proposal', required=True,
                                  domain=[('state', '=', 'draft')])
    contract_id = fields.Many2one(related='proposal_id.contract_id', readonly=True)
    project_id = fields.Many2one(related='proposal_id.project_id', readonly=True)
    transaction_ids = fields.Many2many(
        'account.analytic.line', string='Transactions',
        domain="[('billing_contract_id', '=', contract_id), ('invoice_status', '=', 'to_invoice'),"
               " '|', ('billing_project_id', '=', project_id), (project_id, '=', False)]")
    on_account_ids = fields.Many2many(
        'project.on.account', string='On-account transactions',
        domain="[('contract_id', '=', contract_id), ('status', '=', 'ready'),"
               " '|', ('project_id', '=', project_id), (project_id, '=', False)]")

    @api.multi
    def action_add(self):
        self.ensure_one()
        self.proposal_id._check_rights()  # lines are inserted in SQL
        if not (self.transaction_ids or self.on_account_ids):
            raise UserError(_('Select the transactions to add.'))
        proposal = self.proposal_id
        if proposal.project_id:
            foreign = self.transaction_ids.filtered(
                lambda t: t.billing_project_id != proposal.project_id) or \
                self.on_account_ids.filtered(lambda o: o.project_id != proposal.project_id)
            if foreign:
                raise UserError(_('"%s" belongs to another project than proposal %s (%s).') % (
                    foreign[0].name, proposal.name, proposal.project_id.name))
        proposal._add_transactions(self.transaction_ids, self.on_account_ids)
        return {'type': 'ir.actions.act_window_close'}
