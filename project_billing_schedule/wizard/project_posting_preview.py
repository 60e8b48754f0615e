from odoo import _, api, fields, models
from odoo.exceptions import UserError


class _Rollback(Exception):
    """Ends the simulated posting: everything it wrote is rolled back; it
    carries what was read before."""


class ProjectPostingPreview(models.TransientModel):
    """Boekingsvoorbeeld: the journal items that posting will create. The
    posting itself is run, as Odoo's own invoice validation, inside a
    savepoint that is then rolled back, so the preview cannot drift from
    what posting does; it consumes no invoice number."""
    _name = 'project.posting.preview'
    _description = 'Posting preview'

    name = fields.Char(readonly=True)
    line_ids = fields.One2many('project.posting.preview.line', 'preview_id', readonly=True)

    @api.model
    def _simulate(self, post):
        """Journal item values of the invoices `post()` creates and
        validates, read before everything is rolled back."""
        self.recompute()  # pending work of the caller is not lost with the rollback
        try:
            with self.env.clear_upon_failure(), self.env.cr.savepoint():
                invoices = post()
                raise _Rollback([self._row(line, invoice.project_proposal_id)
                                 for invoice in invoices for line in invoice.move_id.line_ids])
        except _Rollback as end:
            return end.args[0]

    @api.model
    def _row(self, line, proposal):
        return {
            'proposal_name': proposal.name,
            'contract_id': proposal.contract_id.id,
            'funding_source_id': proposal.funding_source_id.id,
            'journal_id': line.journal_id.id,
            'date': line.date,
            'name': line.name,
            'account_id': line.account_id.id,
            'partner_id': line.partner_id.id,
            'analytic_account_id': line.analytic_account_id.id,
            'tax_line_id': line.tax_line_id.id,
            'tax_ids': [(6, 0, line.tax_ids.ids)],
            'debit': line.debit,
            'credit': line.credit,
            'amount_currency': line.amount_currency,
            'currency_id': line.currency_id.id,
            'company_currency_id': line.company_id.currency_id.id,
        }

    @api.model
    def _open(self, title, rows):
        if not rows:
            raise UserError(_('Nothing would be posted.'))
        preview = self.create({'name': title, 'line_ids': [(0, 0, row) for row in rows]})
        return {
            'type': 'ir.actions.act_window',
            'name': _('Posting preview: %s') % title,
            'res_model': 'project.posting.preview.line',
            'view_mode': 'tree,pivot',
            'domain': [('preview_id', '=', preview.id)],
            'context': {'group_by': ['funding_source_id', 'proposal_name']},
            'target': 'current',
        }


class ProjectPostingPreviewLine(models.TransientModel):
    _name = 'project.posting.preview.line'
    _description = 'Posting preview journal item'
    _order = 'id'

    preview_id = fields.Many2one('project.posting.preview', required=True, ondelete='cascade')
    proposal_name = fields.Char(string='Proposal', readonly=True)
    contract_id = fields.Many2one('project.contract', readonly=True)
    funding_source_id = fields.Many2one('project.funding.source', readonly=True)
    journal_id = fields.Many2one('account.journal', readonly=True)
    date = fields.Date(readonly=True)
    name = fields.Char(string='Label', readonly=True)
    account_id = fields.Many2one('account.account', readonly=True)
    partner_id = fields.Many2one('res.partner', readonly=True)
    analytic_account_id = fields.Many2one('account.analytic.account', readonly=True)
    tax_line_id = fields.Many2one('account.tax', string='Tax of this line', readonly=True)
    tax_ids = fields.Many2many('account.tax', string='Taxes applied', readonly=True)
    debit = fields.Monetary(currency_field='company_currency_id', readonly=True)
    credit = fields.Monetary(currency_field='company_currency_id', readonly=True)
    amount_currency = fields.Monetary(currency_field='currency_id', readonly=True,
                                      string='Amount in currency')
    currency_id = fields.Many2one('res.currency', readonly=True)
    company_currency_id = fields.Many2one('res.currency', readonly=True)
