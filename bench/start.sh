#!/usr/bin/env bash
# Start-up benchmark: `ferry migrate` of a one-row PostgreSQL database, side by side with `pgcopydb clone` and
# `pg_dump | pg_restore` of the same database to the same destination. What it measures is everything but the data:
# start, checks, schema, shutdown. See bench/README.md.
set -euo pipefail

BENCH_NAME=start
# shellcheck source=lib/common.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/common.sh"

usage() {
    cat <<'EOF'
Usage: bench/start.sh [options]

Creates a database with one table and one row on the local PostgreSQL (the source), starts a second PostgreSQL 15
cluster as the destination (Ferry refuses to migrate a server onto itself), and times each tool copying that
database into an emptied destination database, N runs each, interleaved (ferry, pgcopydb, pg_dump, ferry, ...).
Prints the median wall time of each tool and Ferry's ratio to the others; writes bench/results/start-<stamp>.md.

Options:
  --runs N              runs per tool (default: 5)
  --source-host H       the local PostgreSQL's address (default: 127.0.0.1)
  --source-port P       its port (default: 5432)
  --source-user U       a superuser there, with trust or PGPASSWORD (default: postgres)
  --destination-port P  use the PostgreSQL already listening on 127.0.0.1:P as the destination instead of starting
                        one (trust for --source-user)
  --tools LIST          comma-separated subset of: ferry,pgcopydb,pg_dump (default: all three)
  --ferry PATH          the Ferry launcher to time (default: this checkout's ./ferry), e.g. another checkout's
  --keep                keep the work directory (the destination cluster is still stopped)
  -h, --help            this help

Environment: FERRY_JAVA_OPTS (JVM options, as for ./ferry).
Needs: PostgreSQL 15 binaries in /usr/lib/postgresql/15/bin, pgcopydb for its runs.
EOF
}

PGBIN=/usr/lib/postgresql/15/bin
RUNS=5
SRC_HOST=127.0.0.1
SRC_PORT=5432
PG_USER=postgres
DST_PORT=""
TOOLS="ferry,pgcopydb,pg_dump"
FERRY="$REPO_DIR/ferry"
KEEP=0
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) RUNS=$2; shift 2 ;;
        --source-host) SRC_HOST=$2; shift 2 ;;
        --source-port) SRC_PORT=$2; shift 2 ;;
        --source-user) PG_USER=$2; shift 2 ;;
        --destination-port) DST_PORT=$2; shift 2 ;;
        --tools) TOOLS=$2; shift 2 ;;
        --ferry) FERRY=$2; shift 2 ;;
        --keep) KEEP=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown option: $1" ;;
    esac
done
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "--runs must be a positive number"
for t in ${TOOLS//,/ }; do
    case "$t" in ferry | pgcopydb | pg_dump) ;; *) die "unknown tool '$t' in --tools" ;; esac
done
need_cmd "$PGBIN/psql" "$PGBIN/pg_dump" "$PGBIN/pg_restore"
case ",$TOOLS," in *,pgcopydb,*) need_cmd pgcopydb ;; esac
[ -n "$DST_PORT" ] || need_cmd "$PGBIN/initdb" "$PGBIN/pg_ctl" ss

WORK=$(make_workdir ferry-bench-start)
DB=ferry_start_onerow
STARTED_CLUSTER=0

cleanup() {
    local rc=$?
    set +e
    if [ "$STARTED_CLUSTER" -eq 1 ]; then
        as_user "$PG_OS_USER" "$PGBIN/pg_ctl" -D "$WORK/dst" -m immediate -w stop >/dev/null 2>&1
    fi
    psql_at "$SRC_HOST" "$SRC_PORT" postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1
    if [ "$KEEP" -eq 1 ]; then log "work directory kept: $WORK"; else rm -rf "$WORK"; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

psql_at() {
    local host=$1 port=$2 db=$3
    shift 3
    PGOPTIONS="-c client_min_messages=warning" "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$host" -p "$port" -U "$PG_USER" -d "$db" "$@"
}
uri() { echo "postgresql://$PG_USER@$1:$2/$3?sslmode=disable"; }

# ---------------------------------------------------------------------------------------------------------------
# Source and destination

PG_OS_USER=postgres
if [ "$(id -u)" -ne 0 ]; then PG_OS_USER=$(id -un); fi
if [ -z "$DST_PORT" ]; then
    step "Starting a PostgreSQL 15 cluster for the destination under $WORK"
    chown "$PG_OS_USER" "$WORK"
    as_user "$PG_OS_USER" "$PGBIN/initdb" -D "$WORK/dst" -U "$PG_USER" -A trust -E UTF8 --locale=C.UTF-8 \
        >"$WORK/initdb.log" 2>&1 || { cat "$WORK/initdb.log" >&2; die "initdb of the destination failed"; }
    free_port DST_PORT
    printf "listen_addresses = '127.0.0.1'\nport = %s\nunix_socket_directories = '%s'\n" "$DST_PORT" "$WORK" \
        >>"$WORK/dst/postgresql.conf"
    as_user "$PG_OS_USER" "$PGBIN/pg_ctl" -D "$WORK/dst" -l "$WORK/dst.log" -w -t 60 start >/dev/null 2>&1 ||
        { tail -n 20 "$WORK/dst.log" >&2; die "the destination cluster did not start"; }
    STARTED_CLUSTER=1
fi
SRC=$(uri "$SRC_HOST" "$SRC_PORT" "$DB")
DST_SERVER=$(uri 127.0.0.1 "$DST_PORT" postgres)
DST=$(uri 127.0.0.1 "$DST_PORT" "$DB")

step "Source: database $DB with one table and one row on $SRC_HOST:$SRC_PORT; destination: 127.0.0.1:$DST_PORT"
psql_at "$SRC_HOST" "$SRC_PORT" postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
psql_at "$SRC_HOST" "$SRC_PORT" "$DB" -c "CREATE TABLE t (id int PRIMARY KEY, v text)" -c "INSERT INTO t VALUES (1, 'one')"

reset_destination() {
    psql_at 127.0.0.1 "$DST_PORT" postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
}

# ---------------------------------------------------------------------------------------------------------------
# Tools

if [[ ",$TOOLS," == *,ferry,* ]]; then
    step "Preparing Ferry (the launcher builds it and its class archive on first use)"
    "$FERRY" --version >"$WORK/ferry-prepare.log" 2>&1 || { cat "$WORK/ferry-prepare.log" >&2; die "./ferry does not run"; }
    log "$(tail -n 1 "$WORK/ferry-prepare.log")"
fi

# Runs tool $1 once into an emptied destination database; appends "tool seconds" to $WORK/times.
run_once() {
    local tool=$1 run=$2 t0 t1 rc=0 out="$WORK/$1-$2.log"
    reset_destination
    rm -rf "$WORK/pgcopydb" "$WORK/dump"
    t0=$(date +%s.%N)
    case "$tool" in
        ferry) "$FERRY" migrate --source "$SRC" --destination "$DST_SERVER" >"$out" 2>&1 || rc=$? ;;
        pgcopydb) pgcopydb clone --source "$SRC" --target "$DST" --dir "$WORK/pgcopydb" >"$out" 2>&1 || rc=$? ;;
        pg_dump) { "$PGBIN/pg_dump" -Fc -d "$SRC" | "$PGBIN/pg_restore" --exit-on-error -d "$DST"; } >"$out" 2>&1 || rc=$? ;;
    esac
    t1=$(date +%s.%N)
    if [ "$rc" -ne 0 ]; then
        tail -n 15 "$out" >&2
        die "$tool failed (exit $rc) in run $run; its output is above"
    fi
    [ "$(psql_at 127.0.0.1 "$DST_PORT" "$DB" -Atc "SELECT id || ':' || v FROM t")" = "1:one" ] ||
        die "$tool: the destination does not hold the row after run $run"
    printf '%s %s\n' "$tool" "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')" >>"$WORK/times"
    log "$tool run $run: $(tail -n 1 "$WORK/times" | cut -d' ' -f2) s"
}

step "Timing $RUNS run(s) of each of: ${TOOLS//,/, }"
: >"$WORK/times"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for run in $(seq 1 "$RUNS"); do
    for tool in ${TOOLS//,/ }; do
        run_once "$tool" "$run"
    done
done

# ---------------------------------------------------------------------------------------------------------------
# Report

median_of() {
    awk -v t="$1" '$1 == t { v[++n] = $2 }
        END { if (n == 0) { print "-"; exit }
              for (i = 2; i <= n; i++) { x = v[i]; for (j = i - 1; j >= 1 && v[j] > x; j--) v[j + 1] = v[j]; v[j + 1] = x }
              printf "%.3f", (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }' "$WORK/times"
}
runs_of() { awk -v t="$1" '$1 == t { printf "%s%s", sep, $2; sep = " " }' "$WORK/times"; }

FERRY_MEDIAN=$(median_of ferry)
TABLE="| tool | median wall s | runs (s) | ferry / tool |"$'\n'"|---|---:|---|---:|"$'\n'
for tool in ${TOOLS//,/ }; do
    name=$tool
    [ "$tool" = pg_dump ] && name="pg_dump/pg_restore"
    m=$(median_of "$tool")
    TABLE+="| $name | $m | $(runs_of "$tool") | $(ratio "$FERRY_MEDIAN" "$m") |"$'\n'
done
mkdir -p "$RESULTS_DIR"
{
    echo "# $BENCH_NAME — $STAMP"
    echo
    echo "\`ferry migrate\` of a one-row PostgreSQL database vs \`pgcopydb clone\` and \`pg_dump -Fc | pg_restore\`, $RUNS run(s) each, interleaved."
    echo
    echo "- Machine: $(nproc) cores; load average before / after: $LOAD_BEFORE / $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- Source: $SRC_HOST:$SRC_PORT ($("$PGBIN/psql" -X -h "$SRC_HOST" -p "$SRC_PORT" -U "$PG_USER" -d postgres -Atc 'SHOW server_version')); destination: 127.0.0.1:$DST_PORT"
    echo "- Ferry: $FERRY migrate (JVM options ${FERRY_JAVA_OPTS:--Xms32m -Xmx384m}); $(pgcopydb --version 2>&1 | grep -o 'pgcopydb version [^ ]*' | head -n 1)"
    echo
    printf '%s' "$TABLE"
} >"$RESULTS_DIR/$BENCH_NAME-$STAMP.md"
step "Results (median of $RUNS)"
printf '%s' "$TABLE" | sed -n '3,$p' | awk -F'|' '{ printf "%-22s %10s s   ferry/tool %6s   runs: %s\n", $2, $3, $5, $4 }' >&2
log "written to $RESULTS_DIR/$BENCH_NAME-$STAMP.md"
