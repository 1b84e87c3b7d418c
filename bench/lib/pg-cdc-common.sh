# PostgreSQL functions of the change-replication scripts pg-cdc.sh, pg-cdc-kill-trials.sh and fault-trials.sh pg
# (sourced, not executed): clusters of their own, psql, fingerprints, row-write counters. The engine-independent
# part (Ferry, memory, reports) is lib/cdc-common.sh. Expects `set -euo pipefail` and BENCH_NAME set by the caller.

# shellcheck source=cdc-common.sh
. "$(dirname "${BASH_SOURCE[0]}")/cdc-common.sh"
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
export PGPASSWORD=bench
PG_SUPERUSER=postgres

# PostgreSQL refuses to run as root: as root, server processes run as the OS user postgres.
PG_OS_USER=$([ "$(id -u)" -eq 0 ] && echo postgres || id -un)
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# A work directory under /var/tmp (reachable by the postgres OS user, unlike /root).
make_workdir() {
    local dir
    dir="$(mktemp -d "/var/tmp/$1.XXXXXX")"
    chmod 755 "$dir"
    [ "$(id -u)" -eq 0 ] && chown "$PG_OS_USER" "$dir"
    echo "$dir"
}

# ---------------------------------------------------------------------------------------------------------------
# PostgreSQL clusters: pg_init NAME PORT_VAR WAL_LEVEL creates $WORK/NAME and starts it on a free port.

CDC_CLUSTERS=""
pg_init() {
    local name=$1 port_var=$2 wal_level=$3 dir="$WORK/$1" port
    printf '%s\n' "$PGPASSWORD" >"$WORK/pwfile"
    chown "$PG_OS_USER" "$WORK/pwfile" 2>/dev/null || true
    as_pg "$PGBIN/initdb" -D "$dir" -U "$PG_SUPERUSER" --pwfile="$WORK/pwfile" -E UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 >"$WORK/initdb-$name.log" 2>&1 ||
        { cat "$WORK/initdb-$name.log" >&2; die "initdb of the $name cluster failed"; }
    cat >>"$dir/postgresql.conf" <<EOF

# $BENCH_NAME: the same settings on every cluster of the run (fsync stays on)
listen_addresses = '127.0.0.1'
unix_socket_directories = '$WORK'
shared_buffers = 512MB
work_mem = 16MB
maintenance_work_mem = 256MB
max_wal_size = 4GB
checkpoint_timeout = 30min
max_connections = 100
wal_level = $wal_level
max_wal_senders = 10
max_replication_slots = 10
include_if_exists = 'port.conf'
EOF
    for attempt in 1 2 3 4 5; do
        free_port port
        printf "port = %s\n" "$port" >"$dir/port.conf"
        chown "$PG_OS_USER" "$dir/port.conf" 2>/dev/null || true
        if as_pg "$PGBIN/pg_ctl" -D "$dir" -l "$WORK/$name.log" -w -t 60 start >/dev/null 2>&1; then
            printf -v "$port_var" '%s' "$port"
            CDC_CLUSTERS="$CDC_CLUSTERS $name"
            return 0
        fi
        grep -q 'Address already in use\|could not create any TCP/IP sockets' "$WORK/$name.log" ||
            { tail -n 20 "$WORK/$name.log" >&2; die "the $name cluster did not start"; }
        log "port $port was taken; trying another (attempt $attempt)"
    done
    die "the $name cluster did not start: no usable port"
}

pg_stop_all() {
    local c
    for c in $CDC_CLUSTERS; do
        [ -f "$WORK/$c/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl" -D "$WORK/$c" -m immediate -w stop >/dev/null 2>&1
    done
    return 0
}

pg_uri() { echo "postgresql://$PG_SUPERUSER:$PGPASSWORD@127.0.0.1:$1/$2"; }

# psql_at PORT DB [psql args...]: quiet, stops at the first error.
psql_at() {
    local port=$1 db=$2
    shift 2
    PGOPTIONS="-c client_min_messages=warning" "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" \
        -U "$PG_SUPERUSER" -d "$db" "$@"
}

# One value: sql_value PORT DB SQL
sql_value() { psql_at "$1" "$2" -Atc "$3"; }

# "schema.table|rows|md5" for every table of a database, sorted: an order-independent content fingerprint.
table_fingerprints() {
    psql_at "$1" "$2" -At <<'SQL' | sort
SELECT format('SELECT %L || ''|'' || count(*) || ''|'' || coalesce(md5(string_agg(md5(t::text), '''' ORDER BY md5(t::text))), ''-'') FROM %I.%I t',
              n.nspname || '.' || c.relname, n.nspname, c.relname)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%' AND n.nspname NOT LIKE 'ferry%'
ORDER BY 1
\gexec
SQL
}

# "schema.sequence|last_value|is_called" for every sequence, sorted.
sequence_values() {
    psql_at "$1" "$2" -At <<'SQL' | sort
SELECT format('SELECT %L || ''|'' || last_value || ''|'' || is_called FROM %I.%I', n.nspname || '.' || c.relname, n.nspname, c.relname)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'S' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'ferry%'
ORDER BY 1
\gexec
SQL
}


# Row writes to the pgbench tables of database $2 since the cluster started: n_tup_ins + n_tup_upd + n_tup_del of
# pg_stat_user_tables summed over public.pgbench_* (so neither Ferry's bookkeeping schema nor the benchmark's own
# tables count).
pg_row_writes() {
    sql_value "$1" "$2" "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_user_tables
                         WHERE schemaname = 'public' AND relname LIKE 'pgbench\_%'"
}

# The same, once every writer has reported. A backend reports its counters at the end of a transaction but at most
# once a second; one that goes idle with counters pending reports them up to 10 s later (PGSTAT_IDLE_INTERVAL of
# PostgreSQL 15), and one that exits reports them on its way out. So: when no other connection or replication worker is
# connected to the database any more, two readings 0.5 s apart that agree are exact; otherwise the reading must stay
# the same for 11 s. Gives up after 60 s with the last reading (and says so).
pg_row_writes_settled() {
    local port=$1 db=$2 prev cur same_since t0 others
    t0=$(date +%s)
    prev=$(pg_row_writes "$port" "$db")
    same_since=$(date +%s)
    while true; do
        sleep 0.5
        cur=$(pg_row_writes "$port" "$db")
        if [ "$cur" != "$prev" ]; then prev=$cur; same_since=$(date +%s); continue; fi
        others=$(sql_value "$port" "$db" "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
                   AND pid <> pg_backend_pid() AND backend_type IN ('client backend', 'logical replication worker')")
        [ "$others" = 0 ] && break
        [ $(($(date +%s) - same_since)) -ge 11 ] && break
        if [ $(($(date +%s) - t0)) -ge 60 ]; then log "row-write counter of :$port still moving after 60 s; using $cur"; break; fi
    done
    echo "$cur"
}
