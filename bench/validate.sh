#!/usr/bin/env bash
# Validation benchmark: Ferry's `migration-jobs validate` against a plain server-side hash scan of the same tables
# (the floor: one sequential scan hashing every row, on both servers at once), in one run, for PostgreSQL
# (pgbench_accounts) and MariaDB (sysbench tables). Prints rows/s and the ratio. See bench/README.md.
set -euo pipefail

usage() {
    cat <<'EOT'
Usage: bench/validate.sh [--engine pg|mysql|both] [--scale N] [--sb-tables N] [--sb-table-size N] [--quick] [--keep]

For each engine: two fresh servers, a one-time Ferry job copies the dataset, then
  - the plain scan: one statement per table and side, run on both servers at once, hashing every row
    (PostgreSQL: sum(hashtextextended(t::text, 0)); MariaDB: BIT_XOR(CRC32(CONCAT_WS(...)))),
  - ferry migration-jobs validate --data-only on the same tables,
and prints rows/s of both and their ratio, plus the bytes Ferry read on each side.

Options:
  --engine pg|mysql|both   (default both)
  --scale N                pgbench scale (default 30, i.e. 3 M rows in pgbench_accounts; --quick: 3)
  --sb-tables N            sysbench tables (default 4; --quick: 2)
  --sb-table-size N        rows per sysbench table (default 1000000; --quick: 100000)
  --parallelism N          the job's parallelism: validation sessions per server (default: Ferry's default)
  --keep                   keep the work directory
EOT
}

ENGINE=both
SCALE=""
SB_TABLES=""
SB_TABLE_SIZE=""
QUICK=0
KEEP=0
PARALLELISM=""
ARGS=("$@")
while [ $# -gt 0 ]; do
    case "$1" in
        --engine) ENGINE=$2; shift 2 ;;
        --scale) SCALE=$2; shift 2 ;;
        --sb-tables) SB_TABLES=$2; shift 2 ;;
        --sb-table-size) SB_TABLE_SIZE=$2; shift 2 ;;
        --parallelism) PARALLELISM=$2; shift 2 ;;
        --quick) QUICK=1; shift ;;
        --keep) KEEP=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; echo "unknown option: $1" >&2; exit 2 ;;
    esac
done
if [ "$QUICK" -eq 1 ]; then
    SCALE=${SCALE:-3}; SB_TABLES=${SB_TABLES:-2}; SB_TABLE_SIZE=${SB_TABLE_SIZE:-100000}
else
    SCALE=${SCALE:-30}; SB_TABLES=${SB_TABLES:-4}; SB_TABLE_SIZE=${SB_TABLE_SIZE:-1000000}
fi
export SB_TABLES SB_TABLE_SIZE

if [ "$ENGINE" = both ]; then
    # Each engine's part runs in its own process: the two libraries define functions of the same names.
    self=$(readlink -f "${BASH_SOURCE[0]}")
    out=$(mktemp)
    bash "$self" "${ARGS[@]}" --engine pg | tee -a "$out"
    bash "$self" "${ARGS[@]}" --engine mysql | tee -a "$out"
    results="$(dirname "$self")/results/validate-$(date +%Y%m%d-%H%M%S).txt"
    mkdir -p "$(dirname "$results")"
    {
        echo "validate.sh ${ARGS[*]} on $(nproc) cores; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
        echo "Summary (rows/s; ratio = Ferry's validation / plain server-side hash scan, same tables, same run):"
        grep '^RESULT' "$out" | cut -d' ' -f2- | column -t
    } | tee "$results"
    echo "(kept in $results)"
    rm -f "$out"
    exit 0
fi

BENCH_NAME=validate-$ENGINE
case "$ENGINE" in
    pg) . "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/pg-cdc-common.sh" ;;
    mysql) . "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/mysql-cdc-common.sh" ;;
    *) echo "--engine must be pg, mysql or both" >&2; exit 2 ;;
esac
need_cmd jq curl ss

WORK=$(make_workdir ferry-bench-validate)
FERRY_PORT=""
cleanup() {
    local rc=$?
    set +e
    ferry_server_stop
    if [ "$ENGINE" = pg ]; then pg_stop_all; else my_stop_all; fi
    if [ "$KEEP" -eq 1 ]; then log "work directory kept: $WORK"; else rm -rf "$WORK"; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step "Preparing Ferry"
ferry_prepare "$WORK/ferry"
printf '%s\n' "${PGPASSWORD:-${PW:-}}" >"$WORK/db-password"

if [ "$ENGINE" = pg ]; then
    need_cmd "$PGBIN/initdb" "$PGBIN/pgbench"
    step "Two PostgreSQL 15 clusters; pgbench scale $SCALE on the source"
    pg_init src SRC_PORT replica
    pg_init dst DST_PORT replica
    psql_at "$SRC_PORT" postgres -c "CREATE DATABASE pgbench"
    "$PGBIN/pgbench" -i -q -s "$SCALE" -h 127.0.0.1 -p "$SRC_PORT" -U postgres pgbench >"$WORK/pgbench-init.log" 2>&1 ||
        { cat "$WORK/pgbench-init.log" >&2; die "pgbench -i failed"; }
    DB=pgbench
    TABLES="public.pgbench_accounts"
    ROWS=$(sql_value "$SRC_PORT" pgbench "SELECT count(*) FROM pgbench_accounts")
    PROFILE_ARGS=(--engine postgresql --username postgres)
    plain_scan() {
        psql_at "$1" pgbench -Atc "SELECT count(*), sum(hashtextextended(a::text, 0)) FROM pgbench_accounts a" >/dev/null
    }
    warm() { psql_at "$1" pgbench -Atc "SELECT count(*) FROM pgbench_accounts" >/dev/null; }
else
    need_cmd sysbench "$MARIADBD"
    step "Two MariaDB servers; sysbench $SB_TABLES x $SB_TABLE_SIZE rows on the source"
    my_start src SRC_PORT 1
    my_start dst DST_PORT 2
    my "$SRC_PORT" -e "CREATE DATABASE sbtest"
    # shellcheck disable=SC2046
    sysbench oltp_read_only $(sysbench_args "$SRC_PORT") --threads=2 prepare >"$WORK/sysbench-prepare.log" 2>&1 ||
        { cat "$WORK/sysbench-prepare.log" >&2; die "sysbench prepare failed"; }
    DB=sbtest
    TABLES="sbtest.sbtest*"
    ROWS=$((SB_TABLES * SB_TABLE_SIZE))
    PROFILE_ARGS=(--engine mysql --username root)
    plain_scan() {
        local t
        for t in $(seq 1 "$SB_TABLES"); do
            my_value "$1" "SELECT COUNT(*), BIT_XOR(CRC32(CONCAT_WS('#', id, k, c, pad))) FROM sbtest.sbtest$t" >/dev/null
        done
    }
    warm() {
        local t
        for t in $(seq 1 "$SB_TABLES"); do my_value "$1" "SELECT COUNT(*) FROM sbtest.sbtest$t" >/dev/null; done
    }
fi

step "Ferry copies the database (one-time job)"
free_port FERRY_PORT
ferry_server_start "$WORK/ferry-home"
ferry_cli connection-profiles create bench-src --ssl-mode disable "${PROFILE_ARGS[@]}" --host 127.0.0.1 --port "$SRC_PORT" \
    --password-file "$WORK/db-password" >&2
ferry_cli connection-profiles create bench-dst --ssl-mode disable "${PROFILE_ARGS[@]}" --host 127.0.0.1 --port "$DST_PORT" \
    --password-file "$WORK/db-password" >&2
ferry_cli migration-jobs create bench --type one-time --source bench-src --destination bench-dst --include "$DB" \
    ${PARALLELISM:+--parallelism "$PARALLELISM"} >&2
ferry_cli migration-jobs start bench --wait >&2

step "Plain server-side hash scan of $TABLES on both servers at once ($ROWS rows per side)"
warm "$SRC_PORT"; warm "$DST_PORT"
t0=$(now)
plain_scan "$SRC_PORT" & p1=$!
plain_scan "$DST_PORT" & p2=$!
wait "$p1" "$p2"
PLAIN_S=$(elapsed "$t0" "$(now)")
PLAIN_RATE=$(awk -v r="$ROWS" -v s="$PLAIN_S" 'BEGIN {printf "%.0f", r / s}')
log "plain scan: ${PLAIN_S} s, $PLAIN_RATE rows/s per side"

step "Ferry: migration-jobs validate bench --data-only --tables '$TABLES'"
t0=$(now)
set +e
ferry_cli migration-jobs validate bench --data-only --tables "$TABLES" --format json >"$WORK/validation.json"
rc=$?
set -e
FERRY_S=$(elapsed "$t0" "$(now)")
[ "$rc" -eq 0 ] || { cat "$WORK/validation.json" >&2; die "validation exited $rc (not clean)"; }
V_ROWS=$(jq -r .rows "$WORK/validation.json")
V_RATE=$(jq -r .rowsPerSecond "$WORK/validation.json")
V_SRC=$(jq -r .sourceBytes "$WORK/validation.json")
V_DST=$(jq -r .destinationBytes "$WORK/validation.json")
WALL_RATE=$(awk -v r="$V_ROWS" -v s="$FERRY_S" 'BEGIN {printf "%.0f", r / s}')
log "Ferry: $V_ROWS rows, $V_RATE rows/s inside the server (${FERRY_S} s with the CLI: $WALL_RATE rows/s); read $V_SRC B from the source, $V_DST B from the destination"

echo
printf '%-8s %-26s %12s %14s %14s %7s %8s %12s %12s\n' engine tables rows plain_rows/s ferry_rows/s ratio target src_bytes dst_bytes
printf '%-8s %-26s %12s %14s %14s %7s %8s %12s %12s\n' "$ENGINE" "$TABLES" "$V_ROWS" "$PLAIN_RATE" "$V_RATE" \
    "$(ratio "$V_RATE" "$PLAIN_RATE")" "$(at_least "$V_RATE" 1000000)" "$V_SRC" "$V_DST"
echo "RESULT $ENGINE rows=$V_ROWS plain=$PLAIN_RATE ferry=$V_RATE ratio=$(ratio "$V_RATE" "$PLAIN_RATE") target_1M=$(at_least "$V_RATE" 1000000) src_bytes=$V_SRC dst_bytes=$V_DST"
