from odoo import fields, models


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
        return [t for t, on in (('hour', self.include_hours), ('expense', self.include_expenses),
                                ('item', self.include_items), ('fee', self.include_fees),
                                ('on_account', self.include_on_account)) if on]
