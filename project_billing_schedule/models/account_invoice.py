from odoo import _, api, fields, models


class AccountInvoice(models.Model):
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

    def _project_document_title(self):
        """"Invoice" for a positive total, "Credit note" for a negative one; a
        document that corrects earlier invoiced transactions is a "Corrective
        invoice", except for a company in Germany (there: "Credit note")."""
        corrective = any(self.project_proposal_id.line_ids.mapped('credited_line_id'))
        if corrective:
            if self.company_id.country_id.code == 'DE':
                return _('Credit note')
            return _('Corrective invoice')
        return _('Credit note') if self.type in ('out_refund', 'in_refund') else _('Invoice')
