from odoo import _, api, fields, models
from odoo.exceptions import UserError


class TransactionAdjust(models.TransientModel):
    """Adjust an invoiced transaction the way D365's invoice control does:
    the original is not edited; a reversal (its negative) and the corrected
    transaction are invoiced, on one proposal per funding source (a
    corrective invoice for the difference). The timesheet's hours stay true
    (original - reversal + correction)."""
    _name = 'project.transaction.adjust'
    _inherit = ['project.invoicing.input.check']
    _description = 'Adjust an invoiced transaction'

    transaction_id = fields.Many2one('account.analytic.line', required=True,
                                     domain=[('invoice_status', '=', 'invoiced')])
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
        # an adjustment makes proposals: for who may make them
        self.env['project.invoice.proposal']._check_rights('create')
        proposals = self.transaction_id._adjust(self.unit_amount, self.sales_price, self.name,
                                                self.date)
        return proposals._action_list()


class AccountAnalyticLine(models.Model):
    _inherit = 'account.analytic.line'

    @api.multi
    def action_adjust(self):
        self.ensure_one()
        return {'type': 'ir.actions.act_window', 'res_model': 'project.transaction.adjust',
                'view_mode': 'form', 'target': 'new', 'name': _('Adjust transaction'),
                'context': {'default_transaction_id': self.id}}

    def _adjust(self, unit_amount, sales_price, name=None, date=None):
        """Adjust this transaction, invoiced in full, as D365 does: a
        reversal (its negative, with the original's frozen shares negated,
        so each funder is credited exactly what it was billed) and the
        corrected transaction, both invoiced normally; proposed together now,
        per funding source one draft (a corrective invoice). Whatever happens
        to those drafts, the reversal and the correction stay transactions of
        their own: cancelled, they are simply invoiced by the next run.
        Returns the proposals."""
        self.ensure_one()
        rows = [r for r in self.env['project.billing.ledger']._rows(self.ids)
                if r['funding_type'] != 'internal']
        if self.invoice_status != 'invoiced' or self.adjustment_kind == 'reversal' or any(
                abs(r['posted'] - r['share']) > 0.001 or r['written_off'] or r['credit_open']
                for r in rows):
            raise UserError(_('Transaction "%s" is not invoiced in full to every funding source: '
                              'only such a transaction is adjusted. Credit the rest with "Invoice '
                              'again" and change it, or wait until it is invoiced.') % self.name)
        done = self.search([('adjusted_line_id', '=', self.id), ('adjustment_kind', '=', 'reversal')])
        if done:
            raise UserError(_('Transaction "%s" was adjusted already (%s): adjust its correction '
                              'instead.') % (self.name, done[0].date))
        date = date or fields.Date.context_today(self)
        reversal = self.copy({'unit_amount': -self.unit_amount, 'amount': -self.amount,
                              'date': date, 'name': _('Reversal: %s') % self.name})
        reversal._write_ledger({'adjustment_kind': 'reversal', 'adjusted_line_id': self.id,
                                'sales_price': self.sales_price, 'sales_price_manual': True})
        Share = self.env['project.funding.share']
        Share._create_bulk([{
            'analytic_line_id': reversal.id, 'source_id': s.source_id.id,
            'funding_rule_id': s.funding_rule_id.id,
            'rule_sequence': s.rule_sequence, 'percent': s.percent, 'is_rounding': s.is_rounding,
            'amount': -s.amount} for s in self.funding_share_ids])
        correction = self.copy({'unit_amount': unit_amount, 'date': date,
                                'name': name or self.name})
        correction._write_ledger({'adjustment_kind': 'correction', 'adjusted_line_id': self.id})
        correction.write({'sales_price': sales_price})
        self.env['project.billing.ledger']._sync((reversal | correction).ids)
        proposals = self.env['project.invoice.proposal']._propose(
            self.billing_contract_id, date_to='9999-12-31', transactions=reversal | correction,
            date=date)[0]
        for proposal in proposals:
            proposal.message_post(body=_('Adjustment of "%s" (%s): reversed and invoiced again as '
                                         '%s x %s.') % (self.name, self.date, unit_amount,
                                                        sales_price))
        return proposals
