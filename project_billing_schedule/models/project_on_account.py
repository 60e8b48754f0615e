from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from odoo.addons.project_invoicing_base.exceptions import InputError

from ..allocation import allocate, to_decimal
from ..billing_status import transaction_status
from ..guards import refuse

# ledger status -> on-account status (a complete milestone "to invoice" is ready)
STATUS = {'to_invoice': 'ready'}
# written by the ledger and Mark complete only
OA_LOCKED = {'status', 'is_complete', 'marked_not_chargeable', 'not_invoiceable_reason',
             'completed_uid', 'completed_date'}


class ProjectOnAccount(models.Model):
    """A conto-transactie: an amount to invoice that does not come from hours
    or costs. For a Fixed-price project, the milestones of its billing
    schedule; for a Time-and-material project, prepayments and (negative)
    deductions that offset them."""
    _name = 'project.on.account'
    _inherit = ['mail.thread', 'project.invoicing.input.check']
    _description = 'On-account transaction'
    _order = 'project_id, sequence, date, id'

    project_id = fields.Many2one('project.project', required=True, ondelete='cascade', index=True,
                                 domain=[('project_invoice_type', 'in', ('time_material', 'fixed_price'))])
    contract_id = fields.Many2one(related='project_id.contract_id', store=True, readonly=True, index=True)
    company_id = fields.Many2one(related='project_id.company_id', store=True, readonly=True)
    currency_id = fields.Many2one(related='contract_id.currency_id', readonly=True, string='Currency')
    sequence = fields.Integer(default=10)
    kind = fields.Selection([
        ('milestone', 'Milestone'),
        ('prepayment', 'Prepayment'),
        ('deduction', 'Deduction'),
    ], required=True, default='milestone')
    name = fields.Char(string='Description', required=True)
    date = fields.Date(default=fields.Date.context_today, required=True)
    task_id = fields.Many2one('project.task', string='Activity',
                              domain="[('project_id', '=', project_id)]",
                              help='The milestone is complete when this task reaches a closing stage.')
    amount_type = fields.Selection([
        ('percent', 'Percent of the fixed price'),
        ('fixed', 'Sales price'),
    ], default='fixed', required=True)
    percent = fields.Float(digits=(16, 4), track_visibility='onchange')
    fixed_amount = fields.Monetary(string='Entered sales price', track_visibility='onchange',
                                   currency_field='currency_id')
    amount = fields.Monetary(string='Sales price', compute='_compute_amount', store=True,
                             currency_field='currency_id')
    status = fields.Selection([
        ('planned', 'Planned'),
        ('ready', 'Ready to invoice'),
        ('in_proposal', 'In proposal'),
        ('invoiced', 'Invoiced'),
        ('credited', 'Credited'),
        ('not_chargeable', 'Not chargeable'),
    ], default='planned', required=True, readonly=True, copy=False, index=True,
        help='Derived from the billing ledger; a milestone is planned until it is complete.')
    is_complete = fields.Boolean(string='Complete', readonly=True, copy=False,
                                 help='A milestone is invoiced once complete; prepayments and '
                                      'deductions are complete at once.')
    marked_not_chargeable = fields.Boolean(string='Marked not chargeable', readonly=True,
                                           copy=False)
    not_invoiceable_reason = fields.Char(string='Why not invoiceable', readonly=True, copy=False)
    funding_share_ids = fields.One2many('project.funding.share', 'on_account_id',
                                        string='Funding shares', readonly=True)
    ledger_ids = fields.One2many('project.billing.ledger', 'on_account_id', string='Billing ledger',
                                 readonly=True)
    completed_uid = fields.Many2one('res.users', string='Completed by', readonly=True, copy=False)
    completed_date = fields.Datetime(string='Completed on', readonly=True, copy=False)

    @api.depends('amount_type', 'percent', 'fixed_amount', 'kind', 'project_id.fixed_price',
                 'project_id.on_account_ids.percent', 'project_id.on_account_ids.amount_type',
                 'project_id.on_account_ids.sequence', 'project_id.on_account_ids.kind')
    def _compute_amount(self):
        amounts = {}
        frozen = self._frozen_amounts()
        for project in self.mapped('project_id'):
            rounding = (project.contract_id.currency_id or project.company_id.currency_id).rounding
            milestones = project.on_account_ids.filtered(
                lambda o: o.kind == 'milestone' and o.amount_type == 'percent')
            milestones = milestones.sorted(key=lambda o: (o.sequence, o.date or ''))
            total = sum(milestones.mapped('percent'))
            # proposed or invoiced milestones keep their amount: a changed
            # fixed price is spread over the open ones
            done = milestones.filtered(lambda m: m.id in frozen)
            todo = milestones - done
            if not todo:
                parts = []
            elif float_compare(total, 100.0, precision_digits=4) == 0:
                # a complete schedule: the last open milestone absorbs the
                # rounding (and, when the price changed, the difference)
                parts = [float(to_decimal(project.fixed_price * m.percent / 100.0, rounding))
                         for m in todo[:-1]]
                if done:
                    rest = to_decimal(project.fixed_price - sum(frozen[m.id] for m in done) -
                                      sum(parts), rounding)
                    parts.append(float(rest))
                else:
                    parts = allocate(project.fixed_price, [(m.percent, m == todo[-1]) for m in todo],
                                     rounding)
            else:
                parts = [float(to_decimal(project.fixed_price * m.percent / 100.0, rounding))
                         for m in todo]
            amounts.update(zip(todo, parts))
            amounts.update((m, frozen[m.id]) for m in done)
        for line in self:
            if line.amount_type == 'percent':
                line.amount = amounts.get(line, 0.0)
            else:
                line.amount = line.fixed_amount

    def _frozen_amounts(self):
        """{id: stored amount} of the milestones the ledger holds (shares
        frozen when proposed): their amount no longer follows the price."""
        ids = [i for i in self.mapped('project_id.on_account_ids').ids if isinstance(i, int)]
        if not ids:
            return {}
        self.env.cr.execute("""
            SELECT o.id, o.amount FROM project_on_account o
             WHERE o.id IN %s AND EXISTS (SELECT 1 FROM project_funding_share s
                                           WHERE s.on_account_id = o.id)""", (tuple(ids),))
        return dict(self.env.cr.fetchall())

    @api.onchange('kind')
    def _onchange_kind(self):
        self.amount_type = 'percent' if self.kind == 'milestone' else 'fixed'

    @api.model
    def create(self, vals):
        vals = dict(vals)
        vals.pop('status', None)  # derived (see _write_status)
        refuse(self, dict((k, v) for k, v in vals.items() if v), OA_LOCKED)
        if vals.get('kind') in ('prepayment', 'deduction'):
            vals['is_complete'] = True  # nothing to complete: invoiceable at once
        record = super(ProjectOnAccount, self).create(vals)
        self.env['project.billing.ledger']._sync(on_account_ids=record.ids)
        return record

    @api.constrains('kind', 'project_id', 'amount', 'percent', 'amount_type')
    def _check_on_account(self):
        for line in self:
            ptype = line.project_id.project_invoice_type
            if line.kind == 'milestone' and ptype != 'fixed_price':
                raise InputError(_('Milestones belong to Fixed-price projects (%s is not one).')
                                 % line.project_id.name)
            if line.kind in ('prepayment', 'deduction') and ptype != 'time_material':
                raise InputError(_('Prepayments and deductions belong to Time-and-material '
                                   'projects (%s is not one).') % line.project_id.name)
            if line.amount_type == 'percent' and line.kind != 'milestone':
                raise InputError(_('Only milestones can be a percent of the fixed price.'))
            if line.kind == 'deduction' and line.amount >= 0:
                raise InputError(_('A deduction is entered with a minus sign: %s.') % line.name)
            if line.kind == 'prepayment' and line.amount <= 0:
                raise InputError(_('A prepayment must be a positive amount: %s.') % line.name)
            if line.amount_type == 'percent' and not 0 < line.percent <= 100:
                raise InputError(_('Milestone %s: the percent must be above 0 and at most 100.')
                                 % line.name)
            if line.kind == 'milestone' and not line.project_id.fixed_price > 0:
                raise InputError(_('Set the fixed price of %s before its milestones.')
                                 % line.project_id.name)
            if line.kind == 'milestone' and line.amount_type == 'fixed' and \
                    not line.fixed_amount > 0:
                raise InputError(_('Milestone %s: the sales price must be above 0 (got %s).')
                                 % (line.name, line.fixed_amount))
        for project in self.mapped('project_id'):
            self._check_deductions(project)
            milestones = project.on_account_ids.filtered(lambda o: o.kind == 'milestone')
            total_pct = sum(milestones.filtered(lambda o: o.amount_type == 'percent').mapped('percent'))
            if float_compare(total_pct, 100.0, precision_digits=4) > 0:
                raise InputError(_('The billing schedule of %s adds up to %s %% of the fixed '
                                   'price; it cannot exceed 100 %%.') % (project.name, total_pct))
            rounding = project.contract_id.currency_id.rounding or 0.01
            if project.fixed_price and float_compare(
                    sum(milestones.mapped('amount')), project.fixed_price,
                    precision_rounding=rounding) > 0:
                raise InputError(_('The billing schedule of %s exceeds its fixed price %s.')
                                 % (project.name, project.fixed_price))

    @api.model
    def _check_deductions(self, project):
        """Deductions offset prepayments: together they never exceed what
        was prepaid (prepayments credited or marked not chargeable do not
        count)."""
        lines = project.on_account_ids
        prepaid = sum(lines.filtered(lambda o: o.kind == 'prepayment' and o.status not in (
            'credited', 'not_chargeable')).mapped('amount'))
        deducted = -sum(lines.filtered(lambda o: o.kind == 'deduction' and o.status not in (
            'credited', 'not_chargeable')).mapped('amount'))
        rounding = project.contract_id.currency_id.rounding or 0.01
        if float_compare(deducted, prepaid, precision_rounding=rounding) > 0:
            raise InputError(_('The deductions of %s (%s) exceed what was prepaid and not yet '
                               'deducted (%s).') % (project.name, deducted, prepaid))

    @api.multi
    def write(self, vals):
        locked = set(vals) & {'amount_type', 'percent', 'fixed_amount', 'kind', 'project_id'}
        if locked and self.mapped('funding_share_ids'):
            raise UserError(_('An on-account transaction that is proposed or invoiced cannot change '
                              '(credit it and add a new one instead).'))
        refuse(self, vals, OA_LOCKED)
        return super(ProjectOnAccount, self).write(vals)

    @api.multi
    def unlink(self):
        used = self.env['project.invoice.proposal.line'].search([('on_account_id', 'in', self.ids)])
        if used:
            raise UserError(_('On-account transaction "%s" is on invoice proposal %s: it cannot be '
                              'deleted.') % (used[0].on_account_id.name, used[0].proposal_id.name))
        return super(ProjectOnAccount, self).unlink()

    def _mark_not_chargeable(self, reason):
        if self:
            super(ProjectOnAccount, self).write({'marked_not_chargeable': True,
                                                 'not_invoiceable_reason': reason})
        return True

    @api.model
    def _write_status(self, ids, shares):
        """The statuses transaction_status() gives these on-account
        transactions (see project.billing.ledger._sync), one UPDATE each."""
        if not ids:
            return
        self.env.cr.execute('SELECT id, is_complete, marked_not_chargeable, status '
                            'FROM project_on_account WHERE id IN %s', (tuple(ids),))
        changes = {}
        for oa_id, complete, marked, current in self.env.cr.fetchall():
            status = transaction_status(shares.get(('o', oa_id), []), bool(marked))
            status = STATUS.get(status, status)
            if status == 'ready' and not complete:
                status = 'planned'
            if status != current:
                changes.setdefault(status, []).append(oa_id)
        for status, oa_ids in changes.items():
            self.env.cr.execute('UPDATE project_on_account SET status = %s WHERE id IN %s',
                                (status, tuple(oa_ids)))
        self.invalidate_cache(['status'], list(ids))

    @api.multi
    def action_mark_complete(self):
        """The milestone is complete: it may now be invoiced."""
        self.check_access_rights('write')
        self.check_access_rule('write')
        return self._mark_complete(self.env.user)

    def _mark_complete(self, user):
        planned = self.filtered(lambda o: not o.is_complete)
        super(ProjectOnAccount, planned).write({'is_complete': True, 'completed_uid': user.id,
                                                'completed_date': fields.Datetime.now()})
        self.env['project.billing.ledger']._sync(on_account_ids=planned.ids)
        for line in planned:
            # the project's chatter, in the user's name: posting there needs
            # write access to the project, which who completes a milestone
            # (invoicing user, or project user through its task) lacks
            line.project_id.sudo().message_post(
                body=_('Milestone "%s" (%s %s) is complete and ready to invoice.') % (
                    line.name, line.amount, line.currency_id.name),
                author_id=user.partner_id.id)
        if planned and not self.env.context.get('billing_rules_later'):
            # a billing rule "when a milestone is complete" proposes it now
            self.env['project.billing.rule']._apply_on_completion(
                planned.sudo().mapped('contract_id'), user)
        return True

    @api.multi
    def action_reset_planned(self):
        self.check_access_rights('write')
        self.check_access_rule('write')
        reset = self.filtered(lambda o: o.status == 'ready' and o.kind == 'milestone')
        super(ProjectOnAccount, reset).write({'is_complete': False, 'completed_uid': False,
                                              'completed_date': False})
        self.env['project.billing.ledger']._sync(on_account_ids=reset.ids)
        return True

    def _check_invoiceable(self):
        """Refuse to invoice what is not ready (a milestone not marked complete,
        or something already proposed or invoiced)."""
        for line in self:
            if line.status == 'planned':
                raise UserError(_('Milestone "%s" of %s is not complete; it can only be invoiced '
                                  'once it is marked complete.') % (line.name, line.project_id.name))
            if line.status != 'ready':
                raise UserError(_('On-account transaction "%s" is already %s.') % (
                    line.name, dict(self._fields['status'].selection)[line.status].lower()))
