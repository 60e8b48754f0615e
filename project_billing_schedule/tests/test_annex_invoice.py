"""The hours annex of posted project invoices: subtotals equal the invoice
lines they make up, to the cent; printed (PDF's HTML) and as XLSX."""
import io
import re
import zipfile
from decimal import Decimal
from xml.etree import ElementTree

from .test_proposal import ProposalCase

NS = {'x': 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'}


def read_xlsx(content):
    """{sheet name: [[cell value, ...] per row]} of an .xlsx file; numbers
    as floats, strings as str (openpyxl is not in the venv)."""
    book = zipfile.ZipFile(io.BytesIO(content))
    strings = []
    if 'xl/sharedStrings.xml' in book.namelist():
        root = ElementTree.fromstring(book.read('xl/sharedStrings.xml'))
        strings = [''.join(t.text or '' for t in si.iter('{%s}t' % NS['x']))
                   for si in root.findall('x:si', NS)]
    names = [s.get('name') for s in ElementTree.fromstring(
        book.read('xl/workbook.xml')).find('x:sheets', NS)]
    sheets = {}
    for index, name in enumerate(names, 1):
        root = ElementTree.fromstring(book.read('xl/worksheets/sheet%d.xml' % index))
        rows = []
        for row in root.iter('{%s}row' % NS['x']):
            cells = {}
            for cell in row.findall('x:c', NS):
                col = ord(re.match('[A-Z]', cell.get('r')).group()) - ord('A')
                value = cell.find('x:v', NS)
                if value is None:
                    continue
                cells[col] = strings[int(value.text)] if cell.get('t') == 's' else \
                    float(value.text) if cell.get('t') is None else value.text
            rows.append([cells.get(c) for c in range(max(cells) + 1)] if cells else [])
        sheets[name] = rows
    return sheets


class TestHoursAnnex(ProposalCase):

    @classmethod
    def setUpClass(cls):
        super(TestHoursAnnex, cls).setUpClass()
        env = cls.env
        env['project.contract.rate'].create({'contract_id': cls.contract.id,
                                             'employee_id': cls.employee2.id, 'price': 80.3})
        Task = env['project.task']
        cls.design = Task.create({'name': 'Design (test)', 'project_id': cls.project.id})
        cls.build = Task.create({'name': 'Build (test)', 'project_id': cls.project.id})

    def post_hours(self):
        """2 employees x 2 tasks, split 70/30: (customer invoice, grant invoice)."""
        self.timesheet(3.0, task=self.design)                          # 300.00
        self.timesheet(1.13, task=self.build, date='2026-03-03')       # 113.00
        self.timesheet(2.0, employee=self.employee2, task=self.design)   # 160.60
        self.timesheet(0.33, employee=self.employee2, task=self.build)   # 26.499 -> 26.50
        proposals = self.propose()
        proposals.action_post()
        return (self.by_partner(proposals, self.customer).invoice_id,
                self.by_partner(proposals, self.grant).invoice_id)

    def assert_annex_matches(self, invoice, grouping, labels):
        self.contract.annex_grouping = grouping
        annex = invoice._project_annex()
        self.assertEqual([g['label'] for g in annex['groups']], labels)
        sign = -1 if invoice.type == 'out_refund' else 1
        cent = Decimal('0.01')
        whole = 0
        for group in annex['groups']:
            invoice_lines = self.env['account.invoice.line'].browse(
                sorted(set(r['invoice_line_id'] for r in group['rows'])))
            self.assertEqual(invoice_lines.mapped('invoice_id'), invoice)
            made_of = self.env['project.invoice.proposal.line'].search([
                ('invoice_line_id', 'in', invoice_lines.ids)])
            if set(made_of.ids) == set(r['line_id'] for r in group['rows']):
                # the group is made of whole invoice lines: the same money
                whole += 1
                expected = sum(Decimal(repr(l)) for l in invoice_lines.mapped('price_subtotal'))
                self.assertEqual(group['amount'], sign * expected.quantize(cent), group['label'])
        self.assertEqual(annex['total'],
                         (sign * Decimal(repr(invoice.amount_untaxed))).quantize(cent))
        self.assertEqual(Decimal(repr(invoice._project_annex_invoice_total())).quantize(cent),
                         annex['total'])
        return annex, whole

    def test_subtotals_are_the_invoice_lines(self):
        inv_c, inv_g = self.post_hours()
        self.assertEqual(inv_c.amount_untaxed, 420.07)  # 210 + 79.10 + 112.42 + 18.55
        self.assertEqual(round(inv_c.amount_untaxed + inv_g.amount_untaxed, 2), 600.10)
        for invoice in (inv_c, inv_g):
            # an employee has one rate: one invoice line each
            annex, whole = self.assert_annex_matches(
                invoice, 'employee', ['Consultant (test)', 'Junior (test)'])
            self.assertEqual(whole, 2)
            self.assertEqual(annex['quantity'], Decimal('6.46'))
            annex, whole = self.assert_annex_matches(
                invoice, 'project', ['T&M project (test)'])
            self.assertEqual(whole, 1)
            # a task's hours share invoice lines with the other task's
            annex, _whole = self.assert_annex_matches(
                invoice, 'task', ['Build (test)', 'Design (test)'])
            for group in annex['groups']:
                self.assertEqual(group['amount'], sum(r['amount'] for r in group['rows']))
        self.contract.annex_grouping = 'task'
        annex = inv_c._project_annex()
        self.assertEqual([str(g['amount']) for g in annex['groups']], ['97.65', '322.42'])
        build = annex['groups'][0]['rows']
        self.assertEqual([(r['employee'], r['date'], str(r['amount'])) for r in build],
                         [('Junior (test)', '2026-03-02', '18.55'),
                          ('Consultant (test)', '2026-03-03', '79.10')])
        self.contract.annex_grouping = 'none'
        self.assertIsNone(inv_c._project_annex())

    def test_credit_note_annex_is_negative(self):
        inv_c, _inv_g = self.post_hours()
        hours = self.env['account.analytic.line'].search([('project_id', '=', self.project.id)])
        wizard = self.env['project.invoice.credit.wizard'].with_context(
            active_model='account.invoice', active_ids=inv_c.ids).create({})
        self.assertEqual(wizard.transaction_ids, hours)
        credits = self.Proposal.search(wizard.action_create()['domain'])
        credits.action_post()
        refund = credits.invoice_id
        self.assertEqual(refund.type, 'out_refund')
        annex, whole = self.assert_annex_matches(
            refund, 'employee', ['Consultant (test)', 'Junior (test)'])
        self.assertEqual(whole, 2)
        self.assertEqual(annex['total'], Decimal('-420.07'))
        self.assertEqual(annex['quantity'], Decimal('-6.46'))

    def test_pdf_and_xlsx(self):
        inv_c, _inv_g = self.post_hours()
        self.contract.annex_grouping = 'employee'
        pdf = self.env.ref('project_billing_schedule.action_report_project_invoice')
        html = pdf.render_qweb_html(inv_c.ids)[0].decode()
        self.assertIn('Hours annex', html)
        self.assertIn('page-break-before', html)
        for text in ('Consultant (test)', 'Design (test)', '289.10', '130.97', '420.07', '6.46'):
            self.assertIn(text, html)
        xlsx, kind = self.env.ref(
            'project_billing_schedule.action_report_hours_annex_xlsx').render(inv_c.ids, {})
        self.assertEqual(kind, 'xlsx')
        [(name, rows)] = read_xlsx(xlsx).items()
        self.assertEqual(name, inv_c.number.replace('/', '-'))
        subtotals = [(r[0], r[4], r[7]) for r in rows if r and str(r[0]).startswith('Subtotal')]
        self.assertEqual(subtotals, [('Subtotal Consultant (test)', 4.13, 289.1),
                                     ('Subtotal Junior (test)', 2.33, 130.97)])
        [total] = [r for r in rows if r and r[0] == 'Total of the annex']
        self.assertEqual((total[4], total[7]), (6.46, inv_c.amount_untaxed))
        # every amount a number, the rows' amounts summing to the total
        details = [r for r in rows[4:] if len(r) == 8 and isinstance(r[0], float)]
        self.assertEqual(len(details), 4)
        self.assertEqual(round(sum(r[7] for r in details), 2), 420.07)
        # a project invoicing user prints both (employees' and tasks' names included)
        html = pdf.sudo(self.pi_user).render_qweb_html(inv_c.ids)[0].decode()
        self.assertIn('Junior (test)', html)
        xlsx = self.env.ref('project_billing_schedule.action_report_hours_annex_xlsx').sudo(
            self.pi_user).render(inv_c.ids, {})[0]
        self.assertIn(['Total of the annex', None, None, None, 6.46, None, None, 420.07],
                      list(read_xlsx(xlsx).values())[0])
        # no annex on the print when the contract wants none; the XLSX still has one
        self.contract.annex_grouping = 'none'
        self.assertNotIn('Hours annex', pdf.render_qweb_html(inv_c.ids)[0].decode())
        rows = list(read_xlsx(self.env.ref(
            'project_billing_schedule.action_report_hours_annex_xlsx').render(
            inv_c.ids, {})[0]).values())[0]
        self.assertIn(['Subtotal T&M project (test)', None, None, None, 6.46, None, None, 420.07],
                      rows)
