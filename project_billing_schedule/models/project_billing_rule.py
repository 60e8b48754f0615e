import logging

from odoo import _, api, fields, models

from odoo.addons.project_invoicing_base.exceptions import InputError
from odoo.addons.queue_job.job import job

_logger = logging.getLogger(__name__)


class ProjectBillingRule(models.Model):
    """Factureringsregel: when to propose an invoice automatically, e.g. when
    the work is 25, 50, 75 and 100 % complete, or when a milestone is complete."""
    _name = 'project.billing.rule'
    _inherit = ['project.invoicing.input.check']
    _description = 'Billing rule'
    _order = 'contract_id, sequence, id'

    contract_id = fields.Many2one('project.contract', required=True, ondelete='cascade', index=True)
    company_id = fields.Many2one(related='contract_id.company_id', store=True, readonly=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    rule_type = fields.Selection([
        ('completion', 'At completion thresholds'),
        ('milestone', 'When a milestone is complete'),
    ], required=True, default='completion')
    project_id = fields.Many2one('project.project',
                                 domain="[('contract_id', '=', contract_id)]",
                                 help='Completion of this project; empty: of the contract.')
    thresholds = fields.Char(default='25,50,75,100',
                             help='Completion percentages, comma separated. Completion is hours '
                                  'spent over planned hours (Fixed price: completed milestones).')
    last_threshold = fields.Float(compute='_compute_last_threshold', string='Last threshold reached')

    @api.constrains('project_id', 'contract_id')
    def _check_project(self):
        # read as superuser: a refusal names records the user may not read
        for rule in self.sudo().filtered('project_id'):
            if rule.project_id.contract_id != rule.contract_id:
                raise InputError(_('Billing rule "%s": project %s is not a project of contract %s.')
                                 % (rule.name, rule.project_id.name, rule.contract_id.display_name))

    @api.constrains('thresholds', 'rule_type')
    def _check_thresholds(self):
        for rule in self.filtered(lambda r: r.rule_type == 'completion' or r.thresholds):
            values = rule._threshold_values()
            if not values or not all(0 < v <= 100 for v in values):  # NaN fails too
                raise InputError(_('Billing rule "%s": give completion thresholds between 0 '
                                   'and 100, e.g. 25,50,75,100.') % rule.name)

    def _threshold_values(self):
        try:
            return sorted(set(float(v) for v in (self.thresholds or '').split(',') if v.strip()))
        except ValueError:
            return []

    @api.multi
    def _compute_last_threshold(self):
        for rule in self:
            # a cancelled proposal does not use up its threshold
            done = self.env['project.invoice.proposal'].search(
                [('billing_rule_id', '=', rule.id), ('state', '!=', 'cancel')],
                order='billing_threshold desc', limit=1)
            rule.last_threshold = done.billing_threshold

    def _completion(self):
        if self.project_id:
            return self.project_id._completion_percents()[self.project_id]
        return self.contract_id._completion_percent()

    @api.multi
    def _apply(self):
        """Create the proposals these rules call for now; each threshold once."""
        return self._apply_report()[1]

    def _apply_report(self):
        """Apply the rules; ([{rule, completion, fired, proposals}], proposals)."""
        Proposal = self.env['project.invoice.proposal']
        created = Proposal.browse()
        report = []
        for rule in self:
            contract = rule.contract_id
            if rule.rule_type == 'milestone':
                proposals, reasons = Proposal._propose(
                    contract, types=['on_account'], projects=rule.project_id or None,
                    billing_rule=rule)
                created |= proposals
                report.append({'rule': rule, 'completion': False, 'fired': False,
                               'proposals': proposals,
                               'left': Proposal._reasons_by_contract(reasons).get(contract.id)})
                continue
            completion = rule._completion()
            crossed = [t for t in rule._threshold_values()
                       if t > rule.last_threshold and completion >= t]
            proposals, reasons = Proposal.browse(), {}
            if crossed:
                # several thresholds crossed at once make one proposal, the highest
                proposals, reasons = Proposal._propose(
                    contract, projects=rule.project_id or None, billing_rule=rule,
                    threshold=max(crossed))
                created |= proposals
                for proposal in proposals:
                    proposal.message_post(body=_('Created by billing rule "%s" at %s %% complete.')
                                          % (rule.name, max(crossed)))
            report.append({'rule': rule, 'completion': completion,
                           'fired': crossed and max(crossed), 'proposals': proposals,
                           'left': Proposal._reasons_by_contract(reasons).get(contract.id)})
        return report, created

    @api.model
    def _apply_contracts(self, contracts):
        """Apply the active rules of these active contracts, each contract in
        its own savepoint and company: one that fails is reported in its
        chatter and never stops the others."""
        rules = self.search([('contract_id', 'in', contracts.ids),
                             ('contract_id.state', '=', 'active')])
        for contract in rules.mapped('contract_id'):
            try:
                with self.env.cr.savepoint():
                    report = rules.filtered(lambda r: r.contract_id == contract).with_context(
                        force_company=contract.company_id.id)._apply_report()[0]
                # what a rule could not invoice is said where its users look
                for left in set(item['left'] for item in report if item['left']):
                    contract.message_post(body=_('Billing rules: %s') % left)
            except Exception as e:  # reported, then the next contract
                _logger.warning('Billing rules of contract %s failed: %s', contract.display_name, e)
                contract.message_post(body=_('Billing rules failed: %s') % e)
        return True

    @api.model
    def _apply_on_completion(self, contracts, user):
        """A task or milestone `user` completed: the contracts' rules apply
        at once, as that user, when they may create proposals (the proposals
        are theirs); for anyone else the nightly scheduled action applies
        them, so completing work never creates proposals a user could not."""
        Proposal = self.env['project.invoice.proposal'].sudo(user)
        if not Proposal.check_access_rights('create', raise_exception=False):
            return False
        return self.sudo(user)._apply_contracts(contracts.sudo(user))

    @api.model
    def _cron_apply(self):
        """Scheduled action: check every active contract's billing rules; as
        background jobs of N contracts when there are many (the company
        settings of periodic invoicing), so the cron holds no long transaction.
        A rerun is harmless: each threshold fires once, each milestone is
        proposed once."""
        contracts = self.search([('contract_id.state', '=', 'active')]).mapped('contract_id')
        for company in contracts.mapped('company_id'):
            mine = contracts.filtered(lambda c: c.company_id == company)
            if len(mine) < company.project_invoicing_job_threshold or \
                    self.env.context.get('project_invoicing_sync'):
                self._apply_contracts(mine)
                continue
            size = max(1, company.project_invoicing_chunk_size)
            for i in range(0, len(mine), size):
                chunk = mine[i:i + size]
                self.with_delay(description=_('Billing rules of %d contract(s)') % len(chunk),
                                channel='root.project_invoicing')._apply_contracts_job(chunk.ids)
        return True

    @job(default_channel='root.project_invoicing')
    @api.model
    def _apply_contracts_job(self, contract_ids):
        return self._apply_contracts(self.env['project.contract'].browse(contract_ids))
