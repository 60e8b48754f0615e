from odoo import api, fields, models, tools


class ProjectInvoiceControl(models.Model):
    """Factuurbeheer: invoiced and not-invoiced transactions per project and
    contract, next to the contract value and the billing schedule."""
    _name = 'project.invoice.control'
    _description = 'Invoice control'
    _auto = False
    _order = 'date desc'

    contract_id = fields.Many2one('project.contract', readonly=True)
    project_id = fields.Many2one('project.project', readonly=True)
    company_id = fields.Many2one('res.company', readonly=True)
    date = fields.Date(readonly=True)
    source = fields.Selection([
        ('transaction', 'Transaction'),
        ('on_account', 'On-account'),
        ('contract', 'Contract value'),
    ], readonly=True)
    transaction_type = fields.Selection([
        ('hour', 'Hours'), ('expense', 'Expenses'), ('item', 'Items'), ('fee', 'Fees'),
        ('milestone', 'Milestone'), ('prepayment', 'Prepayment'), ('deduction', 'Deduction'),
        ('contract', 'Contract value')], readonly=True, string='Type')
    status = fields.Selection([
        ('contract_value', 'Contract value'),
        ('scheduled', 'Scheduled, not complete'),
        ('to_invoice', 'To invoice'),
        ('in_proposal', 'In proposal'),
        ('invoiced', 'Invoiced'),
        ('credited', 'Credited'),
        ('not_chargeable', 'Not chargeable'),
    ], readonly=True)
    quantity = fields.Float(readonly=True)
    cost = fields.Float(readonly=True)
    amount = fields.Float(string='Sales amount', readonly=True)
    analytic_line_id = fields.Many2one('account.analytic.line', string='Transaction', readonly=True)
    on_account_id = fields.Many2one('project.on.account', readonly=True)

    @api.model_cr
    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute("""
            CREATE VIEW project_invoice_control AS (
                SELECT l.id * 3 AS id, l.billing_contract_id AS contract_id,
                       l.billing_project_id AS project_id, l.company_id, l.date,
                       'transaction' AS source, l.billing_type AS transaction_type,
                       l.invoice_status AS status, l.unit_amount AS quantity,
                       -l.amount AS cost, l.billing_amount AS amount,
                       l.id AS analytic_line_id, NULL::integer AS on_account_id
                  FROM account_analytic_line l
                 WHERE l.billing_type IS NOT NULL AND l.billing_contract_id IS NOT NULL
                UNION ALL
                SELECT o.id * 3 + 1, o.contract_id, o.project_id, o.company_id, o.date,
                       'on_account', o.kind,
                       CASE o.status WHEN 'planned' THEN 'scheduled' WHEN 'ready' THEN 'to_invoice'
                                     ELSE o.status END,
                       1, 0, o.amount, NULL, o.id
                  FROM project_on_account o
                UNION ALL
                SELECT c.id * 3 + 2, c.id, NULL, c.company_id, c.date_start,
                       'contract', 'contract', 'contract_value', 0, 0, c.contract_value, NULL, NULL
                  FROM project_contract c
                 WHERE c.contract_value != 0
            )""")

    @api.multi
    def action_open_transaction(self):
        self.ensure_one()
        record = self.analytic_line_id or self.on_account_id
        return {'type': 'ir.actions.act_window', 'res_model': record._name, 'res_id': record.id,
                'view_mode': 'form', 'target': 'current'}
