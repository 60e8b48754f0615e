from odoo import _, api, fields, models

from .. import annex

# proposal line types that are transactions (retention is not one)
TRANSACTION_TYPES = ('hour', 'expense', 'item', 'fee', 'on_account')


class ProjectContract(models.Model):
    _inherit = 'project.contract'

    annex_grouping = fields.Selection([
        ('none', 'No annex'),
        ('project', 'Per project'),
        ('task', 'Per task'),
        ('employee', 'Per employee'),
    ], string='Hours annex', default='project', required=True,
        help='The printed project invoice carries a specification of its transactions (date, '
             'employee, task, description, quantity, price, amount), grouped this way with a '
             'subtotal per group.')


class AccountInvoice(models.Model):
    _inherit = 'account.invoice'

    def _project_annex_lines(self):
        """The proposal lines of transactions invoiced on this invoice."""
        return self.env['project.invoice.proposal.line'].search([
            ('invoice_line_id', 'in', self.invoice_line_ids.ids),
            ('transaction_type', 'in', TRANSACTION_TYPES)])

    @api.multi
    def _project_annex(self, grouping=None):
        """The hours annex of this invoice: {'grouping', 'groups', 'total',
        'quantity'} (see annex.build; amounts signed as on the proposal
        lines), grouped as its contract says unless `grouping` is given; None
        when the grouping is 'none' or the invoice is no proposal's."""
        self.ensure_one()
        grouping = grouping or self.project_proposal_id.contract_id.annex_grouping
        if not grouping or grouping == 'none' or not self.project_proposal_id:
            return None
        lines = self._project_annex_lines()
        if not lines:
            return None
        rows = []
        for line in lines:
            txn = line.analytic_line_id
            project = line.project_id or txn.project_id or line.on_account_id.project_id
            task = txn.task_id or line.on_account_id.task_id
            rows.append({
                'project_id': project.id, 'project': project.name,
                'task_id': task.id, 'task': task.name,
                'employee_id': txn.employee_id.id, 'employee': txn.employee_id.name,
                'date': line.date, 'description': line.name, 'quantity': line.quantity,
                'price': line.sales_price, 'share': line.share_percent, 'amount': line.amount,
                'line_id': line.id, 'invoice_line_id': line.invoice_line_id.id})
        missing = {'project': _('No project'), 'task': _('No task'),
                   'employee': _('No employee')}[grouping]
        groups = annex.build(rows, grouping, self.currency_id.rounding, missing=missing)
        return {
            'grouping': dict(self.env['project.contract']._fields['annex_grouping']
                             ._description_selection(self.env))[grouping],
            'groups': groups,
            'total': annex.total(groups),
            'quantity': annex.total_quantity(groups),
        }

    def _project_annex_invoice_total(self):
        """What the annex's total stands for on the invoice: the invoice
        lines of its transactions, signed as the proposal lines (a credit
        note's lines are positive, its proposal's negative)."""
        sign = -1 if self.type == 'out_refund' else 1
        invoice_lines = self._project_annex_lines().mapped('invoice_line_id')
        return self.currency_id.round(sign * sum(invoice_lines.mapped('price_subtotal')))
