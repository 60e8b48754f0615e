"""The columns of the access matrix (docs/access-matrix.md): one business
group each, by key, XML id and label; and the matrix rendered as Markdown.
Plain Python: the addons' matrix tests and the check of the document both
read it."""

GROUPS = [
    ('ap_clerk', 'project_invoice_pool.group_ap_clerk', 'AP clerk'),
    ('ap_manager', 'project_invoice_pool.group_ap_manager', 'AP manager'),
    ('approver', 'project_invoice_pool.group_invoice_approver', 'Invoice approver'),
    ('project_user', 'project.group_project_user', 'Project user'),
    ('invoicing_user', 'project_billing_schedule.group_project_invoicing_user',
     'Project invoicing user'),
    ('reviewer', 'project_billing_schedule.group_project_invoice_reviewer', 'Proposal reviewer'),
    ('invoicing_manager', 'project_billing_schedule.group_project_invoicing_manager',
     'Project invoicing manager'),
    ('adviser', 'account.group_account_manager', 'Accountant (adviser)'),
    ('portal', 'base.group_portal', 'Portal'),
]
KEYS = [key for key, _xmlid, _label in GROUPS]


def render(title, rows):
    """A Markdown table: rows are (action, allowed group keys, label)."""
    head = '| %s | %s |' % ('Action', ' | '.join(label for _k, _x, label in GROUPS))
    rule = '|%s|' % '|'.join(['---'] + [':-:'] * len(GROUPS))
    lines = ['### %s' % title, '', head, rule]
    for action, allowed, label in rows:
        unknown = set(allowed) - set(KEYS)
        assert not unknown, 'unknown group %s in row %s' % (unknown, action)
        lines.append('| %s (`%s`) | %s |' % (label, action, ' | '.join(
            'yes' if key in allowed else '-' for key in KEYS)))
    return '\n'.join(lines) + '\n'
