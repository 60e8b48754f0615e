from odoo import api, fields, models

# transaction type -> its tick box
FLAGS = [('hour', 'include_hours'), ('expense', 'include_expenses'), ('item', 'include_items'),
         ('fee', 'include_fees'), ('on_account', 'include_on_account')]


class TransactionTypeSelection(models.AbstractModel):
    """The transaction types a wizard invoices, as tick boxes."""
    _name = 'project.transaction.type.selection'
    _inherit = ['project.invoicing.input.check']
    _description = 'Transaction types to invoice'

    include_hours = fields.Boolean(string='Hours', default=True)
    include_expenses = fields.Boolean(string='Expenses', default=True)
    include_items = fields.Boolean(string='Items', default=True)
    include_fees = fields.Boolean(string='Fees', default=True)
    include_on_account = fields.Boolean(string='On-account', default=True)

    def _types(self):
        return [ttype for ttype, flag in FLAGS if self[flag]]

    @api.model
    def _type_flags(self, types):
        """The tick boxes of these transaction types, as values to write."""
        return dict((flag, ttype in types) for ttype, flag in FLAGS)
