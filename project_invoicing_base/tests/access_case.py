"""Tests from the access matrix: one test per cell, each calling the
action as a user who holds exactly one business group (plus Employee, a
portal user only Portal), asserting that it works (and what it did) or that
it is refused with an AccessError."""
from odoo.exceptions import AccessError
from odoo.tests.common import SavepointCase

from .access_groups import GROUPS


class AccessMatrixCase(SavepointCase):
    """Subclasses set MATRIX (rows of the matrix) and define do_<action>(user)
    for each row; `cells` adds the tests."""
    MATRIX = []

    @classmethod
    def setUpClass(cls):
        super(AccessMatrixCase, cls).setUpClass()
        Users = cls.env['res.users'].with_context(no_reset_password=True)
        employee = cls.env.ref('base.group_user')
        cls.users = {}
        for key, xmlid, label in GROUPS:
            group = cls.env.ref(xmlid, raise_if_not_found=False)
            if not group:  # an addon that is not installed
                cls.users[key] = None
                continue
            groups = group if key == 'portal' else employee | group
            cls.users[key] = Users.create({
                'name': 'Matrix %s' % label, 'login': 'matrix_%s' % key,
                'email': 'matrix_%s@example.com' % key, 'groups_id': [(6, 0, groups.ids)]})


def _cell(action, key, allowed):
    def test(self):
        user = self.users[key]
        if user is None:
            self.skipTest('group %s is not installed' % key)
        run = getattr(self, 'do_' + action)
        if allowed:
            run(user)
        else:
            with self.assertRaises(AccessError):
                run(user)
    test.__doc__ = '%s as %s: %s' % (action, key, 'allowed' if allowed else 'refused')
    return test


def cells(cls):
    """Class decorator: test_<action>__<group> for every cell of cls.MATRIX."""
    for action, allowed, _label in cls.MATRIX:
        assert hasattr(cls, 'do_' + action), 'no do_%s' % action
        for key, _xmlid, _glabel in GROUPS:
            setattr(cls, 'test_%s__%s' % (action, key), _cell(action, key, key in allowed))
    return cls
