from odoo import _, api, fields, models
from odoo.exceptions import UserError


class TransactionAdjust(models.TransientModel):
    """Adjust an invoiced transaction the way D365's invoice control does:
    the original is not edited; its invoiced shares are credited and a
    corrected transaction is invoiced, on the same proposal per funding
    source (a corrective invoice for the difference). A reversal line keeps
    the timesheet's hours true (original - reversal + correction)."""
    _name = 'project.transaction.adjust'
    _description = 'Adjust an invoiced transaction'

    transaction_id = fields.Many2one('account.analytic.line', string='Transaction', required=True,
                                     domain=[('invoice_status', 'in', ('invoiced', 'credited'))])
    name = fields.Char(string='Description', required=True)
    date = fields.Date(required=True)
    unit_amount = fields.Float(string='Quantity', required=True)
    sales_price = fields.Float(string='Sales price', digits=(16, 4), required=True)

    @api.model
    def default_get(self, fields_list):
        res = super(TransactionAdjust, self).default_get(fields_list)
        ctx = self.env.context
        txn = self.env['account.analytic.line'].browse(res.get('transaction_id'))
        if ctx.get('active_model') == 'account.analytic.line':
            txn = txn.browse(ctx.get('active_id'))
        elif ctx.get('active_model') == 'project.invoice.control':
            txn = self.env['project.invoice.control'].browse(ctx.get('active_id')).analytic_line_id
        if txn:
            res.update(transaction_id=txn.id, name=txn.name, date=txn.date,
                       unit_amount=txn.unit_amount, sales_price=txn.sales_price)
        return res

    @api.multi
    def action_adjust(self):
        self.ensure_one()
        proposals = self.transaction_id._adjust(self.unit_amount, self.sales_price, self.name,
                                                self.date)
        action = self.env.ref('project_billing_schedule.action_invoice_proposal').read()[0]
        action['domain'] = [('id', 'in', proposals.ids)]
        return action


class AccountAnalyticLine(models.Model):
    _inherit = 'account.analytic.line'

    @api.multi
    def action_adjust(self):
        self.ensure_one()
        return {'type': 'ir.actions.act_window', 'res_model': 'project.transaction.adjust',
                'view_mode': 'form', 'target': 'new', 'name': _('Adjust transaction'),
                'context': {'default_transaction_id': self.id}}

    def _adjust(self, unit_amount, sales_price, name=None, date=None):
        """Credit this invoiced transaction (not to invoice again), reverse
        it, and propose the corrected one with the credits: per funding
        source one draft proposal. Returns the proposals."""
        self.ensure_one()
        if self.invoice_status not in ('invoiced', 'credited') or self.adjustment_kind == 'reversal':
            raise UserError(_('Transaction "%s" is %s: only invoiced transactions are adjusted; '
                              'change it directly.') % (self.name, dict(
                                  self._fields['invoice_status'].selection).get(
                                  self.invoice_status, '-').lower()))
        Proposal = self.env['project.invoice.proposal']
        common = {'adjusted_line_id': self.id, 'date': date or self.date, 'name': name or self.name}
        self.copy(dict(common, unit_amount=-self.unit_amount, amount=-self.amount,
                       adjustment_kind='reversal', name=_('Reversal: %s') % self.name))
        correction = self.copy(dict(common, unit_amount=unit_amount, adjustment_kind='correction'))
        correction.write({'sales_price': sales_price})
        proposals = Proposal._propose(self.billing_contract_id, date_to='9999-12-31',
                                      transactions=correction, date=date)[0]
        if self.invoice_status == 'invoiced':
            credited = Proposal.browse()
            for proposal in proposals:
                lines = Proposal._creditable_lines(self, sources=proposal.funding_source_id)
                if lines:
                    credited |= Proposal._create_credits(lines, False, date, into=proposal)
            rest = Proposal._creditable_lines(self, strict=False)
            if rest:
                proposals |= Proposal._create_credits(rest, False, date)
            proposals |= credited
        for proposal in proposals:
            proposal.message_post(body=_('Adjustment of "%s" (%s): credited and invoiced as %s x %s.')
                                  % (self.name, self.date, unit_amount, sales_price))
        return proposals
