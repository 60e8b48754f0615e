from odoo import _, api, models

from ..exceptions import InputError
from ..input_types import problem, referenced_ids


class InputCheck(models.AbstractModel):
    """Mixin: create() and write() refuse a value of the wrong type or an id
    that does not exist with an InputError (a ValidationError) naming the field and the
    value, for every caller (UI, XML-RPC, another addon), before anything is
    written (the transaction then leaves no row behind)."""
    _name = 'project.invoicing.input.check'
    _description = 'Input checked for every caller'
    # the fields checked; None: all (a model of Odoo's that other modules
    # create in bulk, e.g. analytic lines, names the ones its users enter)
    _input_check_fields = None

    @api.model
    def create(self, vals):
        self._check_input(vals)
        self._check_required(vals)
        return super(InputCheck, self).create(vals)

    @api.multi
    def write(self, vals):
        self._check_input(vals)
        self._check_required(vals, writing=True)
        return super(InputCheck, self).write(vals)

    def _check_rights(self, operation='write'):
        """The caller may `operation` these records (access rights and
        record rules): asked first by methods that then write in SQL or as
        superuser, where the ORM would not ask."""
        self.check_access_rights(operation)
        if self.ids:
            self.check_access_rule(operation)

    def _expected(self, kind):
        return {
            'number': _('a finite number'),
            'range': _('a number below 10^15'),
            'integer': _('a whole number'),
            'id': _('a record id'),
            'date': _('a date (YYYY-MM-DD)'),
            'datetime': _('a date and time (YYYY-MM-DD HH:MM:SS)'),
            'commands': _('a list of commands, e.g. [(6, 0, ids)]'),
        }[kind]

    @api.model
    def _check_required(self, vals, writing=False):
        """A required field left or made empty is named (PostgreSQL's NOT
        NULL would answer "the operation cannot be completed" without it)."""
        if self._input_check_fields is not None:
            return

        def empty(value):
            return value is None or value is False or value == ''
        parents = set(self._inherits.values())
        required = [n for n, f in self._fields.items()
                    if f.required and f.store and not f.compute and not f.related
                    and not getattr(f, 'inherited', False) and n not in parents
                    and f.type not in ('boolean', 'one2many', 'many2many')]
        # sent empty: missing whatever the default; not sent: the default counts
        missing = [n for n in required if n in vals and empty(vals[n])]
        if not writing:
            absent = [n for n in required if n not in vals]
            if absent:
                defaults = self.default_get(absent)
                missing += [n for n in absent if empty(defaults.get(n))]
        if missing:
            raise InputError(_('%s: %s must be given.') % (self._description, ', '.join(
                '%s (%s)' % (self._fields[n].string, n) for n in missing)))

    @api.model
    def _check_input(self, vals):
        wanted = {}
        for name, value in vals.items():
            if self._input_check_fields is not None and name not in self._input_check_fields:
                continue
            field = self._fields.get(name)
            if field is None:
                continue
            kind = problem(field.type, value)
            expected = kind and self._expected(kind)
            if not expected and field.type == 'selection' and value:
                keys = [k for k, _label in field._description_selection(self.env)]
                if value not in keys:
                    expected = _('one of %s') % ', '.join(repr(k) for k in keys)
            if expected:
                raise InputError(_('%s (%s): %r is not %s.') % (
                    field.string, name, value, expected))
            ids = referenced_ids(field.type, value)
            if ids:
                if any(isinstance(i, bool) or not isinstance(i, int) for i in ids):
                    raise InputError(_('%s (%s): %r is not a list of record ids.') % (
                        field.string, name, value))
                wanted.setdefault((field.comodel_name, name), set()).update(ids)
        for (comodel, name), ids in wanted.items():
            # exists() reads ids only, whatever the record rules
            found = set(self.env[comodel].browse(list(ids)).exists().ids)
            missing = sorted(ids - found)
            if missing:
                raise InputError(_('%s (%s): there is no %s with id %s.') % (
                    self._fields[name].string, name, self.env[comodel]._description,
                    ', '.join(str(i) for i in missing)))
