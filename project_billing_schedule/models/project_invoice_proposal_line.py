from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from ..allocation import allocate

LINE_TYPES = [
    ('hour', 'Hours'),
    ('expense', 'Expenses'),
    ('item', 'Items'),
    ('fee', 'Fees'),
    ('on_account', 'On-account'),
    ('retention', 'Retention'),
    ('retention_release', 'Retention release'),
]
PRICE_EDITABLE = ('hour', 'expense', 'item', 'fee')


class ProjectInvoiceProposalLine(models.Model):
    """One funding source's share of one transaction on a proposal (or a
    retention line). The lines of one transaction across the proposals of
    its funding sources are proposed, priced, removed and posted together."""
    _name = 'project.invoice.proposal.line'
    _description = 'Invoice proposal line'
    _order = 'proposal_id, sequence, id'

    proposal_id = fields.Many2one('project.invoice.proposal', required=True, ondelete='cascade',
                                  index=True)
    state = fields.Selection(related='proposal_id.state', store=True, readonly=True)
    currency_id = fields.Many2one(related='proposal_id.currency_id', readonly=True)
    sequence = fields.Integer(default=10)
    transaction_type = fields.Selection(LINE_TYPES, string='Type', required=True, default='fee')
    analytic_line_id = fields.Many2one('account.analytic.line', string='Transaction', index=True,
                                       ondelete='restrict', readonly=True)
    on_account_id = fields.Many2one('project.on.account', string='On-account transaction',
                                    index=True, ondelete='restrict', readonly=True)
    credited_line_id = fields.Many2one('project.invoice.proposal.line', string='Credits line',
                                       readonly=True, index=True,
                                       help='The posted line this line credits.')
    is_credited = fields.Boolean(readonly=True, copy=False,
                                 help='A posted credit line credits this line.')
    project_id = fields.Many2one('project.project', readonly=True)
    date = fields.Date(string='Transaction date', readonly=True)
    name = fields.Char(string='Description', required=True)
    product_id = fields.Many2one('product.product', string='Product')
    quantity = fields.Float(digits=(16, 2), default=1.0)
    sales_price = fields.Float(string='Sales price', digits=(16, 4),
                               help='Unit sales price of the transaction; changing it changes '
                                    'the transaction and every funding share of it.')
    share_percent = fields.Float(string='Share (%)', digits=(16, 4), default=100.0, readonly=True)
    funding_rule_id = fields.Many2one('project.funding.rule', readonly=True,
                                      help='The rule that split the transaction over its sources.')
    amount = fields.Monetary(string='Amount', currency_field='currency_id')
    invoice_line_id = fields.Many2one('account.invoice.line', string='Invoice line', readonly=True,
                                      copy=False, index=True)

    # ------------------------------------------------------------------
    # Transactions behind the lines
    # ------------------------------------------------------------------
    def _siblings(self):
        """All live lines of the same transactions (every funding source)."""
        Line = self.browse()
        analytic = self.mapped('analytic_line_id')
        on_account = self.mapped('on_account_id')
        domain = [('credited_line_id', '=', False), ('is_credited', '=', False),
                  ('state', '!=', 'cancel')]
        if analytic:
            Line |= self.search(domain + [('analytic_line_id', 'in', analytic.ids)])
        if on_account:
            Line |= self.search(domain + [('on_account_id', 'in', on_account.ids)])
        return Line | self

    def _check_still_proposed(self):
        """At posting, under row lock: the transaction is still in a proposal."""
        if self.credited_line_id:
            if self.credited_line_id.is_credited or self.credited_line_id.state != 'posted':
                raise UserError(_('%s was credited already or is not invoiced.') % self.name)
            return
        txn = self.analytic_line_id
        if txn and txn.invoice_status != 'in_proposal':
            raise UserError(_('Transaction "%s" is %s: it cannot be invoiced again.') % (
                txn.name, txn.invoice_status))
        if self.on_account_id and self.on_account_id.status != 'in_proposal':
            raise UserError(_('On-account transaction "%s" is %s: it cannot be invoiced again.')
                            % (self.on_account_id.name, self.on_account_id.status))

    def _release(self):
        """Take these lines' transactions out of their proposals (all funding
        shares together) and make them invoiceable again. The shares on other
        proposals are removed; these lines stay for their caller to delete
        (or, on a cancelled proposal, as its history)."""
        siblings = self._siblings().filtered(lambda l: not l.credited_line_id)
        if siblings.filtered(lambda l: l.state == 'posted'):
            raise UserError(_('Part of these transactions is already invoiced to another funding '
                              'source; they can no longer be removed.'))
        if siblings.filtered(lambda l: l.state in ('review', 'approved')) - self:
            raise UserError(_('Another funding share of these transactions is in review; '
                              'reject that proposal first.'))
        credits = self.filtered('credited_line_id')
        siblings.mapped('analytic_line_id').with_context(billing_internal=True).write(
            {'invoice_status': 'to_invoice'})
        siblings.mapped('on_account_id').write({'status': 'ready'})
        credits.mapped('credited_line_id.analytic_line_id').with_context(
            billing_internal=True).write({'invoice_status': 'invoiced'})
        credits.mapped('credited_line_id.on_account_id').write({'status': 'invoiced'})
        others = (siblings | credits) - self
        proposals = others.mapped('proposal_id')
        super(ProjectInvoiceProposalLine, others).unlink()
        proposals._update_retention()

    @api.multi
    def unlink(self):
        # removing a line from a draft proposal: its transaction goes back to
        # "to invoice" (with its other funding shares)
        if self.filtered(lambda l: l.state not in ('draft', 'cancel')):
            raise UserError(_('Lines can only be removed from draft invoice proposals.'))
        transactions = self.filtered(lambda l: l.transaction_type != 'retention'
                                     and l.state == 'draft')
        proposals = self.mapped('proposal_id')
        if transactions:
            transactions._release()
        res = super(ProjectInvoiceProposalLine, self.exists()).unlink()
        proposals.exists()._update_retention()
        return res

    @api.model
    def create(self, vals):
        line = super(ProjectInvoiceProposalLine, self).create(vals)
        if line.transaction_type == 'fee' and not line.analytic_line_id \
                and not self.env.context.get('proposal_batch'):
            line._create_fee_transaction()
        return line

    def _create_fee_transaction(self):
        """A fee added on a proposal becomes a fee transaction of the project
        (the trail), paid entirely by this proposal's funding source."""
        proposal = self.proposal_id
        project = self.project_id or proposal.project_id or proposal.contract_id.project_ids[:1]
        if not project.analytic_account_id:
            raise UserError(_('A fee needs a project with an analytic account.'))
        txn = self.env['account.analytic.line'].with_context(billing_internal=True).create({
            'name': self.name, 'account_id': project.analytic_account_id.id,
            'date': proposal.date, 'unit_amount': self.quantity, 'amount': 0.0,
            'billing_type': 'fee', 'sales_price': self.sales_price,
            'product_id': (self.product_id or proposal.contract_id.fee_product_id).id,
        })
        super(ProjectInvoiceProposalLine, self).write({
            'analytic_line_id': txn.id, 'project_id': project.id, 'date': proposal.date,
            'product_id': (self.product_id or proposal.contract_id.fee_product_id).id,
            'amount': txn.billing_amount, 'share_percent': 100.0})
        txn.with_context(billing_internal=True).write({'invoice_status': 'in_proposal'})
        proposal._update_retention()

    @api.multi
    def write(self, vals):
        if 'sales_price' in vals and not self.env.context.get('proposal_batch'):
            for line in self:
                if line.transaction_type not in PRICE_EDITABLE:
                    raise UserError(_('The sales price of %s lines cannot be changed.')
                                    % dict(LINE_TYPES)[line.transaction_type])
                if line.state != 'draft':
                    raise UserError(_('Prices can only be changed on draft invoice proposals.'))
            res = super(ProjectInvoiceProposalLine, self).write(vals)
            self._reprice(vals['sales_price'])
            return res
        return super(ProjectInvoiceProposalLine, self).write(vals)

    def _reprice(self, price):
        """Write a changed sales price back to the transaction history and
        split the new amount again over all funding shares."""
        txns = self.mapped('analytic_line_id')
        txns.write({'sales_price': price})  # marks the price as changed by hand
        siblings = self._siblings()
        if siblings.filtered(lambda l: l.state != 'draft'):
            raise UserError(_('Another funding share of this transaction is no longer a draft; '
                              'its price cannot change.'))
        for txn in txns:
            shares = siblings.filtered(lambda l: l.analytic_line_id == txn)
            parts = txn.billing_contract_id._split_transaction(txn.billing_amount, shares)
            for share, part in zip(shares, parts):
                super(ProjectInvoiceProposalLine, share).write(
                    {'amount': part, 'sales_price': txn.sales_price})
            shares.mapped('proposal_id')._update_retention()

    def _after_post(self):
        """After posting: transactions whose every funding share is posted are
        invoiced; credited ones are credited (or invoiceable again)."""
        credits = self.filtered('credited_line_id')
        credited = credits.mapped('credited_line_id')
        credited.write({'is_credited': True})
        normal = self - credits
        siblings = normal._siblings()
        done_txn = siblings.mapped('analytic_line_id') - siblings.filtered(
            lambda l: l.state != 'posted').mapped('analytic_line_id')
        done_txn.with_context(billing_internal=True).write({'invoice_status': 'invoiced'})
        done_oa = siblings.mapped('on_account_id') - siblings.filtered(
            lambda l: l.state != 'posted').mapped('on_account_id')
        done_oa.write({'status': 'invoiced'})
        for reinvoice in (True, False):
            lines = credits.filtered(lambda l: l.proposal_id.reinvoice == reinvoice)
            lines.mapped('credited_line_id.analytic_line_id').with_context(
                billing_internal=True).write({'invoice_status': 'to_invoice' if reinvoice else 'credited'})
            lines.mapped('credited_line_id.on_account_id').write(
                {'status': 'ready' if reinvoice else 'credited'})

    # ------------------------------------------------------------------
    # Invoice lines
    # ------------------------------------------------------------------
    def _invoice_groups(self):
        """Group lines that make one invoice line: same type, product,
        project, unit price and share. Returns [(key, lines)] in order."""
        groups = {}
        order = []
        for line in self:
            if line.transaction_type in ('retention', 'retention_release', 'on_account') \
                    or line.credited_line_id:
                key = ('single', line.id)
            else:
                key = (line.transaction_type, line.product_id.id, line.project_id.id,
                       round(line.sales_price, 4), round(line.share_percent, 4))
            if key not in groups:
                groups[key] = self.browse()
                order.append(key)
            groups[key] |= line
        return [(key, groups[key]) for key in order]

    def _prepare_invoice_line(self, sign, fpos):
        """One invoice line for these grouped lines, its amount exactly their
        sum (times sign: a credit note carries positive amounts)."""
        first = self[0]
        proposal = first.proposal_id
        currency = proposal.currency_id
        company = proposal.company_id
        product = first.product_id
        amount = currency.round(sum(self.mapped('amount')) * sign)
        quantity = sum(self.mapped('quantity'))
        price_digits = self.env['decimal.precision'].precision_get('Product Price')
        unit = round(amount / quantity, price_digits) if quantity else 0.0
        if not quantity or float_compare(currency.round(unit * quantity), amount,
                                         precision_rounding=currency.rounding) != 0:
            # the share does not divide into a unit price: invoice the exact amount
            unit, quantity = amount, 1.0
        account = self.env['account.invoice.line'].get_invoice_line_account(
            'out_invoice', product, fpos, company)
        if not account:
            raise UserError(_('No revenue account for product "%s" (nor its category): set its '
                              'income account to invoice %s.') % (
                product.display_name or first.name, proposal.contract_id.display_name))
        taxes = product.taxes_id.filtered(lambda t: t.company_id == company)
        name = first.name if len(self) == 1 else '%s (%d)' % (
            dict(LINE_TYPES)[first.transaction_type], len(self))
        if first.share_percent and float_compare(first.share_percent, 100.0, precision_digits=4):
            name = '%s - %s %%' % (name, round(first.share_percent, 2))
        return {
            'name': name,
            'product_id': product.id,
            'uom_id': product.uom_id.id,
            'account_id': account.id,
            'quantity': quantity,
            'price_unit': unit,
            'invoice_line_tax_ids': [(6, 0, fpos.map_tax(taxes).ids)],
            'account_analytic_id': first.project_id.analytic_account_id.id,
        }
