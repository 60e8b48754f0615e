from odoo import _, api, fields, models
from odoo.exceptions import UserError


class InvoiceProposalRemove(models.TransientModel):
    """Remove transactions from a draft proposal, saying why: *not now*
    (their share is to invoice again, the next run proposes it) or *not
    chargeable* (never proposed again, shown as such in invoice control;
    all funding shares of the transaction leave their draft proposals)."""
    _name = 'project.invoice.proposal.remove'
    _inherit = ['project.invoicing.input.check']
    _description = 'Remove transactions from an invoice proposal'

    line_ids = fields.Many2many('project.invoice.proposal.line', 'project_proposal_remove_line_rel',
                                'wizard_id', 'line_id', string='Lines', required=True)
    mode = fields.Selection([
        ('not_now', 'Not now: invoice them later'),
        ('not_chargeable', 'Not chargeable: never invoice them'),
    ], required=True, default='not_now')
    reason = fields.Char(help='Why the transactions are not chargeable (shown in invoice control).')

    @api.multi
    def action_remove(self):
        self.ensure_one()
        self.line_ids.mapped('proposal_id')._check_rights()
        if self.mode == 'not_now':
            self.line_ids.unlink()
        else:
            self.line_ids._remove_not_chargeable(self.reason)
        return {'type': 'ir.actions.act_window_close'}


class ProjectInvoiceProposalLine(models.Model):
    _inherit = 'project.invoice.proposal.line'

    @api.multi
    def remove_not_chargeable(self, reason=None):
        """Public (XML-RPC): the transactions of these draft lines are not
        chargeable; they leave every draft proposal."""
        self._remove_not_chargeable(reason)
        return True

    def _remove_not_chargeable(self, reason):
        if self.filtered(lambda l: l.state != 'draft'):
            raise UserError(_('Lines can only be removed from draft invoice proposals.'))
        if self.filtered('credited_line_id') or \
                self.filtered(lambda l: l.transaction_type in ('retention', 'retention_release')):
            raise UserError(_('Only transactions to invoice can be marked not chargeable (not '
                              'credits or retention).'))
        analytic, on_account = self.mapped('analytic_line_id'), self.mapped('on_account_id')
        if 'reversal' in analytic.mapped('adjustment_kind'):
            raise UserError(_('A reversal is invoiced with its adjustment: it cannot be marked not '
                              'chargeable (mark the correction instead).'))
        for row in self.env['project.billing.ledger']._rows(analytic.ids, on_account.ids):
            if row['posted'] or row['written_off'] or row['credit_open']:
                txn = analytic.browse(row['analytic_line_id']) if row['analytic_line_id'] \
                    else on_account.browse(row['on_account_id'])
                raise UserError(_('"%s" is invoiced to %s already: credit it before marking it not '
                                  'chargeable.') % (txn.name, self.env['project.funding.source']
                                                    .browse(row['source_id']).display_name))
        shares = self.search([('proposal_id.state', 'in', ('draft', 'review', 'approved')),
                              ('credited_line_id', '=', False), '|',
                              ('analytic_line_id', 'in', analytic.ids),
                              ('on_account_id', 'in', on_account.ids)])
        busy = shares.filtered(lambda l: l.state != 'draft')
        if busy:
            raise UserError(_('Another funding share of "%s" is in proposal %s, which is in review: '
                              'reject it first.') % (busy[0].name, busy[0].proposal_id.name))
        text = _('Not chargeable: %s') % reason if reason else _('Not chargeable')
        analytic._mark_not_chargeable(text)
        on_account._mark_not_chargeable(text)
        names = dict((p, ', '.join(shares.filtered(lambda l: l.proposal_id == p).mapped('name')))
                     for p in shares.mapped('proposal_id'))
        shares.unlink()
        for proposal, removed in names.items():
            proposal.message_post(body=_('Marked not chargeable by %s: %s') % (
                self.env.user.name, removed))
