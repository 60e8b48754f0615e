"""A second company with its own chart of accounts and currency, for the
addons' two-company tests."""


def make_company(env, name, currency_ref='base.EUR'):
    """Company `name` in `currency_ref`, with Odoo's generic chart loaded for
    it (accounts, journals and properties of its own), and the superuser
    allowed in it."""
    currency = env.ref(currency_ref)
    currency.active = True
    company = env['res.company'].create({'name': name, 'currency_id': currency.id})
    env.user.company_ids |= company
    chart = env.ref('l10n_generic_coa.configurable_chart_template')
    wizard = env['wizard.multi.charts.accounts'].create({
        'company_id': company.id, 'chart_template_id': chart.id,
        'code_digits': chart.code_digits, 'transfer_account_id': chart.transfer_account_id.id,
        'currency_id': currency.id, 'bank_account_code_prefix': chart.bank_account_code_prefix,
        'cash_account_code_prefix': chart.cash_account_code_prefix})
    wizard.onchange_chart_template_id()
    wizard.execute()
    return company


def make_user(env, login, company, groups):
    """A user of `company` only, in Employee and the given groups."""
    return env['res.users'].with_context(no_reset_password=True).create({
        'name': login, 'login': login, 'email': '%s@example.com' % login,
        'company_id': company.id, 'company_ids': [(6, 0, company.ids)],
        'groups_id': [(6, 0, [env.ref('base.group_user').id] + [env.ref(g).id for g in groups])]})
