"""Posting preview: what it shows is what posting books, to the cent."""
from odoo.exceptions import AccessError

from .test_proposal import ProposalCase


def entry(rows):
    """A journal entry as a comparable multiset of its items."""
    return sorted((r.account_id.id, r.partner_id.id, r.analytic_account_id.id, r.tax_line_id.id,
                   tuple(sorted(r.tax_ids.ids)), r.name, round(r.debit, 2), round(r.credit, 2),
                   round(r.amount_currency, 2), r.currency_id.id) for r in rows)


class TestPostingPreview(ProposalCase):

    @classmethod
    def setUpClass(cls):
        super(TestPostingPreview, cls).setUpClass()
        cls.tax = cls.env['account.tax'].create({
            'name': 'Preview sales tax 21 %', 'amount': 21.0, 'amount_type': 'percent',
            'type_tax_use': 'sale'})
        cls.hour_product.taxes_id = cls.tax

    def preview(self, proposals):
        action = proposals.action_preview_posting()
        return self.env['project.posting.preview.line'].search(action['domain'])

    def assert_preview_is_posting(self, proposals):
        """Preview, check nothing was kept, post, compare item by item."""
        Invoice = self.env['account.invoice']
        journal = proposals[0]._invoice_journal()
        invoices_before = Invoice.search_count([])
        number_before = journal.sequence_id.number_next_actual
        states = proposals.mapped('state')
        rows = self.preview(proposals)
        # nothing kept: no invoice, no entry, no invoice number, same states
        self.assertEqual(Invoice.search_count([]), invoices_before)
        self.assertEqual(journal.sequence_id.number_next_actual, number_before)
        self.assertEqual(proposals.mapped('state'), states)
        self.assertFalse(proposals.mapped('invoice_id'))
        self.assertEqual(round(sum(rows.mapped('debit')), 2), round(sum(rows.mapped('credit')), 2))
        for source in proposals.mapped('funding_source_id'):   # each source's part balances
            part = rows.filtered(lambda r: r.funding_source_id == source)
            self.assertEqual(round(sum(part.mapped('debit')), 2), round(sum(part.mapped('credit')), 2))
        proposals.action_post()
        posted = proposals.mapped('invoice_id.move_id.line_ids')
        self.assertEqual(entry(rows), entry(posted))
        # the preview of a posted proposal is its posted entry
        self.assertEqual(entry(self.preview(proposals)), entry(posted))
        return rows

    def test_time_and_material_70_30(self):
        self.timesheet(10.0)                        # 1,000.00: 700 / 300, 21 % tax
        self.bill_purchase('chargeable')            # 60.00: 42 / 18, untaxed
        proposals = self.propose()
        rows = self.assert_preview_is_posting(proposals)
        receivable = rows.filtered(lambda r: r.partner_id == self.customer and
                                   r.account_id.internal_type == 'receivable')
        self.assertEqual(receivable.debit, 889.0)    # 700 + 147 tax + 42
        tax = rows.filtered(lambda r: r.tax_line_id == self.tax)
        self.assertEqual(sorted(tax.mapped('credit')), [63.0, 147.0])
        self.assertEqual(round(sum(rows.mapped('debit')), 2), 1270.0)
        self.assertEqual(set(rows.mapped('analytic_account_id')) - {self.env['account.analytic.account']},
                         {self.project.analytic_account_id})

    def test_fixed_price_20_30_15_35(self):
        fp = self.env['project.project'].create({
            'name': 'Fixed price (preview)', 'project_invoice_type': 'fixed_price',
            'contract_id': self.contract.id, 'fixed_price': 12345.67})
        milestones = self.env['project.on.account']
        for i, pct in enumerate((20, 30, 15, 35)):
            milestones |= milestones.create({
                'project_id': fp.id, 'kind': 'milestone', 'sequence': i, 'name': 'M%d' % i,
                'amount_type': 'percent', 'percent': pct})
        milestones[:2].action_mark_complete()       # 2,469.13 + 3,703.70 = 6,172.83
        proposals = self.propose(types=['on_account'], projects=fp)
        rows = self.assert_preview_is_posting(proposals)
        revenue = rows.filtered(lambda r: r.credit and not r.tax_line_id)
        self.assertEqual(round(sum(revenue.mapped('credit')), 2), 6172.83)
        self.assertEqual(round(sum(rows.filtered(lambda r: r.partner_id == self.grant)
                                   .mapped('debit')), 2), 1851.85)     # 30 %, rounded down

    def test_retention(self):
        fp = self.env['project.project'].create({
            'name': 'FP retention (preview)', 'project_invoice_type': 'fixed_price',
            'contract_id': self.contract.id, 'fixed_price': 20000.0})
        self.rule.allocation_ids.filtered(lambda a: a.source_id == self.src_grant).unlink()
        self.rule.allocation_ids.percent = 100.0
        self.src_customer.write({'retention_percent': 10.0, 'retention_release': 'completion_100'})
        milestone = self.env['project.on.account'].create({
            'project_id': fp.id, 'kind': 'milestone', 'name': 'All', 'amount_type': 'percent',
            'percent': 100.0})
        milestone.action_mark_complete()
        rows = self.assert_preview_is_posting(self.propose(types=['on_account'], projects=fp))
        receivable = rows.filtered(lambda r: r.account_id.internal_type == 'receivable')
        self.assertEqual(receivable.debit, 18000.0)
        self.assertEqual(sorted(rows.mapped("credit")), [0.0, 0.0, 20000.0])
        retention = rows.filtered(lambda r: 'Retention' in r.name)
        self.assertEqual((retention.debit, retention.credit), (2000.0, 0.0))
        release = self.Proposal.browse(self.contract.create_retention_release(date='2026-12-31'))
        rows = self.assert_preview_is_posting(release)
        self.assertEqual(round(sum(rows.mapped('debit')), 2), 2000.0)

    def test_credit_note(self):
        hours = self.timesheet(10.0)
        self.propose().action_post()
        credit = self.Proposal._propose_credit(hours).filtered(
            lambda p: p.partner_id == self.customer)
        rows = self.assert_preview_is_posting(credit)
        self.assertEqual(credit.invoice_id.type, 'out_refund')
        self.assertEqual(rows.filtered(lambda r: r.account_id.internal_type == 'receivable').credit,
                         847.0)
        self.assertEqual(rows.filtered(lambda r: r.tax_line_id).debit, 147.0)

    def test_periodic_run_preview_keeps_nothing(self):
        self.timesheet(10.0)
        self.contract.action_activate()
        wizard = self.env['project.periodic.invoice.wizard'].create({
            'scope': 'selected', 'contract_ids': [(6, 0, self.contract.ids)],
            'date_to': '2026-12-31'})
        action = wizard.action_preview_posting()
        rows = self.env['project.posting.preview.line'].search(action['domain'])
        self.assertEqual(round(sum(rows.mapped('debit')), 2), 1210.0)
        self.assertFalse(self.Proposal.search([('contract_id', '=', self.contract.id)]))
        self.assertEqual(self.env['account.analytic.line'].search([
            ('billing_contract_id', '=', self.contract.id)]).mapped('invoice_status'), ['to_invoice'])
        wizard.action_run()
        posted = self.Proposal.search([('contract_id', '=', self.contract.id)])
        self.assertEqual(entry(rows), entry(posted.mapped('invoice_id.move_id.line_ids')))

    def test_preview_rights(self):
        """Who may read a proposal sees its posting, without rights to post;
        who may not read it, does not."""
        self.timesheet(10.0)
        proposals = self.propose()
        rows = self.preview(proposals.sudo(self.reviewer))
        self.assertEqual(round(sum(rows.mapped('debit')), 2), 1210.0)
        outsider = self.env['res.users'].with_context(no_reset_password=True).create({
            'name': 'Outsider', 'login': 'preview_outsider',
            'groups_id': [(6, 0, [self.env.ref('base.group_user').id])]})
        with self.assertRaises(AccessError):
            proposals.sudo(outsider).action_preview_posting()
