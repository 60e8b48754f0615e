from . import account_invoice_po_suggestion
from . import account_invoice_confirm
