from odoo import _, api, fields, models
from odoo.exceptions import UserError


class InvoiceCreditWizard(models.TransientModel):
    """Credit previously invoiced transactions: a credit note proposal per
    funding source. From a customer invoice it credits that invoice's
    shares only (not the other funders' invoices of the same work); from
    the transaction list, the shares of the sources chosen."""
    _name = 'project.invoice.credit.wizard'
    _inherit = ['project.invoicing.input.check']
    _description = 'Credit invoiced transactions'

    transaction_ids = fields.Many2many('account.analytic.line', string='Transactions',
                                       domain=[('invoice_status', '=', 'invoiced')])
    on_account_ids = fields.Many2many('project.on.account', string='On-account transactions',
                                      domain=[('status', '=', 'invoiced')])
    invoice_ids = fields.Many2many('account.invoice', string='Customer invoices', readonly=True)
    source_ids = fields.Many2many('project.funding.source', string='Funding sources',
                                  help='Credit the shares of these sources only; empty: all.')
    proposal_id = fields.Many2one('project.invoice.proposal', string='Into proposal',
                                  domain=[('state', '=', 'draft')],
                                  help='A draft proposal of the same funding source that takes '
                                       'the credits beside its new transactions.')
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
            invoices = self.env['account.invoice'].browse(ids).filtered('project_proposal_id')
            lines = invoices.mapped('project_proposal_id.line_ids').filtered(
                lambda l: not l.credited_line_id)
            res['invoice_ids'] = [(6, 0, invoices.ids)]
            res['transaction_ids'] = [(6, 0, lines.mapped('analytic_line_id').ids)]
            res['on_account_ids'] = [(6, 0, lines.mapped('on_account_id').ids)]
            res['source_ids'] = [(6, 0, invoices.mapped(
                'project_proposal_id.funding_source_id').ids)]
        elif ctx.get('active_model') == 'project.invoice.proposal':
            res['proposal_id'] = ctx.get('active_id')
        return res

    @api.multi
    def action_create(self):
        self.ensure_one()
        self.env['project.invoice.proposal']._check_rights('create')  # lines go in SQL
        if not (self.transaction_ids or self.on_account_ids or self.invoice_ids):
            raise UserError(_('Select the invoiced transactions to credit.'))
        Proposal = self.env['project.invoice.proposal']
        proposals = Proposal._propose_credit(
            self.transaction_ids, self.on_account_ids, reinvoice=self.reinvoice, date=self.date,
            invoices=self.invoice_ids or None, sources=self.source_ids or None,
            into=self.proposal_id or None)
        return proposals._action_list()
