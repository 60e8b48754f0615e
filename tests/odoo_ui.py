"""Small helpers to drive the Odoo 11 web client as a user does."""
import re

from playwright.sync_api import expect


def login(page, server, login='admin', password='admin'):
    page.goto(server.url + '/web/login')
    page.fill('input[name=login]', login)
    page.fill('input[name=password]', password)
    page.click('button[type=submit]')
    page.wait_for_selector('a[data-menu-xmlid]')


def open_record(page, server, model, res_id):
    """The form of one record, by its address. A full page load (the query
    string differs from the current page's): a hash change alone can be
    lost while the client is still opening its home action."""
    page.goto('%s/web?open=%s#model=%s&id=%d&view_type=form' % (
        server.url, res_id, model, res_id))
    page.wait_for_selector('.o_form_view')
    wait_idle(page)


def breadcrumb(page):
    crumbs = page.locator('.o_control_panel .breadcrumb >> visible=true')
    return crumbs.first.inner_text().strip() if crumbs.count() else ''


def menu(page, *xmlids):
    """Click through the menus: the app in the top bar, then sections and
    the leaf in the left menu; returns once the leaf's view has replaced the
    previous one (its breadcrumb shows)."""
    for xmlid in xmlids:
        link = page.locator('a[data-menu-xmlid="%s"] >> visible=true' % xmlid).first
        before = breadcrumb(page)
        is_leaf = 'oe_menu_leaf' in (link.get_attribute('class') or '')
        link.click()
        if is_leaf:
            title = link.inner_text().strip()
            page.wait_for_function(
                '([before, title]) => { const b = document.querySelector(".o_control_panel .breadcrumb");'
                ' return b && b.offsetParent && (b.innerText.trim() !== before || b.innerText.includes(title)); }',
                arg=[before, title])
        wait_idle(page)


def create(page):
    """Click Create in a list or form and wait for the new record's form."""
    page.locator('.o_list_button_add, .o_form_button_create').locator('visible=true').first.click()
    page.wait_for_selector('.o_form_view.o_form_editable')
    wait_idle(page)


def wait_idle(page):
    """Wait for the web client's RPCs to finish (not 'networkidle': the
    longpolling bus always keeps a request open)."""
    page.wait_for_timeout(250)
    page.wait_for_selector('.o_loading', state='hidden')
    page.wait_for_selector('.blockUI', state='detached')


def button(page, label, scope=''):
    """Click the visible button whose label is exactly `label` (Odoo 11
    renders form buttons without their method name)."""
    exact = re.compile(r'^\s*%s\s*$' % re.escape(label))
    page.locator('%s button >> visible=true' % scope).filter(has_text=exact).first.click()
    wait_idle(page)


def many2one(page, field, text, scope=''):
    """Type in a many2one and pick the first suggestion that contains `text`."""
    box = page.locator('%s .o_field_widget[name="%s"] input >> visible=true' % (scope, field)).first
    box.click()
    box.fill(text)
    page.locator('ul.ui-autocomplete li a >> visible=true', has_text=text).first.click()


def field_input(page, field, value, scope=''):
    # plain fields are <input name=...>; monetary ones wrap it in <div name=...>
    box = page.locator('{0} input[name="{1}"], {0} div[name="{1}"] input'.format(scope, field)) \
        .locator('visible=true').first
    box.click()
    box.fill(str(value))


def save(page):
    page.locator('.o_form_button_save >> visible=true').first.click()
    page.wait_for_selector('.o_form_button_edit >> visible=true')
    wait_idle(page)


def status(page):
    return page.locator('.o_statusbar_status .btn-primary >> visible=true').first.inner_text().strip()


def expect_status(page, text):
    expect(page.locator('.o_statusbar_status .btn-primary >> visible=true').first).to_have_text(
        re.compile(r'\s*%s\s*' % re.escape(text)))


def field_text(page, field, scope='.o_form_view'):
    return page.locator('%s .o_field_widget[name="%s"] >> visible=true' % (scope, field)).first.inner_text().strip()


def stat_button(page, label):
    """A smart button of the form's button box ("12 Transactions")."""
    page.locator('.oe_button_box button >> visible=true').filter(has_text=label).first.click()
    wait_idle(page)


def open_periodic_invoicing(page, all_active=True):
    """Project > Invoicing > Periodic invoicing (a dialog, not a view with a
    breadcrumb); with `all_active`, choose "All active contracts"."""
    menu(page, 'project.menu_main_pm')
    page.locator('a[data-menu-xmlid="project_billing_schedule.menu_periodic_invoicing"]').click()
    modal = page.locator('.modal-dialog >> visible=true')
    expect(modal.locator('.modal-title')).to_have_text('Periodic invoicing')
    modal.locator('.modal-title').click()          # closes the date picker of "Up to"
    wait_idle(page)
    if all_active:
        modal.locator('.o_field_widget[name="scope"] label', has_text='All active contracts').click()
        wait_idle(page)
    return modal
