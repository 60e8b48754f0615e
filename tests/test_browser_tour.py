"""The README's tour on the demo data, and the screens issue 15 asks for,
in a real browser: the Website relaunch contract's funding and billing
rules, Apply billing rules, removing a transaction from the proposal wizard,
periodic invoicing's preview, the approver's and the reviewer's menus."""
import re

from odoo_ui import (
    button,
    create,
    expect_status,
    field_input,
    login,
    many2one,
    menu,
    open_periodic_invoicing,
    open_record,
    save,
    wait_idle,
)
from playwright.sync_api import expect

CONTRACTS = ('project.menu_main_pm', 'project_billing_schedule.menu_project_contract')


def _proposals(srv, name, hours, **contract):
    """Proposals of `hours` of work on a new active T&M contract '<name>
    contract' of customer '<name> customer' (set up over XML-RPC)."""
    customer = srv.execute('res.partner', 'create', {'name': name + ' customer', 'customer': True})
    contract = srv.execute('project.contract', 'create', dict(
        contract, name=name + ' contract', partner_id=customer, state='active'))
    project = srv.execute('project.project', 'create', {
        'name': name + ' project', 'project_invoice_type': 'time_material', 'contract_id': contract})
    employee = srv.execute('hr.employee', 'search', [('user_id', '!=', False)], limit=1)[0]
    srv.execute('account.analytic.line', 'create', {
        'name': name + ' work', 'project_id': project, 'employee_id': employee,
        'unit_amount': hours, 'date': '2026-11-02'})
    return srv.execute('project.contract', 'create_invoice_proposals', [contract], '2026-11-30')


def notebook_tab(page, label):
    page.locator('.o_notebook .nav-tabs a >> visible=true', has_text=label).first.click()
    wait_idle(page)


def test_tour_website_relaunch(page, odoo_server):
    shot = page.shots
    # hours still to invoice, whatever ran on the demo data before
    srv = odoo_server
    project = srv.execute('project.project', 'search', [('name', '=', 'Website relaunch')])[0]
    employee = srv.execute('hr.employee', 'search', [('user_id', '!=', False)], limit=1)[0]
    srv.execute('account.analytic.line', 'create', {
        'name': 'Tour hours', 'project_id': project, 'employee_id': employee, 'unit_amount': 1.0,
        'date': '2026-11-02'})
    login(page, odoo_server)
    menu(page, *CONTRACTS)
    page.locator('.o_searchview_input').type('Website relaunch')
    page.wait_for_selector('.o_searchview_autocomplete >> visible=true')
    page.keyboard.press('Enter')
    wait_idle(page)
    page.locator('tr.o_data_row', has_text='Website relaunch').first.click()
    wait_idle(page)
    # Funding: the two sources and the 70/30 rule, read in the contract
    notebook_tab(page, 'Funding')
    rules = page.locator('.o_field_widget[name="funding_rule_ids"]')
    expect(rules).to_contain_text('Customer 70 %, grant 30 %')
    expect(rules).to_contain_text('70 % (rounding)')
    expect(rules).to_contain_text('Regional Innovation Fund 30 %')
    expect(page.locator('button >> visible=true', has_text='Edit funding rules')).to_be_visible()
    shot('tour-funding')
    # Billing rules: the quarterly rule the tour points to, applied now
    notebook_tab(page, 'Billing rules')
    expect(page.locator('.o_field_widget[name="billing_rule_ids"]')).to_contain_text(
        'Quarterly progress billing')
    button(page, 'Apply billing rules')
    modal = page.locator('.modal-dialog >> visible=true')
    expect(modal.locator('.modal-title')).to_have_text('Billing rules applied')
    expect(modal).to_contain_text('Quarterly progress billing')
    expect(modal.locator('td', has_text=re.compile(r'(Next threshold|reached)'))).to_have_count(1)
    shot('tour-billing-rules-applied')
    modal.locator('button', has_text='Close').click()
    wait_idle(page)
    # Create invoice proposals: a line that should not be invoiced goes with its bin icon
    button(page, 'Create invoice proposals')
    modal = page.locator('.modal-dialog >> visible=true')
    rows = modal.locator('.o_field_widget[name="transaction_ids"] tr.o_data_row')
    expect(rows.first).to_be_visible()
    before = rows.count()
    rows.first.locator('.o_list_record_delete').click()
    wait_idle(page)
    expect(rows).to_have_count(before - 1)
    shot('tour-proposal-wizard')
    modal.locator('.modal-footer button', has_text='Cancel').click()
    wait_idle(page)


def test_periodic_invoicing_is_explicit_and_previewed(page, odoo_server):
    login(page, odoo_server)
    modal = open_periodic_invoicing(page, all_active=False)
    expect(modal.locator('.o_field_widget[name="preview_contract_count"]')).to_have_text('0')
    modal.locator('.o_field_widget[name="scope"] label', has_text='All active contracts').click()
    wait_idle(page)
    active = odoo_server.execute('project.contract', 'search_count', [('state', '=', 'active')])
    expect(modal.locator('.o_field_widget[name="preview_contract_count"]')).to_have_text(str(active))
    expect(modal.locator('.o_field_many2manytags[name="contract_ids"]')).to_be_hidden()
    page.shots('periodic-preview')
    modal.locator('.modal-footer button', has_text='Close').click()


def test_approver_sees_the_invoices_they_approve(page, odoo_server):
    login(page, odoo_server, 'approver', 'approver')
    menu(page, 'project_invoice_pool.menu_approval_root',
         'project_invoice_pool.menu_approval_mine')
    expect(page.locator('.o_searchview .o_facet_values')).to_contain_text('Approved by me')
    expect(page.locator('.o_list_view')).to_be_visible()
    page.shots('approver-approved-by-me')
    menu(page, 'project_invoice_pool.menu_approval_register')
    expect(page.locator('.o_list_view')).to_be_visible()
    expect(page.locator('.o_list_button_add')).to_be_hidden()          # read only
    # nothing of accounting beyond it
    expect(page.locator('a[data-menu-xmlid="account.menu_finance"]')).to_have_count(0)


def test_reviewer_menu_and_counter(page, odoo_server):
    srv = odoo_server
    # a proposal in review (setup over RPC): an admin submits, the reviewer reviews
    proposals = _proposals(srv, 'Review', 2.0, review_required=True)
    srv.execute('project.invoice.proposal', 'action_submit', proposals)
    waiting = srv.execute_as('reviewer', 'project.invoice.proposal', 'search_count',
                             [('state', '=', 'review'), ('reviewer_ids', 'in', [srv.uid('reviewer', 'reviewer')])])

    login(page, srv, 'reviewer', 'reviewer')
    counter = page.locator('.o_notification_counter >> visible=true').last
    menu(page, 'project.menu_main_pm', 'project_billing_schedule.menu_invoice_proposal_to_review')
    expect(page.locator('.o_searchview .o_facet_values')).to_contain_text('To review by me')
    expect(page.locator('tr.o_data_row')).to_have_count(waiting)
    expect(page.locator('tr.o_data_row', has_text='Review contract').first).to_be_visible()
    expect(counter).to_have_text(str(waiting))                           # OCA's Reviews counter
    expect(page.locator('.o_list_view thead th', has_text='Transaction type')).to_have_count(1)
    page.shots('reviewer-to-review')
    page.locator('tr.o_data_row', has_text='Review contract').first.click()
    wait_idle(page)
    button(page, 'Reject')
    modal = page.locator('.modal-dialog >> visible=true')
    expect(modal.locator('.modal-title')).to_have_text('Reject invoice proposal')
    page.shots('reviewer-reject-dialog')
    modal.locator('.modal-footer button', has_text='Cancel').click()
    wait_idle(page)


def test_funding_set_up_of_a_new_contract(page, odoo_server):
    """A new contract: sources typed in before the contract is saved are
    selectable in a rule; a rule over 100 % is refused when the rule is
    saved; activation waits for funding of every transaction type."""
    srv = odoo_server
    login(page, srv)
    menu(page, *CONTRACTS)
    create(page)
    page.locator('.o_field_widget[name="name"] >> visible=true').first.fill('Funding set-up')
    many2one(page, 'partner_id', 'Agrolait')
    notebook_tab(page, 'Funding')
    sources = '.o_field_widget[name="funding_source_ids"]'
    for partner in ('Agrolait', 'Regional Innovation Fund'):
        page.locator(sources + ' .o_field_x2many_list_row_add a').click()
        many2one(page, 'partner_id', partner, scope=sources + ' .o_selected_row')
    page.shots('funding-new-contract')
    button(page, 'Edit funding rules')                     # saves the contract first
    expect(page.locator('.o_control_panel .breadcrumb')).to_contain_text('Funding rules')
    expect(page.locator('tr.o_data_row')).to_have_count(0)
    # activation is refused while no rule funds the transactions
    page.locator('.o_control_panel .breadcrumb li a', has_text='Funding set-up').click()
    wait_idle(page)
    button(page, 'Activate')
    dialog = page.locator('.modal-dialog >> visible=true')
    expect(dialog).to_contain_text('no funding rule covers Hours, Expenses, Items, Fees, On-account')
    page.shots('funding-activation-refused')
    dialog.locator('button', has_text='Ok').click()
    wait_idle(page)
    # a rule: both new sources selectable, checked when it is saved
    notebook_tab(page, 'Funding')
    button(page, 'Edit funding rules')
    create(page)
    page.locator('.o_field_widget[name="name"] >> visible=true').first.fill('Grant half')
    allocations = '.o_field_widget[name="allocation_ids"]'
    for partner, percent in (('Agrolait', '50'), ('Regional Innovation Fund', '60')):
        page.locator(allocations + ' .o_field_x2many_list_row_add a').click()
        row = allocations + ' .o_selected_row'
        many2one(page, 'source_id', partner, scope=row)
        field_input(page, 'percent', percent, scope=row)
    page.locator(allocations + ' .o_selected_row .o_field_widget[name="is_rounding"] input').check()
    page.locator('.o_form_button_save >> visible=true').first.click()
    dialog = page.locator('.modal-dialog >> visible=true')
    expect(dialog).to_contain_text('total 110.0 %')       # refused when the rule is saved
    page.shots('funding-rule-over-100')
    dialog.locator('button', has_text='Ok').click()
    wait_idle(page)
    page.locator(allocations + ' tr.o_data_row').nth(1).locator('td').nth(2).click()
    field_input(page, 'percent', '50', scope=allocations + ' .o_selected_row')
    save(page)
    expect(page.locator('.o_field_widget[name="allocation_ids"]')).to_contain_text('50.0000')
    page.locator('.o_control_panel .breadcrumb li a', has_text='Funding set-up').click()
    wait_idle(page)
    expect(page.locator('.o_field_widget[name="funding_rule_ids"]')).to_contain_text(
        'Agrolait 50 %, Regional Innovation Fund 50 % (rounding)')
    button(page, 'Activate')
    expect_status(page, 'Active')
    page.shots('funding-activated')


def test_posting_preview(page, odoo_server):
    """Preview posting on a proposal: the journal items per funding source,
    balanced, the same over XML-RPC as on screen; nothing is posted."""
    srv = odoo_server
    proposals = _proposals(srv, 'Preview', 3.0)
    action = srv.execute('project.invoice.proposal', 'action_preview_posting', proposals)
    lines = srv.execute('project.posting.preview.line', 'search_read', action['domain'],
                        ['debit', 'credit'])
    debit = round(sum(line['debit'] for line in lines), 2)
    assert debit == round(sum(line['credit'] for line in lines), 2) > 0
    assert srv.execute('project.invoice.proposal', 'read', proposals, ['state'])[0]['state'] == 'draft'

    login(page, srv)
    open_record(page, srv, 'project.invoice.proposal', proposals[0])
    expect(page.locator('.o_form_view')).to_contain_text('Preview contract')
    button(page, 'Preview posting')
    expect(page.locator('.o_control_panel .breadcrumb')).to_contain_text('Posting preview')
    group = page.locator('.o_group_header').first
    expect(group).to_contain_text('Preview customer')
    total = '{:,.2f}'.format(debit)
    expect(group).to_contain_text(total)
    group.click()                                   # the source's proposal
    wait_idle(page)
    page.locator('.o_group_header').nth(1).click()  # its journal items
    wait_idle(page)
    expect(page.locator('tr.o_data_row')).to_have_count(len(lines))
    page.shots('posting-preview')
    assert srv.execute('project.invoice.proposal', 'read', proposals,
                       ['state', 'invoice_id'])[0]['invoice_id'] is False
