"""11.0.3.0.0: every model has a company (multi-company record rules)."""
from odoo.addons.project_invoicing_base.migration import fill_company


def migrate(cr, version):
    if version:
        fill_company(cr, [
            ('project_contract_rate', 'project_contract', 'contract_id'),
            ('project_funding_allocation', 'project_funding_rule', 'rule_id'),
            ('project_funding_share', 'project_contract', 'contract_id'),
            ('project_invoice_proposal_line', 'project_invoice_proposal', 'proposal_id'),
        ])
