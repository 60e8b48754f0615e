from . import test_install
from . import test_invoice_pool
from . import test_concurrency
from . import test_translation
