{
    'name': 'Project Billing Schedules and Invoice Proposals',
    'summary': 'Project contracts, funding sources and rules, billing schedules, '
               'on-account transactions and invoice proposals for Time-and-material '
               'and Fixed-price projects',
    'version': '11.0.2.0.0',
    'category': 'Project',
    'author': 'Project Invoicing Team',
    'website': 'https://github.com/project-invoicing/odoo-project-invoicing',
    'license': 'LGPL-3',
    'depends': ['project', 'hr_timesheet', 'sale_timesheet', 'purchase'],
    'data': [
        'security/project_billing_schedule_security.xml',
        'security/ir.model.access.csv',
        'data/project_billing_data.xml',
        'views/account_analytic_line_views.xml',
        'views/project_on_account_views.xml',
        'views/project_contract_views.xml',
        'views/project_project_views.xml',
        'views/purchase_views.xml',
        'views/project_invoice_proposal_views.xml',
        'views/project_billing_rule_views.xml',
        'views/res_config_settings_views.xml',
        'report/report_assets.xml',
        'report/project_invoice_report.xml',
        'views/menus.xml',
    ],
    'demo': [
        'demo/project_billing_demo.xml',
    ],
    'installable': True,
    'application': True,
}
