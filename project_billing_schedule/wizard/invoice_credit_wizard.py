from odoo import _, api, fields, models
from odoo.exceptions import UserError


class InvoiceCreditWizard(models.TransientModel):
    """Credit previously invoiced transactions: a credit note proposal per
    funding source (from the transaction list or from a customer invoice)."""
    _name = 'project.invoice.credit.wizard'
    _description = 'Credit invoiced transactions'

    transaction_ids = fields.Many2many('account.analytic.line', string='Transactions',
                                       domain=[('invoice_status', '=', 'invoiced')])
    on_account_ids = fields.Many2many('project.on.account', string='On-account transactions',
                                      domain=[('status', '=', 'invoiced')])
    reinvoice = fields.Boolean(string='Invoice again afterwards',
                               help='The credited transactions become "to invoice" again, to be '
                                    'corrected and invoiced anew.')
    date = fields.Date(required=True, default=fields.Date.context_today)

    @api.model
    def default_get(self, fields_list):
        res = super(InvoiceCreditWizard, self).default_get(fields_list)
        ctx = self.env.context
        ids = ctx.get('active_ids') or []
        if ctx.get('active_model') == 'account.analytic.line':
            res['transaction_ids'] = [(6, 0, ids)]
        elif ctx.get('active_model') == 'account.invoice':
            lines = self.env['project.invoice.proposal.line'].search([
                ('invoice_line_id.invoice_id', 'in', ids), ('credited_line_id', '=', False)])
            res['transaction_ids'] = [(6, 0, lines.mapped('analytic_line_id').ids)]
            res['on_account_ids'] = [(6, 0, lines.mapped('on_account_id').ids)]
        return res

    @api.multi
    def action_create(self):
        self.ensure_one()
        if not (self.transaction_ids or self.on_account_ids):
            raise UserError(_('Select the invoiced transactions to credit.'))
        proposals = self.env['project.invoice.proposal']._propose_credit(
            self.transaction_ids, self.on_account_ids, reinvoice=self.reinvoice, date=self.date)
        action = self.env.ref('project_billing_schedule.action_invoice_proposal').read()[0]
        action['domain'] = [('id', 'in', proposals.ids)]
        return action

