"""The billing ledger through the web client: re-pricing next to retention,
a fee whose quantity is edited, invoice control's figures (issue cases 10,
11 and 12), clicked and typed as an accountant does."""
import time

from odoo_ui import button, field_input, login, menu, open_record, save, wait_idle
from playwright.sync_api import expect


def _contract(srv, tag):
    """A contract funded 60/40, the customer withholding 10 %, with 10 h of
    work at 100.00 (set up over XML-RPC)."""
    customer = srv.execute('res.partner', 'create', {'name': 'UI customer ' + tag, 'customer': True})
    grant = srv.execute('res.partner', 'create', {'name': 'UI grant ' + tag, 'customer': True})
    hours = srv.execute('product.product', 'create', {
        'name': 'UI hours ' + tag, 'type': 'service', 'list_price': 100.0, 'taxes_id': [(6, 0, [])]})
    contract = srv.execute('project.contract', 'create', {
        'name': 'UI contract ' + tag, 'partner_id': customer, 'hour_product_id': hours,
        'state': 'active', 'contract_value': 20000.0})
    src = srv.execute('project.funding.source', 'search', [('contract_id', '=', contract)])[0]
    srv.execute('project.funding.source', 'write', [src], {'retention_percent': 10.0})
    grant_src = srv.execute('project.funding.source', 'create', {
        'contract_id': contract, 'partner_id': grant, 'funding_type': 'grant'})
    rule = srv.execute('project.funding.rule', 'search', [('contract_id', '=', contract)])[0]
    alloc = srv.execute('project.funding.allocation', 'search', [('rule_id', '=', rule)])[0]
    srv.execute('project.funding.rule', 'write', [rule], {'allocation_ids': [
        (1, alloc, {'percent': 60.0}), (0, 0, {'source_id': grant_src, 'percent': 40.0})]})
    project = srv.execute('project.project', 'create', {
        'name': 'UI project ' + tag, 'project_invoice_type': 'time_material', 'contract_id': contract})
    employee = srv.execute('hr.employee', 'create', {'name': 'UI employee ' + tag})
    srv.execute('account.analytic.line', 'create', {
        'name': 'Design work', 'project_id': project, 'employee_id': employee, 'unit_amount': 10.0,
        'date': time.strftime('%Y-%m-%d')})
    proposals = srv.execute('project.contract', 'create_invoice_proposals', [contract])
    by_partner = dict((p['partner_id'][0], p['id']) for p in srv.execute(
        'project.invoice.proposal', 'read', proposals, ['partner_id']))
    return contract, by_partner[customer], by_partner[grant]


def _total(page):
    return page.locator('.o_form_view .o_field_widget[name="amount_total"]').first


def test_reprice_with_retention_fee_quantity_and_invoice_control(page, odoo_server):
    srv, shot = odoo_server, page.shots
    tag = str(int(time.time() * 1000))
    contract, customer, grant = _contract(srv, tag)
    login(page, srv)

    # 10: change the hour price on the grant's proposal (no retention there)
    open_record(page, srv, 'project.invoice.proposal', grant)
    expect(_total(page)).to_contain_text('400.00')
    page.locator('.o_form_button_edit >> visible=true').first.click()
    page.locator('.o_field_widget[name="line_ids"] tr.o_data_row', has_text='Design work') \
        .locator('td.o_data_cell').nth(3).click()
    field_input(page, 'sales_price', '110', scope='.o_selected_row')
    shot('grant-price-changed')
    save(page)
    expect(page.locator('.o_notification_manager .o_notification, .modal-dialog')).to_have_count(0)
    expect(_total(page)).to_contain_text('440.00')
    # the customer's share followed, its retention too: 660 - 66
    open_record(page, srv, 'project.invoice.proposal', customer)
    expect(_total(page)).to_contain_text('594.00')
    shot('customer-followed')

    # 11: a fee of 2 x 150.00, then 1: the total and the invoice follow
    page.locator('.o_form_button_edit >> visible=true').first.click()
    page.locator('.o_field_widget[name="line_ids"] .o_field_x2many_list_row_add a').first.click()
    field_input(page, 'name', 'Workshop', scope='.o_selected_row')
    field_input(page, 'quantity', '2', scope='.o_selected_row')
    field_input(page, 'sales_price', '150', scope='.o_selected_row')
    page.locator('.o_form_view .oe_title').first.click()          # leave the cell: onchange runs
    wait_idle(page)
    expect(page.locator('.o_field_widget[name="line_ids"] tr.o_data_row', has_text='Workshop')) \
        .to_contain_text('300.00')
    save(page)
    expect(_total(page)).to_contain_text('864.00')                # (660 + 300) less 10 %
    page.locator('.o_form_button_edit >> visible=true').first.click()
    page.locator('.o_field_widget[name="line_ids"] tr.o_data_row', has_text='Workshop') \
        .locator('td.o_data_cell').nth(3).click()
    field_input(page, 'quantity', '1', scope='.o_selected_row')
    save(page)
    expect(_total(page)).to_contain_text('729.00')                # (660 + 150) less 10 %
    shot('fee-quantity-changed')
    button(page, 'Post')
    expect(page.locator('.o_statusbar_status .btn-primary >> visible=true').first).to_contain_text('Posted')
    invoice = srv.execute('project.invoice.proposal', 'read', [customer], ['invoice_id'])[0]['invoice_id'][0]
    lines = srv.execute('account.invoice.line', 'search_read', [('invoice_id', '=', invoice)],
                        fields=['name', 'quantity', 'price_unit'])
    fee = [l for l in lines if l['name'] == 'Workshop'][0]
    assert (fee['quantity'], fee['price_unit']) == (1.0, 150.0)

    # 12: invoice control splits the hours: invoiced 660 (customer), in proposal 440 (grant)
    menu(page, 'project.menu_main_pm', 'project_billing_schedule.menu_invoice_control')
    page.locator('.o_cp_switch_list >> visible=true').first.click()
    wait_idle(page)
    search = page.locator('.o_searchview_input')
    search.click()
    search.press_sequentially('UI contract ' + tag, delay=10)
    page.locator('.o_searchview_autocomplete li >> visible=true').first.wait_for()
    page.keyboard.press('Enter')                                  # "Search Contract for: ..."
    wait_idle(page)
    expect(page.locator('.o_list_view tr.o_data_row')).to_have_count(4)
    rows = page.locator('.o_list_view tr.o_data_row')
    expect(rows.filter(has_text='Invoiced').filter(has_text='Hours')).to_contain_text('660.00')
    expect(rows.filter(has_text='Invoiced').filter(has_text='Fees')).to_contain_text('150.00')
    expect(rows.filter(has_text='In proposal')).to_contain_text('440.00')
    expect(rows.filter(has_text='Contract value')).to_contain_text('20,000.00')
    shot('invoice-control')
    footer = page.locator('.o_list_view tfoot').inner_text()
    assert '1,250.00' in footer and '20,000.00' in footer, footer
