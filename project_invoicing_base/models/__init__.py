from . import input_check
from . import account_invoice
from . import account_move_line
