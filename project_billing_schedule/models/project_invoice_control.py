from odoo import api, fields, models, tools

from .project_billing_ledger import ledger_sql

# a transaction's value, split by where it stands in the billing ledger
BUCKETS = """(VALUES
    (0, 'not_chargeable', CASE WHEN x.status = 'not_chargeable' THEN x.value
                               ELSE x.internal END),
    (1, 'invoiced', CASE WHEN x.status = 'not_chargeable' THEN 0 ELSE x.invoiced END),
    (2, 'in_proposal', CASE WHEN x.status = 'not_chargeable' THEN 0 ELSE x.open END),
    (3, 'credited', CASE WHEN x.status = 'not_chargeable' THEN 0 ELSE x.credited END),
    (4, x.todo_status, CASE WHEN x.status = 'not_chargeable' THEN 0
                           ELSE x.value - x.internal - x.invoiced - x.open - x.credited END)
) b(code, status, amount)"""


class ProjectInvoiceControl(models.Model):
    """Factuurbeheer: per transaction, what of its value is invoiced, in
    proposal, to invoice, credited or not chargeable, read from the billing
    ledger (a transaction invoiced to one funder and proposed to another
    shows both parts); the contract value is a measure of its own."""
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
    contract_value = fields.Float(string='Contract value', readonly=True)
    analytic_line_id = fields.Many2one('account.analytic.line', string='Transaction', readonly=True)
    on_account_id = fields.Many2one('project.on.account', readonly=True)
    transaction_status = fields.Char(string='Transaction status', readonly=True)

    @api.model_cr
    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        # a fixed statement (no caller input): the view's definition
        # pylint: disable=sql-injection
        self.env.cr.execute("""
            CREATE VIEW project_invoice_control AS (
            WITH t AS (
                SELECT lg.txn,
                       SUM(CASE WHEN lg.funding_type = 'internal' THEN lg.share ELSE 0 END) AS internal,
                       SUM(lg.posted) AS invoiced, SUM(lg.open) AS open,
                       SUM(CASE WHEN lg.written_off AND lg.funding_type != 'internal'
                                THEN lg.share - lg.posted ELSE 0 END) AS credited
                  FROM (%s) lg GROUP BY lg.txn
            ), x AS (
                SELECT l.id * 16 AS base, 'transaction' AS source, l.billing_contract_id AS contract_id,
                       l.billing_project_id AS project_id, l.company_id, l.date,
                       l.billing_type AS transaction_type, l.invoice_status AS status,
                       'to_invoice' AS todo_status, l.unit_amount AS quantity, -l.amount AS cost,
                       l.billing_amount AS value, l.id AS analytic_line_id,
                       NULL::integer AS on_account_id, COALESCE(t.internal, 0) AS internal,
                       COALESCE(t.invoiced, 0) AS invoiced, COALESCE(t.open, 0) AS open,
                       COALESCE(t.credited, 0) AS credited
                  FROM account_analytic_line l LEFT JOIN t ON t.txn = l.id
                 WHERE l.billing_type IS NOT NULL AND l.billing_contract_id IS NOT NULL
                UNION ALL
                SELECT o.id * 16 + 8, 'on_account', o.contract_id, o.project_id, o.company_id,
                       o.date, o.kind, o.status,
                       CASE WHEN o.status = 'planned' THEN 'scheduled' ELSE 'to_invoice' END,
                       1, 0, o.amount, NULL, o.id, COALESCE(t.internal, 0),
                       COALESCE(t.invoiced, 0), COALESCE(t.open, 0), COALESCE(t.credited, 0)
                  FROM project_on_account o LEFT JOIN t ON t.txn = -o.id
            )
            SELECT x.base + b.code AS id, x.contract_id, x.project_id, x.company_id, x.date,
                   x.source, x.transaction_type, b.status,
                   CASE WHEN x.value != 0 THEN x.quantity * b.amount / x.value
                        ELSE x.quantity END AS quantity,
                   CASE WHEN x.value != 0 THEN x.cost * b.amount / x.value ELSE x.cost END AS cost,
                   b.amount, 0.0 AS contract_value, x.analytic_line_id, x.on_account_id,
                   x.status AS transaction_status
              FROM x CROSS JOIN LATERAL %s
             WHERE b.amount != 0 OR (x.value = 0 AND b.code = CASE
                   WHEN x.status = 'not_chargeable' THEN 0 WHEN x.status = 'invoiced' THEN 1
                   WHEN x.status = 'in_proposal' THEN 2 WHEN x.status = 'credited' THEN 3
                   ELSE 4 END)
            UNION ALL
            SELECT c.id * 16 + 15, c.id, NULL, c.company_id, c.date_start, 'contract', 'contract',
                   'contract_value', 0, 0, 0, c.contract_value, NULL, NULL, NULL
              FROM project_contract c
             WHERE c.contract_value != 0
            )""" % (ledger_sql(), BUCKETS))

    @api.multi
    def action_open_transaction(self):
        self.ensure_one()
        record = self.analytic_line_id or self.on_account_id
        action = {'type': 'ir.actions.act_window', 'res_model': record._name, 'res_id': record.id,
                  'view_mode': 'form', 'target': 'current'}
        if self.analytic_line_id:
            action['views'] = [(self.env.ref(
                'project_billing_schedule.view_project_transaction_form').id, 'form')]
        return action

    @api.multi
    def action_adjust(self):
        self.ensure_one()
        return self.analytic_line_id.action_adjust()
