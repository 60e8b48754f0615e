from . import test_install
from . import test_invoice_pool
from . import test_concurrency
from . import test_translation
from . import test_pool_controls
from . import test_matching
from . import test_pending_check
