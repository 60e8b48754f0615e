from odoo import api, fields, models


class PurchaseOrderLine(models.Model):
    _inherit = 'purchase.order.line'

    project_id = fields.Many2one('project.project',
                                 help='Project the purchase is for; its analytic account '
                                      'receives the cost.')
    line_property = fields.Selection([
        ('chargeable', 'Chargeable'),
        ('not_chargeable', 'Not chargeable'),
    ], string='Line property', default='not_chargeable',
        help="Chargeable: once the vendor bill is posted, the line is invoiced to "
             "the project's customer (Time-and-material projects). Not chargeable: "
             "it stays a cost.")

    def _default_line_property(self, product, project):
        if project and project.project_invoice_type != 'time_material':
            return 'not_chargeable'
        return product.categ_id.project_line_property or 'chargeable'

    @api.onchange('project_id', 'product_id')
    def _onchange_project_line_property(self):
        if self.project_id:
            self.account_analytic_id = self.project_id.analytic_account_id
            self.line_property = self._default_line_property(self.product_id, self.project_id)

    @api.model
    def create(self, vals):
        if vals.get('project_id'):
            project = self.env['project.project'].browse(vals['project_id'])
            if not vals.get('account_analytic_id'):
                vals['account_analytic_id'] = project.analytic_account_id.id
            if 'line_property' not in vals:
                product = self.env['product.product'].browse(vals.get('product_id'))
                vals['line_property'] = self._default_line_property(product, project)
        return super(PurchaseOrderLine, self).create(vals)


class PurchaseOrder(models.Model):
    _inherit = 'purchase.order'

    @api.multi
    def _billing_demo_post_bill(self):
        """Demo data helper: bill this confirmed order in full and post the
        bill (as a user does with Add Purchase Order + Validate)."""
        for order in self:
            bill = self.env['account.invoice'].create({
                'type': 'in_invoice', 'partner_id': order.partner_id.id,
                'reference': 'DEMO-%s' % order.name, 'purchase_id': order.id,
                'date_invoice': order.date_order[:10]})
            bill.purchase_order_change()
            bill.compute_taxes()
            bill.action_invoice_open()
        return True
