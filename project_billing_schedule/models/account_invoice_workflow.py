"""A project invoice (and a credit note of one) changes state only through
Odoo's invoice workflow methods, which this addon follows: Validate,
Cancel, Reset to draft, paid and re-opened by payments. Odoo 11 also lets a
billing user write an invoice's state, validate it by its internal steps or
cancel its journal entry over XML-RPC; the billing ledger would not know."""
from contextlib import contextmanager

from odoo import _, api, models
from odoo.exceptions import UserError

MARK = '_project_invoice_workflow'
GUARDED = {'state', 'move_id', 'refund_invoice_id', 'move_name'}


@contextmanager
def workflow(cr):
    """Inside one of the workflow methods (a mark on the cursor: no caller
    can send it, unlike a context key)."""
    depth = getattr(cr, MARK, 0)
    setattr(cr, MARK, depth + 1)
    try:
        yield
    finally:
        setattr(cr, MARK, depth)


def in_workflow(cr):
    return getattr(cr, MARK, 0) > 0


class AccountInvoiceWorkflow(models.Model):
    _inherit = 'account.invoice'

    def _project_documents(self):
        return self.filtered(lambda i: i.project_proposal_id or
                             i.refund_invoice_id.project_proposal_id)

    def _check_workflow(self, what):
        if in_workflow(self.env.cr):
            return
        documents = self._project_documents()
        if documents:
            raise UserError(_('%s is a project invoice: only Validate, Cancel and Reset to draft '
                              'change its %s.') % (documents[0].display_name, what))

    @api.multi
    def write(self, vals):
        if GUARDED & set(vals):
            self._check_workflow(_('state and journal entry'))
        return super(AccountInvoiceWorkflow, self).write(vals)

    @api.multi
    def action_move_create(self):
        self._check_workflow(_('journal entry'))
        return super(AccountInvoiceWorkflow, self).action_move_create()

    @api.multi
    def invoice_validate(self):
        self._check_workflow(_('validation'))
        return super(AccountInvoiceWorkflow, self).invoice_validate()

    @api.multi
    def action_invoice_open(self):
        with workflow(self.env.cr):
            return super(AccountInvoiceWorkflow, self).action_invoice_open()

    @api.multi
    def action_cancel(self):
        with workflow(self.env.cr):
            return super(AccountInvoiceWorkflow, self).action_cancel()

    @api.multi
    def action_invoice_draft(self):
        with workflow(self.env.cr):
            return super(AccountInvoiceWorkflow, self).action_invoice_draft()

    @api.multi
    def action_invoice_paid(self):
        with workflow(self.env.cr):
            return super(AccountInvoiceWorkflow, self).action_invoice_paid()

    @api.multi
    def action_invoice_re_open(self):
        with workflow(self.env.cr):
            return super(AccountInvoiceWorkflow, self).action_invoice_re_open()


class AccountMove(models.Model):
    _inherit = 'account.move'

    def _check_project_invoice_moves(self):
        if in_workflow(self.env.cr):
            return
        invoices = self.env['account.invoice'].sudo().search([('move_id', 'in', self.ids)])
        if invoices._project_documents():
            raise UserError(_('%s is the journal entry of a project invoice: cancel the invoice, '
                              'not its entry.') % self[0].name)

    @api.multi
    def button_cancel(self):
        self._check_project_invoice_moves()
        return super(AccountMove, self).button_cancel()

    @api.multi
    def write(self, vals):
        if 'state' in vals:
            self._check_project_invoice_moves()
        return super(AccountMove, self).write(vals)
