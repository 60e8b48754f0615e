import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.queue_job.job import job

_logger = logging.getLogger(__name__)


class ProjectInvoicingRun(models.Model):
    """Periodieke run: one periodic invoicing of many contracts. Large runs
    are cut into chunks of contracts, each a background job (queue_job) on
    its own channel, so month end neither holds one long transaction nor
    hits a worker's time limit; small runs (and tests) run at once. A
    contract's state in the run is decided by what its chunk did; the run's
    state and counts follow from its contracts'."""
    _name = 'project.invoicing.run'
    _inherit = ['mail.thread', 'project.transaction.type.selection']
    _description = 'Periodic invoicing run'
    _order = 'id desc'

    name = fields.Char(required=True, readonly=True, default='/')
    company_id = fields.Many2one('res.company', required=True, readonly=True,
                                 default=lambda self: self.env.user.company_id)
    user_id = fields.Many2one('res.users', string='Started by', readonly=True,
                              default=lambda self: self.env.user)
    date_to = fields.Date(string='Up to', required=True, readonly=True)
    post = fields.Boolean(string='Post the proposals', readonly=True)
    background = fields.Boolean(readonly=True, help='Run as background jobs, chunk by chunk.')
    line_ids = fields.One2many('project.invoicing.run.line', 'run_id', string='Contracts',
                               readonly=True)
    state = fields.Selection([
        ('running', 'Running'),
        ('done', 'Done'),
        ('failed', 'Done with failures'),
    ], compute='_compute_counts', store=True, track_visibility='onchange')
    contract_count = fields.Integer(compute='_compute_counts', store=True, string='Contracts')
    done_count = fields.Integer(compute='_compute_counts', store=True, string='Done')
    failed_count = fields.Integer(compute='_compute_counts', store=True, string='Failed')
    waiting_count = fields.Integer(compute='_compute_counts', store=True, string='Waiting')
    progress = fields.Float(compute='_compute_counts', store=True, string='Progress (%)')
    proposal_ids = fields.Many2many('project.invoice.proposal', compute='_compute_documents',
                                    string='Proposals')
    invoice_ids = fields.Many2many('account.invoice', compute='_compute_documents',
                                   string='Invoices')
    proposal_count = fields.Integer(compute='_compute_documents', string='Proposals')
    invoice_count = fields.Integer(compute='_compute_documents', string='Invoices')

    @api.depends('line_ids.state')
    def _compute_counts(self):
        for run in self:
            states = run.line_ids.mapped('state')
            run.contract_count = len(states)
            run.done_count = states.count('done')
            run.failed_count = states.count('failed')
            run.waiting_count = states.count('waiting')
            run.progress = 100.0 * (len(states) - run.waiting_count) / len(states) if states \
                else 100.0
            run.state = 'running' if run.waiting_count else (
                'failed' if run.failed_count else 'done')

    @api.depends('line_ids.proposal_ids')
    def _compute_documents(self):
        for run in self:
            run.proposal_ids = run.line_ids.mapped('proposal_ids')
            run.invoice_ids = run.proposal_ids.mapped('invoice_id')
            run.proposal_count = len(run.proposal_ids)
            run.invoice_count = len(run.invoice_ids)

    @api.model
    def _start(self, contracts, date_to, types, post):
        """One run per company of these contracts (its accounts, journals
        and users), each run at once below its company's threshold (or with
        context project_invoicing_sync), else as background jobs of the
        company's chunk size. Returns the runs."""
        self.env['project.invoice.proposal']._check_rights('create')
        types = types or ['hour', 'expense', 'item', 'fee', 'on_account']
        runs = self.browse()
        for company in contracts.mapped('company_id'):
            runs |= self.with_context(force_company=company.id)._start_company(
                company, contracts.filtered(lambda c: c.company_id == company), date_to, types,
                post)
        return runs

    def _start_company(self, company, contracts, date_to, types, post):
        background = len(contracts) >= company.project_invoicing_job_threshold and \
            not self.env.context.get('project_invoicing_sync')
        run = self.sudo().create(dict({
            'name': _('Periodic invoicing up to %s') % date_to, 'date_to': date_to,
            'post': post, 'background': background, 'company_id': company.id,
            'user_id': self.env.user.id,
            'line_ids': [(0, 0, {'contract_id': c.id}) for c in contracts],
        }, **self._type_flags(types)))
        # the run is written by its methods only (sudo); its contracts are
        # invoiced as the user who started it, in the jobs too
        run = run.sudo(self.env.uid)
        run._dispatch(run.line_ids)
        return run

    def _dispatch(self, lines):
        size = max(1, self.company_id.project_invoicing_chunk_size)
        chunks = [lines[i:i + size] for i in range(0, len(lines), size)]
        for chunk in chunks:
            if self.background:
                self.with_delay(description=_('%s: %d contract(s)') % (self.name, len(chunk)),
                                channel='root.project_invoicing')._process_chunk(chunk.ids)
            else:
                self._process_chunk(chunk.ids)

    @job(default_channel='root.project_invoicing')
    @api.multi
    def _process_chunk(self, line_ids):
        """One chunk: the contracts of these lines still waiting. Idempotent:
        a line is taken only while waiting and under a row lock (a retry or
        a second worker skips it), and what is proposed already is never
        proposed again (the billing ledger), so a rerun after a crash or a
        retry creates nothing twice."""
        self.ensure_one()
        self.env['project.invoice.proposal']._check_rights('create')
        self.env.cr.execute(
            "SELECT id FROM project_invoicing_run_line WHERE id IN %s AND state = 'waiting' "
            "ORDER BY id FOR UPDATE SKIP LOCKED", (tuple(line_ids),))
        lines = self.env['project.invoicing.run.line'].browse([r[0] for r in self.env.cr.fetchall()])
        if not lines:
            return _('Nothing waiting.')
        Wizard = self.env['project.periodic.invoice.wizard'].with_context(
            force_company=self.company_id.id)
        report = Wizard._run(lines.mapped('contract_id'), self.date_to, self._types(), self.post)
        by_contract = dict((contract.id, (proposals, error)) for contract, proposals, error in report)
        for line in lines:
            proposals, error = by_contract.get(line.contract_id.id, (None, _('Not run')))
            line.sudo().write({'state': 'failed' if error else 'done', 'error': error or False,
                               'proposal_ids': [(6, 0, proposals.ids if proposals else [])]})
        return Wizard._format(report)

    @api.multi
    def action_retry_failed(self):
        """Run the failed contracts again (after their cause is fixed), and
        the waiting ones whose job is gone (failed for good after its retries,
        or deleted): without it such a run would show "Running" forever."""
        self.env['project.invoice.proposal']._check_rights('create')
        for run in self:
            stalled = run.line_ids.filtered(lambda l: l.state == 'waiting') \
                if run.background and not run._live_jobs() else run.line_ids.browse()
            failed = run.line_ids.filtered(lambda l: l.state == 'failed')
            if not failed and not stalled:
                if run.state == 'running':
                    raise UserError(_('Run %s is still running: retry what failed once its jobs '
                                      'have ended.') % run.name)
                raise UserError(_('Run %s has no failed contract.') % run.name)
            failed.sudo().write({'state': 'waiting', 'error': False})
            run._dispatch(failed | stalled)
        return True

    def _live_jobs(self):
        return self.env['queue.job'].sudo().search_count([
            ('model_name', '=', self._name), ('record_ids', 'like', '[%d]' % self.id),
            ('state', 'in', ('pending', 'enqueued', 'started'))])

    @api.multi
    def action_open(self):
        if len(self) == 1:
            return {'type': 'ir.actions.act_window', 'res_model': self._name, 'res_id': self.id,
                    'view_mode': 'form', 'target': 'current', 'name': self.name}
        action = self.env.ref('project_billing_schedule.action_invoicing_run').read()[0]
        action['domain'] = [('id', 'in', self.ids)]
        return action

    @api.multi
    def action_view_proposals(self):
        self.ensure_one()
        return self.proposal_ids._action_list()

    @api.multi
    def action_view_invoices(self):
        self.ensure_one()
        action = self.env.ref('account.action_invoice_tree1').read()[0]
        action['domain'] = [('id', 'in', self.invoice_ids.ids)]
        return action


class ProjectInvoicingRunLine(models.Model):
    _name = 'project.invoicing.run.line'
    _description = 'Periodic invoicing run: one contract'
    _order = 'run_id, id'

    run_id = fields.Many2one('project.invoicing.run', required=True, ondelete='cascade',
                             index=True)
    company_id = fields.Many2one(related='run_id.company_id', store=True, readonly=True)
    contract_id = fields.Many2one('project.contract', required=True, readonly=True)
    state = fields.Selection([
        ('waiting', 'Waiting'),
        ('done', 'Done'),
        ('failed', 'Failed'),
    ], default='waiting', required=True, readonly=True, index=True)
    error = fields.Text(readonly=True)
    proposal_ids = fields.Many2many('project.invoice.proposal', string='Proposals',
                                    readonly=True)
    amount_total = fields.Float(compute='_compute_amount_total', string='Total proposed')

    @api.depends('proposal_ids.amount_total')
    def _compute_amount_total(self):
        for line in self:
            line.amount_total = sum(line.proposal_ids.mapped('amount_total'))
