from odoo import _, api, fields, models

from odoo.addons.project_invoicing_base.exceptions import InputError


class ProjectContractRate(models.Model):
    """Hourly sales price agreed in a contract, per employee or per product."""
    _name = 'project.contract.rate'
    _inherit = ['project.invoicing.input.check']
    _description = 'Project contract rate'
    _order = 'contract_id, employee_id, product_id'

    contract_id = fields.Many2one('project.contract', required=True, ondelete='cascade', index=True)
    company_id = fields.Many2one(related='contract_id.company_id', store=True, readonly=True)
    employee_id = fields.Many2one('hr.employee')
    product_id = fields.Many2one('product.product', domain=[('type', '=', 'service')])
    price = fields.Monetary(string='Sales price per hour', required=True)
    currency_id = fields.Many2one(related='contract_id.currency_id', readonly=True)

    @api.constrains('employee_id', 'product_id')
    def _check_target(self):
        # read as superuser: a refusal names records the user may not read
        for rate in self.sudo():
            if not (rate.employee_id or rate.product_id):
                raise InputError(_('A contract rate is for an employee or a product.'))
            company = rate.employee_id.company_id
            if company and company != rate.contract_id.company_id:
                raise InputError(_('%s works for %s, contract %s belongs to %s.') % (
                    rate.employee_id.name, company.name, rate.contract_id.display_name,
                    rate.contract_id.company_id.name))
