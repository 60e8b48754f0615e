from odoo import _, api, fields, models


class ResPartner(models.Model):
    _inherit = 'res.partner'

    vendor_transaction_count = fields.Integer(compute='_compute_vendor_transaction_count',
                                              string='Vendor transactions')

    def _vendor_transaction_domain(self):
        # register postings, their reversals and the bills: the payable side
        # of the vendor plus everything booked in invoice register journals
        return [('partner_id', 'child_of', self.commercial_partner_id.ids),
                '|', ('account_id.internal_type', '=', 'payable'),
                ('journal_id.is_invoice_register', '=', True)]

    @api.multi
    def _compute_vendor_transaction_count(self):
        MoveLine = self.env['account.move.line']
        for partner in self:
            partner.vendor_transaction_count = MoveLine.search_count(
                partner._vendor_transaction_domain())

    @api.multi
    def action_view_vendor_transactions(self):
        self.ensure_one()
        action = self.env.ref('account.action_account_moves_all_a').read()[0]
        tree = self.env.ref('project_invoice_pool.view_vendor_transactions_tree')
        action.update({
            'name': _('Vendor transactions'),
            'view_id': tree.id, 'views': [(tree.id, 'tree'), (False, 'form')],
            'view_mode': 'tree,form',
            'domain': self._vendor_transaction_domain(),
            'context': {'search_default_partner_id': False},
        })
        return action
