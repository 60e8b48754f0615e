"""Project billing rows of the access matrix (docs/access-matrix.md):
(action, groups allowed, what it is). Plain Python."""

PROJECT = {'project_user', 'invoicing_user', 'reviewer', 'invoicing_manager'}
INVOICING = {'invoicing_user', 'reviewer', 'invoicing_manager'}
REVIEWERS = {'reviewer', 'invoicing_manager'}
MANAGERS = {'invoicing_manager'}

MATRIX = [
    ('contract_create', INVOICING, 'Create a contract (with its default funding)'),
    ('contract_edit', INVOICING, 'Edit a contract'),
    ('contract_activate', MANAGERS, 'Activate a contract (its funding covers every transaction type)'),
    ('contract_review', REVIEWERS, 'Change "Review invoice proposals" of a contract'),
    ('funding_source', MANAGERS, 'Create a funding source'),
    ('funding_rule', MANAGERS, 'Create a funding rule and its allocations'),
    ('schedule', INVOICING, 'Add a milestone to a billing schedule'),
    ('milestone_complete', INVOICING, 'Mark a milestone complete'),
    ('task_done', PROJECT, "Move a milestone's task to a closing stage (completes it)"),
    ('propose', INVOICING, 'Create invoice proposals'),
    ('edit_line', INVOICING, 'Change the sales price on a proposal line'),
    ('submit', INVOICING, 'Submit a proposal for review'),
    ('approve', REVIEWERS, 'Approve a proposal (submitted by someone else)'),
    ('reject', REVIEWERS, 'Reject a proposal'),
    ('post', INVOICING, 'Post a proposal (customer invoice)'),
    ('credit', INVOICING, 'Create credit note proposals'),
    ('release_retention', INVOICING, 'Release retention'),
    ('apply_billing_rules', INVOICING, "Apply a contract's billing rules now"),
    ('periodic', INVOICING, 'Run periodic invoicing'),
    ('settings', set(), 'Company settings: review required, four-eyes review'),
]
