from . import account_invoice_po_suggestion
