from ast import literal_eval

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, UserError

PROPOSAL = 'project.invoice.proposal'


class ProjectInvoiceProposalReview(models.Model):
    """Review project invoice proposals (a D365 workflow, configurable in
    steps): OCA's base_tier_validation decides which tiers a proposal needs
    (Settings > Technical > Tier Validations; the addon's data reproduce the
    one-step review by the reviewer group, the demo data add a finance
    manager's tier over 10,000.00). Submit requests the tiers' reviews;
    each Approve validates the approver's tiers, the proposal is approved
    once all are; Reject sends it back to draft. The state and the reviews
    are written only here: four-eyes holds for every tier."""
    _name = PROPOSAL
    _inherit = [PROPOSAL, 'tier.validation']
    _state_from = ['review']
    _state_to = ['approved']
    _cancel_state = 'cancel'

    review_required = fields.Boolean(compute='_compute_review_required',
                                     help='A tier validation applies to this proposal.')

    @api.depends('contract_id.review_required', 'company_id.project_proposal_review_required',
                 'amount_total')
    def _compute_review_required(self):
        needs = set()
        for ids in self._tier_matches().values():
            needs |= ids
        for proposal in self:
            proposal.review_required = proposal.id in needs

    def _tiers(self):
        return self.env['tier.definition'].search([('model', '=', self._name)],
                                                  order='sequence desc')

    def _tier_matches(self):
        """{tier: ids of these proposals it applies to}, one search per tier
        (OCA's evaluate_tier() searches once per record and tier)."""
        ids = [i for i in self.ids if isinstance(i, int)]
        matches = {}
        for tier in self._tiers():
            domain = literal_eval(tier.definition_domain or '[]')
            matches[tier] = set(self.search([('id', 'in', ids)] + domain).ids) if ids else set()
        return matches

    # ------------------------------------------------------------------
    # Submit, approve, reject
    # ------------------------------------------------------------------
    @api.multi
    def action_submit(self):
        self._check_state(('draft',), _('submitted for review'))
        for proposal in self:
            if not proposal.line_ids:
                raise UserError(_('Invoice proposal %s has no lines.') % proposal.name)
        self._write_workflow({'state': 'review', 'submitted_uid': self.env.uid,
                              'reject_reason': False})
        self._request_reviews()
        for proposal in self:
            proposal.message_post(body=_('Submitted for review by %s.') % self.env.user.name)
        return True

    def _request_reviews(self):
        # the reviews are the workflow's own records: written as superuser,
        # after the caller's right to submit (the state write above)
        Review = self.env['tier.review'].sudo()
        matches = self._tier_matches()
        for proposal in self:
            number = 0
            for tier, ids in matches.items():
                if proposal.id in ids:
                    number += 1
                    Review.create({'model': self._name, 'res_id': proposal.id,
                                   'definition_id': tier.id, 'sequence': number,
                                   'requested_by': self.env.uid})
        self.invalidate_cache(['review_ids'], self.ids)

    def _check_reviewer(self):
        """The user reviews each of these proposals: one of its pending
        tiers names them (or, for a proposal submitted before its tiers
        existed, they are in the reviewer group)."""
        for proposal in self:
            pending = proposal.review_ids.filtered(lambda r: r.status == 'pending')
            allowed = self.env.user in pending.mapped('reviewer_ids') if pending else \
                self.user_has_groups('project_billing_schedule.group_project_invoice_reviewer')
            if not allowed:
                raise AccessError(_('You are not a reviewer of invoice proposal %s (waiting for: '
                                    '%s).') % (proposal.name, ', '.join(
                                        pending.mapped('name')) or _('a reviewer')))

    @api.multi
    def action_approve(self):
        self._check_state(('review',), _('approved'))
        self._check_reviewer()
        now = fields.Datetime.now()
        author = self.env.user.partner_id.id
        # a tier's reviewer may not otherwise write proposals (a finance
        # manager): checked above, what approval writes is written as
        # superuser in the reviewer's name
        for proposal in self.sudo():
            if proposal.company_id.project_proposal_four_eyes and \
                    proposal.submitted_uid == self.env.user:
                raise AccessError(_('You submitted invoice proposal %s for review: another reviewer '
                                    'approves it (four-eyes review).') % proposal.name)
            mine = proposal.review_ids.filtered(
                lambda r: r.status == 'pending' and self.env.user in r.reviewer_ids)
            mine._write_review({'status': 'approved', 'done_by': self.env.uid,
                                'reviewed_date': now})
            proposal.invalidate_cache(['review_ids'], proposal.ids)
            waiting = proposal.review_ids.filtered(lambda r: r.status != 'approved')
            if waiting:
                proposal.message_post(body=_('Approved by %s (%s); waiting for %s.') % (
                    self.env.user.name, ', '.join(mine.mapped('name')),
                    ', '.join(waiting.mapped('name'))), author_id=author)
                continue
            proposal._write_workflow({'state': 'approved', 'reviewed_uid': self.env.uid,
                                      'reviewed_date': now})
            proposal.message_post(body=_('Approved by %s.') % self.env.user.name, author_id=author)
        return True

    @api.multi
    def action_reject(self, reason):
        self._check_state(('review', 'approved'), _('rejected'))
        self._check_reviewer_or_approver()
        if not (reason or '').strip():
            raise UserError(_('Give the reason for the rejection.'))
        # the reviews end with the rejection (the chatter keeps it): the next
        # submission asks every tier again
        # (as superuser in the reviewer's name, as for Approve)
        proposals = self.sudo()
        proposals.mapped('review_ids')._unlink_review()
        proposals.invalidate_cache(['review_ids'], self.ids)
        proposals._write_workflow({'state': 'draft', 'reject_reason': reason,
                                   'reviewed_uid': self.env.uid,
                                   'reviewed_date': fields.Datetime.now()})
        for proposal in proposals:
            proposal.message_post(body=_('Rejected by %s: %s') % (self.env.user.name, reason),
                                  author_id=self.env.user.partner_id.id)
        return True

    def _check_reviewer_or_approver(self):
        """Reject: a reviewer of a pending tier, or of one already approved."""
        for proposal in self:
            reviewers = proposal.review_ids.mapped('reviewer_ids')
            if reviewers and self.env.user in reviewers:
                continue
            if not reviewers and self.user_has_groups(
                    'project_billing_schedule.group_project_invoice_reviewer'):
                continue
            raise AccessError(_('You are not a reviewer of invoice proposal %s.') % proposal.name)

    @api.multi
    def action_open_reject(self):
        return {
            'type': 'ir.actions.act_window', 'res_model': 'project.invoice.proposal.reject',
            'view_mode': 'form', 'target': 'new', 'name': _('Reject invoice proposal'),
            'context': {'default_proposal_ids': [(6, 0, self.ids)]},
        }

    # OCA's public entry points lead to the methods above (or nowhere), so
    # that four-eyes and the reasons hold whatever a caller uses
    @api.multi
    def validate_tier(self):
        return self.action_approve()

    @api.multi
    def reject_tier(self):
        raise UserError(_('Reject an invoice proposal with its reason (Reject).'))

    @api.multi
    def request_validation(self):
        raise UserError(_('Submit the invoice proposal for review (Submit for review).'))

    @api.multi
    def restart_validation(self):
        raise UserError(_('A review of an invoice proposal ends with Approve or Reject.'))


class TierReview(models.Model):
    """Reviews of invoice proposals are written by their workflow only
    (OCA lets every user write every review)."""
    _inherit = 'tier.review'

    def _guard(self, models_):
        if self.env.uid != SUPERUSER_ID and PROPOSAL in models_:
            raise AccessError(_('Reviews of invoice proposals are written by Submit for review, '
                                'Approve and Reject.'))

    @api.model
    def create(self, vals):
        self._guard([vals.get('model')])
        return super(TierReview, self).create(vals)

    @api.multi
    def write(self, vals):
        self._guard(self.mapped('model') + [vals.get('model')])
        return super(TierReview, self).write(vals)

    @api.multi
    def unlink(self):
        self._guard(self.mapped('model'))
        return super(TierReview, self).unlink()

    def _write_review(self, vals):
        return super(TierReview, self).write(vals)

    def _unlink_review(self):
        return super(TierReview, self).unlink()
