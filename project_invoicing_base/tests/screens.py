"""What a user's screens need, checked as that user without a browser: the
menu is reachable (it and every parent visible), and the records of its
action read with every field its list and form views show (an AccessError
on a field's comodel is what the user would get as an error dialog)."""
from lxml import etree


def assert_menu_visible(case, user, menu_xmlid):
    menu = case.env.ref(menu_xmlid)
    visible = case.env['ir.ui.menu'].sudo(user)._visible_menu_ids()
    chain = menu
    while chain:
        case.assertIn(chain.id, visible, '%s: menu %s is hidden from %s'
                      % (menu_xmlid, chain.complete_name, user.login))
        chain = chain.parent_id
    return menu


def _own_fields(node):
    """The <field> nodes of a view that are not inside another field's subview."""
    for child in node:
        if child.tag == 'field':
            yield child
        elif isinstance(child.tag, str):
            for sub in _own_fields(child):
                yield sub


def read_as_view(records, arch_node):
    """Read `records` with the fields `arch_node` shows, then the records of
    each x2many field with the fields of its subview, as the client does."""
    shown = [node for node in _own_fields(arch_node) if node.get('name') in records._fields]
    records.read(sorted(set(node.get('name') for node in shown)))
    for node in shown:
        field = records._fields[node.get('name')]
        subviews = [child for child in node if child.tag in ('tree', 'form')]
        if field.type in ('one2many', 'many2many') and subviews:
            for sub in subviews:
                read_as_view(records.mapped(field.name), sub)


def assert_action_readable(case, user, action_xmlid, min_records=1):
    """Open the action as `user`: search it with its domain and read its
    records with the fields of its list and form views."""
    action = case.env.ref(action_xmlid)
    model = case.env[action.res_model].sudo(user)
    domain = eval(action.domain or '[]', {'uid': user.id})  # noqa: S307 (own data)
    records = model.search(domain)
    case.assertGreaterEqual(len(records), min_records, '%s shows %s nothing'
                            % (action_xmlid, user.login))
    tree_view = action.view_id if action.view_id.type == 'tree' else None
    for view_type, view in (('tree', tree_view), ('form', None)):
        arch = model.fields_view_get(view_id=view.id if view else None, view_type=view_type)
        read_as_view(records, etree.fromstring(arch['arch']))
    return records
