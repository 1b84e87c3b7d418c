#!/usr/bin/env bash
# Full-load benchmark, PostgreSQL: Ferry vs pgcopydb vs pg_dump -Fd | pg_restore, side by side, same machine,
# same two fresh PostgreSQL 15 clusters, same datasets, same parallelism. See bench/README.md.
set -euo pipefail

BENCH_NAME=pg-full-load
# shellcheck source=lib/common.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/common.sh"

usage() {
    cat <<'EOF'
Usage: bench/pg-full-load.sh [options]

Starts two fresh PostgreSQL 15 clusters (source with wal_level=logical, destination), loads each dataset into the
source and copies it to an emptied destination database with each tool, timing every run. Prints a table and
writes bench/results/pg-full-load-<timestamp>.{csv,md}.

Options:
  --dataset pgbench|mixed|all   which dataset(s) to run (default: all)
  --scale N                     pgbench scale factor (default: 30; --quick: 2)
  --big-rows N                  rows of the big table of the mixed dataset (default: 5000000; --quick: 200000)
  --mixed-scale F               size multiplier of the other mixed tables (default: 1; --quick: 0.05)
  --jobs J                      parallelism given to every tool (default: number of cores)
  --tools LIST                  comma-separated subset of: ferry,pgcopydb,pg_dump (default: all three)
  --pgdump-compress N           pg_dump -Z level for the directory dump (default: 0, i.e. uncompressed)
  --repeat N                    run every tool N times per dataset, interleaved and in turns (A B C, B C A,
                                ...), and report the median wall time (default: 1); useful on a machine with
                                other work
  --warmup N                    untimed runs of the first tool per dataset before the timed ones (default: 1):
                                the first copy into the fresh destination pays for its new files and cold caches
  --quick                       small datasets, to smoke-test the script in a couple of minutes
  --keep                        keep the work directory (clusters are still stopped)
  -h, --help                    this help

Environment: FERRY_JAVA_OPTS (JVM options for Ferry, default those ./ferry gives a one-time migration:
             -Xms32m -Xmx384m -XX:TieredStopAtLevel=1),
             PGCOPYDB_EXTRA (extra arguments for pgcopydb clone, e.g. "--split-tables-larger-than 200MB").
Needs: PostgreSQL 15 server binaries in /usr/lib/postgresql/15/bin, pgcopydb, /usr/bin/time (GNU time).
EOF
}

PGBIN=/usr/lib/postgresql/15/bin
DATASETS=all
SCALE=""
BIG_ROWS=""
MIXED_SCALE=""
JOBS=$(nproc)
TOOLS="ferry,pgcopydb,pg_dump"
PGDUMP_Z=0
QUICK=0
KEEP=0
REPEAT=1
WARMUP=1
while [ $# -gt 0 ]; do
    case "$1" in
        --dataset) DATASETS=$2; shift 2 ;;
        --scale) SCALE=$2; shift 2 ;;
        --big-rows) BIG_ROWS=$2; shift 2 ;;
        --mixed-scale) MIXED_SCALE=$2; shift 2 ;;
        --jobs) JOBS=$2; shift 2 ;;
        --tools) TOOLS=$2; shift 2 ;;
        --pgdump-compress) PGDUMP_Z=$2; shift 2 ;;
        --repeat) REPEAT=$2; shift 2 ;;
        --warmup) WARMUP=$2; shift 2 ;;
        --quick) QUICK=1; shift ;;
        --keep) KEEP=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown option: $1" ;;
    esac
done
if [ "$QUICK" -eq 1 ]; then
    SCALE=${SCALE:-2}; BIG_ROWS=${BIG_ROWS:-200000}; MIXED_SCALE=${MIXED_SCALE:-0.05}
else
    SCALE=${SCALE:-30}; BIG_ROWS=${BIG_ROWS:-5000000}; MIXED_SCALE=${MIXED_SCALE:-1}
fi
[[ "$REPEAT" =~ ^[1-9][0-9]*$ ]] || die "--repeat must be a positive number"
[[ "$WARMUP" =~ ^[0-9]+$ ]] || die "--warmup must be a number (0: none)"
case "$DATASETS" in
    all) DATASETS="pgbench mixed" ;;
    pgbench | mixed) ;;
    *) die "--dataset must be pgbench, mixed or all" ;;
esac
for t in ${TOOLS//,/ }; do
    case "$t" in ferry | pgcopydb | pg_dump) ;; *) die "unknown tool '$t' in --tools" ;; esac
done

need_cmd "$PGBIN/initdb" "$PGBIN/pg_ctl" "$PGBIN/psql" "$PGBIN/pg_dump" "$PGBIN/pg_restore" "$PGBIN/pgbench" \
    /usr/bin/time ss
case ",$TOOLS," in *,pgcopydb,*) need_cmd pgcopydb ;; esac
if [ "$(id -u)" -eq 0 ]; then id postgres >/dev/null 2>&1 || die "running as root needs an OS user 'postgres'"; fi
PG_OS_USER=postgres
if [ "$(id -u)" -ne 0 ]; then PG_OS_USER=$(id -un); fi

# ---------------------------------------------------------------------------------------------------------------
# Clusters

WORK=$(make_workdir ferry-bench-pg)
RUN_DIR=$WORK/runs
mkdir -p "$RUN_DIR"
RESULTS_TSV=$WORK/results.tsv
RAW_TSV=$WORK/runs.tsv
: >"$RAW_TSV"
export PGPASSWORD=bench
PGUSER_NAME=postgres
SRC_PORT=""
DST_PORT=""

cleanup() {
    local rc=$?
    set +e
    for c in src dst; do
        if [ -f "$WORK/$c/postmaster.pid" ]; then
            as_user "$PG_OS_USER" "$PGBIN/pg_ctl" -D "$WORK/$c" -m immediate -w stop >/dev/null 2>&1
        fi
    done
    if [ "$KEEP" -eq 1 ]; then
        log "work directory kept: $WORK"
    else
        rm -rf "$WORK"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

chown "$PG_OS_USER" "$WORK"

# Creates and starts a cluster; sets the variable named $2 to its port (a new one is picked if another process
# took the port in the meantime).
init_cluster() {
    local name=$1 port_var=$2 wal_level=$3 dir="$WORK/$1" port attempt
    printf '%s\n' "$PGPASSWORD" >"$WORK/pwfile"
    chown "$PG_OS_USER" "$WORK/pwfile"
    as_user "$PG_OS_USER" "$PGBIN/initdb" -D "$dir" -U "$PGUSER_NAME" --pwfile="$WORK/pwfile" -E UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 >"$WORK/initdb-$name.log" 2>&1 ||
        { cat "$WORK/initdb-$name.log" >&2; die "initdb of the $name cluster failed"; }
    cat >>"$dir/postgresql.conf" <<EOF

# bench/pg-full-load.sh: identical tuning on both clusters (fsync stays on)
listen_addresses = '127.0.0.1'
unix_socket_directories = '$WORK'
shared_buffers = 512MB
maintenance_work_mem = 512MB
work_mem = 16MB
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
        chown "$PG_OS_USER" "$dir/port.conf"
        if as_user "$PG_OS_USER" "$PGBIN/pg_ctl" -D "$dir" -l "$WORK/$name.log" -w -t 60 start >/dev/null 2>&1; then
            printf -v "$port_var" '%s' "$port"
            return 0
        fi
        grep -q 'Address already in use\|could not create any TCP/IP sockets' "$WORK/$name.log" ||
            { tail -n 20 "$WORK/$name.log" >&2; die "the $name cluster did not start"; }
        log "port $port was taken; trying another (attempt $attempt)"
    done
    die "the $name cluster did not start: no usable port"
}

step "Starting two PostgreSQL 15 clusters under $WORK"
init_cluster src SRC_PORT logical
init_cluster dst DST_PORT replica
log "clusters up (source :$SRC_PORT wal_level=logical, destination :$DST_PORT): \
$("$PGBIN/psql" -h 127.0.0.1 -p "$SRC_PORT" -U postgres -d postgres -Atc 'SHOW server_version')"

# The benchmark servers listen on loopback without TLS: say so, since Ferry requires TLS by default.
uri() { echo "postgresql://$PGUSER_NAME:$PGPASSWORD@127.0.0.1:$1/$2?sslmode=disable"; }
psql_at() {
    local port=$1 db=$2
    shift 2
    PGOPTIONS="-c client_min_messages=warning" "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U "$PGUSER_NAME" -d "$db" "$@"
}

# Prints "schema.table|rows" for every table of a database, sorted.
row_counts() {
    psql_at "$1" "$2" -At <<'SQL' | sort
SELECT format('SELECT %L || ''|'' || count(*) FROM %I.%I', n.nspname || '.' || c.relname, n.nspname, c.relname)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
ORDER BY 1
\gexec
SQL
}

reset_destination() {
    local db=$1
    psql_at "$DST_PORT" postgres -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" -c "CREATE DATABASE \"$db\""
    psql_at "$DST_PORT" postgres -c CHECKPOINT
    psql_at "$SRC_PORT" postgres -c CHECKPOINT
    sync
}

# ---------------------------------------------------------------------------------------------------------------
# Tools

run_tool() {
    local dataset=$1 db=$2 tool=$3 src dst note="" dir
    src=$(uri "$SRC_PORT" "$db")
    dst=$(uri "$DST_PORT" "$db")
    step "[$dataset] $tool (run $BENCH_RUN/$REPEAT): resetting the destination database '$db'"
    reset_destination "$db"
    dir="$WORK/tmp-$dataset-$tool"
    rm -rf "$dir"
    case "$tool" in
        ferry)
            if [ -z "$FERRY_CMD" ]; then
                log "[$dataset] ferry skipped: $FERRY_UNAVAILABLE"
                record "$dataset" ferry skipped - - - - - "$FERRY_UNAVAILABLE"
                return 0
            fi
            mkdir -p "$dir"
            log "[$dataset] ferry migrate --parallelism $JOBS"
            measure "$dataset-ferry" \
                "$FERRY_CMD migrate --source '$src' --destination '$dst' --parallelism $JOBS" || true
            ;;
        pgcopydb)
            log "[$dataset] pgcopydb clone --table-jobs $JOBS --index-jobs $JOBS ${PGCOPYDB_EXTRA:-}"
            measure "$dataset-pgcopydb" \
                "PGCOPYDB_SOURCE_PGURI='$src' PGCOPYDB_TARGET_PGURI='$dst' PGCOPYDB_TABLE_JOBS=$JOBS PGCOPYDB_INDEX_JOBS=$JOBS \
                 pgcopydb clone --source '$src' --target '$dst' --table-jobs $JOBS --index-jobs $JOBS --dir '$dir' \
                 ${PGCOPYDB_EXTRA:-}" || true
            ;;
        pg_dump)
            log "[$dataset] pg_dump -Fd -j $JOBS -Z $PGDUMP_Z, then pg_restore -j $JOBS"
            measure "$dataset-pg_dump" \
                "'$PGBIN/pg_dump' -Fd -j $JOBS -Z $PGDUMP_Z -f '$dir' -d '$src'" \
                "'$PGBIN/pg_restore' -j $JOBS --exit-on-error -d '$dst' '$dir'" || true
            note="pg_dump -Fd -j $JOBS -Z $PGDUMP_Z then pg_restore -j $JOBS; wall = both steps; RSS = max of the two"
            ;;
    esac
    rm -rf "$dir"
    local tool_name=$tool
    [ "$tool" = pg_dump ] && tool_name="pg_dump/pg_restore"
    conclude_run "$dataset" "$tool" "$tool_name" "$db" "$note"
}

# ---------------------------------------------------------------------------------------------------------------
# Datasets

load_dataset() {
    local dataset=$1 t0
    t0=$(date +%s)
    psql_at "$SRC_PORT" postgres -c "DROP DATABASE IF EXISTS \"$dataset\" WITH (FORCE)" -c "CREATE DATABASE \"$dataset\""
    case "$dataset" in
        pgbench)
            step "[pgbench] loading the source: pgbench -i -s $SCALE"
            PGHOST=127.0.0.1 PGPORT=$SRC_PORT PGUSER=$PGUSER_NAME "$PGBIN/pgbench" -i -s "$SCALE" -q "$dataset" \
                >"$WORK/load-$dataset.log" 2>&1 || { tail -n 20 "$WORK/load-$dataset.log" >&2; die "pgbench -i failed"; }
            ;;
        mixed)
            step "[mixed] loading the source: bench/sql/pg-mixed.sql (big table $BIG_ROWS rows, scale $MIXED_SCALE)"
            psql_at "$SRC_PORT" "$dataset" -v big_rows="$BIG_ROWS" -v scale="$MIXED_SCALE" -f "$BENCH_DIR/sql/pg-mixed.sql" \
                >"$WORK/load-$dataset.log" 2>&1 || { tail -n 20 "$WORK/load-$dataset.log" >&2; die "loading the mixed dataset failed"; }
            ;;
    esac
    row_counts "$SRC_PORT" "$dataset" >"$WORK/expected-$dataset"
    log "[$dataset] source ready in $(($(date +%s) - t0))s: $(wc -l <"$WORK/expected-$dataset") tables, \
$(awk -F'|' '{s += $2} END {print s + 0}' "$WORK/expected-$dataset") rows, \
$(psql_at "$SRC_PORT" postgres -Atc "SELECT pg_size_pretty(pg_database_size('$dataset'))") on disk"
    DATASET_INFO+="- $dataset: $(wc -l <"$WORK/expected-$dataset") tables, $(awk -F'|' '{s += $2} END {print s + 0}' "$WORK/expected-$dataset") rows, $(psql_at "$SRC_PORT" postgres -Atc "SELECT pg_size_pretty(pg_database_size('$dataset'))") on the source"$'\n'
}

# ---------------------------------------------------------------------------------------------------------------
# Main

DATASET_INFO=""
if [[ ",$TOOLS," == *,ferry,* ]]; then
    step "Preparing Ferry"
    ferry_prepare "$WORK/ferry-dist"
    [ -n "$FERRY_CMD" ] || loud "Ferry is not available, its runs are skipped: $FERRY_UNAVAILABLE"
fi

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for dataset in $DATASETS; do
    load_dataset "$dataset"
    run_in_turns "$dataset" "$dataset"
    psql_at "$SRC_PORT" postgres -c "DROP DATABASE IF EXISTS \"$dataset\" WITH (FORCE)"
done

REPORT_CONTEXT="Ferry vs pgcopydb vs pg_dump/pg_restore, full load, PostgreSQL $("$PGBIN/psql" --version | awk '{print $3}') → same version.

- Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM; load average before / after: $LOAD_BEFORE / $(cut -d' ' -f1-3 /proc/loadavg)
- Parallelism: $JOBS (ferry --parallelism, pgcopydb --table-jobs/--index-jobs, pg_dump/pg_restore -j)
- Mode: $([ "$QUICK" -eq 1 ] && echo quick || echo full), $REPEAT run(s) per tool in turns (median wall time), after $WARMUP untimed warm-up run(s) of the first tool; pgbench scale $SCALE; mixed big table $BIG_ROWS rows, scale $MIXED_SCALE
$DATASET_INFO- Tools: ferry ($([ -n "$FERRY_CMD" ] && echo "java ${FERRY_JAVA_OPTS:-$FERRY_ONE_RUN_OPTS} -jar ferry.jar" || echo "unavailable")), $(pgcopydb --version 2>&1 | grep -o 'pgcopydb version [^ ]*' | head -n 1), pg_dump -Fd -Z $PGDUMP_Z
- Both clusters: shared_buffers=512MB, maintenance_work_mem=512MB, max_wal_size=4GB, checkpoint_timeout=30min, fsync on; source wal_level=logical
- Peak RSS: 'largest process' = max 'Maximum resident set size' of /usr/bin/time -v; 'PSS sum of processes' = peak of the summed PSS (/proc/PID/smaps_rollup) of the tool's process tree, sampled every ${BENCH_SAMPLE_SECONDS:-1} s. Database server memory is not counted."
write_report "$TOOLS" "pgcopydb:0.75,pg_dump/pg_restore:0.6" 512

if [ "$BENCH_FAILURES" -gt 0 ]; then
    die "$BENCH_FAILURES problem(s) during the run (see the messages marked !!!!!! above)"
fi
log "done"
