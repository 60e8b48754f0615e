from odoo import _, api, models

from odoo.addons.queue_job.job import identity_exact


class AccountInvoiceConfirm(models.TransientModel):
    """Validate in the background (OCA's account_invoice_validation_queued),
    for vendor bills of any dates: one job per bill, each in a transaction
    of its own, so an AP clerk posting hundreds of pool bills neither meets
    the worker's time limit nor holds one long transaction (which costs more
    per bill the longer it runs). OCA refuses invoices of different dates so
    that customer invoice numbers follow their dates; a vendor bill's date is
    the vendor's, its number only ours."""
    _inherit = 'account.invoice.confirm'

    @api.multi
    def enqueue_invoice_confirm(self):
        bills = self.env['account.invoice'].browse(self.env.context.get('active_ids', []))
        if not bills or bills.filtered(lambda i: i.state != 'draft'
                                       or i.type not in ('in_invoice', 'in_refund')):
            return super(AccountInvoiceConfirm, self).enqueue_invoice_confirm()
        bills._enqueue_validation()
        return {'type': 'ir.actions.act_window_close'}


class AccountInvoice(models.Model):
    _inherit = 'account.invoice'

    def _enqueue_validation(self):
        """One validation job per bill, run as this user (the pool's controls
        hold in the job as in the form). Enqueued twice, a bill keeps its
        one waiting job (identity_exact)."""
        self._check_pool_clerk()
        uuids = dict((bill.id, bill.with_delay(
            identity_key=identity_exact,
            description=_('Validate vendor bill %s') % (bill.reference or bill.display_name),
        ).action_invoice_open_job().uuid) for bill in self)
        jobs = dict((job.uuid, job.id) for job in self.env['queue.job'].sudo().search(
            [('uuid', 'in', list(uuids.values()))]))
        for bill in self:
            bill.sudo().write({'validation_job_ids': [(4, jobs[uuids[bill.id]])]})
        return True
