from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare

from ..allocation import fill
from .project_contract import HOLD_KEY

WARN_PERCENT = 80.0
HEADROOM_STATES = [
    ('none', 'No limit'),
    ('ok', 'Within the limit'),
    ('warning', '80 % used'),
    ('exceeded', 'Limit reached'),
]


def headroom_state(limit, used, rounding):
    """The state of a not-to-exceed amount `limit` of which `used` is taken."""
    if not limit:
        return 'none'
    if float_compare(used, limit, precision_rounding=rounding) >= 0:
        return 'exceeded'
    if float_compare(used * 100.0, limit * WARN_PERCENT, precision_rounding=rounding) >= 0:
        return 'warning'
    return 'ok'


class ProjectContractHeadroom(models.Model):
    """Not-to-exceed: the most a contract bills over all its billable
    funding sources together (each source may have its own limit besides).
    Its headroom is the limit less what is invoiced, in proposal and to
    invoice, as invoice control counts them. Work that does not fit is not
    dropped: its share goes to the contract's on-hold source, where invoice
    control shows it until someone moves it."""
    _inherit = 'project.contract'

    not_to_exceed = fields.Monetary(string='Not to exceed', track_visibility='onchange',
                                    help='Most this contract bills over all its customer and grant '
                                         'funding sources together; 0 means no limit. Work beyond '
                                         'it goes to the on-hold funding source.')
    user_id = fields.Many2one('res.users', string='Contract manager',
                              default=lambda self: self.env.user, track_visibility='onchange',
                              help='Told in the chatter when the not-to-exceed amount is 80 % '
                                   'and 100 % used.')
    headroom_invoiced = fields.Monetary(compute='_compute_headroom', string='Invoiced')
    headroom_in_proposal = fields.Monetary(compute='_compute_headroom', string='In proposal')
    headroom_to_invoice = fields.Monetary(compute='_compute_headroom', string='To invoice')
    headroom = fields.Monetary(compute='_compute_headroom',
                               help='Not-to-exceed amount less invoiced, in proposal and to invoice.')
    headroom_percent = fields.Float(compute='_compute_headroom', string='Limit used (%)')
    headroom_state = fields.Selection(HEADROOM_STATES, compute='_compute_headroom',
                                      string='Limit status')
    headroom_announced = fields.Selection(HEADROOM_STATES, string='Limit status announced',
                                          readonly=True, copy=False, default='none')

    _sql_constraints = [
        ('not_to_exceed_positive', 'CHECK (not_to_exceed >= 0)',
         'A not-to-exceed amount cannot be negative.'),
    ]

    @api.model
    def create(self, vals):
        if vals.get('not_to_exceed'):
            self.browse()._check_limit_right()
        return super(ProjectContractHeadroom, self).create(vals)

    @api.multi
    def write(self, vals):
        if 'headroom_announced' in vals and self.env.uid != SUPERUSER_ID:
            raise AccessError(_('What the contract manager was told is kept by the runs.'))
        if 'not_to_exceed' in vals and self.filtered(
                lambda c: c.currency_id.compare_amounts(c.not_to_exceed,
                                                        vals['not_to_exceed'] or 0.0)):
            self._check_limit_right()
        return super(ProjectContractHeadroom, self).write(vals)

    def _check_limit_right(self):
        # as for a funding source's own limit: the managers' decision
        if not self.user_has_groups('project_billing_schedule.group_project_invoicing_manager'):
            raise AccessError(_('Only project invoicing managers set a contract\'s not-to-exceed '
                                'amount.'))

    def _headroom_used(self):
        """{contract_id: {status: amount}} of invoice control's invoiced,
        in proposal and to invoice, in the contract's currency."""
        used = dict((contract_id, {}) for contract_id in self.ids)
        if self.ids:
            self.recompute()
            self.env.cr.execute("""
                SELECT contract_id, status, SUM(amount) FROM project_invoice_control
                 WHERE contract_id IN %s AND status IN ('invoiced', 'in_proposal', 'to_invoice')
                 GROUP BY 1, 2""", (tuple(self.ids),))
            for contract_id, status, amount in self.env.cr.fetchall():
                used[contract_id][status] = amount
        return used

    @api.depends('not_to_exceed')
    def _compute_headroom(self):
        # only limited contracts: the figures are shown (and cost a read
        # of the ledger) where there is a limit
        used = self.filtered(lambda c: isinstance(c.id, int) and c.not_to_exceed)._headroom_used()
        for contract in self:
            parts = used.get(contract.id, {})
            rnd = contract.currency_id.round if contract.currency_id else (lambda x: round(x, 2))
            contract.headroom_invoiced = rnd(parts.get('invoiced', 0.0))
            contract.headroom_in_proposal = rnd(parts.get('in_proposal', 0.0))
            contract.headroom_to_invoice = rnd(parts.get('to_invoice', 0.0))
            total = rnd(sum(parts.values()))
            limit = contract.not_to_exceed
            contract.headroom = rnd(limit - total) if limit else 0.0
            contract.headroom_percent = round(100.0 * total / limit, 1) if limit else 0.0
            contract.headroom_state = headroom_state(
                limit, total, contract.currency_id.rounding or 0.01)

    def _on_hold_source(self):
        """The contract's on-hold funding source, created when missing."""
        self.ensure_one()
        source = self.funding_source_ids.filtered(lambda s: s.funding_type == 'on_hold')[:1]
        if not source:
            source = self.env['project.funding.source'].sudo().create({
                'contract_id': self.id, 'partner_id': self.partner_id.id,
                'funding_type': 'on_hold', 'sequence': 999})
            self.message_post(body=_('On-hold funding source created: work beyond the '
                                     'not-to-exceed amount waits there.'))
        return source.sudo(self.env.uid)

    def _nte_limits(self, headroom, exclude=None):
        """Add each not-to-exceed of these contracts to `headroom` (as
        ('nte', contract_id)); returns {source_id: [limit keys]} for
        allocation.fill(). The billable sources are row-locked first, as
        for their own limits, so two runs cannot both fill the room."""
        limits_of = {}
        Ledger = self.env['project.billing.ledger']
        for contract in self.filtered('not_to_exceed'):
            billable = contract.funding_source_ids.filtered(
                lambda s: s.funding_type in ('customer', 'grant'))
            if not billable:
                continue
            consumed = Ledger._consumed_locked(billable, exclude)
            key = ('nte', contract.id)
            headroom[key] = contract.not_to_exceed - sum(consumed.values())
            for source in billable:
                limits_of[source.id] = ([source.id] if source.id in headroom else []) + [key]
        return limits_of

    @api.multi
    def action_release_held_work(self):
        """Work the not-to-exceed kept on hold, placed again through the
        funding rules as far as the limit (raised, say) now allows; the rest
        stays on hold. (Work held in full has no shares: the next run
        splits it again by itself.) Only held shares nothing was proposed
        or posted of."""
        self.ensure_one()
        self.env['project.invoice.proposal']._check_rights('create')
        hold = self.funding_source_ids.filtered(lambda s: s.funding_type == 'on_hold')
        if not hold:
            raise UserError(_('Contract %s has no work on hold.') % self.display_name)
        cr = self.env.cr
        cr.execute("""
            SELECT id, analytic_line_id, on_account_id, amount FROM project_funding_share
             WHERE source_id IN %s AND funding_rule_id IS NULL AND rule_sequence = %s
               AND amount > 0
             ORDER BY id FOR UPDATE""", (tuple(hold.ids), HOLD_KEY[0]))
        held = cr.fetchall()
        Ledger = self.env['project.billing.ledger']
        Share = self.env['project.funding.share']
        facts = Ledger._facts([r[1] for r in held if r[1]], [r[2] for r in held if r[2]])
        items = Share._items([r[1] for r in held if r[1]], [r[2] for r in held if r[2]])
        headroom = Ledger._headroom(self.funding_source_ids)
        limits_of = self._nte_limits(headroom)
        specs, moved = {}, 0.0
        for share_id, analytic_id, on_account_id, amount in held:
            key = ('a', analytic_id) if analytic_id else ('o', on_account_id)
            shares = facts.get(key, ())
            if any(s.posted_lines or s.open_lines for src, s in shares if src in hold.ids) or \
                    any(s.written_off for _src, s in shares):
                continue   # proposed or invoiced on hold, or credited for good: by hand only
            item = dict(items[key], amount=amount)
            parts, rest = fill(amount, self._funding_chain(item, specs), headroom,
                               self.currency_id.rounding, limits_of)
            # what no rule may take now stays on hold
            kept = sum(p[4] for p in parts if p[0] == HOLD_KEY) + rest
            cr.execute('UPDATE project_funding_share SET amount = %s WHERE id = %s',
                       (kept, share_id))
            for (seq, rule_id), source_id, pct, is_rounding, part in parts:
                if (seq, rule_id) == HOLD_KEY:
                    continue
                moved += part
                cr.execute("""
                    UPDATE project_funding_share SET amount = amount + %s
                     WHERE funding_rule_id = %s AND source_id = %s
                       AND analytic_line_id IS NOT DISTINCT FROM %s
                       AND on_account_id IS NOT DISTINCT FROM %s""",
                           (part, rule_id, source_id, analytic_id, on_account_id))
                if not cr.rowcount:
                    Share._create_bulk([{
                        'analytic_line_id': analytic_id, 'on_account_id': on_account_id,
                        'source_id': source_id, 'funding_rule_id': rule_id,
                        'rule_sequence': seq, 'percent': pct, 'is_rounding': is_rounding,
                        'amount': part}])
        cr.execute('DELETE FROM project_funding_share WHERE source_id IN %s AND amount = 0 '
                   'AND funding_rule_id IS NULL AND rule_sequence = %s', (tuple(hold.ids), HOLD_KEY[0]))
        Share.invalidate_cache()
        Ledger._sync([r[1] for r in held if r[1]], [r[2] for r in held if r[2]])
        self.message_post(body=_('Work on hold released: %s %s placed through the funding rules.')
                          % (self.currency_id.round(moved), self.currency_id.name))
        return True

    def _announce_headroom(self):
        """Tell each contract's manager, once per crossing, when its
        not-to-exceed amount becomes 80 % or 100 % used (called at the end
        of a run); a raised limit re-arms it."""
        order = [key for key, _label in HEADROOM_STATES]
        labels = dict(self._fields['headroom_state']._description_selection(self.env))
        for contract in self.filtered('not_to_exceed'):
            state, announced = contract.headroom_state, contract.headroom_announced or 'none'
            if order.index(state) > max(order.index(announced), order.index('ok')):
                partners = contract.user_id.partner_id.ids
                contract.message_post(
                    body=_('Not-to-exceed amount %s: %s %% used (%s), headroom %s %s.') % (
                        contract.not_to_exceed, contract.headroom_percent, labels[state],
                        contract.headroom, contract.currency_id.name),
                    subject=_('Funding limit'), partner_ids=partners,
                    subtype='mail.mt_comment', message_type='notification')
            if state != announced:
                contract.sudo().write({'headroom_announced': state})


class ProjectProjectHeadroom(models.Model):
    _inherit = 'project.project'

    contract_not_to_exceed = fields.Monetary(related='contract_id.not_to_exceed', readonly=True,
                                             currency_field='contract_currency_id',
                                             string='Contract not to exceed')
    contract_headroom = fields.Monetary(related='contract_id.headroom', readonly=True,
                                        currency_field='contract_currency_id',
                                        string='Contract headroom')
    contract_headroom_percent = fields.Float(related='contract_id.headroom_percent', readonly=True,
                                             string='Contract limit used (%)')
    contract_headroom_state = fields.Selection(related='contract_id.headroom_state', readonly=True,
                                               string='Contract limit status')


class AccountAnalyticLineHeadroom(models.Model):
    _inherit = 'account.analytic.line'

    contract_headroom = fields.Monetary(related='billing_contract_id.headroom', readonly=True,
                                        currency_field='contract_headroom_currency_id',
                                        string='Contract headroom')
    contract_headroom_currency_id = fields.Many2one(related='billing_contract_id.currency_id',
                                                    readonly=True)
    contract_headroom_state = fields.Selection(related='billing_contract_id.headroom_state',
                                               readonly=True, string='Contract limit status')
