"""11.0.2.0.0: journal entries know their invoice register entry (the
pending-account check reads it). Link each entry's interim posting, the
reversal made when its bill was posted, and what Odoo's reverse_moves made
of either (a cancelled entry's reversal, a restored one: "reversal of: ...")."""


def migrate(cr, version):
    if not version:
        return
    cr.execute("""
        UPDATE account_move m SET register_line_id = e.id
          FROM account_invoice_register_line e
         WHERE m.register_line_id IS NULL AND m.id IN (e.move_id, e.reversal_move_id)""")
    # reversals of those, and reversals of the reversals, by their reference
    for _round in range(3):
        cr.execute("""
            UPDATE account_move m SET register_line_id = o.register_line_id
              FROM account_move o
             WHERE m.register_line_id IS NULL AND o.register_line_id IS NOT NULL
               AND m.journal_id = o.journal_id AND m.ref = 'reversal of: ' || o.name""")
