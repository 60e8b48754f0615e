from . import transaction_type_selection
from . import invoice_proposal_wizard
from . import invoice_proposal_reject
from . import invoice_credit_wizard
from . import periodic_invoice_wizard
