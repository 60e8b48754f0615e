from odoo import _, api, models
from odoo.exceptions import AccessError, UserError

PREVIEW_MOVE_NAME = 'PREVIEW'
# no chatter, no notification: mail sent after commit would name records
# the rollback removed
QUIET = {'tracking_disable': True, 'mail_notrack': True, 'mail_create_nolog': True,
         'mail_notify_force_send': False}


class ProjectInvoiceProposalPreview(models.Model):
    _inherit = 'project.invoice.proposal'

    @api.multi
    def action_preview_posting(self):
        """The journal items of these proposals: posted ones as posted, the
        others as posting them now would create them (anyone who may read
        a proposal may see what it posts)."""
        self.check_access_rights('read')
        self.check_access_rule('read')
        if not self.user_has_groups('project_billing_schedule.group_project_invoicing_user,'
                                    'project_billing_schedule.group_project_invoice_reviewer'):
            raise AccessError(_('Only project invoicing users and reviewers preview postings.'))
        live = self.filtered(lambda p: p.state in ('draft', 'review', 'approved'))
        if live and not live.mapped('line_ids'):
            raise UserError(_('Invoice proposal %s has no lines.') % live[0].name)
        unposted = live.filtered(lambda p: p.funding_source_id.funding_type in ('internal', 'on_hold'))
        if unposted:
            raise UserError(_('Funding source %s is %s: it is not invoiced.') % (
                unposted[0].funding_source_id.display_name,
                unposted[0].funding_source_id.funding_type))
        Preview = self.env['project.posting.preview']
        rows = [Preview._row(line, proposal)
                for proposal in self.filtered(lambda p: p.state == 'posted').sudo()
                for line in proposal.invoice_id.move_id.line_ids]
        if live:
            rows += Preview._simulate(lambda: live.sudo()._simulate_post())
        return Preview._open(', '.join(self.mapped('name')), rows)

    def _simulate_post(self):
        quiet = self.with_context(**QUIET)
        quiet._settle_credits()
        return quiet._post_invoices(move_name=PREVIEW_MOVE_NAME)


class ProjectInvoicingRunPreview(models.Model):
    _inherit = 'project.invoicing.run'

    @api.multi
    def action_preview_posting(self):
        self.ensure_one()
        proposals = self.proposal_ids.filtered(lambda p: p.state in ('draft', 'review', 'approved'))
        if not proposals:
            raise UserError(_('Run %s has no proposals left to post.') % self.name)
        return proposals.action_preview_posting()
