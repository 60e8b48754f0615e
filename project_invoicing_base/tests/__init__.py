from . import test_environments
from . import test_input_types
from . import test_pg_array
from . import test_reconcile_index
from . import test_migration
