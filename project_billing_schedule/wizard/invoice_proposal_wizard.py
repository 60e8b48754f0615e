from odoo import _, api, fields, models
from odoo.exceptions import UserError


class InvoiceProposalWizard(models.TransientModel):
    """Create invoice proposals by hand: pick the transactions to invoice up
    to a date; one proposal per funding source comes out."""
    _name = 'project.invoice.proposal.wizard'
    _inherit = 'project.transaction.type.selection'
    _description = 'Create invoice proposals'

    contract_id = fields.Many2one('project.contract', required=True)
    project_id = fields.Many2one('project.project', domain="[('contract_id', '=', contract_id)]")
    date_to = fields.Date(string='Up to', required=True, default=fields.Date.context_today)
    date = fields.Date(string='Invoice date', required=True, default=fields.Date.context_today)
    include_retention_release = fields.Boolean(string='Retention release', default=False)
    split_by_type = fields.Boolean(string='One proposal per transaction type',
                                   help='E.g. hours on one invoice and items on another.')
    transaction_ids = fields.Many2many(
        'account.analytic.line', string='Transactions',
        domain="[('billing_contract_id', '=', contract_id), ('invoice_status', '=', 'to_invoice')]")
    on_account_ids = fields.Many2many(
        'project.on.account', string='On-account transactions',
        domain="[('contract_id', '=', contract_id), ('status', '=', 'ready')]")

    @api.model
    def default_get(self, fields_list):
        res = super(InvoiceProposalWizard, self).default_get(fields_list)
        if self.env.context.get('active_model') == 'project.project' and not res.get('project_id'):
            project = self.env['project.project'].browse(self.env.context.get('active_id'))
            res.update(project_id=project.id, contract_id=project.contract_id.id)
        return res

    @api.onchange('contract_id', 'project_id', 'date_to', 'include_hours', 'include_expenses',
                  'include_items', 'include_fees', 'include_on_account')
    def _onchange_selection(self):
        """List what there is to invoice; the user unticks what to leave out."""
        if not self.contract_id:
            return
        types = self._types()
        domain = [('billing_contract_id', '=', self.contract_id.id),
                  ('invoice_status', '=', 'to_invoice'), ('date', '<=', self.date_to),
                  ('billing_type', 'in', types)]
        oa_domain = [('contract_id', '=', self.contract_id.id), ('status', '=', 'ready'),
                     ('date', '<=', self.date_to)]
        if self.project_id:
            domain.append(('billing_project_id', '=', self.project_id.id))
            oa_domain.append(('project_id', '=', self.project_id.id))
        self.transaction_ids = self.env['account.analytic.line'].search(domain)
        self.on_account_ids = self.env['project.on.account'].search(oa_domain) \
            if 'on_account' in types else False

    @api.multi
    def action_create(self):
        self.ensure_one()
        if not (self.transaction_ids or self.on_account_ids or self.include_retention_release):
            raise UserError(_('Select the transactions to invoice.'))
        Proposal = self.env['project.invoice.proposal']
        proposals, reasons = Proposal._propose(
            self.contract_id, date_to=self.date_to, types=self._types(),
            projects=self.project_id or None, transactions=self.transaction_ids,
            on_accounts=self.on_account_ids, split_by_type=self.split_by_type, date=self.date)
        reasons = sorted(set(reasons.values()))
        if self.include_retention_release:
            released, why = Proposal._propose_retention_release(
                self.contract_id, self.date, projects=self.project_id or None, explicit=False)
            proposals |= released
            reasons += why
        if not proposals:
            raise UserError(_('No invoice proposal was created.\n%s') % '\n'.join(reasons)
                            if reasons else _('No invoice proposal was created: nothing to '
                                              'invoice.'))
        action = proposals._action_list()
        if len(proposals) == 1:
            action.update(views=[(False, 'form')], res_id=proposals.id)
        return action
