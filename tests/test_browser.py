"""The two user flows replayed in a real browser (headless Chromium),
through the menus, clicking and typing as a user does."""
import time

from odoo_ui import (
    button,
    create,
    expect_status,
    field_input,
    field_text,
    login,
    many2one,
    menu,
    save,
    stat_button,
    wait_idle,
)
from playwright.sync_api import expect


def test_invoice_pool_task_guide(page, odoo_server):
    """The seed task guide: PO 1001 / S0001 / 75.00, register with approver,
    invoice pool, Purchase order, Update matching status, post, vendor
    transactions."""
    number = 'WEB-%d' % (time.time() * 1000)
    shot = page.shots
    login(page, odoo_server)

    # Create a purchase order and confirm it
    menu(page, 'purchase.menu_purchase_root', 'purchase.menu_purchase_form_action')
    create(page)
    many2one(page, 'partner_id', '1001')
    page.locator('.o_field_x2many_list_row_add a >> visible=true').first.click()
    many2one(page, 'product_id', 'S0001', scope='.o_selected_row')
    field_input(page, 'price_unit', '75.00', scope='.o_selected_row')
    shot('purchase-order')
    save(page)
    button(page, 'Confirm Order')
    expect_status(page, 'Purchase Order')
    po_name = field_text(page, 'name')
    expect(page.locator('.o_field_widget[name="amount_total"]')).to_contain_text('75.00')
    shot('purchase-order-confirmed')

    # Key the invoice into the invoice register and post it
    menu(page, 'account.menu_finance', 'account.menu_finance_payables_documents',
         'project_invoice_pool.menu_invoice_register')
    create(page)
    page.locator('.o_field_x2many_list_row_add a >> visible=true').first.click()
    row = '.o_selected_row'
    many2one(page, 'partner_id', '1001', scope=row)
    field_input(page, 'vendor_invoice_number', number, scope=row)
    field_input(page, 'name', 'Consulting as ordered', scope=row)
    field_input(page, 'amount', '75.00', scope=row)
    many2one(page, 'purchase_id', po_name, scope=row)
    many2one(page, 'approver_id', 'Ann Approver', scope=row)
    shot('register')
    save(page)
    button(page, 'Post')
    expect_status(page, 'Posted')
    expect(page.locator('.o_field_widget[name="line_ids"]')).to_contain_text('In pool')
    shot('register-posted')
    # the entry opens in its own view, with its debit and credit lines
    button(page, 'Open entry', scope='.o_field_widget[name="line_ids"]')
    expect(page.locator('.o_form_view .o_field_widget[name="line_ids"]')).to_contain_text(
        'Pending vendor invoices')
    expect(page.locator('.o_form_view .o_field_widget[name="line_ids"]')).to_contain_text('75.00')
    shot('register-entry')
    page.locator('.o_control_panel .breadcrumb li a >> visible=true').first.click()
    wait_idle(page)

    # Open it from the invoice pool: Purchase order creates the vendor bill
    menu(page, 'project_invoice_pool.menu_invoice_pool')
    entry = page.locator('tr.o_data_row', has_text=number)
    expect(entry).to_contain_text('75.00')
    shot('invoice-pool')
    entry.locator('button', has_text='Purchase order').click()    # a labelled button
    wait_idle(page)
    expect(page.locator('.o_field_widget[name="reference"]')).to_contain_text(number)
    expect(page.locator('.o_field_widget[name="amount_total"]')).to_contain_text('75.00')
    button(page, 'Update matching status')
    expect(page.locator('.alert-success >> visible=true')).to_contain_text('Matched')
    shot('matching-status')
    button(page, 'Validate')
    expect_status(page, 'Open')
    shot('bill-posted')

    # The vendor's transactions: register posting, its reversal, the bill
    menu(page, 'purchase.menu_purchase_root', 'purchase.menu_procurement_management_supplier_name')
    page.locator('.o_searchview_input').fill('1001')
    page.keyboard.press('Enter')
    wait_idle(page)
    page.locator('.o_kanban_record', has_text='1001').first.click()
    wait_idle(page)
    stat_button(page, 'Transactions')
    rows = page.locator('tr.o_data_row', has_text=number)
    expect(rows.first).to_be_visible()
    text = page.locator('.o_list_view').inner_text()
    assert text.count(number) >= 3, text                    # register, reversal, bill
    expect(page.locator('.o_list_view thead th', has_text='Account')).to_have_count(1)
    assert 'Pending vendor invoices' in text
    assert 'reversal of' in text
    shot('vendor-transactions')


def test_project_invoice_proposal(page, odoo_server):
    """From a T&M project with timesheets: create the proposal, change one
    sales price, submit, approve, post; open the invoice and its PDF."""
    srv = odoo_server
    shot = page.shots
    tag = str(int(time.time() * 1000))
    # a fresh contract and project like the demo's, with timesheets (setup, over RPC)
    customer = srv.execute('res.partner', 'create', {'name': 'Browser customer ' + tag, 'customer': True})
    contract = srv.execute('project.contract', 'create', {
        'name': 'Browser contract ' + tag, 'partner_id': customer, 'review_required': True,
        'state': 'active'})
    project = srv.execute('project.project', 'create', {
        'name': 'Browser project ' + tag, 'project_invoice_type': 'time_material',
        'contract_id': contract})
    employee = srv.execute('hr.employee', 'search', [('user_id', '!=', False)], limit=1)[0]
    for hours in (3.0, 5.0):
        srv.execute('account.analytic.line', 'create', {
            'name': 'Analysis', 'project_id': project, 'employee_id': employee,
            'unit_amount': hours, 'date': time.strftime('%Y-%m-%d')})

    login(page, srv)
    menu(page, 'project.menu_main_pm', 'project_billing_schedule.menu_project_contract')
    page.locator('tr.o_data_row', has_text='Browser contract ' + tag).click()
    wait_idle(page)
    shot('contract')
    button(page, 'Create invoice proposals')
    modal = page.locator('.modal-dialog >> visible=true')
    expect(modal.locator('.o_field_widget[name="transaction_ids"]')).to_contain_text('Analysis')
    shot('proposal-wizard')
    button(page, 'Create proposals', scope='.modal-dialog')
    expect(page.locator('.o_field_widget[name="amount_total"]').first).to_contain_text('800.00')
    shot('proposal')

    # change the sales price of the first hour line
    page.locator('.o_form_button_edit >> visible=true').first.click()
    page.locator('.o_field_widget[name="line_ids"] tr.o_data_row td.o_data_cell').nth(4).click()
    field_input(page, 'sales_price', '120', scope='.o_selected_row')
    save(page)
    expect(page.locator('.o_field_widget[name="amount_total"]').first).to_contain_text('860.00')
    shot('proposal-price-changed')

    button(page, 'Submit for review')
    expect_status(page, 'In review')
    # four-eyes: whoever submitted does not approve
    button(page, 'Approve')
    dialog = page.locator('.modal-dialog >> visible=true')
    expect(dialog).to_contain_text('four-eyes')
    shot('proposal-four-eyes')
    dialog.locator('button', has_text='Ok').first.click()
    wait_idle(page)
    expect_status(page, 'In review')
    proposal = srv.execute('project.invoice.proposal', 'search', [('contract_id', '=', contract)])
    srv.execute_as('reviewer', 'project.invoice.proposal', 'action_approve', proposal)
    page.reload()
    wait_idle(page)
    expect_status(page, 'Approved')
    button(page, 'Post')
    expect_status(page, 'Posted')
    shot('proposal-posted')

    page.locator('.o_field_widget[name="invoice_id"] >> visible=true').first.click()
    wait_idle(page)
    expect_status(page, 'Open')
    expect(page.locator('.o_field_widget[name="amount_total"]').first).to_contain_text('860.00')
    shot('customer-invoice')
    # reloaded (F5) or opened from a saved link: still the customer invoice form
    assert 'action=' in page.url, page.url
    page.reload()
    wait_idle(page)
    expect(page.locator('.o_form_view label.o_form_label', has_text='Customer').first).to_be_visible()
    expect(page.locator('.o_form_view label.o_form_label', has_text='Vendor')).to_have_count(0)
    invoice_id = srv.execute('project.invoice.proposal', 'search_read',
                             [('contract_id', '=', contract)], fields=['invoice_id'])[0]['invoice_id'][0]
    pdf = page.request.get('%s/report/pdf/project_billing_schedule.report_project_invoice/%d'
                           % (srv.url, invoice_id))
    assert pdf.status == 200
    assert pdf.headers['content-type'] == 'application/pdf'
    body = pdf.body()
    assert body.startswith(b'%PDF')
    with open(page.shots.dir + '/invoice.pdf', 'wb') as f:
        f.write(body)
