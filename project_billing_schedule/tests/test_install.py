from odoo.tests.common import TransactionCase


class TestInstall(TransactionCase):

    def test_menu_and_groups(self):
        menu = self.env.ref('project_billing_schedule.menu_project_invoicing')
        manager = self.env.ref('project_billing_schedule.group_project_invoicing_manager')
        user = self.env.ref('project_billing_schedule.group_project_invoicing_user')
        self.assertIn(user, manager.implied_ids)
        self.assertIn(manager, self.env.ref('base.user_root').groups_id)
        self.assertEqual(menu.parent_id, self.env.ref('project.menu_main_pm'))
        # a user without the group does not see the menu
        demo = self.env.ref('base.user_demo')
        demo.groups_id -= user
        visible = self.env['ir.ui.menu'].sudo(demo).search([('id', '=', menu.id)])
        self.assertFalse(visible)


class TestBulkTableIndexes(TransactionCase):
    """The tables a month end fills by the hundred thousand (proposal lines,
    funding shares, their invoice-line links) carry only the indexes their
    reads use: an on-account transaction is found through an index of the
    rows that have one, company and a second link index are not kept."""

    def indexes(self, table):
        self.env.cr.execute('SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s',
                            (table,))
        return dict(self.env.cr.fetchall())

    def plan(self, query):
        self.env.cr.execute('SET LOCAL enable_seqscan = off')
        self.env.cr.execute('EXPLAIN ' + query)
        return ' '.join(row[0] for row in self.env.cr.fetchall())

    def test_indexes(self):
        for table in ('project_invoice_proposal_line', 'project_funding_share'):
            indexes = self.indexes(table)
            self.assertNotIn('%s_company_id_index' % table, indexes)
            self.assertNotIn('%s_on_account_id_index' % table, indexes)
            self.assertIn('WHERE (on_account_id IS NOT NULL)',
                          indexes['%s_on_account_id_set_index' % table])
            self.assertIn('%s_analytic_line_id_index' % table, indexes)
            # what deleting an on-account transaction checks and cascades
            plan = self.plan('SELECT id FROM %s WHERE on_account_id = 1' % table)
            self.assertIn('%s_on_account_id_set_index' % table, plan)
            plan = self.plan('SELECT id FROM %s WHERE on_account_id IN (1, 2)' % table)
            self.assertIn('%s_on_account_id_set_index' % table, plan)
        rel = self.indexes('project_proposal_line_invoice_line_rel')
        self.assertEqual(sorted(rel), [
            'project_proposal_line_invoice_line_rel_invoice_line_id_idx',
            'project_proposal_line_invoice_line_rel_line_uniq'])
        plan = self.plan('SELECT invoice_line_id FROM project_proposal_line_invoice_line_rel '
                         'WHERE proposal_line_id IN (1, 2)')
        self.assertIn('project_proposal_line_invoice_line_rel_line_uniq', plan)

    def test_share_columns(self):
        """A funding share checks on insert only the keys that say what it
        is a share of, for whom and by which rule: no log columns, its
        contract and company its funding source's."""
        self.env.cr.execute("""
            SELECT a.attname FROM pg_constraint c
              JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
             WHERE c.conrelid = 'project_funding_share'::regclass AND c.contype = 'f'""")
        self.assertEqual(sorted(r[0] for r in self.env.cr.fetchall()), [
            'analytic_line_id', 'funding_rule_id', 'on_account_id', 'source_id'])
        self.env.cr.execute("""SELECT column_name FROM information_schema.columns
                                WHERE table_name = 'project_funding_share'""")
        columns = set(r[0] for r in self.env.cr.fetchall())
        self.assertFalse(columns & {'create_uid', 'create_date', 'write_uid', 'write_date',
                                    'company_id', 'contract_id'})
        Share = self.env['project.funding.share']
        self.assertFalse(Share._fields['company_id'].store or Share._fields['contract_id'].store)
