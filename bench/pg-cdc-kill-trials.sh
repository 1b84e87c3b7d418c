#!/usr/bin/env bash
# Crash trials of a continuous PostgreSQL job: pgbench writes to the source while the Ferry server is killed with
# SIGKILL again and again (during the full load and during change replication) and restarted; the job must resume
# by itself, and after promotion every table and sequence must be identical on both sides. See bench/README.md.
set -euo pipefail

BENCH_NAME=pg-cdc-kill-trials
# shellcheck source=lib/pg-cdc-common.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/pg-cdc-common.sh"

usage() {
    cat <<'EOF'
Usage: bench/pg-cdc-kill-trials.sh [options]

Starts two PostgreSQL 15 clusters and a Ferry server of its own, creates a continuous job of a pgbench database
with the CLI, runs pgbench (tpcb-like) against the source and kills the Ferry server with SIGKILL at random moments,
restarting it each time. Then stops pgbench, promotes with the CLI and compares every table (row count and an
order-independent content hash) and every sequence. Prints PASS or FAIL; exit status 0 only on PASS.

Options:
  --kills N            kills during change replication (default: 10)
  --full-load-kills N  kills attempted during the full load, if it lasts long enough (default: 2)
  --scale N            pgbench scale of the source database (default: 5)
  --clients N          pgbench clients (default: 2)
  --rate TPS           pgbench rate limit, 0 for none (default: 150)
  --min-wait S         shortest time replicating before a kill (default: 2)
  --max-wait S         longest time replicating before a kill (default: 15)
  --keep               keep the work directory (servers are still stopped)
  -h, --help           this help
EOF
}

KILLS=10
FULL_LOAD_KILLS=2
SCALE=5
CLIENTS=2
RATE=150
MIN_WAIT=2
MAX_WAIT=15
KEEP=0
while [ $# -gt 0 ]; do
    case "$1" in
        --kills) KILLS=$2; shift 2 ;;
        --full-load-kills) FULL_LOAD_KILLS=$2; shift 2 ;;
        --scale) SCALE=$2; shift 2 ;;
        --clients) CLIENTS=$2; shift 2 ;;
        --rate) RATE=$2; shift 2 ;;
        --min-wait) MIN_WAIT=$2; shift 2 ;;
        --max-wait) MAX_WAIT=$2; shift 2 ;;
        --keep) KEEP=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown option: $1" ;;
    esac
done

need_cmd "$PGBIN/initdb" "$PGBIN/pg_ctl" "$PGBIN/psql" "$PGBIN/pgbench" jq curl ss
if [ "$(id -u)" -eq 0 ]; then id postgres >/dev/null 2>&1 || die "running as root needs an OS user 'postgres'"; fi

WORK=$(make_workdir ferry-cdc-kill)
PGBENCH_PID=""
FERRY_PORT=""
cleanup() {
    local rc=$?
    set +e
    [ -n "$PGBENCH_PID" ] && kill -TERM "$PGBENCH_PID" 2>/dev/null && wait "$PGBENCH_PID" 2>/dev/null
    [ -n "$FERRY_PID" ] && kill -KILL "$FERRY_PID" 2>/dev/null && wait "$FERRY_PID" 2>/dev/null
    pg_stop_all
    if [ "$rc" -ne 0 ] || [ "$KEEP" -eq 1 ]; then
        mkdir -p "$RESULTS_DIR/$BENCH_NAME-$STAMP-logs"
        cp "$WORK"/*.log "$RESULTS_DIR/$BENCH_NAME-$STAMP-logs/" 2>/dev/null
        cp "$WORK/ferry-home/logs/"*.log "$RESULTS_DIR/$BENCH_NAME-$STAMP-logs/" 2>/dev/null
        log "logs kept in $RESULTS_DIR/$BENCH_NAME-$STAMP-logs"
    fi
    if [ "$KEEP" -eq 1 ]; then log "work directory kept: $WORK"; else rm -rf "$WORK"; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step "Preparing Ferry"
ferry_prepare "$WORK/ferry"

step "Starting two PostgreSQL 15 clusters under $WORK"
pg_init src SRC_PORT logical
pg_init dst DST_PORT replica
log "source :$SRC_PORT (wal_level=logical), destination :$DST_PORT"

step "Creating the pgbench database on the source (scale $SCALE)"
psql_at "$SRC_PORT" postgres -c "CREATE DATABASE pgbench"
"$PGBIN/pgbench" -i -q -s "$SCALE" -h 127.0.0.1 -p "$SRC_PORT" -U postgres pgbench >"$WORK/pgbench-init.log" 2>&1 ||
    { cat "$WORK/pgbench-init.log" >&2; die "pgbench -i failed"; }
# A table with a sequence, so that sequence synchronisation is checked too (pgbench's own tables have none).
psql_at "$SRC_PORT" pgbench -c "CREATE TABLE bench_probe (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp(), client int)"
cat >"$WORK/probe.sql" <<'EOF'
INSERT INTO bench_probe (client) VALUES (:client_id);
EOF

step "Starting the Ferry server and creating the job with the CLI"
free_port FERRY_PORT
ferry_server_start "$WORK/ferry-home"
printf '%s\n' "$PGPASSWORD" >"$WORK/db-password"
ferry_cli connection-profiles create kill-src --ssl-mode disable --engine postgresql --host 127.0.0.1 --port "$SRC_PORT" --username postgres \
    --password-file "$WORK/db-password" >&2
ferry_cli connection-profiles create kill-dst --ssl-mode disable --engine postgresql --host 127.0.0.1 --port "$DST_PORT" --username postgres \
    --password-file "$WORK/db-password" >&2
ferry_cli migration-jobs create kill-trial --type continuous --source kill-src --destination kill-dst --include pgbench >&2

step "Starting pgbench (tpcb-like + a sequence probe, -c $CLIENTS, rate ${RATE:-none}) and the job"
rate_args=()
[ "$RATE" != 0 ] && rate_args=(-R "$RATE")
"$PGBIN/pgbench" -n -c "$CLIENTS" -j "$CLIENTS" -T 100000 "${rate_args[@]}" -b tpcb-like@20 -f "$WORK/probe.sql@1" \
    -h 127.0.0.1 -p "$SRC_PORT" -U postgres pgbench >"$WORK/pgbench.log" 2>&1 &
PGBENCH_PID=$!
# The CLI's start returns once the job runs; the full load may be short, so watch for it through the API meanwhile.
ferry_cli migration-jobs start kill-trial >"$WORK/start.log" 2>&1 &
start_pid=$!

kills=0
full_load_kills=0
restart_ferry() {
    local what=$1 t0 t1
    kill -KILL "$FERRY_PID"
    wait "$FERRY_PID" 2>/dev/null || true
    kills=$((kills + 1))
    sleep "0.$((RANDOM % 10))"
    t0=$(date +%s.%N)
    ferry_server_start "$WORK/ferry-home"
    t1=$(date +%s.%N)
    log "kill #$kills ($what): server restarted in $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}')s"
}

# Kills during the full load: each at a random moment (0-1.5 s) after the (resumed) load was seen running.
for i in $(seq 1 "$FULL_LOAD_KILLS"); do
    status=""
    for _ in $(seq 1 600); do
        status=$(job_status kill-trial 2>/dev/null || echo "UNREACHABLE -")
        case "$status" in *" CDC" | *READY_FOR_PROMOTE | FAILED* | STOPPED* | *FULL_DUMP) break ;; esac
        sleep 0.1
    done
    [ "$status" = "RUNNING FULL_DUMP" ] && sleep "$((RANDOM % 2)).$((RANDOM % 10))"
    status=$(job_status kill-trial)
    if [ "$status" = "RUNNING FULL_DUMP" ]; then
        restart_ferry "during the full load"
        full_load_kills=$((full_load_kills + 1))
    else
        log "full load over ($status): no more kills during it"
        break
    fi
done
if ! wait "$start_pid"; then
    cat "$WORK/start.log" >&2
    [ "$full_load_kills" -gt 0 ] || die "ferry migration-jobs start failed"
    log "(the start command was cut short by a kill; the job resumes by itself)"
fi
await_replicating kill-trial 600
log "job replicating: $(api /v1/migrationJobs/kill-trial | jq -c '{state, phase, lag}')"

# Kills during change replication, at random moments.
cdc_kills=0
while [ "$cdc_kills" -lt "$KILLS" ]; do
    wait_s=$((MIN_WAIT + RANDOM % (MAX_WAIT - MIN_WAIT + 1)))
    sleep "$wait_s.$((RANDOM % 10))"
    kill -0 "$PGBENCH_PID" 2>/dev/null || { tail -n 20 "$WORK/pgbench.log" >&2; die "pgbench stopped"; }
    status=$(job_status kill-trial)
    restart_ferry "after ${wait_s}s of replication, job was $status, lag $(api /v1/migrationJobs/kill-trial | jq -c .lag)"
    cdc_kills=$((cdc_kills + 1))
    await_replicating kill-trial 600
done

step "Stopping pgbench and promoting"
# SIGTERM: a background job of a script ignores SIGINT
kill -TERM "$PGBENCH_PID" 2>/dev/null || true
wait "$PGBENCH_PID" 2>/dev/null || true
PGBENCH_PID=""
tail -n 12 "$WORK/pgbench.log" | grep -E 'transactions actually processed|tps|failed' >&2 || true
promote_rc=0
ferry_cli migration-jobs promote kill-trial --wait >&2 || promote_rc=$?
api /v1/migrationJobs/kill-trial | jq -c '{state, phase, error}' >&2

step "Comparing source and destination"
failures=0
state=$(job_status kill-trial)
if [ "$promote_rc" -ne 0 ] || [ "${state%% *}" != COMPLETED ]; then
    log "promotion failed: exit $promote_rc, job $state"
    failures=$((failures + 1))
fi
table_fingerprints "$SRC_PORT" pgbench >"$WORK/source-tables"
table_fingerprints "$DST_PORT" pgbench >"$WORK/destination-tables" || true
sequence_values "$SRC_PORT" pgbench >"$WORK/source-sequences"
sequence_values "$DST_PORT" pgbench >"$WORK/destination-sequences" || true
printf '%-28s %12s %12s  %s\n' TABLE "SOURCE ROWS" "DEST ROWS" "CONTENT" >&2
while IFS='|' read -r table rows hash; do
    drow=$(grep "^$table|" "$WORK/destination-tables" || true)
    drows=$(printf '%s' "$drow" | cut -d'|' -f2)
    dhash=$(printf '%s' "$drow" | cut -d'|' -f3)
    verdict=same
    [ "$rows|$hash" = "$drows|$dhash" ] || { verdict=DIFFERENT; failures=$((failures + 1)); }
    printf '%-28s %12s %12s  %s\n' "$table" "$rows" "${drows:--}" "$verdict" >&2
done <"$WORK/source-tables"
if ! diff -u "$WORK/source-sequences" "$WORK/destination-sequences" >"$WORK/sequence-diff"; then
    log "sequences differ:"
    cat "$WORK/sequence-diff" >&2
    failures=$((failures + 1))
else
    log "sequences equal: $(tr '\n' ' ' <"$WORK/source-sequences")"
fi
slots=$(sql_value "$SRC_PORT" postgres "SELECT count(*) FROM pg_replication_slots")
if [ "$slots" != 0 ]; then
    log "the source still has $slots replication slot(s)"
    failures=$((failures + 1))
fi
ferry_server_stop
log "ERROR lines in the Ferry server log: $(grep -c ' ERROR ' "$WORK/ferry-server.log" || true)"

mkdir -p "$RESULTS_DIR"
result="$RESULTS_DIR/$BENCH_NAME-$STAMP.txt"
{
    echo "$BENCH_NAME $STAMP: scale $SCALE, pgbench -c $CLIENTS rate ${RATE}, kills: $kills ($full_load_kills during the full load, $cdc_kills during replication)"
    echo "writer: pgbench tpcb-like (one pgbench_history row per transaction) + bench_probe inserts, stopped by SIGTERM"
    echo "tables (table|rows|md5) source:"
    cat "$WORK/source-tables"
    echo "destination:"
    cat "$WORK/destination-tables"
    echo "sequences source: $(tr '\n' ' ' <"$WORK/source-sequences") destination: $(tr '\n' ' ' <"$WORK/destination-sequences")"
    if [ "$failures" -eq 0 ]; then echo "PASS"; else echo "FAIL ($failures problems)"; fi
} >"$result"
if [ "$failures" -eq 0 ]; then
    log "PASS: $kills kills ($full_load_kills during the full load, $cdc_kills during replication); all tables and sequences equal ($result)"
    exit 0
fi
log "FAIL: $failures problem(s) after $kills kills ($result)"
exit 1
