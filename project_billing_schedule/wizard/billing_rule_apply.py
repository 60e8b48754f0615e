from odoo import _, api, fields, models
from odoo.exceptions import UserError


class ProjectBillingRuleApply(models.TransientModel):
    """What *Apply billing rules* did: per rule the completion, the threshold
    that fired and the proposals made, so the user does not wait for the
    nightly scheduled action nor guess what it would do."""
    _name = 'project.billing.rule.apply'
    _description = 'Apply billing rules'

    contract_id = fields.Many2one('project.contract', readonly=True)
    line_ids = fields.One2many('project.billing.rule.apply.line', 'apply_id', readonly=True)
    proposal_ids = fields.Many2many('project.invoice.proposal', string='Proposals created',
                                    readonly=True)
    proposal_count = fields.Integer(compute='_compute_proposal_count')

    @api.depends('proposal_ids')
    def _compute_proposal_count(self):
        for wizard in self:
            wizard.proposal_count = len(wizard.proposal_ids)

    @api.multi
    def action_view_proposals(self):
        self.ensure_one()
        return self.proposal_ids._action_list()


class ProjectBillingRuleApplyLine(models.TransientModel):
    _name = 'project.billing.rule.apply.line'
    _description = 'Apply billing rules: one rule'

    apply_id = fields.Many2one('project.billing.rule.apply', required=True, ondelete='cascade')
    rule_id = fields.Many2one('project.billing.rule', string='Billing rule', readonly=True)
    rule_type = fields.Selection(related='rule_id.rule_type', readonly=True)
    thresholds = fields.Char(related='rule_id.thresholds', readonly=True)
    completion = fields.Float(string='Completion (%)', readonly=True, digits=(16, 2))
    result = fields.Char(readonly=True)
    proposal_count = fields.Integer(string='Proposals', readonly=True)


class ProjectContract(models.Model):
    _inherit = 'project.contract'

    @api.multi
    def action_apply_billing_rules(self):
        """Apply this contract's billing rules now and show what fired."""
        if len(self) != 1:
            raise UserError(_('Apply billing rules to one contract at a time.'))
        self.env['project.invoice.proposal']._check_rights('create')
        if self.state != 'active':
            raise UserError(_('Billing rules apply to active contracts; activate contract %s '
                              'first.') % self.display_name)
        rules = self.billing_rule_ids.with_context(force_company=self.company_id.id)
        report, created = rules._apply_report()
        lines = []
        for item in report:
            rule = item['rule']
            if item['proposals']:
                if rule.rule_type == 'milestone':
                    result = _('Completed milestones proposed')
                else:
                    result = _('%s %% reached: proposed') % item['fired']
            elif rule.rule_type == 'milestone':
                result = _('No completed milestone to propose')
            elif item['fired']:
                result = _('%s %% reached: nothing to invoice') % item['fired']
            else:
                higher = [t for t in rule._threshold_values() if t > rule.last_threshold]
                result = (_('Next threshold: %s %%') % higher[0]) if higher else \
                    _('All thresholds reached')
            if item['left']:
                result = '%s (%s)' % (result, item['left'])
            lines.append((0, 0, {'rule_id': rule.id, 'completion': item['completion'] or 0.0,
                                 'result': result, 'proposal_count': len(item['proposals'])}))
        if created:
            self.message_post(body=_('Billing rules applied: %d invoice proposal(s) created (%s).')
                              % (len(created), ', '.join(created.mapped('name'))))
        wizard = self.env['project.billing.rule.apply'].create({
            'contract_id': self.id, 'line_ids': lines, 'proposal_ids': [(6, 0, created.ids)]})
        return {
            'type': 'ir.actions.act_window', 'res_model': wizard._name, 'res_id': wizard.id,
            'view_mode': 'form', 'target': 'new', 'name': _('Billing rules applied'),
        }
