from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..guards import refuse

OPEN_STATES = ('draft', 'review', 'approved')


class ProjectInvoiceProposal(models.Model):
    """Factuurvoorstel: a preliminary invoice for one funding source of a
    project (or of a whole contract). Its lines are that source's shares of
    transactions (and credits of earlier ones); posting it creates and
    validates the customer invoice, or the credit note when its total is
    negative. This file holds the record and its review workflow; building
    (project_invoice_proposal_build), posting (..._post), credits
    (..._credit) and retention (..._retention) live beside it."""
    _name = 'project.invoice.proposal'
    _description = 'Invoice proposal'
    _inherit = ['mail.thread', 'project.invoicing.input.check']
    _order = 'date desc, id desc'

    name = fields.Char(required=True, copy=False, readonly=True, default='/', index=True)
    contract_id = fields.Many2one('project.contract', required=True, readonly=True, index=True,
                                  ondelete='restrict', states={'draft': [('readonly', False)]})
    project_id = fields.Many2one('project.project', readonly=True, index=True,
                                 help='Empty when the contract is invoiced per contract.')
    funding_source_id = fields.Many2one('project.funding.source', string='Funding source',
                                        required=True, readonly=True, ondelete='restrict')
    partner_id = fields.Many2one(related='funding_source_id.partner_id', store=True, readonly=True,
                                 string='Invoice to')
    company_id = fields.Many2one(related='contract_id.company_id', store=True, readonly=True)
    currency_id = fields.Many2one(related='contract_id.currency_id', store=True, readonly=True)
    date = fields.Date(string='Invoice date', required=True, default=fields.Date.context_today,
                       readonly=True, states={'draft': [('readonly', False)]})
    kind = fields.Selection([
        ('invoice', 'Invoice proposal'),
        ('credit', 'Credit note proposal'),
        ('retention_release', 'Retention release'),
    ], default='invoice', required=True, readonly=True)
    transaction_type = fields.Selection([
        ('hour', 'Hours'), ('expense', 'Expenses'), ('item', 'Items'), ('fee', 'Fees'),
        ('on_account', 'On-account')], readonly=True,
        help='Set when the proposal holds one transaction type only.')
    state = fields.Selection([
        ('draft', 'Draft'),
        ('review', 'In review'),
        ('approved', 'Approved'),
        ('posted', 'Posted'),
        ('cancel', 'Cancelled'),
    ], default='draft', required=True, readonly=True, copy=False, index=True,
        track_visibility='onchange')
    line_ids = fields.One2many('project.invoice.proposal.line', 'proposal_id', string='Lines',
                               readonly=True, states={'draft': [('readonly', False)]})
    amount_total = fields.Monetary(compute='_compute_amounts', store=True, string='Total')
    amount_retention = fields.Monetary(compute='_compute_amounts', store=True, string='Retention')
    submitted_uid = fields.Many2one('res.users', string='Submitted by', readonly=True, copy=False)
    reviewed_uid = fields.Many2one('res.users', string='Reviewed by', readonly=True, copy=False)
    reviewed_date = fields.Datetime(string='Reviewed on', readonly=True, copy=False)
    reject_reason = fields.Text(string='Rejection reason', readonly=True, copy=False)
    invoice_id = fields.Many2one('account.invoice', string='Customer invoice', readonly=True,
                                 copy=False, track_visibility='onchange')
    invoice_state = fields.Selection(related='invoice_id.state', string='Invoice status',
                                     readonly=True)
    reinvoice = fields.Boolean(string='Invoice again after crediting', readonly=True,
                               help='Credited transactions become invoiceable again.')
    billing_rule_id = fields.Many2one('project.billing.rule', readonly=True, index=True)
    billing_threshold = fields.Float(readonly=True, string='Completion threshold (%)')
    note = fields.Text()

    @api.depends('line_ids.amount', 'line_ids.transaction_type')
    def _compute_amounts(self):
        # saved proposals: summed in SQL (they hold thousands of lines);
        # proposals being edited in a form: from the lines in memory
        saved = self.filtered(lambda p: isinstance(p.id, int))
        totals = {}
        if saved:
            self.env.cr.execute("""
                SELECT proposal_id, SUM(amount),
                       SUM(CASE WHEN transaction_type = 'retention' THEN amount ELSE 0 END)
                  FROM project_invoice_proposal_line WHERE proposal_id IN %s
                 GROUP BY proposal_id""", (tuple(saved.ids),))
            totals = dict((r[0], r[1:]) for r in self.env.cr.fetchall())
        for proposal in self:
            if proposal in saved:
                total, retention = totals.get(proposal.id, (0.0, 0.0))
            else:
                total = sum(proposal.line_ids.mapped('amount'))
                retention = sum(proposal.line_ids.filtered(
                    lambda l: l.transaction_type == 'retention').mapped('amount'))
            proposal.amount_total = total
            proposal.amount_retention = retention

    # written only by the workflow methods (through _write_workflow): a
    # view's readonly protects nothing over XML-RPC
    WORKFLOW_FIELDS = {'state', 'invoice_id', 'funding_source_id', 'contract_id', 'project_id',
                       'kind', 'reinvoice', 'submitted_uid', 'reviewed_uid', 'reviewed_date',
                       'reject_reason', 'billing_rule_id', 'billing_threshold', 'transaction_type',
                       'name', 'review_ids'}

    @api.model
    def create(self, vals):  # pylint: disable=method-required-super
        """A user creates an empty draft for a funding source of the
        contract (and one of its projects); lines come from the ledger.
        super() is called by _create_internal, which the workflow uses too."""
        refuse(self, vals, self.WORKFLOW_FIELDS - {'contract_id', 'project_id', 'funding_source_id',
                                                   'transaction_type'} | {'line_ids'})
        self._check_input(vals)  # before the contract is read from it
        contract = self.env['project.contract'].browse(vals.get('contract_id'))
        source = self.env['project.funding.source'].browse(vals.get('funding_source_id'))
        project = self.env['project.project'].browse(vals.get('project_id'))
        if source.contract_id != contract or (project and project.contract_id != contract):
            raise UserError(_('The funding source and project of an invoice proposal belong to its '
                              'contract.'))
        return self._create_internal(vals)

    def _create_internal(self, vals):
        if vals.get('name', '/') == '/':
            company = self.env['project.contract'].browse(vals.get('contract_id')).company_id
            vals = dict(vals, name=self.env['ir.sequence'].with_context(
                force_company=company.id or self.env.user.company_id.id).next_by_code(
                'project.invoice.proposal') or '/')
        return super(ProjectInvoiceProposal, self).create(vals)

    @api.multi
    def write(self, vals):
        refuse(self, vals, self.WORKFLOW_FIELDS)
        if 'line_ids' in vals and self.filtered(lambda p: p.state != 'draft'):
            raise UserError(_('Lines of an invoice proposal can only change while it is a draft.'))
        if 'date' in vals and self.filtered(lambda p: p.state != 'draft'):
            raise UserError(_('The date of an invoice proposal can only change while it is a draft.'))
        return super(ProjectInvoiceProposal, self).write(vals)

    def _write_workflow(self, vals):
        return super(ProjectInvoiceProposal, self).write(vals)

    @api.multi
    def unlink(self):
        if self.filtered(lambda p: p.state not in ('draft', 'cancel')):
            raise UserError(_('Only draft or cancelled invoice proposals can be deleted.'))
        used = self.filtered(lambda p: p.state == 'cancel' and p.invoice_id)
        if used:
            raise UserError(_('Invoice proposal %s was posted as %s: it is kept with its cancelled '
                              'invoice.') % (used[0].name, used[0].invoice_id.display_name))
        self.filtered(lambda p: p.state == 'draft').action_cancel()
        self.mapped('line_ids')._unlink_released()
        return super(ProjectInvoiceProposal, self).unlink()

    # ------------------------------------------------------------------
    # Workflow (the review is in project_invoice_proposal_review.py)
    # ------------------------------------------------------------------
    @api.multi
    def _action_list(self):
        """The proposals menu's action, showing these proposals only."""
        action = self.env.ref('project_billing_schedule.action_invoice_proposal').read()[0]
        action['domain'] = [('id', 'in', self.ids)]
        return action

    def _check_state(self, states, action):
        for proposal in self:
            if proposal.state not in states:
                raise UserError(_('Invoice proposal %s is %s: it cannot be %s.') % (
                    proposal.name, dict(self._fields['state'].selection)[proposal.state].lower(),
                    action))

    @api.multi
    def action_cancel(self):
        """Cancel proposals not yet posted: their lines stay as history;
        the transactions' shares are invoiceable again (the ledger only
        counts proposals that are not cancelled)."""
        self._check_state(OPEN_STATES, _('cancelled'))
        self._lock()
        self._write_workflow({'state': 'cancel'})
        for proposal in self:
            proposal.message_post(body=_('Cancelled; its transactions are invoiceable again.')
                                  if proposal.kind != 'credit' else
                                  _('Cancelled; the credited transactions stay invoiced.'))
        self._sync_ledger()
        return True

    # ------------------------------------------------------------------
    # Helpers shared by the files beside this one
    # ------------------------------------------------------------------
    def _lock(self):
        """Row locks on these proposals, so that a concurrent post, cancel
        or edit waits its turn; refused at once when another user holds one."""
        if not self.ids:
            return
        # SKIP LOCKED, not NOWAIT: a busy row is told apart without an SQL
        # error, which would abort the transaction (and the translated message)
        self.env.cr.execute('SELECT id FROM project_invoice_proposal WHERE id IN %s '
                            'ORDER BY id FOR UPDATE SKIP LOCKED', (tuple(self.ids),))
        if len(self.env.cr.fetchall()) < len(set(self.ids)):
            raise UserError(_('Another user is working on these invoice proposals right now. Try '
                              'again in a moment.'))
        self.invalidate_cache(['state'], self.ids)

    def _transaction_ids(self):
        """(analytic ids, on-account ids) of the transactions on these
        proposals, credited ones included."""
        if not self.ids:
            return [], []
        self.env.cr.execute("""
            SELECT array_agg(DISTINCT analytic_line_id) FILTER (WHERE analytic_line_id IS NOT NULL),
                   array_agg(DISTINCT on_account_id) FILTER (WHERE on_account_id IS NOT NULL)
              FROM project_invoice_proposal_line WHERE proposal_id IN %s""", (tuple(self.ids),))
        analytic, on_account = self.env.cr.fetchone()
        return analytic or [], on_account or []

    def _sync_ledger(self):
        analytic, on_account = self._transaction_ids()
        self.env['project.billing.ledger']._sync(analytic, on_account)

    def _recompute_totals(self):
        self.invalidate_cache(['amount_total', 'amount_retention'], self.ids)
        for fname in ('amount_total', 'amount_retention'):
            self.env.add_todo(self._fields[fname], self)
        self.recompute()
