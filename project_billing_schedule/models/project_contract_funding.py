from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .project_funding_rule import TRANSACTION_TYPES


class ProjectContract(models.Model):
    _inherit = 'project.contract'

    @api.multi
    def action_activate(self):
        # refused here rather than at the first invoicing run, months later
        self._check_state_right()
        for contract in self:
            missing = contract._uncovered_transaction_types()
            if missing:
                raise UserError(_('Contract %s cannot be activated: no funding rule covers %s. '
                                  'Add a rule for these transactions without a task, product '
                                  'category or end date, valid from the contract\'s start (e.g. '
                                  '"All", 100 %% to the customer).')
                                % (contract.display_name, ', '.join(missing)))
        return super(ProjectContract, self).action_activate()

    def _uncovered_transaction_types(self):
        """The transaction types (per invoiceable project) that no open-ended
        funding rule of this contract covers, as readable labels."""
        self.ensure_one()
        labels = dict(self.env['project.funding.rule']._fields['transaction_type']
                      ._description_selection(self.env))
        start = self.date_start or fields.Date.context_today(self)
        rules = self.funding_rule_ids.filtered(
            lambda r: not (r.task_id or r.product_categ_id or r.date_to) and
            (not r.date_from or r.date_from <= start))
        projects = self.project_ids.filtered(lambda p: p.project_invoice_type != 'internal')
        missing = []
        for project in projects or [self.env['project.project']]:
            for ttype, __ in TRANSACTION_TYPES:
                if not rules.filtered(lambda r: r.transaction_type in ('all', ttype) and
                                      r.project_id in (project, self.env['project.project'])):
                    missing.append('%s (%s)' % (labels[ttype], project.name) if project
                                   else labels[ttype])
        return missing

    @api.multi
    def action_edit_funding_rules(self):
        """The funding rules of this (saved) contract in their own view: a
        rule is checked when it is saved, and its allocations pick the
        contract's sources, which an unsaved contract does not have yet."""
        self.ensure_one()
        action = self.env.ref('project_billing_schedule.action_funding_rule').read()[0]
        action['domain'] = [('contract_id', '=', self.id)]
        action['context'] = {'default_contract_id': self.id}
        return action
