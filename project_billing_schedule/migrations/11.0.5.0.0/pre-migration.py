"""11.0.5.0.0: contracts get an hours annex setting (new contracts: per
project). Existing contracts keep printing as before: no annex, until
someone chooses one."""


def migrate(cr, version):
    if version:
        cr.execute("ALTER TABLE project_contract ADD COLUMN IF NOT EXISTS annex_grouping VARCHAR")
        cr.execute("UPDATE project_contract SET annex_grouping = 'none' WHERE annex_grouping IS NULL")
