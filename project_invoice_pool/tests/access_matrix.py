"""Invoice pool rows of the access matrix (docs/access-matrix.md):
(action, groups allowed, what it is). Plain Python."""

AP = {'ap_clerk', 'ap_manager', 'adviser'}
BILLING = {'invoicing_user', 'reviewer', 'invoicing_manager'}  # Odoo's Billing group, implied

MATRIX = [
    ('register_create', AP, 'Create an invoice register with its entries'),
    ('register_edit', AP, 'Edit a draft register entry'),
    ('register_post', AP, 'Post an invoice register (interim posting)'),
    ('register_read', AP | {'approver'} | BILLING, 'Read register entries and the invoice pool'),
    ('entry_cancel', AP, 'Cancel a pool entry (reverses its interim posting)'),
    ('bill_create', AP, 'Create the vendor bill of a pool entry'),
    ('matching', AP, 'Update the matching status of a bill from the pool'),
    ('bill_post', AP, 'Post a matching vendor bill from the pool'),
    ('override', {'ap_manager', 'adviser'}, 'Post a vendor bill that does not match'),
    ('pending_check', AP, 'Run the pending invoices account check'),
    ('journals', {'adviser'}, 'Configure the invoice register journal and its accounts'),
]
