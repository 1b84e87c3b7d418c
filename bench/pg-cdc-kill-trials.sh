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
order-independent content hash) and every sequence. Prints the kills (when, and how long until the destination
had caught up past the restart), how far behind the destination was when promotion was asked, and PASS or FAIL
(exit status 0 only on PASS).

Options:
  --kills N            kills during change replication (default: 20)
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

KILLS=20
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
# Source time of the newest probe row on the destination (epoch seconds; 0 when none).
dst_probe_epoch() { sql_value "$DST_PORT" pgbench "SELECT coalesce(extract(epoch FROM max(at)), 0) FROM bench_probe" 2>/dev/null || echo 0; }
# await_caught_up_past T: waits until the destination has a probe row the source stamped after epoch T (at most 600 s).
await_caught_up_past() {
    local t0
    t0=$(date +%s)
    until awk -v a="$(dst_probe_epoch)" -v t="$1" 'BEGIN { exit !(a >= t) }'; do
        [ $(($(date +%s) - t0)) -ge 600 ] && die "no probe row written after the restart reached the destination within 600 s"
        sleep 0.2
    done
}
# One line per kill in $WORK/kills: number, phase, what the job was doing, server restart seconds, seconds from the
# restart until a probe row the source wrote after the restart is on the destination ("-" for kills during the full
# load, which are not waited for).
: >"$WORK/kills"
RESTARTED_AT=""
restart_ferry() {
    local what=$1 t0
    kill -KILL "$FERRY_PID"
    wait "$FERRY_PID" 2>/dev/null || true
    kills=$((kills + 1))
    sleep "0.$((RANDOM % 10))"
    t0=$(now)
    ferry_server_start "$WORK/ferry-home"
    RESTARTED_AT=$(now)
    RESTART_S=$(elapsed "$t0" "$RESTARTED_AT")
    log "kill #$kills ($what): server restarted in ${RESTART_S}s"
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
        printf '%s\tfull load\t%s\t%s\t-\n' "$kills" "$status" "$RESTART_S" >>"$WORK/kills"
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
    lag=$(ferry_lag kill-trial)
    restart_ferry "after ${wait_s}s of replication, job was $status, lag ${lag% *} s / ${lag#* } bytes"
    cdc_kills=$((cdc_kills + 1))
    await_replicating kill-trial 600
    await_caught_up_past "$RESTARTED_AT"
    back=$(elapsed "$RESTARTED_AT" "$(now)")
    log "kill #$kills: caught up past the restart ${back}s after it (a probe row written after it is on the destination)"
    printf '%s\treplication\t%s, lag %s s\t%s\t%s\n' "$kills" "$status" "${lag% *}" "$RESTART_S" "$back" >>"$WORK/kills"
done

step "Stopping pgbench and promoting"
# SIGTERM: a background job of a script ignores SIGINT
kill -TERM "$PGBENCH_PID" 2>/dev/null || true
wait "$PGBENCH_PID" 2>/dev/null || true
PGBENCH_PID=""
tail -n 12 "$WORK/pgbench.log" | grep -E 'transactions actually processed|tps|failed' >&2 || true
# How far behind the destination was when promotion was asked: Ferry's own lag, and the source time of the newest
# probe row not yet on the destination (newest probe on the source minus newest on the destination).
PROMOTE_LAG=$(ferry_lag kill-trial)
src_probe=$(sql_value "$SRC_PORT" pgbench "SELECT extract(epoch FROM max(at)) FROM bench_probe")
dst_probe=$(sql_value "$DST_PORT" pgbench "SELECT coalesce(extract(epoch FROM max(at)), 0) FROM bench_probe" || echo 0)
BEHIND_S=$(awk -v a="$src_probe" -v b="$dst_probe" 'BEGIN { d = a - b; if (d < 0) d = 0; printf "%.3f", d }')
log "at promotion: destination behind by ${BEHIND_S}s of source time (newest probe row); Ferry's lag ${PROMOTE_LAG% *} s, ${PROMOTE_LAG#* } bytes"
promote_rc=0
t0=$(now)
ferry_cli migration-jobs promote kill-trial --wait >&2 || promote_rc=$?
PROMOTE_S=$(elapsed "$t0" "$(now)")
log "promotion took ${PROMOTE_S}s (exit $promote_rc)"
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
printf '%-28s %12s %12s  %s\n' TABLE "SOURCE ROWS" "DEST ROWS" "CONTENT" >"$WORK/comparison"
while IFS='|' read -r table rows hash; do
    drow=$(grep "^$table|" "$WORK/destination-tables" || true)
    drows=$(printf '%s' "$drow" | cut -d'|' -f2)
    dhash=$(printf '%s' "$drow" | cut -d'|' -f3)
    verdict=equal
    [ "$rows|$hash" = "$drows|$dhash" ] || { verdict=DIFFERENT; failures=$((failures + 1)); }
    printf '%-28s %12s %12s  %s\n' "$table" "$rows" "${drows:--}" "$verdict" >>"$WORK/comparison"
done <"$WORK/source-tables"
cat "$WORK/comparison" >&2
if ! diff -u "$WORK/source-sequences" "$WORK/destination-sequences" >"$WORK/sequence-diff"; then
    SEQUENCES=DIFFERENT
    log "sequences differ:"
    cat "$WORK/sequence-diff" >&2
    failures=$((failures + 1))
else
    SEQUENCES=equal
    log "sequences equal: $(tr '\n' ' ' <"$WORK/source-sequences")"
fi
slots=$(sql_value "$SRC_PORT" postgres "SELECT count(*) FROM pg_replication_slots")
if [ "$slots" != 0 ]; then
    log "the source still has $slots replication slot(s)"
    failures=$((failures + 1))
fi
ferry_server_stop
log "ERROR lines in the Ferry server log: $(grep -c ' ERROR ' "$WORK/ferry-server.log" || true)"

TABLES_VERDICT=$(grep -q 'DIFFERENT$' "$WORK/comparison" && echo "some DIFFERENT" || echo "all equal")
awk -F'\t' '$5 != "-" { print $5 }' "$WORK/kills" >"$WORK/back-times"
BACK_SUMMARY="min $(percentile 0 "$WORK/back-times") median $(percentile 50 "$WORK/back-times") max $(percentile 100 "$WORK/back-times")"
SUMMARY="kills: $kills ($full_load_kills during the full load, $cdc_kills during replication); caught up past each restart after (s): $BACK_SUMMARY
at promotion: behind by ${BEHIND_S} s of source time (newest probe row), Ferry's lag ${PROMOTE_LAG% *} s / ${PROMOTE_LAG#* } bytes; promote --wait took ${PROMOTE_S} s (exit $promote_rc), job ${state%% *}
tables: $TABLES_VERDICT; sequences: $SEQUENCES; replication slots left on the source: $slots"

mkdir -p "$RESULTS_DIR"
result="$RESULTS_DIR/$BENCH_NAME-$STAMP.txt"
{
    echo "$BENCH_NAME $STAMP: scale $SCALE, pgbench -c $CLIENTS rate ${RATE}"
    echo "writer: pgbench tpcb-like (one pgbench_history row per transaction) + bench_probe inserts, stopped by SIGTERM"
    printf '%s\n' "$SUMMARY"
    echo
    printf 'kill\tphase\tjob at the kill\tserver restart s\tcaught up past the restart after s\n'
    cat "$WORK/kills"
    echo
    cat "$WORK/comparison"
    echo "sequences source: $(tr '\n' ' ' <"$WORK/source-sequences") destination: $(tr '\n' ' ' <"$WORK/destination-sequences")"
    echo
    echo "tables (table|rows|md5) source:"
    cat "$WORK/source-tables"
    echo "destination:"
    cat "$WORK/destination-tables"
    if [ "$failures" -eq 0 ]; then echo "PASS"; else echo "FAIL ($failures problems)"; fi
} >"$result"
step "Summary"
printf '%s\n' "$SUMMARY" >&2
if [ "$failures" -eq 0 ]; then
    log "PASS: $kills kills; all tables and sequences equal ($result)"
    exit 0
fi
log "FAIL: $failures problem(s) after $kills kills ($result)"
exit 1
