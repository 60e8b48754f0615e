"""11.0.2.0.0: the billing ledger. Statuses were set by hand before; now
they are derived from frozen funding shares and the proposal lines. Build
the shares of what was proposed or invoiced, carry the credit flags onto
the credit lines, cancel proposals whose invoice was cancelled in Odoo, and
let the ledger recompute every status."""
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    # a completed milestone (and every prepayment or deduction) is complete
    cr.execute("""
        UPDATE project_on_account SET is_complete = TRUE
         WHERE status != 'planned' OR kind IN ('prepayment', 'deduction')""")
    # "invoice again" lived on the credit proposal
    cr.execute("""
        UPDATE project_invoice_proposal_line l SET reinvoice = COALESCE(p.reinvoice, FALSE)
          FROM project_invoice_proposal p
         WHERE p.id = l.proposal_id AND l.credited_line_id IS NOT NULL""")
    # a proposal whose invoice Odoo cancelled bills nothing
    cr.execute("""
        UPDATE project_invoice_proposal p SET state = 'cancel'
          FROM account_invoice i
         WHERE i.id = p.invoice_id AND p.state = 'posted' AND i.state = 'cancel'""")
    # shares: each source's latest share of each transaction on a live proposal
    cr.execute("""
        INSERT INTO project_funding_share (analytic_line_id, on_account_id, source_id,
                                           funding_rule_id, rule_sequence, percent, is_rounding,
                                           amount)
        SELECT DISTINCT ON (l.analytic_line_id, l.on_account_id, p.funding_source_id)
               l.analytic_line_id, l.on_account_id, p.funding_source_id,
               l.funding_rule_id, COALESCE(r.sequence, 0), l.share_percent,
               COALESCE(a.is_rounding, TRUE), l.amount
          FROM project_invoice_proposal_line l
          JOIN project_invoice_proposal p ON p.id = l.proposal_id
          LEFT JOIN project_funding_rule r ON r.id = l.funding_rule_id
          LEFT JOIN project_funding_allocation a ON a.rule_id = l.funding_rule_id
                                                AND a.source_id = p.funding_source_id
         WHERE p.state != 'cancel' AND l.credited_line_id IS NULL
           AND (l.analytic_line_id IS NOT NULL OR l.on_account_id IS NOT NULL)
           AND NOT EXISTS (SELECT 1 FROM project_funding_share s
                            WHERE s.analytic_line_id IS NOT DISTINCT FROM l.analytic_line_id
                              AND s.on_account_id IS NOT DISTINCT FROM l.on_account_id)
         ORDER BY l.analytic_line_id, l.on_account_id, p.funding_source_id, l.id DESC
    """)
    env = api.Environment(cr, SUPERUSER_ID, {})
    cr.execute('SELECT id FROM account_analytic_line WHERE billing_type IS NOT NULL')
    analytic = [r[0] for r in cr.fetchall()]
    cr.execute('SELECT id FROM project_on_account')
    on_account = [r[0] for r in cr.fetchall()]
    env['project.billing.ledger']._sync(analytic, on_account)
