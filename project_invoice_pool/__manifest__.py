{
    'name': 'Invoice Register and Invoice Pool',
    'summary': 'Register vendor invoices on arrival (interim posting with an '
               'approver), match them to purchase orders from the invoice pool '
               'and post the real bill, reversing the interim posting',
    'version': '11.0.3.3.0',
    'category': 'Accounting',
    'author': 'Project Invoicing Team',
    'website': 'https://github.com/project-invoicing/odoo-project-invoicing',
    'license': 'LGPL-3',
    'depends': ['purchase', 'account_invoicing', 'mail', 'project_invoicing_base',
                'account_invoice_validation_queued'],
    'data': [
        'security/project_invoice_pool_security.xml',
        'security/ir.model.access.csv',
        'data/ir_sequence_data.xml',
        'data/account_journal_data.xml',
        'views/account_journal_views.xml',
        'views/account_invoice_register_views.xml',
        'views/account_invoice_register_line_views.xml',
        'views/account_invoice_po_suggestion_views.xml',
        'views/account_invoice_views.xml',
        'views/res_partner_views.xml',
        'views/res_config_settings_views.xml',
        'views/pending_check_views.xml',
        'views/match_views.xml',
        'views/menus.xml',
    ],
    'demo': [
        'demo/project_invoice_pool_demo.xml',
    ],
}
