from odoo import api, models


class ProjectTask(models.Model):
    _inherit = 'project.task'

    @api.multi
    def write(self, vals):
        res = super(ProjectTask, self).write(vals)
        if 'stage_id' in vals:
            # a milestone whose activity reaches a closing (folded) stage is
            # complete; the user moved the task (their right, checked by
            # super()), completing its milestones follows from it, so it runs
            # with sudo() in their name even for users who may only read
            # on-account transactions
            done = self.filtered(lambda t: t.stage_id.fold)
            if done:
                milestones = self.env['project.on.account'].sudo().search([
                    ('task_id', 'in', done.ids), ('status', '=', 'planned'),
                    ('kind', '=', 'milestone')])
                milestones.with_context(billing_rules_later=True)._mark_complete(self.env.user)
                # a completed task may cross a completion threshold: the
                # contract's billing rules are checked now, not at night
                self.env['project.billing.rule']._apply_on_completion(
                    done.sudo().mapped('project_id.contract_id'), self.env.user)
        return res
