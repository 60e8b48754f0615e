from odoo import _, fields, models


class ProjectInvoiceAnnexXlsx(models.AbstractModel):
    """The hours annex of project invoices as a spreadsheet (OCA report_xlsx):
    one sheet per invoice with its groups, subtotals and total, written as
    numbers and dates so that they can be summed and sorted."""
    _name = 'report.project_billing_schedule.hours_annex_xlsx'
    _inherit = 'report.report_xlsx.abstract'

    def _columns(self):
        return (_('Date'), _('Employee'), _('Task'), _('Description'), _('Quantity'), _('Price'),
                _('Share (%)'), _('Amount'))

    def _formats(self, workbook, currency):
        money = '#,##0.%s' % ('0' * currency.decimal_places) if currency.decimal_places else '#,##0'
        add = workbook.add_format
        return {
            'title': add({'bold': True, 'font_size': 14}),
            'bold': add({'bold': True}),
            'head': add({'bold': True, 'bottom': 1}),
            'date': add({'num_format': 'yyyy-mm-dd'}),
            'qty': add({'num_format': '#,##0.00'}),
            'price': add({'num_format': '#,##0.00##'}),
            'money': add({'num_format': money}),
            'qty_bold': add({'num_format': '#,##0.00', 'bold': True}),
            'money_bold': add({'num_format': money, 'bold': True}),
            'money_total': add({'num_format': money, 'bold': True, 'top': 1}),
            'qty_total': add({'num_format': '#,##0.00', 'bold': True, 'top': 1}),
        }

    def _sheet_name(self, invoice, used):
        # Excel: at most 31 characters, none of []:*?/\ , unique in the book
        base = ''.join('-' if c in '[]:*?/\\' else c
                       for c in (invoice.number or _('Draft %s') % invoice.id))[:28]
        name, n = base, 1
        while name.lower() in used:
            n += 1
            name = '%s (%d)' % (base[:24], n)
        used.add(name.lower())
        return name

    def generate_xlsx_report(self, workbook, data, invoices):
        used = set()
        for invoice in invoices:
            invoice = invoice.with_context(lang=invoice.partner_id.lang)
            sheet = workbook.add_worksheet(self._sheet_name(invoice, used))
            self._write_invoice(workbook, sheet, invoice)

    def _write_invoice(self, workbook, sheet, invoice):
        fmt = self._formats(workbook, invoice.currency_id)
        sheet.set_column(0, 0, 11)
        sheet.set_column(1, 2, 22)
        sheet.set_column(3, 3, 40)
        sheet.set_column(4, 7, 13)
        title = '%s - %s %s' % (_('Hours annex'), invoice.project_document_title,
                                invoice.number or '')
        sheet.write(0, 0, title, fmt['title'])
        # an explicit export also serves a contract that prints no annex
        grouping = invoice.project_proposal_id.contract_id.annex_grouping
        annex = invoice._project_annex(grouping='project' if grouping == 'none' else None)
        if not annex:
            sheet.write(2, 0, _('This invoice has no hours annex: it was not posted from an '
                                'invoice proposal.'))
            return
        sheet.write(1, 0, _('Specification of the invoiced transactions. Grouping:'))
        sheet.write(1, 3, annex['grouping'])
        row = 3
        for col, title in enumerate(self._columns()):
            sheet.write(row, col, title, fmt['head'])
        sheet.freeze_panes(row + 1, 0)
        for group in annex['groups']:
            row += 1
            sheet.write(row, 0, group['label'], fmt['bold'])
            for line in group['rows']:
                row += 1
                if line['date']:
                    sheet.write_datetime(row, 0, fields.Date.from_string(line['date']),
                                         fmt['date'])
                sheet.write(row, 1, line['employee'] or '')
                sheet.write(row, 2, line['task'] or '')
                sheet.write(row, 3, line['description'] or '')
                sheet.write_number(row, 4, float(line['quantity']), fmt['qty'])
                sheet.write_number(row, 5, line['price'] or 0.0, fmt['price'])
                sheet.write_number(row, 6, line['share'] or 0.0, fmt['qty'])
                sheet.write_number(row, 7, float(line['amount']), fmt['money'])
            row += 1
            sheet.write(row, 0, '%s %s' % (_('Subtotal'), group['label']), fmt['bold'])
            sheet.write_number(row, 4, float(group['quantity']), fmt['qty_bold'])
            sheet.write_number(row, 7, float(group['amount']), fmt['money_bold'])
        row += 2
        sheet.write(row, 0, _('Total of the annex'), fmt['bold'])
        sheet.write_number(row, 4, float(annex['quantity']), fmt['qty_total'])
        sheet.write_number(row, 7, float(annex['total']), fmt['money_total'])
