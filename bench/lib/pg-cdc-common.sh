# Shared helpers of the continuous-replication scripts pg-cdc.sh and pg-cdc-kill-trials.sh (sourced, not executed).
# Expects `set -euo pipefail` and BENCH_NAME set by the caller. Self-contained: it does not source common.sh.

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
RESULTS_DIR="$BENCH_DIR/results"
STAMP="$(date +%Y%m%d-%H%M%S)"
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
export PGPASSWORD=bench
PG_SUPERUSER=postgres

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
step() { printf '\n[%s] === %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf '[%s] ERROR: %s\n' "$(date +%H:%M:%S)" "$*" >&2; exit 1; }

need_cmd() {
    local c
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || [ -x "$c" ] || die "'$c' not found; install it (see bench/README.md)"
    done
}

# PostgreSQL refuses to run as root: as root, server processes run as the OS user postgres.
PG_OS_USER=$([ "$(id -u)" -eq 0 ] && echo postgres || id -un)
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Sets the variable named $1 to a free TCP port in 15000-32000 that this run did not hand out yet.
CDC_PORTS_TAKEN=" "
free_port() {
    local _var=$1 _port _listening
    _listening=" $(ss -Htan 2>/dev/null | awk '{n=split($4,a,":"); print a[n]}' | sort -u | tr '\n' ' ') "
    for _ in $(seq 1 500); do
        _port=$((15000 + RANDOM % 17000))
        case "$_listening$CDC_PORTS_TAKEN" in *" $_port "*) continue ;; esac
        CDC_PORTS_TAKEN="$CDC_PORTS_TAKEN$_port "
        printf -v "$_var" '%s' "$_port"
        return 0
    done
    die "no free TCP port found"
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

# ---------------------------------------------------------------------------------------------------------------
# Ferry: ferry_prepare DIR builds Ferry through ./ferry when needed (retrying while someone else's half-finished code
# breaks the build), then copies the jar and lib/ to DIR so that a rebuild during the run changes nothing.

FERRY_JAVA=""
FERRY_JAR=""
ferry_prepare() {
    local dest=$1 out attempt
    for attempt in $(seq 1 "${FERRY_BUILD_ATTEMPTS:-6}"); do
        if out=$("$REPO_DIR/ferry" --version 2>&1); then
            break
        fi
        [ "$attempt" -eq "${FERRY_BUILD_ATTEMPTS:-6}" ] && die "'./ferry --version' keeps failing: $(printf '%s' "$out" | tail -n 5)"
        log "building Ferry failed (attempt $attempt; maybe someone's work in progress); retrying in 120 s:"
        printf '%s\n' "$out" | grep -v '^\s*$' | tail -n 5 >&2
        sleep 120
    done
    # shellcheck source=../../scripts/jdk.sh
    . "$REPO_DIR/scripts/jdk.sh"
    ferry_pick_jdk >/dev/null 2>&1 || die "no JDK 21+ found"
    mkdir -p "$dest"
    cp "$REPO_DIR/ferry-cli/target/ferry.jar" "$dest/"
    rm -rf "$dest/lib"
    cp -r "$REPO_DIR/ferry-cli/target/lib" "$dest/"
    FERRY_JAVA="$JAVA_HOME/bin/java"
    FERRY_JAR="$dest/ferry.jar"
    log "Ferry ready: $out ($FERRY_JAR)"
}

# The CLI against this run's server: ferry_cli ARGS...
ferry_cli() {
    "$FERRY_JAVA" -Xmx256m -XX:TieredStopAtLevel=1 -jar "$FERRY_JAR" "$@" --server "http://127.0.0.1:$FERRY_PORT"
}

# Starts `ferry server` in the background (log appended to $WORK/ferry-server.log), waits until its API answers.
FERRY_PID=""
ferry_server_start() {
    local home=$1 waited=0
    "$FERRY_JAVA" ${FERRY_JAVA_OPTS:--Xmx1g} -jar "$FERRY_JAR" server --home "$home" --port "$FERRY_PORT" \
        >>"$WORK/ferry-server.log" 2>&1 &
    FERRY_PID=$!
    until curl -sf "http://127.0.0.1:$FERRY_PORT/healthz" >/dev/null 2>&1; do
        kill -0 "$FERRY_PID" 2>/dev/null || { tail -n 30 "$WORK/ferry-server.log" >&2; die "ferry server exited"; }
        [ "$waited" -ge 600 ] && die "ferry server did not answer within 60 s"
        sleep 0.1
        waited=$((waited + 1))
    done
    # The API needs a token: the first start wrote the admin token to HOME/admin.token (0600).
    [ -s "$home/admin.token" ] || die "ferry server wrote no $home/admin.token"
    FERRY_TOKEN=$(cat "$home/admin.token")
    export FERRY_TOKEN
}

ferry_server_stop() {
    if [ -n "$FERRY_PID" ] && kill -0 "$FERRY_PID" 2>/dev/null; then
        kill -TERM "$FERRY_PID" 2>/dev/null
        wait "$FERRY_PID" 2>/dev/null || true
    fi
    FERRY_PID=""
}

# GET on the API, the JSON on stdout.
api() { curl -sf -H "Authorization: Bearer $FERRY_TOKEN" "http://127.0.0.1:$FERRY_PORT$1"; }

# "STATE PHASE" of a job.
job_status() { api "/v1/migrationJobs/$1" | jq -r '"\(.state) \(.phase)"'; }

# Waits until job $1 is RUNNING in phase CDC or READY_FOR_PROMOTE (at most $2 seconds); dies if it fails or stops.
await_replicating() {
    local job=$1 limit=$2 start status
    start=$(date +%s)
    while true; do
        status=$(job_status "$job" || echo "UNREACHABLE -")
        case "$status" in
            "RUNNING CDC" | "RUNNING READY_FOR_PROMOTE") return 0 ;;
            FAILED* | STOPPED* | COMPLETED* | NOT_STARTED*)
                api "/v1/migrationJobs/$job" | jq . >&2 || true
                die "job $job is $status" ;;
        esac
        [ $(($(date +%s) - start)) -ge "$limit" ] && die "job $job not replicating after ${limit}s (status: $status)"
        sleep 0.2
    done
}

# percentile P FILE: the P-th percentile (nearest rank) of the numbers in FILE, one per line; "-" when empty.
percentile() {
    sort -g "$2" | awk -v p="$1" '{ v[NR] = $1 } END { if (NR == 0) { print "-"; exit }
        r = int((p / 100) * NR + 0.999999); if (r < 1) r = 1; if (r > NR) r = NR; printf "%.3f", v[r] }'
}
