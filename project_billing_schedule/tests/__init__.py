from . import test_install
from . import test_allocation
from . import test_contract
from . import test_proposal
from . import test_ledger
from . import test_ledger_more
from . import test_ledger_stateful
from . import test_translation
