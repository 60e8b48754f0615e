from . import test_input_types
