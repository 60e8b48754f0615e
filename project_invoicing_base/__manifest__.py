{
    'name': 'Project Invoicing Base',
    'summary': 'What the invoice pool and project billing addons share: input '
               'checked for every caller (XML-RPC included), with errors that '
               'name the field and the value',
    'version': '11.0.1.3.0',
    'category': 'Accounting',
    'author': 'Project Invoicing Team',
    'website': 'https://github.com/project-invoicing/odoo-project-invoicing',
    'license': 'LGPL-3',
    'depends': ['account'],
}
