from odoo.exceptions import UserError, ValidationError, except_orm


class InputError(UserError, ValidationError):
    """Bad input: a ValidationError (what constraints raise and tests
    expect) that is also a UserError, because Odoo 11 answers XML-RPC
    callers with the server's traceback for a ValidationError and with the
    message alone for a UserError."""

    def __init__(self, msg):
        except_orm.__init__(self, msg, value='')
