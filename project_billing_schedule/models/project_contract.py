from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.project_invoicing_base.exceptions import InputError

from ..allocation import fill
from .project_funding_rule import rule_covers

# the on-hold source's place in a chain of rules (it has no rule): after
# every funding rule
HOLD_KEY = (10 ** 6, None)


class ProjectContract(models.Model):
    """Projectcontract: holds the funding and billing rules of one or more
    Time-and-material or Fixed-price projects."""
    _name = 'project.contract'
    _description = 'Project contract'
    _inherit = ['mail.thread', 'project.invoicing.input.check']
    _order = 'date_start desc, id desc'

    name = fields.Char(required=True, track_visibility='onchange')
    code = fields.Char(string='Reference', copy=False, readonly=True, default='/', index=True)
    partner_id = fields.Many2one('res.partner', string='Customer', required=True,
                                 track_visibility='onchange')
    company_id = fields.Many2one('res.company', required=True,
                                 default=lambda self: self.env.user.company_id)
    currency_id = fields.Many2one('res.currency', required=True,
                                  default=lambda self: self.env.user.company_id.currency_id)
    date_start = fields.Date(string='Start date', default=fields.Date.context_today)
    date_end = fields.Date(string='End date')
    state = fields.Selection([
        ('draft', 'Draft'),
        ('active', 'Active'),
        ('closed', 'Closed'),
    ], default='draft', required=True, readonly=True, copy=False, track_visibility='onchange')
    invoicing_mode = fields.Selection([
        ('project', 'Per project'),
        ('contract', 'Per contract'),
    ], string='Invoice', default='project', required=True,
        help='Per project: one invoice per project. Per contract: one invoice '
             'covering all projects of the contract.')
    project_ids = fields.One2many('project.project', 'contract_id', string='Projects')
    project_count = fields.Integer(compute='_compute_counts')
    # copied by copy() below, each rule paying the copied sources
    funding_source_ids = fields.One2many('project.funding.source', 'contract_id',
                                         string='Funding sources')
    funding_rule_ids = fields.One2many('project.funding.rule', 'contract_id',
                                       string='Funding rules')
    rate_ids = fields.One2many('project.contract.rate', 'contract_id', string='Rates', copy=True)
    contract_value = fields.Monetary(
        string='Contract value', track_visibility='onchange',
        help='Agreed value of the contract (quotation), for invoice control.')
    markup_percent = fields.Float(
        string='Markup on costs (%)',
        help='Sales price of chargeable items and expenses: their cost plus '
             'this markup. 0 uses the product sales price.')
    hour_product_id = fields.Many2one(
        'product.product', string='Hours product', domain=[('type', '=', 'service')],
        default=lambda self: self.env.ref('project_billing_schedule.product_project_hours',
                                          raise_if_not_found=False),
        help='Invoiced for hours; its sales price is the hourly rate when no '
             'rate is set for the employee.')
    on_account_product_id = fields.Many2one(
        'product.product', string='On-account product', domain=[('type', '=', 'service')],
        default=lambda self: self.env.ref('project_billing_schedule.product_on_account',
                                          raise_if_not_found=False))
    fee_product_id = fields.Many2one(
        'product.product', string='Fee product', domain=[('type', '=', 'service')],
        default=lambda self: self.env.ref('project_billing_schedule.product_project_fee',
                                          raise_if_not_found=False))
    transaction_count = fields.Integer(compute='_compute_counts')
    on_account_count = fields.Integer(compute='_compute_counts')
    note = fields.Text()
    review_required = fields.Boolean(
        string='Review invoice proposals',
        help='Invoice proposals of this contract must be approved by a reviewer '
             'before they are posted (also forced for all contracts in the settings).')
    billing_rule_ids = fields.One2many('project.billing.rule', 'contract_id', string='Billing rules')
    proposal_ids = fields.One2many('project.invoice.proposal', 'contract_id', string='Proposals')
    proposal_count = fields.Integer(compute='_compute_proposal_count')
    completion_percent = fields.Float(compute='_compute_completion', string='Completion (%)')

    @api.constrains('company_id')
    def _check_company(self):
        # read as superuser: a refusal names records the user may not read
        for contract in self.sudo():
            other = contract.project_ids.filtered(lambda p: p.company_id != contract.company_id)
            if other:
                raise InputError(_('Contract %s and its project %s belong to different companies.')
                                 % (contract.display_name, other[0].name))

    _sql_constraints = [
        ('date_check', 'CHECK (date_end IS NULL OR date_start IS NULL OR date_end >= date_start)',
         'The end date of a contract cannot be before its start date.'),
    ]

    @api.multi
    def _compute_counts(self):
        Line = self.env['account.analytic.line']
        counts = dict((r['billing_contract_id'][0], r['billing_contract_id_count']) for r in Line.read_group(
            [('billing_contract_id', 'in', self.ids)], ['billing_contract_id'], ['billing_contract_id']))
        oa = dict((r['contract_id'][0], r['contract_id_count']) for r in self.env['project.on.account'].read_group(
            [('contract_id', 'in', self.ids)], ['contract_id'], ['contract_id']))
        for contract in self:
            contract.project_count = len(contract.project_ids)
            contract.transaction_count = counts.get(contract.id, 0)
            contract.on_account_count = oa.get(contract.id, 0)

    @api.multi
    def _compute_proposal_count(self):
        for contract in self:
            contract.proposal_count = len(contract.proposal_ids)

    @api.multi
    def _compute_completion(self):
        for contract in self:
            contract.completion_percent = contract._completion_percent()

    def _completion_percent(self):
        """Average completion of the contract's invoiceable projects."""
        projects = self.project_ids.filtered(
            lambda p: p.project_invoice_type in ('time_material', 'fixed_price'))
        if not projects:
            return 0.0
        return sum(projects._completion_percents().values()) / len(projects)

    @api.multi
    def action_view_proposals(self):
        self.ensure_one()
        action = self.env.ref('project_billing_schedule.action_invoice_proposal').read()[0]
        action['domain'] = [('contract_id', '=', self.id)]
        return action

    @api.multi
    def action_create_proposals(self):
        self.ensure_one()
        return {
            'type': 'ir.actions.act_window', 'res_model': 'project.invoice.proposal.wizard',
            'view_mode': 'form', 'target': 'new', 'name': _('Create invoice proposals'),
            'context': {'default_contract_id': self.id},
        }

    @api.multi
    def create_invoice_proposals(self, date_to=False, split_by_type=False, types=False):
        """Propose everything to invoice on these contracts up to `date_to`
        (public: for integrators, e.g. over XML-RPC). Returns the proposal ids."""
        self.env['project.invoice.proposal']._check_rights('create')
        proposals, _reasons = self.env['project.invoice.proposal']._propose(
            self, date_to=date_to or None, split_by_type=split_by_type, types=types or None)
        return proposals.ids

    @api.multi
    def create_credit_proposals(self, transaction_ids=False, on_account_ids=False,
                                invoice_ids=False, source_ids=False, reinvoice=False, date=False):
        """Credit note proposals (public: for integrators, e.g. over
        XML-RPC) for invoiced transactions of these contracts, or for the
        shares on the given customer invoices; `source_ids` limits them to
        some funding sources. Returns the proposal ids."""
        Proposal = self.env['project.invoice.proposal']
        Proposal._check_rights('create')
        transactions = self.env['account.analytic.line'].browse(transaction_ids or [])
        on_accounts = self.env['project.on.account'].browse(on_account_ids or [])
        invoices = self.env['account.invoice'].browse(invoice_ids or [])
        foreign = transactions.filtered(lambda t: t.billing_contract_id not in self) or \
            on_accounts.filtered(lambda o: o.contract_id not in self) or \
            invoices.filtered(lambda i: i.project_proposal_id.contract_id not in self)
        if foreign:
            raise UserError(_('%s does not belong to contract %s.') % (
                foreign[0].display_name, ', '.join(self.mapped('display_name'))))
        return Proposal._propose_credit(
            transactions if (transaction_ids or on_account_ids or not invoice_ids) else None,
            on_accounts if (transaction_ids or on_account_ids or not invoice_ids) else None,
            reinvoice=reinvoice, date=date or None, invoices=invoices if invoice_ids else None,
            sources=self.env['project.funding.source'].browse(source_ids) if source_ids else None
        ).ids

    @api.multi
    def create_retention_release(self, date=False, project_ids=False):
        """Retention release proposals of these contracts (public: for
        integrators), refused with the unmet condition when nothing may be
        released yet. Returns the proposal ids."""
        projects = self.env['project.project'].browse(project_ids) if project_ids else None
        self.env['project.invoice.proposal']._check_rights('create')
        return self.env['project.invoice.proposal']._propose_retention_release(
            self, date or fields.Date.context_today(self), projects=projects)[0].ids

    @api.multi
    def action_release_retention(self):
        self.ensure_one()
        return self.env['project.invoice.proposal'].browse(
            self.create_retention_release())._action_list()

    @api.model
    def create(self, vals):
        self._check_input(vals)  # before the company is read from it
        if vals.get('state', 'draft') != 'draft':
            self.browse()._check_state_right()
        if vals.get('code', '/') == '/':
            company = vals.get('company_id') or self.env.user.company_id.id
            vals['code'] = self.env['ir.sequence'].with_context(
                force_company=company).next_by_code('project.contract') or '/'
        contract = super(ProjectContract, self).create(vals)
        if not contract.funding_source_ids and \
                not self.env.context.get('project_contract_no_default_funding'):
            # a contract bills its customer unless funding says otherwise; this
            # default funding is part of the contract the user may create
            # (super() checked that right), so it is made with sudo() even by
            # users who may not configure funding
            source = self.env['project.funding.source'].sudo().create({
                'contract_id': contract.id, 'partner_id': contract.partner_id.id,
                'funding_type': 'customer'})
            if not contract.funding_rule_ids:
                self.env['project.funding.rule'].sudo().create({
                    'contract_id': contract.id, 'name': _('All transactions'),
                    'allocation_ids': [(0, 0, {'source_id': source.id, 'percent': 100.0,
                                               'is_rounding': True})]})
        return contract

    @api.multi
    def copy(self, default=None):
        """A copy gets funding of its own: the sources copied and the rules
        paying the copies (a copied allocation would pay the original's
        source). Rules and billing rules of the original's projects or tasks
        stay behind. Copied as superuser, like a new contract's default
        funding, after super() checked the right to create the contract."""
        self.ensure_one()
        contract = super(ProjectContract, self.with_context(
            project_contract_no_default_funding=True)).copy(default)
        sources = dict((s, s.sudo().copy({'contract_id': contract.id}))
                       for s in self.funding_source_ids)
        for rule in self.funding_rule_ids.filtered(lambda r: not (r.project_id or r.task_id)):
            rule.sudo().copy({'contract_id': contract.id, 'allocation_ids': [(0, 0, {
                'sequence': a.sequence, 'source_id': sources[a.source_id].id, 'percent': a.percent,
                'is_rounding': a.is_rounding}) for a in rule.allocation_ids]})
        for rule in self.billing_rule_ids.filtered(lambda r: not r.project_id):
            rule.copy({'contract_id': contract.id})
        return contract

    @api.multi
    def write(self, vals):
        if 'state' in vals:
            raise UserError(_('The state of a contract follows Activate, Close and Reset to draft.'))
        if 'review_required' in vals and self.filtered(
                lambda c: c.review_required != bool(vals['review_required'])) and \
                not self.user_has_groups('project_billing_schedule.group_project_invoice_reviewer'):
            raise AccessError(_('Only reviewers of invoice proposals and project invoicing managers '
                                'decide whether the proposals of a contract need review.'))
        if {'currency_id', 'company_id'} & set(vals) and self.env['project.invoice.proposal'].search(
                [('contract_id', 'in', self.ids), ('state', '!=', 'cancel')], limit=1):
            raise UserError(_('The currency and company of a contract that has invoice proposals '
                              'cannot change: its shares and invoices are in its currency.'))
        return super(ProjectContract, self).write(vals)

    @api.multi
    def name_get(self):
        return [(c.id, '[%s] %s' % (c.code, c.name) if c.code and c.code != '/' else c.name)
                for c in self]

    # the state follows these buttons (and is tracked); write() refuses it
    @api.multi
    def action_activate(self):
        return self._write_state('active')

    @api.multi
    def action_close(self):
        return self._write_state('closed')

    @api.multi
    def action_draft(self):
        return self._write_state('draft')

    def _write_state(self, state):
        self._check_state_right()
        return super(ProjectContract, self).write({'state': state})

    def _check_state_right(self):
        # the buttons are the managers' (who also set up the funding); the
        # model says so too, for callers that bypass the form (create, copy)
        if not self.user_has_groups('project_billing_schedule.group_project_invoicing_manager'):
            raise AccessError(_('Only project invoicing managers activate, close or reopen a '
                                'contract.'))

    # ------------------------------------------------------------------
    # Rates
    # ------------------------------------------------------------------
    def _hour_rates(self):
        """{(contract_id, 'employee'|'product', id): price} for these contracts."""
        rates = {}
        for rate in self.mapped('rate_ids'):
            if rate.employee_id:
                rates[(rate.contract_id.id, 'employee', rate.employee_id.id)] = rate.price
            if rate.product_id:
                rates[(rate.contract_id.id, 'product', rate.product_id.id)] = rate.price
        return rates

    # ------------------------------------------------------------------
    # Funding
    # ------------------------------------------------------------------
    def _funding_chain(self, item, specs_cache):
        """The funding rules covering `item`, by priority, as plain values
        for allocation.fill(): [((sequence, rule_id), [(source_id, percent,
        is_rounding)])]."""
        specs = specs_cache.get(self.id)
        if specs is None:
            specs = specs_cache[self.id] = [
                ((rule.sequence, rule.id), rule._cover_spec(),
                 [(a.source_id.id, a.percent, a.is_rounding) for a in rule.allocation_ids])
                for rule in self.funding_rule_ids.sorted(key=lambda r: (r.sequence, r.id))]
        chain = [(key, shares) for key, spec, shares in specs if rule_covers(spec, item)]
        if chain and self.not_to_exceed:
            # what the not-to-exceed keeps out waits on the on-hold source
            hold = specs_cache.get(('hold', self.id))
            if hold is None:
                hold = specs_cache[('hold', self.id)] = self._on_hold_source().id
            chain.append((HOLD_KEY, [(hold, 100.0, True)]))
        return chain

    def _allocate_funding(self, items, headroom=None):
        """Decide who pays for each item, filling funding limits in priority
        order (a transaction crossing a limit is split: the rest goes to
        the next rule).

        items: dicts with key (any hashable), contract (record), amount,
        date, transaction_type, project_id, task_id, categ_id.
        headroom: {source_id: what it may still take} (see
        project.billing.ledger._headroom); updated as items take from it.

        Returns (allocations, reasons): allocations[key] = [((sequence,
        rule_id), source_id, percent, is_rounding, amount)] summing exactly
        to the item amount; reasons[key] = why it cannot be placed.
        """
        limits_of = None
        if headroom is None:
            headroom = self.env['project.billing.ledger']._headroom(
                self.mapped('funding_source_ids'))
            limits_of = self._nte_limits(headroom)
        # rules, allocations and sources of all the contracts read at once
        self.mapped('funding_rule_ids.allocation_ids.source_id.limit_amount')
        allocations, reasons, specs = {}, {}, {}
        sources = dict((s.id, s) for s in self.mapped('funding_source_ids'))
        # a split no limit touches depends on the amount and the rules only:
        # computed once for the many transactions of the same amount
        limited = set(headroom) | set(limits_of or ())
        splits = {}
        for item in items:
            contract = item['contract']
            chain = contract._funding_chain(item, specs)
            if not chain:
                reasons[item['key']] = _('No funding rule of contract %s covers this transaction.') \
                    % contract.display_name
                continue
            memo = None if any(src in limited for _k, shares in chain for src, _p, _r in shares) \
                else (contract.id, tuple(key for key, _shares in chain), item['amount'])
            if memo in splits:
                allocations[item['key']] = splits[memo]
                continue
            before = dict(headroom)
            try:
                parts, rest = fill(item['amount'], chain, headroom, contract.currency_id.rounding,
                                   limits_of)
            except ValueError as e:   # allocations edited one by one, not totalling 100 %
                reasons[item['key']] = _('The funding rules of contract %s are incomplete: %s') % (
                    contract.display_name, e)
                continue
            if rest:
                headroom.update(before)  # nothing taken: the item is not proposed
                full = [sources.get(src) or self.env['project.funding.source'].browse(src)
                        for _k, shares in chain for src, _p, _r in shares if src in headroom]
                reasons[item['key']] = _('The funding limit of %s is reached (%s cannot be '
                                         'placed).') % (', '.join(s.display_name for s in full),
                                                        rest)
                continue
            allocations[item['key']] = parts
            if memo:
                splits[memo] = parts
        return allocations, reasons
