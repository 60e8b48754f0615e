from . import input_check
