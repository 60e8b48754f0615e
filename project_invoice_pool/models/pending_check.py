from odoo import _, api, fields, models


class PendingAccountCheck(models.Model):
    """Pending-account reconciliation: at a date, the balance of each
    invoice register's pending account must equal the entries still in the
    invoice pool then. What does not is listed line by line: a journal item
    on the account that belongs to no register entry, or an entry whose
    postings do not add up to what its pool state says. An auditor's first
    question, answered per company and date (and checked every night)."""
    _name = 'account.invoice.pool.check'
    _description = 'Pending invoices account check'
    _inherit = ['mail.thread']
    _order = 'date desc, id desc'

    company_id = fields.Many2one('res.company', required=True, readonly=True,
                                 default=lambda self: self.env.user.company_id)
    date = fields.Date(required=True, default=fields.Date.context_today, readonly=True)
    balance = fields.Monetary(string='Pending accounts balance', readonly=True,
                              currency_field='currency_id')
    pool_total = fields.Monetary(string='Entries in the pool', readonly=True,
                                 currency_field='currency_id')
    difference = fields.Monetary(readonly=True, currency_field='currency_id')
    currency_id = fields.Many2one(related='company_id.currency_id', readonly=True)
    line_ids = fields.One2many('account.invoice.pool.check.line', 'check_id',
                               string='Differences', readonly=True)

    @api.multi
    def name_get(self):
        return [(c.id, _('Pending invoices %s, %s') % (c.company_id.name, c.date)) for c in self]

    @api.model
    def create(self, vals):
        check = super(PendingAccountCheck, self).create(vals)
        check.action_check()
        return check

    @api.multi
    def action_check(self):
        for check in self:
            balance, pool_total, lines = check._compute(check.company_id, check.date)
            super(PendingAccountCheck, check).write({
                'balance': balance, 'pool_total': pool_total,
                'difference': check.currency_id.round(balance - pool_total),
                'line_ids': [(5, 0, 0)] + [(0, 0, l) for l in lines]})
        return True

    @api.multi
    def write(self, vals):
        # a check states facts at its date: re-run it, never edit it
        vals = dict((k, v) for k, v in vals.items() if k.startswith('message_'))
        return super(PendingAccountCheck, self).write(vals) if vals else True

    @api.model
    def _compute(self, company, date):
        """(balance, pool total, difference lines) at `date`."""
        journals = self.env['account.journal'].search([('company_id', '=', company.id),
                                                       ('is_invoice_register', '=', True)])
        accounts = journals.mapped('register_pending_account_id')
        if not accounts:
            return 0.0, 0.0, []
        self.env.cr.execute("""
            SELECT l.id, l.balance, m.register_line_id, m.id = e.move_id
              FROM account_move_line l
              JOIN account_move m ON m.id = l.move_id
              LEFT JOIN account_invoice_register_line e ON e.id = m.register_line_id
             WHERE l.account_id IN %s AND l.company_id = %s AND m.state = 'posted'
               AND l.date <= %s""", (tuple(accounts.ids), company.id, date))
        rows = self.env.cr.fetchall()   # before any ORM read reuses the cursor
        rounding = company.currency_id.rounding
        balance, per_entry, lines = 0.0, {}, []
        for line_id, amount, entry_id, interim in rows:
            balance += amount
            if entry_id:
                posted, events = per_entry.get(entry_id, (0.0, 0))
                # the interim posting and a restore count +1, a reversal -1
                step = 1 if interim or amount > 0 else -1
                per_entry[entry_id] = (posted + amount, events + step)
            elif abs(amount) > rounding / 2:
                lines.append({'kind': 'foreign', 'move_line_id': line_id, 'amount': amount,
                              'note': _('Journal item of no invoice register entry.')})
        Entry = self.env['account.invoice.register.line']
        pool_total = 0.0
        today = date == fields.Date.context_today(self)
        for entry in Entry.browse(list(per_entry)):
            posted, events = per_entry[entry.id]
            in_pool = events == 1 if not today else entry.pool_state == 'in_pool'
            expected = entry.amount_company if in_pool else 0.0
            pool_total += expected
            if abs(posted - expected) > rounding / 2:
                lines.append({'kind': 'entry', 'entry_id': entry.id, 'amount': posted - expected,
                              'note': _('Its postings total %s; %s it should be %s.') % (
                                  round(posted, 2), _('in the pool') if in_pool else
                                  _('out of the pool'), round(expected, 2))})
        return company.currency_id.round(balance), company.currency_id.round(pool_total), lines

    @api.model
    def _cron_check(self):
        """Every night, per company with an invoice register: a check of
        today; a difference is kept and posted to the AP managers."""
        managers = self.env.ref('project_invoice_pool.group_ap_manager').users
        for company in self.env['account.journal'].search(
                [('is_invoice_register', '=', True)]).mapped('company_id'):
            check = self.create({'company_id': company.id})
            if company.currency_id.is_zero(check.difference):
                check.unlink()
                continue
            partners = managers.filtered(lambda u: company in u.company_ids).mapped('partner_id')
            check.message_post(
                body=_('The pending invoices accounts of %s differ by %s from the entries in the '
                       'invoice pool (%d lines to explain).') % (
                    company.name, check.difference, len(check.line_ids)),
                subject=_('Pending invoices account check'), partner_ids=partners.ids,
                message_type='comment', subtype='mail.mt_comment')
        return True


class PendingAccountCheckLine(models.Model):
    _name = 'account.invoice.pool.check.line'
    _description = 'Pending invoices account difference'

    check_id = fields.Many2one('account.invoice.pool.check', required=True, ondelete='cascade',
                               index=True)
    company_id = fields.Many2one(related='check_id.company_id', store=True, readonly=True)
    kind = fields.Selection([('foreign', 'Journal item of no entry'),
                             ('entry', 'Entry out of step')], required=True)
    move_line_id = fields.Many2one('account.move.line', string='Journal item', ondelete='cascade')
    entry_id = fields.Many2one('account.invoice.register.line', string='Register entry',
                               ondelete='cascade')
    amount = fields.Float(string='Difference', digits=(16, 2))
    note = fields.Char()
