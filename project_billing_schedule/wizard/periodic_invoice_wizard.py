import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..models.project_invoice_proposal_preview import QUIET

_logger = logging.getLogger(__name__)


class PeriodicInvoiceWizard(models.TransientModel):
    """Periodiek: invoice many projects and contracts at once. Each contract
    runs in its own savepoint: one that fails is reported and never blocks
    the others; what is already proposed or invoiced is never taken again."""
    _name = 'project.periodic.invoice.wizard'
    _inherit = 'project.transaction.type.selection'
    _description = 'Periodic project invoicing'

    scope = fields.Selection([
        ('selected', 'The contracts chosen below'),
        ('all', 'All active contracts'),
    ], string='Invoice', required=True, default='selected')
    contract_ids = fields.Many2many('project.contract', string='Contracts')
    # what a run will take, shown before it runs
    preview_contract_count = fields.Integer(compute='_compute_preview', string='Contracts')
    preview_transaction_count = fields.Integer(compute='_compute_preview',
                                               string='Transactions to invoice')
    date_to = fields.Date(string='Up to', required=True, default=fields.Date.context_today)
    post = fields.Boolean(string='Post the proposals', default=True,
                          help='Post every proposal that needs no review; the others wait for '
                               'their reviewer.')

    def _contracts(self):
        if self.scope == 'all':
            return self.env['project.contract'].search([('state', '=', 'active')])
        return self.contract_ids.filtered(lambda c: c.state == 'active')

    @api.depends('scope', 'contract_ids', 'date_to', 'include_hours', 'include_expenses',
                 'include_items', 'include_fees', 'include_on_account')
    def _compute_preview(self):
        for wizard in self:
            contracts = wizard._contracts()
            types = wizard._types()
            count = self.env['account.analytic.line'].search_count([
                ('billing_contract_id', 'in', contracts.ids), ('invoice_status', '=', 'to_invoice'),
                ('billing_type', 'in', [t for t in types if t != 'on_account']),
                ('date', '<=', wizard.date_to or fields.Date.context_today(self))])
            if 'on_account' in types:
                count += self.env['project.on.account'].search_count([
                    ('contract_id', 'in', contracts.ids), ('status', '=', 'ready'),
                    ('date', '<=', wizard.date_to or fields.Date.context_today(self))])
            wizard.preview_contract_count = len(contracts)
            wizard.preview_transaction_count = count

    @api.multi
    def action_run(self):
        self.ensure_one()
        # a wizard is open to everyone and _run reports failures per contract
        # rather than raising: the caller's right to propose is checked first
        self._check_run()
        runs = self.env['project.invoicing.run']._start(
            self._contracts(), self.date_to, self._types(), self.post)
        return runs.action_open()

    def _check_run(self):
        self.env['project.invoice.proposal']._check_rights('create')
        if self.scope == 'selected' and not self.contract_ids:
            raise UserError(_('Choose the contracts to invoice, or choose "All active contracts".'))
        inactive = self.contract_ids.filtered(lambda c: c.state != 'active')
        if self.scope == 'selected' and inactive:
            raise UserError(_('Only active contracts are invoiced; %s is not active.')
                            % ', '.join(inactive.mapped('display_name')))

    @api.multi
    def action_preview_posting(self):
        """The journal items this run would post (every proposal it would
        make, those waiting for review included), before it runs."""
        self.ensure_one()
        self._check_run()
        Proposal = self.env['project.invoice.proposal'].with_context(**QUIET)

        def post():
            proposals, _reasons = Proposal._propose(self._contracts(), date_to=self.date_to,
                                                    types=self._types(), date=self.date_to)
            return proposals.sudo()._simulate_post() if proposals else proposals.invoice_id
        return self.env['project.posting.preview']._open(
            _('periodic invoicing up to %s') % self.date_to,
            self.env['project.posting.preview']._simulate(post))

    @api.model
    def _run(self, contracts, date_to, types=None, post=True):
        """Returns [(contract, proposals, error or None)].

        Fast path: all contracts proposed and posted in one batch (one query
        for all their transactions, one validation of all their invoices).
        When the batch fails, it is rolled back and the contracts are run one
        by one, each in its own savepoint, so a broken one is reported and
        never blocks the others."""
        self.recompute()  # nothing pending is lost if a batch is rolled back
        try:
            return self._run_batch(contracts, date_to, types, post)
        except Exception as e:  # noqa: the slow path below reports it per contract
            _logger.info('Periodic invoicing: the batch failed (%s); contract by contract now', e)
        Proposal = self.env['project.invoice.proposal']
        report = []
        for contract in contracts:
            try:
                report += self._run_batch(contract, date_to, types, post)
            except Exception as e:  # reported per contract, the run goes on
                _logger.warning('Periodic invoicing of %s failed: %s', contract.display_name, e)
                error = getattr(e, 'name', None) or str(e)
                report.append((contract, Proposal.browse(), error))
                contract.message_post(body=_('Periodic invoicing failed: %s') % error)
        return report

    @api.model
    def _run_batch(self, contracts, date_to, types, post):
        # a rolled-back savepoint must not leave its records in the caches
        Proposal = self.env['project.invoice.proposal']
        with self.env.clear_upon_failure(), self.env.cr.savepoint():
            # posting right away: the statuses are written once, after it
            pending = ([], []) if post else None
            proposals, reasons = Proposal._propose(contracts, date_to=date_to, types=types,
                                                   date=date_to, defer=pending)
            if post:
                to_post = proposals.filtered(lambda p: not p.review_required)
                to_post._check_rights()
                to_post._post(pending)
                contracts._announce_headroom()
        # what stays uninvoiced (no funding rule, limit reached) is the
        # contract's failure, to be fixed and retried, not a silent success
        left = Proposal._reasons_by_contract(reasons)
        return [(contract, proposals.filtered(lambda p: p.contract_id == contract),
                 left.get(contract.id)) for contract in contracts]

    @api.model
    def _format(self, report):
        lines = []
        for contract, proposals, error in report:
            if error:
                lines.append(_('%s: FAILED - %s') % (contract.display_name, error))
            elif proposals:
                invoices = proposals.mapped('invoice_id')
                lines.append(_('%s: %d proposal(s), %d invoice(s) posted, total %s') % (
                    contract.display_name, len(proposals), len(invoices),
                    sum(proposals.mapped('amount_total'))))
            else:
                lines.append(_('%s: nothing to invoice') % contract.display_name)
        return '\n'.join(lines)

    @api.model
    def _cron_periodic_invoicing(self):
        """Scheduled action: each company's active contracts, in a run of
        that company (its accounts, fiscal positions and journals; in the
        background when large)."""
        contracts = self.env['project.contract'].search([('state', '=', 'active')])
        runs = self.env['project.invoicing.run']._start(
            contracts, fields.Date.context_today(self), None, True)
        for run in runs:
            _logger.info('Periodic project invoicing of %s: run %s', run.company_id.name, run.name)
        return True
