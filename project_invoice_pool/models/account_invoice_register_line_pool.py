from odoo import _, api, fields, models
from odoo.exceptions import UserError


class AccountInvoiceRegisterLinePool(models.Model):
    """The invoice pool: a posted entry waits for its vendor bill; posting
    the bill reverses the interim posting, cancelling it restores it."""
    _inherit = 'account.invoice.register.line'

    # ------------------------------------------------------------------
    # Invoice pool actions
    # ------------------------------------------------------------------
    def _lock_for_billing(self):
        """Row lock on the pool entries, so that two users clicking Purchase
        order on the same entry cannot both create a bill. SKIP LOCKED, not
        NOWAIT: a busy row is told apart without an SQL error (which would
        abort the transaction, and with it the translated message)."""
        self.env.cr.execute('SELECT id FROM account_invoice_register_line WHERE id IN %s '
                            'ORDER BY id FOR UPDATE SKIP LOCKED', (tuple(self.ids),))
        if len(self.env.cr.fetchall()) < len(self):
            raise UserError(_('Another user is creating the vendor bill of this entry '
                              'right now. Try again in a moment.'))
        self.invalidate_cache(['invoice_id', 'pool_state'], self.ids)

    def _bill_journal_id(self):
        journal = self.env['account.journal'].search([
            ('type', '=', 'purchase'), ('is_invoice_register', '=', False),
            ('company_id', '=', self.company_id.id)], order='sequence, id', limit=1)
        if not journal:
            raise UserError(_('Company %s has no purchase journal for vendor bills.')
                            % self.company_id.name)
        return journal.id

    def _prepare_bill(self, journal_id):
        self.ensure_one()
        partner = self.partner_id
        return {
            'type': 'in_invoice',
            'partner_id': partner.id,
            'journal_id': journal_id,
            'company_id': self.company_id.id,
            'currency_id': self.currency_id.id,
            'reference': self.vendor_invoice_number,
            'date_invoice': self.invoice_date,
            'date_due': self.date_due,
            'name': self.name,
            'origin': self.purchase_id.name or self.register_id.name,
            'register_line_id': self.id,
            'purchase_id': self.purchase_id.id,
            'payment_term_id': False if self.date_due else
            partner.property_supplier_payment_term_id.id,
            'account_id': partner.with_context(
                force_company=self.company_id.id).property_account_payable_id.id,
        }

    def _bill_lines_from_po(self, vals):
        """The lines (and payment term) of a bill for this entry's purchase
        order, as Odoo's own "Add Purchase Order" fills them: its onchange
        run on the bill in memory, then the bill created with the result in
        one go, as the bill form does (not line writes, a payment-term write
        and a tax recomputation on a stored bill)."""
        self.ensure_one()
        # a context of its own: the onchange writes a key into its environment's
        draft = self.env['account.invoice'].with_context(
            invoice_pool_bill_draft=True).new(dict(vals))
        draft.purchase_order_change()
        Line = self.env['account.invoice.line']
        lines = [dict((name, value) for name, value in command[2].items()
                      if Line._fields[name].store and not Line._fields[name].compute)
                 for command in draft._fields['invoice_line_ids'].convert_to_write(
                     draft.invoice_line_ids, draft) if command[0] == 0]
        return {
            'invoice_line_ids': [(0, 0, line) for line in lines],
            # the due date comes from the register when it has one
            'payment_term_id': False if self.date_due else draft.payment_term_id.id,
            'purchase_id': False,
        }

    @api.multi
    def action_create_bill(self):
        """Button "Purchase order": create the draft vendor bill of each entry,
        its lines filled from the purchase order as Odoo's own "Add Purchase
        Order" does, and open it."""
        self._lock_for_billing()
        Invoice = self.env['account.invoice']
        bills = Invoice
        journals = {}
        for line in self:
            if line.company_id not in journals:
                journals[line.company_id] = line._bill_journal_id()
            if line.pool_state != 'in_pool':
                raise UserError(_('%s is not in the invoice pool.') % line.display_name)
            if line.invoice_id and line.invoice_id.state != 'cancel':
                raise UserError(_('%s already has vendor bill %s.')
                                % (line.display_name, line.invoice_id.display_name))
            vals = line._prepare_bill(journals[line.company_id])
            if line.purchase_id:
                vals.update(line._bill_lines_from_po(vals))
            else:
                if not line.account_id:
                    raise UserError(_('%s has no purchase order: choose its expense '
                                      'account first.') % line.display_name)
                vals['invoice_line_ids'] = [(0, 0, {
                    'name': line.name or line.vendor_invoice_number,
                    'account_id': line.account_id.id,
                    'quantity': 1.0,
                    'price_unit': line.amount,
                })]
            # Odoo's create computes the tax lines of lines that have taxes
            bill = Invoice.create(vals)
            line._write_pool({'invoice_id': bill.id})
            bills |= bill
        action = self.env.ref('account.action_invoice_tree2').read()[0]
        if len(bills) == 1:
            action.update(views=[(self.env.ref('account.invoice_supplier_form').id, 'form')],
                          res_id=bills.id)
        else:
            action['domain'] = [('id', 'in', bills.ids)]
        return action

    @api.multi
    def action_open_bill(self):
        self.ensure_one()
        action = self.env.ref('account.action_invoice_tree2').read()[0]
        action.update(views=[(self.env.ref('account.invoice_supplier_form').id, 'form')],
                      res_id=self.invoice_id.id)
        return action

    @api.multi
    def action_cancel(self):
        """Cancel entries still in the pool: their interim posting is reversed."""
        for line in self:
            if line.pool_state == 'invoiced':
                raise UserError(_('%s has a posted vendor bill; cancel the bill first.')
                                % line.display_name)
            if line.invoice_id and line.invoice_id.state == 'draft':
                raise UserError(_('%s has draft vendor bill %s; delete or cancel it first.')
                                % (line.display_name, line.invoice_id.display_name))
        to_reverse = self.filtered(lambda l: l.pool_state == 'in_pool')
        paid = to_reverse.filtered(lambda l: l._interim_payments())
        if paid:
            raise UserError(_('%s was paid (%s): unreconcile the payment before cancelling the '
                              'entry.') % (paid[0].display_name, ', '.join(
                                  paid[0]._interim_payments().mapped('move_id.name'))))
        for line in to_reverse:
            reversal = self.env['account.move'].browse(line.move_id.reverse_moves(
                date=fields.Date.context_today(self), journal_id=line.journal_id))
            line._write_pool({'reversal_move_id': reversal.id, 'pool_state': 'cancelled'})
            line.register_id.message_post(body=_('Entry %s cancelled; interim posting reversed by %s.')
                                          % (line.display_name, reversal.name))
        (self - to_reverse)._write_pool({'pool_state': 'cancelled'})
        return True

    def _interim_payable(self):
        return self.move_id.line_ids.filtered(
            lambda l: l.account_id == self.journal_id.register_offset_account_id)

    def _interim_payments(self):
        """Lines (payments, refunds) reconciled with the interim posting's
        payable line: the register shows the liability on the vendor's
        ledger, so it may be paid before the bill comes."""
        payable = self._interim_payable()
        return (payable.mapped('matched_debit_ids.debit_move_id') |
                payable.mapped('matched_credit_ids.credit_move_id')).filtered(
            lambda l: l.move_id.register_line_id != self)

    # called when the bills are posted / cancelled
    def _reverse_interim_postings(self, bills):
        """Reverse the interim posting of each entry (self[i] for bills[i]) on
        the date of its bill, and reconcile each with its reversal, so the
        pending account of every entry returns to zero. Batched: one entry
        created per reversal, one post for all (an AP clerk posts hundreds)."""
        Move = self.env['account.move']
        reversals = Move
        with self.env.norecompute():  # one batched recomputation, as in _post
            for line, bill in zip(self, bills):
                move = line.move_id
                reversals |= Move.create({
                    'journal_id': line.journal_id.id, 'date': bill.date or bill.date_invoice,
                    'ref': _('reversal of: ') + move.name, 'company_id': move.company_id.id,
                    'register_line_id': line.id,
                    'line_ids': [(0, 0, {
                        'account_id': l.account_id.id, 'partner_id': l.partner_id.id,
                        'name': l.name, 'debit': l.credit, 'credit': l.debit,
                        'currency_id': l.currency_id.id, 'amount_currency': -l.amount_currency,
                        'date_maturity': l.date_maturity,
                    }) for l in move.line_ids]})
        self.recompute()
        reversals.post()
        # the residuals and reconciled flags of all the pairs recomputed once,
        # in batch (reads inside reconcile() recompute on demand)
        with self.env.norecompute():
            self._reconcile_reversals(bills, reversals)
        self.recompute()

    def _reconcile_reversals(self, bills, reversals):
        for line, bill, reversal in zip(self, bills, reversals):
            # a payment made against the register's liability moves to the
            # bill: unreconciled from the interim line, reconciled with the bill
            payments = line._interim_payments()
            if payments:
                line._interim_payable().remove_move_reconcile()
            for account in line.move_id.line_ids.mapped('account_id').filtered('reconcile'):
                pair = (line.move_id.line_ids | reversal.line_ids).filtered(
                    lambda l: l.account_id == account)
                # an entry and its exact mirror: Odoo's reconcile makes it a full
                # reconciliation by itself (no exchange difference can remain)
                pair.reconcile()
            # the trail: the entry points to its reversal and bill; the reversal
            # says whose it is ("reversal of: ...") and who posted it when
            if payments:
                (payments | bill.move_id.line_ids.filtered(
                    lambda l: l.account_id == bill.account_id and not l.reconciled)).reconcile()
                bill.message_post(body=_('Payment %s of the registered invoice now settles this '
                                         'bill.') % ', '.join(payments.mapped('move_id.name')))
            line._write_pool({'reversal_move_id': reversal.id, 'pool_state': 'invoiced',
                              'invoice_id': bill.id})

    def _restore_to_pool(self, bill):
        """The bill was cancelled: undo the reversal (by a counter entry, so the
        trail stays) and put the entry back in the pool."""
        self.ensure_one()
        restore = self.env['account.move'].browse(self.reversal_move_id.reverse_moves(
            date=fields.Date.context_today(self), journal_id=self.journal_id))
        # reverse_moves reconciled the reversal with its counter entry; the
        # original interim lines are open again.
        msg = _('Bill %s cancelled: reversal %s undone by %s; entry back in the invoice pool.') % (
            bill.number or bill.display_name, self.reversal_move_id.name, restore.name)
        self._write_pool({'reversal_move_id': False, 'pool_state': 'in_pool', 'invoice_id': False})
        self.register_id.message_post(body=msg)
        bill.message_post(body=msg)
