from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from odoo.addons.project_invoicing_base.environments import release_environments
from odoo.addons.project_invoicing_base.pg_array import insert_columns

from .account_invoice_workflow import workflow
from .project_invoice_proposal_line import LINE_TYPES


class ProjectInvoiceProposalPost(models.Model):
    """Posting: each proposal becomes a validated customer invoice, or a
    credit note when its total is negative (seed: a document is classified
    by the sign of its total)."""
    _inherit = 'project.invoice.proposal'

    _post_batch = 10

    def _lock_transactions(self):
        """Row locks on these proposals and every transaction on them, so
        that nothing is invoiced twice by two users at once."""
        self._lock()
        for table, column in (('account_analytic_line', 'analytic_line_id'),
                              ('project_on_account', 'on_account_id')):
            self.env.cr.execute("""
                SELECT COUNT(DISTINCT %s) FROM project_invoice_proposal_line
                 WHERE proposal_id IN %%s""" % column, (tuple(self.ids),))
            wanted = self.env.cr.fetchone()[0]
            self.env.cr.execute("""
                SELECT id FROM %s WHERE id IN (
                    SELECT %s FROM project_invoice_proposal_line WHERE proposal_id IN %%s)
                ORDER BY id FOR UPDATE SKIP LOCKED""" % (table, column), (tuple(self.ids),))
            if len(self.env.cr.fetchall()) < wanted:
                raise UserError(_('Some of these transactions are being invoiced by another '
                                  'user right now. Try again in a moment.'))
        self.env['account.analytic.line'].invalidate_cache(['invoice_status'])
        self.env['project.on.account'].invalidate_cache(['status'])

    def _check_postable(self):
        # which proposals have lines, without loading thousands of line records
        self.env.cr.execute('SELECT DISTINCT proposal_id FROM project_invoice_proposal_line '
                            'WHERE proposal_id IN %s', (tuple(self.ids),))
        with_lines = set(r[0] for r in self.env.cr.fetchall())
        for proposal in self:
            if proposal.state == 'posted':
                raise UserError(_('Invoice proposal %s is already posted.') % proposal.name)
            allowed = ('approved',) if proposal.review_required else ('draft', 'approved')
            if proposal.state not in allowed:
                raise UserError(_('Invoice proposal %s must be approved by a reviewer before it '
                                  'is posted.') % proposal.name if proposal.review_required
                                else _('Invoice proposal %s cannot be posted from state %s.')
                                % (proposal.name, proposal.state))
            if proposal.id not in with_lines:
                raise UserError(_('Invoice proposal %s has no lines.') % proposal.name)
            source = proposal.funding_source_id
            if proposal.kind == 'retention_release' and source.retention_release == 'date' and \
                    min(proposal.date, fields.Date.context_today(self)) < source.retention_release_date:
                raise UserError(_('Retention of %s is released on %s, not before.') % (
                    source.display_name, source.retention_release_date))
            if proposal.funding_source_id.funding_type in ('internal', 'on_hold'):
                raise UserError(_('Funding source %s is %s: it is not invoiced.') % (
                    proposal.funding_source_id.display_name, proposal.funding_source_id.funding_type))
        self._settle_credits()

    def _settle_credits(self):
        """Credits checked against what is posted now, and the retention
        they give back settled: done at posting, and by its preview."""
        self._check_credits_live()
        # proposals with credit lines, without loading thousands of line records
        self.env.cr.execute("SELECT DISTINCT proposal_id FROM project_invoice_proposal_line "
                            "WHERE proposal_id IN %s AND (credited_line_id IS NOT NULL OR "
                            "(transaction_type = 'retention' AND amount > 0))", (tuple(self.ids),))
        credits = self.browse([r[0] for r in self.env.cr.fetchall()])
        if credits:
            # serialized with retention releases of the same sources
            self.env.cr.execute('SELECT id FROM project_funding_source WHERE id IN %s ORDER BY id '
                                'FOR UPDATE', (tuple(credits.mapped('funding_source_id').ids),))
            credits._check_no_release_pending()
            credits._update_retention(settle=True)

    def _check_credits_live(self):
        """Each credit line credits a line that is posted and not credited
        yet (its invoice may have been cancelled or credited meanwhile)."""
        self.env.cr.execute("""
            SELECT l.name FROM project_invoice_proposal_line l
              JOIN project_invoice_proposal_line c ON c.id = l.credited_line_id
              JOIN project_invoice_proposal cp ON cp.id = c.proposal_id
             WHERE l.proposal_id IN %s AND l.transaction_type != 'retention'
               AND (cp.state != 'posted' OR EXISTS (
                   SELECT 1 FROM project_invoice_proposal_line o
                     JOIN project_invoice_proposal op ON op.id = o.proposal_id
                    WHERE o.credited_line_id = c.id AND o.id != l.id
                      AND op.state IN ('posted', 'draft', 'review', 'approved')))
             LIMIT 1""", (tuple(self.ids),))
        row = self.env.cr.fetchone()
        if row:
            raise UserError(_('"%s" credits a line that is no longer invoiced (its invoice was '
                              'cancelled or credited meanwhile).') % row[0])

    @api.multi
    def action_post(self):
        """Create and validate the customer invoice (or credit note) of each
        proposal; the ledger then says which transactions are invoiced."""
        if not self:
            return True
        self._check_rights()  # before the SQL locks and status updates
        self._post()
        return True

    def _post(self, pending=((), ())):
        """action_post() once the rights are checked. `pending`: (analytic
        ids, on-account ids) that _propose() left to sync here, in this same
        transaction (a periodic run proposes and posts at once: one status
        write instead of two)."""
        if self:
            self._lock_transactions()
            self._check_postable()
            self._post_invoices()
            self._write_workflow({'state': 'posted'})
        self._after_post(pending)

    def _post_invoices(self, move_name=None):
        """Create and validate the invoice of each proposal. `move_name`: the
        journal entries' name instead of the journal's next number (the
        posting preview consumes no invoice number)."""
        # all invoices first, then one validation for all: Odoo's posting
        # does its writes and recomputations once per batch
        accounts, links = {}, []
        with self.env.norecompute():
            invoices = self.env['account.invoice'].browse(
                [proposal._create_invoice(accounts, links).id for proposal in self])
        invoices.recompute()
        self._link_invoice_lines(links)
        # each proposal claims its invoice before it is validated (validation
        # refuses an invoice that claims a proposal which did not create it)
        for proposal, invoice in zip(self, invoices):
            proposal._write_workflow({'invoice_id': invoice.id})
        if move_name:
            with workflow(self.env.cr):
                for proposal, invoice in zip(self, invoices):  # invoice numbers are unique
                    invoice.write({'move_name': '%s/%s' % (move_name, proposal.name)})
        # validated in batches: Odoo 11 rereads every invoice of the recordset
        # after each invoice's writes (n invoices cost about n^2); the cache
        # emptied after each batch (see release_environments())
        for start in range(0, len(invoices), self._post_batch):
            invoices[start:start + self._post_batch].action_invoice_open()
            release_environments(self.env)
        return invoices

    def _link_invoice_lines(self, links):
        """Every proposal line (so every transaction) to its invoice line,
        in one statement."""
        if not links:
            return
        insert_columns(self.env.cr, 'project_proposal_line_invoice_line_rel', {}, [
            ('proposal_line_id', 'int4', [link[0] for link in links]),
            ('invoice_line_id', 'int4', [link[1] for link in links])])
        self.env['project.invoice.proposal.line'].invalidate_cache(['invoice_line_ids',
                                                                    'invoice_line_id'])

    def _after_post(self, pending=((), ())):
        """Posted: edited prices are history now; statuses from the ledger
        (of these and the `pending` transactions), whose bounds are checked
        once more (never more than a share)."""
        analytic, on_account = self._transaction_ids()
        if analytic:
            self.env.cr.execute('UPDATE account_analytic_line SET proposal_price_edited = FALSE '
                                'WHERE id IN %s AND proposal_price_edited', (tuple(analytic),))
            self.env['account.analytic.line'].invalidate_cache(['proposal_price_edited'], analytic)
        self.env['project.billing.ledger']._sync(
            list(analytic) + list(pending[0]), list(on_account) + list(pending[1]),
            check_bounds=True)

    def _invoice_journal(self):
        journal = self.env['account.journal'].search([
            ('type', '=', 'sale'), ('company_id', '=', self.company_id.id)], order='sequence, id',
            limit=1)
        if not journal:
            raise UserError(_('Company %s has no sales journal.') % self.company_id.name)
        return journal

    def _create_invoice(self, accounts, links):
        """The draft invoice of this proposal. `accounts` caches accounts,
        fiscal positions, journals and follower commands over a batch of
        proposals; `links` receives (proposal line id, invoice line id)
        pairs."""
        self.ensure_one()
        sign = 1 if float_compare(self.amount_total, 0.0,
                                  precision_rounding=self.currency_id.rounding) >= 0 else -1
        partner = self.partner_id
        key = ('partner', partner.id, self.company_id.id)
        if key not in accounts:  # once per invoiced partner and company in a batch
            # the document's company, not the user's: Odoo reads company
            # properties and auto-applied fiscal positions from force_company
            fpos_id = self.env['account.fiscal.position'].with_context(
                force_company=self.company_id.id).get_fiscal_position(partner.id)
            journal_key = ('journal', self.company_id.id)
            if journal_key not in accounts:
                accounts[journal_key] = self._invoice_journal()
            accounts[key] = (
                self.env['account.fiscal.position'].browse(fpos_id),
                partner.with_context(force_company=self.company_id.id).property_account_receivable_id,
                accounts[journal_key])
        fpos, receivable, journal = accounts[key]
        term = partner.with_context(force_company=self.company_id.id).property_payment_term_id
        vals = {
            'type': 'out_invoice' if sign > 0 else 'out_refund',
            'partner_id': partner.id,
            'account_id': receivable.id,
            'journal_id': journal.id,
            'currency_id': self.currency_id.id,
            'company_id': self.company_id.id,
            'date_invoice': self.date,
            'origin': self.name,
            'name': self.contract_id.display_name,
            'fiscal_position_id': fpos.id,
            'payment_term_id': term.id,
            # due at once without a payment term, as Odoo's validation would
            # set it, but without its extra write of every invoice
            'date_due': False if term else self.date,
            'project_proposal_id': self.id,
            'refund_invoice_id': self._credited_invoice().id if sign < 0 else False,
            'invoice_line_ids': [],
        }
        if partner != self.env.user.partner_id:
            # the customer follows its invoice from creation, in the invoice's
            # own create, rather than by a message_subscribe() write per
            # invoice at validation (Odoo subscribes it there otherwise)
            key = ('follower', partner.id)
            if key not in accounts:
                accounts[key] = self.env['mail.followers']._add_follower_command(
                    'account.invoice', [], {partner.id: None}, {}, force=True)[0]
            # fresh dicts: the one2many write sets each invoice's id in them
            vals['message_follower_ids'] = [(c[0], c[1], dict(c[2])) for c in accounts[key]]
        groups = self._invoice_groups()
        for seq, group in enumerate(groups):
            vals['invoice_line_ids'].append((0, 0, dict(self._prepare_invoice_line(
                group, sign, fpos, accounts), sequence=seq)))
        invoice = self.env['account.invoice'].create(vals)
        for group, inv_line in zip(groups, invoice.invoice_line_ids.sorted('sequence')):
            links.extend((line_id, inv_line.id) for line_id in group['ids'])
        return invoice

    def _credited_invoice(self):
        """The one invoice this proposal's credit lines credit, if one."""
        invoices = self.line_ids.mapped('credited_line_id.proposal_id.invoice_id')
        return invoices if len(invoices) == 1 else invoices.browse()

    def _invoice_groups(self):
        """The invoice lines of this proposal, one per group of its lines
        with the same type, product, project, unit price and share (grouped
        in SQL: a proposal can hold thousands of lines). Credit lines group
        by the invoice line they credit, so a full credit mirrors the
        invoice line for line (and its taxes round the same). Retention and
        on-account lines stay single; a reversal (negative quantity) stays
        apart from its correction. Returns dicts, in line order."""
        self.env.cr.execute("""
            SELECT l.transaction_type, l.product_id, l.project_id, l.share_percent,
                   array_agg(l.id ORDER BY l.sequence, l.id) AS ids, SUM(l.amount) AS amount,
                   SUM(l.quantity) AS quantity, MIN(l.name) AS name, COUNT(*) AS count,
                   bool_or(l.credited_line_id IS NOT NULL) AS is_credit
              FROM (
                  -- a subquery per credit line rather than a join: the
                  -- planner's guess stays one proposal's lines (a join over
                  -- a freshly filled table was guessed large enough to JIT
                  -- compile, 0.3 s per proposal)
                  SELECT l.*, CASE WHEN l.credited_line_id IS NOT NULL THEN (
                             SELECT r.invoice_line_id FROM project_proposal_line_invoice_line_rel r
                              WHERE r.proposal_line_id = l.credited_line_id LIMIT 1)
                         END AS credited_invoice_line_id
                    FROM project_invoice_proposal_line l WHERE l.proposal_id = %s) l
             GROUP BY CASE WHEN l.transaction_type IN ('retention', 'retention_release',
                                                       'on_account') THEN l.id END,
                      l.credited_line_id IS NOT NULL, l.credited_invoice_line_id, SIGN(l.quantity),
                      l.transaction_type, l.product_id, l.project_id,
                      ROUND(l.sales_price::numeric, 4), l.share_percent
             ORDER BY MIN(l.sequence), MIN(l.id)""", (self.id,))
        return self.env.cr.dictfetchall()

    def _prepare_invoice_line(self, group, sign, fpos, accounts):
        """One invoice line for a group of proposal lines, its amount exactly
        their sum (times sign: a credit note carries positive amounts).
        `accounts` caches revenue accounts over a batch of proposals."""
        currency = self.currency_id
        company = self.company_id
        product = self.env['product.product'].browse(group['product_id'])
        project = self.env['project.project'].browse(group['project_id'])
        amount = currency.round((group['amount'] or 0.0) * sign)
        quantity = (group['quantity'] or 0.0) * sign
        price_digits = self.env['decimal.precision'].precision_get('Product Price')
        unit = round(amount / quantity, price_digits) if quantity else 0.0
        if not quantity or float_compare(currency.round(unit * quantity), amount,
                                         precision_rounding=currency.rounding) != 0:
            # the share does not divide into a unit price: invoice the exact amount
            unit, quantity = amount, 1.0
        key = (product.id, fpos.id, company.id)
        if key not in accounts:
            # Odoo 11 ignores the company argument: the product's income
            # account property is read for force_company
            accounts[key] = self.env['account.invoice.line'].with_context(
                force_company=company.id).get_invoice_line_account(
                'out_invoice', product.with_context(force_company=company.id), fpos, company)
        account = accounts[key]
        if not account:
            raise UserError(_('No revenue account for product "%s" (nor its category): set its '
                              'income account to invoice %s.') % (
                product.display_name or group['name'], self.contract_id.display_name))
        taxes = product.taxes_id.filtered(lambda t: t.company_id == company)
        ttype = group['transaction_type']
        name = group['name'] if group['count'] == 1 else '%s (%d)' % (
            dict(LINE_TYPES)[ttype], group['count'])
        share = group['share_percent'] or 0.0
        if share and float_compare(share, 100.0, precision_digits=4):
            name = '%s - %s %%' % (name, round(share, 2))
        if group['is_credit'] and group['count'] > 1:
            name = _('Credit: %s') % name
        return {
            'name': name,
            'product_id': product.id,
            'uom_id': product.uom_id.id,
            'account_id': account.id,
            'quantity': quantity,
            'price_unit': unit,
            'invoice_line_tax_ids': [(6, 0, fpos.map_tax(taxes).ids)],
            'account_analytic_id': project.analytic_account_id.id,
        }
