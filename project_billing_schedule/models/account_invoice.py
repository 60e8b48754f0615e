from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import formatLang


class AccountInvoice(models.Model):
    """Customer invoices of invoice proposals: cancelling or refunding one
    in Odoo's own way keeps the billing ledger true."""
    _inherit = 'account.invoice'

    @api.model
    def line_get_convert(self, line, part):
        vals = super(AccountInvoice, self).line_get_convert(line, part)
        if line.get('invl_id'):
            invl = self.env['account.invoice.line'].browse(line['invl_id'])
            vals['purchase_line_id'] = invl.purchase_line_id.id
        return vals

    project_proposal_id = fields.Many2one('project.invoice.proposal', string='Invoice proposal',
                                          readonly=True, copy=False, index=True)
    project_document_title = fields.Char(compute='_compute_project_document_title',
                                         string='Document title')

    @api.depends('type', 'project_proposal_id', 'company_id.country_id')
    def _compute_project_document_title(self):
        for invoice in self:
            invoice.project_document_title = invoice._project_document_title()

    def _project_format(self, value, money=True):
        """`value` as the printed invoice shows it: in the language of the
        invoice's context (the customer's), with its currency when `money`.
        QWeb's own widgets on t-esc format in the printing user's language."""
        return formatLang(self.env, value, currency_obj=self.currency_id if money else False)

    def _project_type_label(self, ttype):
        """A proposal line type as the printed invoice names it."""
        Line = self.env['project.invoice.proposal.line']
        return dict(Line._fields['transaction_type']._description_selection(self.env))[ttype]

    def _project_document_title(self):
        """"Invoice" for a positive total, "Credit note" for a negative one; a
        document that corrects earlier invoiced transactions is a "Corrective
        invoice", except for a company in Germany (there: "Credit note")."""
        lines = self.project_proposal_id.line_ids
        corrective = any(lines.mapped('credited_line_id')) or 'reversal' in lines.mapped(
            'analytic_line_id.adjustment_kind')
        if corrective:
            if self.company_id.country_id.code == 'DE':
                return _('Credit note')
            return _('Corrective invoice')
        return _('Credit note') if self.type in ('out_refund', 'in_refund') else _('Invoice')

    @api.model
    def create(self, vals):
        proposal = self.env['project.invoice.proposal'].browse(vals.get('project_proposal_id'))
        if proposal and (proposal.invoice_id or proposal.state not in ('draft', 'approved')):
            raise UserError(_('Only the posting of invoice proposal %s creates its invoice.')
                            % proposal.name)
        return super(AccountInvoice, self).create(vals)

    @api.multi
    def write(self, vals):
        if 'project_proposal_id' in vals:
            raise UserError(_('The invoice proposal of an invoice is set when the proposal is '
                              'posted; it cannot be changed.'))
        if vals.get('state', 'cancel') != 'cancel' and self.filtered(
                lambda i: i.project_proposal_id.state == 'cancel'):
            raise UserError(_('This invoice belonged to an invoice proposal cancelled with it: its '
                              'transactions are invoiced by a new proposal, not by reopening it.'))
        return super(AccountInvoice, self).write(vals)

    def _write_project_proposal(self, proposal):
        super(AccountInvoice, self).write({'project_proposal_id': proposal.id})
        return True

    def _project_refunds(self):
        """Customer credit notes made in Odoo from a project invoice, not by
        a proposal: the ledger must learn what they credit."""
        return self.filtered(lambda i: i.type == 'out_refund' and not i.project_proposal_id
                             and i.refund_invoice_id.project_proposal_id)

    @api.multi
    def action_invoice_open(self):
        foreign = self.filtered(lambda i: i.project_proposal_id
                                and i.project_proposal_id.invoice_id != i)
        if foreign:
            raise UserError(_('%s claims invoice proposal %s, which did not create it.') % (
                foreign[0].display_name, foreign[0].project_proposal_id.name))
        refunds = self._project_refunds().filtered(lambda i: i.state == 'draft')
        Proposal = self.env['project.invoice.proposal']
        mirrors = [(refund, Proposal._credit_from_refund(refund)) for refund in refunds]
        res = super(AccountInvoice, self).action_invoice_open()
        for refund, mirror in mirrors:
            mirror._post_with_invoice(refund)
        return res

    @api.multi
    def action_cancel(self):
        reviewed = self.mapped('project_proposal_id').filtered('review_required')
        if reviewed and not self.user_has_groups(
                'project_billing_schedule.group_project_invoice_reviewer'):
            raise AccessError(_('Invoice proposal %s was reviewed: only a reviewer cancels its '
                                'invoice.') % reviewed[0].name)
        self.env['project.invoice.proposal']._check_cancellable(self.filtered('project_proposal_id'))
        self._release_project_costs()
        res = super(AccountInvoice, self).action_cancel()
        self.env['project.invoice.proposal']._on_invoices_cancelled(
            self.filtered('project_proposal_id'))
        return res

    def _release_project_costs(self):
        """A vendor bill being cancelled deletes its cost lines (project
        transactions): refused while one is proposed or invoiced to a
        customer; a cancelled proposal's history just loses the link."""
        bills = self.filtered(lambda i: i.type in ('in_invoice', 'in_refund') and i.move_id)
        costs = bills.mapped('move_id.line_ids.analytic_line_ids')
        if not costs:
            return
        used = self.env['project.invoice.proposal.line'].search([
            ('analytic_line_id', 'in', costs.ids), ('proposal_id.state', '!=', 'cancel')], limit=1)
        if used:
            raise UserError(_('%s is invoiced to the project customer on %s ("%s"): credit it there '
                              'before cancelling the bill.') % (
                used.analytic_line_id.name, used.proposal_id.name, used.name))
        self.env.cr.execute('UPDATE project_invoice_proposal_line SET analytic_line_id = NULL '
                            'WHERE analytic_line_id IN %s', (tuple(costs.ids),))
        self.env['project.invoice.proposal.line'].invalidate_cache(['analytic_line_id'])

    @api.multi
    def action_invoice_draft(self):
        gone = self.filtered(lambda i: i.project_proposal_id.state == 'cancel')
        if gone:
            raise UserError(_('%s was the invoice of proposal %s, cancelled with it: its '
                              'transactions are invoiceable again. Invoice them with a new '
                              'proposal instead of reopening this invoice.') % (
                gone[0].display_name, gone[0].project_proposal_id.name))
        return super(AccountInvoice, self).action_invoice_draft()


class AccountInvoiceLine(models.Model):
    _inherit = 'account.invoice.line'

    # what changes a validated project invoice's amounts
    AMOUNT_FIELDS = {'price_unit', 'quantity', 'discount', 'invoice_line_tax_ids', 'product_id',
                     'invoice_id', 'currency_id'}

    def _check_project_invoice(self, fields):
        if fields & self.AMOUNT_FIELDS and self.mapped('invoice_id').filtered(
                lambda i: i.project_proposal_id and i.state != 'draft'):
            raise UserError(_('The lines of a validated project invoice follow its invoice '
                              'proposal: they cannot change.'))

    @api.model
    def create(self, vals):
        self.browse()._check_project_invoice_id(vals.get('invoice_id'))
        return super(AccountInvoiceLine, self).create(vals)

    def _check_project_invoice_id(self, invoice_id):
        invoice = self.env['account.invoice'].browse(invoice_id)
        if invoice.project_proposal_id and invoice.state != 'draft':
            raise UserError(_('The lines of a validated project invoice follow its invoice '
                              'proposal: they cannot change.'))

    @api.multi
    def write(self, vals):
        self._check_project_invoice(set(vals))
        return super(AccountInvoiceLine, self).write(vals)

    @api.multi
    def unlink(self):
        self._check_project_invoice(self.AMOUNT_FIELDS)
        return super(AccountInvoiceLine, self).unlink()
