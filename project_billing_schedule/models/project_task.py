from odoo import api, models


class ProjectTask(models.Model):
    _inherit = 'project.task'

    @api.multi
    def write(self, vals):
        res = super(ProjectTask, self).write(vals)
        if 'stage_id' in vals:
            # a milestone whose activity reaches a closing (folded) stage is complete
            done = self.filtered(lambda t: t.stage_id.fold)
            if done:
                milestones = self.env['project.on.account'].search([
                    ('task_id', 'in', done.ids), ('status', '=', 'planned'),
                    ('kind', '=', 'milestone')])
                milestones.action_mark_complete()
        return res
