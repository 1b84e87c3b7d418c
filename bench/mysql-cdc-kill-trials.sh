#!/usr/bin/env bash
# Crash trials of a continuous MariaDB job: sysbench oltp_write_only writes to the source while the Ferry server is
# killed with SIGKILL again and again (during the full load if it lasts long enough, and during change replication)
# and restarted; the job must resume by itself, and after promotion every table must be identical on both sides
# (row count and CHECKSUM TABLE ... EXTENDED). See bench/README.md.
set -euo pipefail

BENCH_NAME=mysql-cdc-kill-trials
# shellcheck source=lib/mysql-cdc-common.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/mysql-cdc-common.sh"

usage() {
    cat <<'EOF2'
Usage: bench/mysql-cdc-kill-trials.sh [options]

Starts two MariaDB 10.11 servers (source: log-bin, ROW, FULL image; destination: local-infile) and a Ferry server of
its own, prepares a sysbench database on the source, creates a continuous job with the CLI, runs sysbench
oltp_write_only against the source and kills the Ferry server with SIGKILL at random moments, restarting it each
time. Then stops sysbench, promotes with the CLI (--wait) and compares every table (row count and
CHECKSUM TABLE EXTENDED). Prints the kills (when, and how long until the destination had caught up past the
restart), how far behind the destination was when promotion was asked, and PASS or FAIL (exit status 0 only on
PASS).

Options:
  --kills N            kills during change replication (default: 20)
  --full-load-kills N  kills attempted during the full load, if it lasts long enough (default: 2)
  --tables N           sysbench tables (default: 4)
  --table-size N       rows per sysbench table (default: 20000)
  --threads N          sysbench threads (default: 2)
  --rate TPS           sysbench rate limit, 0 for none (default: 100)
  --min-wait S         shortest time replicating before a kill (default: 2)
  --max-wait S         longest time replicating before a kill (default: 12)
  --keep               keep the work directory (servers are still stopped)
  -h, --help           this help
EOF2
}

KILLS=20
FULL_LOAD_KILLS=2
SB_TABLES=4
SB_TABLE_SIZE=20000
THREADS=2
RATE=100
MIN_WAIT=2
MAX_WAIT=12
KEEP=0
while [ $# -gt 0 ]; do
    case "$1" in
        --kills) KILLS=$2; shift 2 ;;
        --full-load-kills) FULL_LOAD_KILLS=$2; shift 2 ;;
        --tables) SB_TABLES=$2; shift 2 ;;
        --table-size) SB_TABLE_SIZE=$2; shift 2 ;;
        --threads) THREADS=$2; shift 2 ;;
        --rate) RATE=$2; shift 2 ;;
        --min-wait) MIN_WAIT=$2; shift 2 ;;
        --max-wait) MAX_WAIT=$2; shift 2 ;;
        --keep) KEEP=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown option: $1" ;;
    esac
done

need_cmd "$MARIADBD" mariadb-install-db mariadb mariadb-admin sysbench jq curl ss
if [ "$(id -u)" -eq 0 ]; then id mysql >/dev/null 2>&1 || die "running as root needs an OS user 'mysql'"; fi

WORK=$(make_workdir ferry-my-cdc-kill)
SYSBENCH_PID=""
PROBE_PID=""
FERRY_PORT=""
cleanup() {
    local rc=$?
    set +e
    [ -n "$SYSBENCH_PID" ] && kill -TERM "$SYSBENCH_PID" 2>/dev/null && wait "$SYSBENCH_PID" 2>/dev/null
    touch "$WORK/probe.stop"
    [ -n "$FERRY_PID" ] && kill -KILL "$FERRY_PID" 2>/dev/null && wait "$FERRY_PID" 2>/dev/null
    my_stop_all
    if [ "$rc" -ne 0 ] || [ "$KEEP" -eq 1 ]; then
        mkdir -p "$RESULTS_DIR/$BENCH_NAME-$STAMP-logs"
        cp "$WORK"/*.log "$RESULTS_DIR/$BENCH_NAME-$STAMP-logs/" 2>/dev/null
        cp "$WORK/ferry-home/logs/"*.log "$RESULTS_DIR/$BENCH_NAME-$STAMP-logs/" 2>/dev/null
        for s in src dst; do cp "$WORK/$s/error.log" "$RESULTS_DIR/$BENCH_NAME-$STAMP-logs/mariadb-$s-error.log" 2>/dev/null; done
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

step "Starting two MariaDB servers under $WORK"
my_start src SRC_PORT 1 --log-bin="$WORK/src/data/binlog" --binlog-format=ROW --binlog-row-image=FULL
my_start dst DST_PORT 2 --local-infile=1
log "source :$SRC_PORT ($(my_value "$SRC_PORT" 'SELECT VERSION()'), log-bin ROW FULL), destination :$DST_PORT"

step "Preparing the sysbench database on the source ($SB_TABLES tables x $SB_TABLE_SIZE rows)"
my "$SRC_PORT" -e "CREATE DATABASE sbtest"
# shellcheck disable=SC2046
sysbench oltp_write_only $(sysbench_args "$SRC_PORT") prepare >"$WORK/sysbench-prepare.log" 2>&1 ||
    { cat "$WORK/sysbench-prepare.log" >&2; die "sysbench prepare failed"; }
# A probe row stamped with the source's clock 10 times a second: how far behind the destination is, in source time.
my "$SRC_PORT" sbtest -e "CREATE TABLE bench_probe (id INT PRIMARY KEY, ts DATETIME(6) NOT NULL); INSERT INTO bench_probe VALUES (1, NOW(6))"
probe_loop() {
    while [ ! -e "$WORK/probe.stop" ]; do echo "UPDATE bench_probe SET ts = NOW(6) WHERE id = 1;"; sleep 0.1; done
}

step "Starting the Ferry server and creating the job with the CLI"
free_port FERRY_PORT
ferry_server_start "$WORK/ferry-home"
ferry_cli connection-profiles create kill-src --ssl-mode disable --engine mysql --host 127.0.0.1 --port "$SRC_PORT" --username root \
    --password-env BENCH_DB_PW >&2
ferry_cli connection-profiles create kill-dst --ssl-mode disable --engine mysql --host 127.0.0.1 --port "$DST_PORT" --username root \
    --password-env BENCH_DB_PW >&2
ferry_cli migration-jobs create kill-trial --type continuous --source kill-src --destination kill-dst --include sbtest >&2

step "Starting sysbench oltp_write_only (--threads=$THREADS, rate ${RATE}) and the job"
# shellcheck disable=SC2046
sysbench oltp_write_only $(sysbench_args "$SRC_PORT") --threads="$THREADS" --rate="$RATE" --time=0 \
    --report-interval=10 run >"$WORK/sysbench.log" 2>&1 &
SYSBENCH_PID=$!
probe_loop | my "$SRC_PORT" sbtest >"$WORK/probe.log" 2>&1 &
PROBE_PID=$!
ferry_cli migration-jobs start kill-trial >"$WORK/start.log" 2>&1 &
start_pid=$!

kills=0
full_load_kills=0
# Source time of the probe row on the destination (epoch seconds; 0 when none).
dst_probe_epoch() { my_value "$DST_PORT" "SELECT UNIX_TIMESTAMP(ts) FROM sbtest.bench_probe WHERE id = 1" 2>/dev/null || echo 0; }
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

for _ in $(seq 1 "$FULL_LOAD_KILLS"); do
    status=""
    for _ in $(seq 1 600); do
        status=$(job_status kill-trial 2>/dev/null || echo "UNREACHABLE -")
        case "$status" in *" CDC" | *READY_FOR_PROMOTE | FAILED* | STOPPED* | *FULL_DUMP) break ;; esac
        sleep 0.1
    done
    [ "$status" = "RUNNING FULL_DUMP" ] && sleep "0.$((RANDOM % 10))"
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

cdc_kills=0
while [ "$cdc_kills" -lt "$KILLS" ]; do
    wait_s=$((MIN_WAIT + RANDOM % (MAX_WAIT - MIN_WAIT + 1)))
    sleep "$wait_s.$((RANDOM % 10))"
    kill -0 "$SYSBENCH_PID" 2>/dev/null || { tail -n 20 "$WORK/sysbench.log" >&2; die "sysbench stopped"; }
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

step "Stopping sysbench and promoting"
kill -TERM "$SYSBENCH_PID" 2>/dev/null || true
wait "$SYSBENCH_PID" 2>/dev/null || true
SYSBENCH_PID=""
touch "$WORK/probe.stop"
wait "$PROBE_PID" 2>/dev/null || true
PROBE_PID=""
grep -E '^\[ *[0-9]+s \]' "$WORK/sysbench.log" | tail -n 2 >&2 || true
# How far behind the destination was when promotion was asked: Ferry's own lag, and the source time of the probe row
# not yet on the destination (the source's last stamp minus the destination's).
PROMOTE_LAG=$(ferry_lag kill-trial)
probe_sql="SELECT UNIX_TIMESTAMP(ts) FROM sbtest.bench_probe WHERE id = 1"
BEHIND_S=$(awk -v a="$(my_value "$SRC_PORT" "$probe_sql")" -v b="$(my_value "$DST_PORT" "$probe_sql" || echo 0)" \
    'BEGIN { d = a - b; if (d < 0) d = 0; printf "%.3f", d }')
log "at promotion: destination behind by ${BEHIND_S}s of source time (probe row); Ferry's lag ${PROMOTE_LAG% *} s, ${PROMOTE_LAG#* } bytes"
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
table_fingerprints "$SRC_PORT" sbtest >"$WORK/source-tables"
table_fingerprints "$DST_PORT" sbtest >"$WORK/destination-tables" || true
printf '%-16s %12s %12s %14s %14s  %s\n' TABLE "SOURCE ROWS" "DEST ROWS" "SOURCE CKSUM" "DEST CKSUM" VERDICT >"$WORK/comparison"
while IFS='|' read -r table rows sum; do
    drow=$(grep "^$table|" "$WORK/destination-tables" || true)
    drows=$(printf '%s' "$drow" | cut -d'|' -f2)
    dsum=$(printf '%s' "$drow" | cut -d'|' -f3)
    verdict=equal
    [ "$rows|$sum" = "$drows|$dsum" ] || { verdict=DIFFERENT; failures=$((failures + 1)); }
    printf '%-16s %12s %12s %14s %14s  %s\n' "$table" "$rows" "${drows:--}" "$sum" "${dsum:--}" "$verdict" >>"$WORK/comparison"
done <"$WORK/source-tables"
cat "$WORK/comparison" >&2
[ -s "$WORK/source-tables" ] || { log "no source tables found"; failures=$((failures + 1)); }
ferry_server_stop
errors=$(grep -c ' ERROR ' "$WORK/ferry-server.log" || true)
log "ERROR lines in the Ferry server log: $errors"

TABLES_VERDICT=$(grep -q 'DIFFERENT$' "$WORK/comparison" && echo "some DIFFERENT" || echo "all equal")
awk -F'\t' '$5 != "-" { print $5 }' "$WORK/kills" >"$WORK/back-times"
BACK_SUMMARY="min $(percentile 0 "$WORK/back-times") median $(percentile 50 "$WORK/back-times") max $(percentile 100 "$WORK/back-times")"
SUMMARY="kills: $kills ($full_load_kills during the full load, $cdc_kills during replication); caught up past each restart after (s): $BACK_SUMMARY
at promotion: behind by ${BEHIND_S} s of source time (probe row), Ferry's lag ${PROMOTE_LAG% *} s / ${PROMOTE_LAG#* } bytes; promote --wait took ${PROMOTE_S} s (exit $promote_rc), job ${state%% *}
tables: $TABLES_VERDICT; ERROR lines in the server log: $errors"

mkdir -p "$RESULTS_DIR"
result="$RESULTS_DIR/$BENCH_NAME-$STAMP.txt"
{
    echo "$BENCH_NAME $STAMP: MariaDB $(my_value "$SRC_PORT" 'SELECT VERSION()'), sysbench oltp_write_only $SB_TABLES x $SB_TABLE_SIZE, --threads=$THREADS --rate=$RATE"
    echo "writer: sysbench oltp_write_only (2 UPDATEs + DELETE + INSERT per transaction) and a probe row stamped 10/s, stopped before promotion"
    printf '%s\n' "$SUMMARY"
    echo
    printf 'kill\tphase\tjob at the kill\tserver restart s\tcaught up past the restart after s\n'
    cat "$WORK/kills"
    echo
    cat "$WORK/comparison"
    echo
    echo "tables (table|rows|CHECKSUM TABLE EXTENDED) source:"
    cat "$WORK/source-tables"
    echo "destination:"
    cat "$WORK/destination-tables"
    if [ "$failures" -eq 0 ]; then echo "PASS"; else echo "FAIL ($failures problems)"; fi
} >"$result"
step "Summary"
printf '%s\n' "$SUMMARY" >&2
if [ "$failures" -eq 0 ]; then
    log "PASS: $kills kills; all tables equal ($result)"
    exit 0
fi
grep ' ERROR \|Exception' "$WORK/ferry-server.log" | tail -n 20 >&2 || true
log "FAIL: $failures problem(s) after $kills kills ($result)"
exit 1
