"""Guards shared by the billing models: what no caller writes.

Odoo 11 lets write() and create() set computed and related fields that have
no inverse (a view's readonly protects nothing over XML-RPC); the ledger's
figures would then say what no document says."""
from odoo import _
from odoo.exceptions import UserError


def derived(self, vals, names=None):
    """Names in `vals` of computed or related read-only fields of this
    model (among `names` when given)."""
    fields = self._fields
    return sorted(n for n in vals if n in fields and (names is None or n in names)
                  and fields[n].compute and fields[n].readonly and not fields[n].inverse)


def stays_with_contract(self, vals):
    """Funding sources and rules stay with their contract (what they paid
    is the contract's)."""
    if 'contract_id' in vals and self.filtered(lambda r: r.contract_id.id != vals['contract_id']):
        raise UserError(_('%s stays with its contract; add a new one to the other contract.')
                        % self._description)


def refuse(self, vals, locked, names=None):
    """Refuse `vals` that set a field of `locked` or a derived field."""
    bad = sorted(set(derived(self, vals, names)) | (set(locked) & set(vals)))
    if bad:
        raise UserError(_('%s (%s): set by the documents and workflows, not by hand.')
                        % (', '.join(bad), self._description))
