from odoo import _, api, models
from odoo.exceptions import UserError


class AccountInvoiceRefund(models.TransientModel):
    """Odoo's "Add credit note" on project invoices. Refund and Cancel
    credit the whole invoice in the billing ledger (see
    account.invoice.action_invoice_open). Modify would make a plain draft
    copy that bills the same work outside the ledger: on a project invoice
    it credits the invoice, the credited transactions become to invoice
    again and new draft proposals of them open, to be corrected and posted."""
    _inherit = 'account.invoice.refund'

    @api.multi
    def compute_refund(self, mode='refund'):
        invoices = self.env['account.invoice'].browse(self.env.context.get('active_ids') or [])
        project = invoices.filtered('project_proposal_id')
        if mode != 'modify' or not project:
            return super(AccountInvoiceRefund, self).compute_refund(mode)
        if project != invoices:
            raise UserError(_('Modify project invoices apart from other invoices.'))
        super(AccountInvoiceRefund, self.with_context(project_refund_reinvoice=True)).compute_refund(
            'cancel')
        Proposal = self.env['project.invoice.proposal']
        proposals = Proposal.browse()
        for invoice in invoices:
            original = invoice.project_proposal_id
            analytic = original.line_ids.mapped('analytic_line_id')
            on_account = original.line_ids.mapped('on_account_id')
            proposals |= Proposal._propose(
                original.contract_id, date_to='9999-12-31', transactions=analytic,
                on_accounts=on_account.filtered(lambda o: o.status == 'ready'),
                date=self.date_invoice)[0]
        return proposals._action_list()
