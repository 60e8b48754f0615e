from odoo import fields, models


class ProductCategory(models.Model):
    _inherit = 'product.category'

    project_line_property = fields.Selection([
        ('chargeable', 'Chargeable'),
        ('not_chargeable', 'Not chargeable'),
    ], string='Project line property', default='chargeable',
        help='Default line property of purchase order lines of this category '
             'bought for a project: a chargeable line is invoiced to the '
             "project's customer, a non-chargeable one stays a cost.")
