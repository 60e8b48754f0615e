from odoo import api, fields, models, tools

from .project_retention_ledger import AGE_BUCKETS


class ProjectBillingBacklog(models.Model):
    """Werkvoorraad facturatie: per contract, what is still to be billed:
    T&M transactions to invoice by type and age, milestones due (complete)
    and planned, on-account transactions to invoice, the on-account balance
    (prepayments invoiced, less deductions) and open retention. Read from
    invoice control and the retention ledger, so its figures are theirs; in
    the contract's currency and, at today's rate, in the company's."""
    _name = 'project.billing.backlog'
    _description = 'Billing backlog'
    _auto = False
    _order = 'date, id'

    contract_id = fields.Many2one('project.contract', readonly=True)
    project_id = fields.Many2one('project.project', readonly=True)
    partner_id = fields.Many2one('res.partner', string='Customer', readonly=True)
    company_id = fields.Many2one('res.company', readonly=True)
    category = fields.Selection([
        ('tm_to_invoice', 'T&M to invoice'),
        ('milestone_due', 'Milestone due (complete)'),
        ('milestone_planned', 'Milestone not yet complete'),
        ('on_account_to_invoice', 'On-account to invoice'),
        ('on_account_balance', 'On-account balance'),
        ('retention_open', 'Retention open'),
    ], readonly=True)
    transaction_type = fields.Selection([
        ('hour', 'Hours'), ('expense', 'Expenses'), ('item', 'Items'), ('fee', 'Fees'),
        ('milestone', 'Milestone'), ('prepayment', 'Prepayment'), ('deduction', 'Deduction'),
        ('retention', 'Retention')], readonly=True, string='Type')
    date = fields.Date(readonly=True)
    age_bucket = fields.Selection(AGE_BUCKETS, readonly=True, string='Age')
    currency_id = fields.Many2one('res.currency', string='Contract currency', readonly=True)
    amount = fields.Monetary(readonly=True)
    company_currency_id = fields.Many2one('res.currency', readonly=True)
    amount_company = fields.Monetary(readonly=True, currency_field='company_currency_id',
                                     string='Amount (company currency)')

    @api.model_cr
    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        # a fixed statement (no caller input): the view's definition
        # pylint: disable=sql-injection
        self.env.cr.execute("""
            CREATE VIEW project_billing_backlog AS (
            WITH items AS (
                SELECT ic.id * 2 AS id, ic.contract_id, ic.project_id, ic.date,
                       ic.transaction_type, ic.amount,
                       CASE WHEN ic.source = 'transaction' THEN 'tm_to_invoice'
                            WHEN ic.transaction_type = 'milestone' AND ic.status = 'to_invoice'
                                THEN 'milestone_due'
                            WHEN ic.transaction_type = 'milestone' THEN 'milestone_planned'
                            WHEN ic.status = 'to_invoice' THEN 'on_account_to_invoice'
                            ELSE 'on_account_balance' END AS category
                  FROM project_invoice_control ic
                 WHERE (ic.source = 'transaction' AND ic.status = 'to_invoice')
                    OR (ic.source = 'on_account' AND ic.status IN ('to_invoice', 'scheduled'))
                    OR (ic.source = 'on_account' AND ic.status = 'invoiced'
                        AND ic.transaction_type IN ('prepayment', 'deduction'))
                UNION ALL
                SELECT r.id * 2 + 1, r.contract_id, r.project_id, r.date_open, 'retention',
                       r.open_amount, 'retention_open'
                  FROM project_retention_ledger r WHERE r.open_amount != 0
            )
            SELECT i.id, i.contract_id, i.project_id, c.partner_id, c.company_id, i.category,
                   i.transaction_type, i.date,
                   CASE WHEN i.date IS NULL THEN 'none'
                        WHEN CURRENT_DATE - i.date <= 30 THEN '0_30'
                        WHEN CURRENT_DATE - i.date <= 90 THEN '31_90'
                        WHEN CURRENT_DATE - i.date <= 180 THEN '91_180'
                        ELSE '181' END AS age_bucket,
                   c.currency_id, i.amount, co.currency_id AS company_currency_id,
                   CASE WHEN c.currency_id = co.currency_id THEN i.amount
                        ELSE ROUND((i.amount * COALESCE(cr.rate, 1) / COALESCE(xr.rate, 1))::numeric,
                                   2) END AS amount_company
              FROM items i
              JOIN project_contract c ON c.id = i.contract_id
              JOIN res_company co ON co.id = c.company_id
              LEFT JOIN LATERAL (
                  SELECT rate FROM res_currency_rate
                   WHERE currency_id = c.currency_id AND name <= CURRENT_DATE
                     AND (company_id IS NULL OR company_id = c.company_id)
                   ORDER BY company_id, name DESC LIMIT 1) xr ON TRUE
              LEFT JOIN LATERAL (
                  SELECT rate FROM res_currency_rate
                   WHERE currency_id = co.currency_id AND name <= CURRENT_DATE
                     AND (company_id IS NULL OR company_id = c.company_id)
                   ORDER BY company_id, name DESC LIMIT 1) cr ON TRUE
            )""")


class ProjectContractBacklog(models.Model):
    _inherit = 'project.contract'

    @api.multi
    def action_view_backlog(self):
        action = self.env.ref('project_billing_schedule.action_billing_backlog').read()[0]
        action['domain'] = [('contract_id', 'in', self.ids)]
        action['context'] = {'search_default_by_category': 1}
        return action

    @api.multi
    def action_view_retention_ledger(self):
        action = self.env.ref('project_billing_schedule.action_retention_ledger').read()[0]
        action['domain'] = [('contract_id', 'in', self.ids)]
        action['context'] = {'search_default_by_source': 1}
        return action
