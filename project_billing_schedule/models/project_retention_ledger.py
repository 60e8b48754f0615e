from odoo import api, fields, models, tools

AGE_BUCKETS = [
    ('0_30', '0-30 days'),
    ('31_90', '31-90 days'),
    ('91_180', '91-180 days'),
    ('181', 'Over 180 days'),
    ('none', 'Nothing open'),
]


class ProjectRetentionLedger(models.Model):
    """Ingehouden bedragen: per customer, contract, funding source and
    project, what posted invoices withheld, what credits gave back, what
    releases invoiced and what is still open, with the age of the open
    amount (first in, first out: credits and releases settle the oldest
    retention first). Read from the posted proposal lines, the same facts
    the release itself is computed from."""
    _name = 'project.retention.ledger'
    _description = 'Retention ledger'
    _auto = False
    _order = 'date_open, id'

    partner_id = fields.Many2one('res.partner', string='Customer', readonly=True)
    contract_id = fields.Many2one('project.contract', readonly=True)
    funding_source_id = fields.Many2one('project.funding.source', readonly=True)
    project_id = fields.Many2one('project.project', readonly=True)
    company_id = fields.Many2one('res.company', readonly=True)
    currency_id = fields.Many2one('res.currency', readonly=True)
    retained = fields.Monetary(readonly=True, help='Withheld on posted invoices.')
    credited = fields.Monetary(readonly=True, string='Given back by credits')
    released = fields.Monetary(readonly=True, help='Invoiced by posted releases.')
    open_amount = fields.Monetary(readonly=True, string='Open')
    in_release = fields.Monetary(readonly=True, string='In release proposal')
    date_first = fields.Date(readonly=True, string='First withheld')
    date_open = fields.Date(readonly=True, string='Open since',
                            help='Invoice date of the oldest retention not yet settled.')
    age_days = fields.Integer(readonly=True, string='Age (days)', group_operator='max')
    age_bucket = fields.Selection(AGE_BUCKETS, readonly=True, string='Age')

    @api.model_cr
    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        # a fixed statement (no caller input): the view's definition
        # pylint: disable=sql-injection
        self.env.cr.execute("""
            CREATE VIEW project_retention_ledger AS (
            WITH ev AS (
                SELECT l.id, p.contract_id, p.funding_source_id AS source_id, p.project_id,
                       p.partner_id, p.company_id, p.currency_id, p.date,
                       CASE WHEN l.transaction_type = 'retention' AND l.amount < 0
                            THEN -l.amount ELSE 0 END AS retained,
                       CASE WHEN l.transaction_type = 'retention' AND l.amount > 0
                            THEN l.amount ELSE 0 END AS credited,
                       CASE WHEN l.transaction_type = 'retention_release'
                            THEN l.amount ELSE 0 END AS released
                  FROM project_invoice_proposal_line l
                  JOIN project_invoice_proposal p ON p.id = l.proposal_id
                 WHERE p.state = 'posted'
                   AND l.transaction_type IN ('retention', 'retention_release')
            ), agg AS (
                SELECT MIN(id) AS id, source_id, project_id, MIN(contract_id) AS contract_id,
                       MIN(partner_id) AS partner_id, MIN(company_id) AS company_id,
                       MIN(currency_id) AS currency_id, SUM(retained) AS retained,
                       SUM(credited) AS credited, SUM(released) AS released,
                       MIN(CASE WHEN retained > 0 THEN date END) AS date_first
                  FROM ev GROUP BY source_id, project_id
            ), fifo AS (
                SELECT source_id, project_id, date,
                       SUM(retained) OVER (PARTITION BY source_id, project_id
                                           ORDER BY date, id) AS cumulated
                  FROM ev WHERE retained > 0
            ), pending AS (
                SELECT p.funding_source_id AS source_id, p.project_id, SUM(l.amount) AS amount
                  FROM project_invoice_proposal_line l
                  JOIN project_invoice_proposal p ON p.id = l.proposal_id
                 WHERE p.state IN ('draft', 'review', 'approved')
                   AND l.transaction_type = 'retention_release'
                 GROUP BY 1, 2
            ), res AS (
                SELECT a.*, a.retained - a.credited - a.released AS open_amount,
                       COALESCE(pd.amount, 0) AS in_release,
                       (SELECT MIN(f.date) FROM fifo f
                         WHERE f.source_id = a.source_id
                           AND f.project_id IS NOT DISTINCT FROM a.project_id
                           AND f.cumulated > a.credited + a.released) AS date_open
                  FROM agg a
                  LEFT JOIN pending pd ON pd.source_id = a.source_id
                                      AND pd.project_id IS NOT DISTINCT FROM a.project_id
            )
            SELECT id, partner_id, contract_id, source_id AS funding_source_id, project_id,
                   company_id, currency_id, retained, credited, released, open_amount, in_release,
                   date_first, date_open,
                   CASE WHEN date_open IS NOT NULL THEN CURRENT_DATE - date_open END AS age_days,
                   CASE WHEN date_open IS NULL THEN 'none'
                        WHEN CURRENT_DATE - date_open <= 30 THEN '0_30'
                        WHEN CURRENT_DATE - date_open <= 90 THEN '31_90'
                        WHEN CURRENT_DATE - date_open <= 180 THEN '91_180'
                        ELSE '181' END AS age_bucket
              FROM res
            )""")
