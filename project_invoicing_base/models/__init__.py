from . import input_check
from . import account_invoice
