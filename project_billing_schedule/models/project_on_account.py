from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare

from ..allocation import allocate, to_decimal


class ProjectOnAccount(models.Model):
    """A conto-transactie: an amount to invoice that does not come from hours
    or costs. For a Fixed-price project, the milestones of its billing
    schedule; for a Time-and-material project, prepayments and (negative)
    deductions that offset them."""
    _name = 'project.on.account'
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
    percent = fields.Float(string='Percent', digits=(16, 4))
    fixed_amount = fields.Monetary(string='Entered sales price', currency_field='currency_id')
    amount = fields.Monetary(string='Sales price', compute='_compute_amount', store=True,
                             currency_field='currency_id')
    status = fields.Selection([
        ('planned', 'Planned'),
        ('ready', 'Ready to invoice'),
        ('in_proposal', 'In proposal'),
        ('invoiced', 'Invoiced'),
        ('credited', 'Credited'),
    ], default='planned', required=True, readonly=True, copy=False, index=True)
    completed_uid = fields.Many2one('res.users', string='Completed by', readonly=True, copy=False)
    completed_date = fields.Datetime(string='Completed on', readonly=True, copy=False)

    @api.depends('amount_type', 'percent', 'fixed_amount', 'kind', 'project_id.fixed_price',
                 'project_id.on_account_ids.percent', 'project_id.on_account_ids.amount_type',
                 'project_id.on_account_ids.sequence', 'project_id.on_account_ids.kind')
    def _compute_amount(self):
        amounts = {}
        for project in self.mapped('project_id'):
            rounding = (project.contract_id.currency_id or project.company_id.currency_id).rounding
            milestones = project.on_account_ids.filtered(
                lambda o: o.kind == 'milestone' and o.amount_type == 'percent')
            milestones = milestones.sorted(key=lambda o: (o.sequence, o.date or ''))
            total = sum(milestones.mapped('percent'))
            if milestones and float_compare(total, 100.0, precision_digits=4) == 0:
                # a complete schedule: the last milestone absorbs the rounding
                last = milestones[-1]
                parts = allocate(project.fixed_price, [(m.percent, m == last) for m in milestones],
                                 rounding)
            else:
                parts = [float(to_decimal(project.fixed_price * m.percent / 100.0, rounding))
                         for m in milestones]
            amounts.update(zip(milestones, parts))
        for line in self:
            if line.amount_type == 'percent':
                line.amount = amounts.get(line, 0.0)
            else:
                line.amount = line.fixed_amount

    @api.onchange('kind')
    def _onchange_kind(self):
        self.amount_type = 'percent' if self.kind == 'milestone' else 'fixed'

    @api.model
    def create(self, vals):
        if vals.get('kind') in ('prepayment', 'deduction') and 'status' not in vals:
            vals['status'] = 'ready'  # nothing to complete: invoiceable at once
        return super(ProjectOnAccount, self).create(vals)

    @api.constrains('kind', 'project_id', 'amount', 'percent', 'amount_type')
    def _check_on_account(self):
        for line in self:
            ptype = line.project_id.project_invoice_type
            if line.kind == 'milestone' and ptype != 'fixed_price':
                raise ValidationError(_('Milestones belong to Fixed-price projects (%s is not one).')
                                      % line.project_id.name)
            if line.kind in ('prepayment', 'deduction') and ptype != 'time_material':
                raise ValidationError(_('Prepayments and deductions belong to Time-and-material '
                                        'projects (%s is not one).') % line.project_id.name)
            if line.amount_type == 'percent' and line.kind != 'milestone':
                raise ValidationError(_('Only milestones can be a percent of the fixed price.'))
            if line.kind == 'deduction' and line.amount >= 0:
                raise ValidationError(_('A deduction is entered with a minus sign: %s.') % line.name)
            if line.kind == 'prepayment' and line.amount <= 0:
                raise ValidationError(_('A prepayment must be a positive amount: %s.') % line.name)
            if line.amount_type == 'percent' and not 0 < line.percent <= 100:
                raise ValidationError(_('Milestone %s: the percent must be above 0 and at most 100.')
                                      % line.name)
        for project in self.mapped('project_id'):
            milestones = project.on_account_ids.filtered(lambda o: o.kind == 'milestone')
            total_pct = sum(milestones.filtered(lambda o: o.amount_type == 'percent').mapped('percent'))
            if float_compare(total_pct, 100.0, precision_digits=4) > 0:
                raise ValidationError(_('The billing schedule of %s adds up to %s %% of the fixed '
                                        'price; it cannot exceed 100 %%.') % (project.name, total_pct))
            rounding = project.contract_id.currency_id.rounding or 0.01
            if project.fixed_price and float_compare(
                    sum(milestones.mapped('amount')), project.fixed_price,
                    precision_rounding=rounding) > 0:
                raise ValidationError(_('The billing schedule of %s exceeds its fixed price %s.')
                                      % (project.name, project.fixed_price))

    @api.multi
    def write(self, vals):
        locked = set(vals) & {'amount_type', 'percent', 'fixed_amount', 'kind', 'project_id'}
        if locked and self.filtered(lambda o: o.status in ('in_proposal', 'invoiced')):
            raise UserError(_('An on-account transaction that is proposed or invoiced cannot change.'))
        return super(ProjectOnAccount, self).write(vals)

    @api.multi
    def unlink(self):
        if self.filtered(lambda o: o.status in ('in_proposal', 'invoiced')):
            raise UserError(_('An on-account transaction that is proposed or invoiced cannot be deleted.'))
        return super(ProjectOnAccount, self).unlink()

    @api.multi
    def action_mark_complete(self):
        """The milestone is complete: it may now be invoiced."""
        planned = self.filtered(lambda o: o.status == 'planned')
        planned.write({'status': 'ready', 'completed_uid': self.env.uid,
                       'completed_date': fields.Datetime.now()})
        for line in planned:
            line.project_id.message_post(body=_('Milestone "%s" (%s %s) is complete and ready '
                                                'to invoice.') % (line.name, line.amount,
                                                                   line.currency_id.name))
        return True

    @api.multi
    def action_reset_planned(self):
        self.filtered(lambda o: o.status == 'ready' and o.kind == 'milestone').write(
            {'status': 'planned', 'completed_uid': False, 'completed_date': False})
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
