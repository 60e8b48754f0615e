from . import res_company
from . import res_config_settings
from . import account_journal
from . import account_chart_template
from . import account_invoice_register
from . import account_invoice_register_line
from . import account_invoice
from . import res_partner
