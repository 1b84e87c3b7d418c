#!/usr/bin/env bash
# Change-replication benchmark, MariaDB: Ferry's continuous job vs MariaDB's native replication (CHANGE MASTER TO,
# one applier thread), same source, same sysbench oltp_write_only workload, same run. Measures the apply rate on a
# backlog and the lag at a steady rate. See bench/README.md.
set -euo pipefail

BENCH_NAME=mysql-cdc
# shellcheck source=lib/mysql-cdc-common.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/mysql-cdc-common.sh"

usage() {
    cat <<'EOF2'
Usage: bench/mysql-cdc.sh [options]

Starts three MariaDB 10.11 servers (a source with log-bin ROW/FULL, two destinations with identical settings:
local-infile=1, slave_parallel_threads=0) and a Ferry server. The native replica replicates from the start of the
source's binary log (before the sysbench database exists), the other destination is fed by a continuous Ferry job.
  (a) backlog: both paused (Ferry: migration-jobs stop; native: STOP SLAVE), sysbench oltp_write_only writes N
      transactions, then each side alone drains it; timed until a marker row written after the backlog arrives;
  (b) steady state: sysbench --rate=R for D seconds while the lag of both is sampled once a second (Ferry: the API's
      lag.seconds; native: Seconds_Behind_Master) plus a heartbeat lag measured alike on both destinations.
Prints a table (Ferry, native, ratio, target) and writes bench/results/mysql-cdc-<timestamp>.{md,csv} + samples.

Options:
  --tables N        sysbench tables (default: 4)
  --table-size N    rows per table (default: 20000)
  --backlog N       transactions written while replication is paused (default: 20000; --quick: 3000)
  --threads N       sysbench threads (default: 2)
  --rate TPS        steady-state rate (default: half the slower side's backlog apply rate, at most 70% of the
                    unthrottled write rate, at most 1000)
  --duration S      steady-state duration in seconds (default: 60; --quick: 20)
  --quick           small sizes, a few minutes in all
  --keep            keep the work directory (servers are still stopped)
  -h, --help        this help
EOF2
}

SB_TABLES=4
SB_TABLE_SIZE=20000
BACKLOG=""
THREADS=2
RATE=""
DURATION=""
QUICK=0
KEEP=0
while [ $# -gt 0 ]; do
    case "$1" in
        --tables) SB_TABLES=$2; shift 2 ;;
        --table-size) SB_TABLE_SIZE=$2; shift 2 ;;
        --backlog) BACKLOG=$2; shift 2 ;;
        --threads) THREADS=$2; shift 2 ;;
        --rate) RATE=$2; shift 2 ;;
        --duration) DURATION=$2; shift 2 ;;
        --quick) QUICK=1; shift ;;
        --keep) KEEP=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown option: $1" ;;
    esac
done
if [ "$QUICK" -eq 1 ]; then BACKLOG=${BACKLOG:-3000}; DURATION=${DURATION:-20}; else BACKLOG=${BACKLOG:-20000}; DURATION=${DURATION:-60}; fi
MODE=$([ "$QUICK" -eq 1 ] && echo quick || echo full)

need_cmd "$MARIADBD" mariadb-install-db mariadb mariadb-admin sysbench jq curl ss
if [ "$(id -u)" -eq 0 ]; then id mysql >/dev/null 2>&1 || die "running as root needs an OS user 'mysql'"; fi

WORK=$(make_workdir ferry-bench-my-cdc)
FERRY_PORT=""
BG_PIDS=""
cleanup() {
    local rc=$?
    set +e
    for p in $BG_PIDS; do kill -TERM "$p" 2>/dev/null; done
    ferry_server_stop
    my_stop_all
    if [ "$rc" -ne 0 ]; then
        mkdir -p "$RESULTS_DIR/$BENCH_NAME-$STAMP-logs"
        cp "$WORK"/*.log "$RESULTS_DIR/$BENCH_NAME-$STAMP-logs/" 2>/dev/null
        log "logs kept in $RESULTS_DIR/$BENCH_NAME-$STAMP-logs"
    fi
    if [ "$KEEP" -eq 1 ]; then log "work directory kept: $WORK"; else rm -rf "$WORK"; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", b - a}'; }
marker() { my_value "$1" "SELECT v FROM sbtest.bench_marker WHERE id = 1" 2>/dev/null || echo -1; }
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

step "Preparing Ferry"
ferry_prepare "$WORK/ferry"

step "Starting three MariaDB servers under $WORK"
DEST_ARGS=(--local-infile=1 --slave-parallel-threads=0)
my_start src SRC_PORT 1 --log-bin="$WORK/src/data/binlog" --binlog-format=ROW --binlog-row-image=FULL "${DEST_ARGS[@]}"
my_start ferry_dst FERRY_DST_PORT 2 "${DEST_ARGS[@]}"
my_start native_dst NATIVE_DST_PORT 3 "${DEST_ARGS[@]}" --skip-slave-start
MY_VERSION=$(my_value "$SRC_PORT" 'SELECT VERSION()')
log "source :$SRC_PORT ($MY_VERSION), Ferry's destination :$FERRY_DST_PORT, native replica :$NATIVE_DST_PORT"

step "Native replica: from the start of the source's binary log"
read -r BINLOG_FILE BINLOG_POS <<<"$(my_value "$SRC_PORT" 'SHOW MASTER STATUS' | awk '{print $1, $2}')"
my "$NATIVE_DST_PORT" -e "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$SRC_PORT, MASTER_USER='root', \
MASTER_PASSWORD='$PW', MASTER_LOG_FILE='$BINLOG_FILE', MASTER_LOG_POS=$BINLOG_POS; START SLAVE"
log "native replica started at $BINLOG_FILE:$BINLOG_POS"

step "Preparing the sysbench database on the source ($SB_TABLES tables x $SB_TABLE_SIZE rows)"
my "$SRC_PORT" -e "CREATE DATABASE sbtest"
# shellcheck disable=SC2046
sysbench oltp_write_only $(sysbench_args "$SRC_PORT") --threads="$THREADS" prepare >"$WORK/sysbench-prepare.log" 2>&1 ||
    { cat "$WORK/sysbench-prepare.log" >&2; die "sysbench prepare failed"; }
my "$SRC_PORT" sbtest -e "CREATE TABLE bench_marker (id INT PRIMARY KEY, v BIGINT NOT NULL);
INSERT INTO bench_marker VALUES (1, 0);
CREATE TABLE bench_heartbeat (id INT PRIMARY KEY, ts DATETIME(6) NOT NULL);
INSERT INTO bench_heartbeat VALUES (1, NOW(6));"

step "Ferry: server, profiles and a continuous job (with the CLI)"
free_port FERRY_PORT
ferry_server_start "$WORK/ferry-home"
ferry_cli connection-profiles create bench-src --ssl-mode disable --engine mysql --host 127.0.0.1 --port "$SRC_PORT" --username root \
    --password-env BENCH_DB_PW >&2
ferry_cli connection-profiles create bench-dst --ssl-mode disable --engine mysql --host 127.0.0.1 --port "$FERRY_DST_PORT" \
    --username root --password-env BENCH_DB_PW >&2
ferry_cli migration-jobs create bench-cdc --type continuous --source bench-src --destination bench-dst --include sbtest >&2
ferry_cli migration-jobs start bench-cdc >&2
await_replicating bench-cdc 900

# wait_marker PORT VALUE LIMIT_S: until the destination's marker row has VALUE.
wait_marker() {
    local t0
    t0=$(date +%s)
    until [ "$(marker "$1")" = "$2" ]; do
        [ $(($(date +%s) - t0)) -ge "$3" ] && die "destination :$1 did not reach marker $2 within $3 s"
        sleep 0.05
    done
}
my "$SRC_PORT" sbtest -e "UPDATE bench_marker SET v = 1 WHERE id = 1"
wait_marker "$FERRY_DST_PORT" 1 600
wait_marker "$NATIVE_DST_PORT" 1 600
log "both replicate: Ferry $(job_status bench-cdc), native $(my "$NATIVE_DST_PORT" -e 'SHOW SLAVE STATUS\G' | awk '/Slave_SQL_Running:|Slave_IO_Running:/ {printf "%s ", $0}')"

# ---------------------------------------------------------------------------------------------------------------
# (a) Backlog

step "(a) Backlog: pausing both, writing $BACKLOG transactions"
ferry_cli migration-jobs stop bench-cdc >&2
my "$NATIVE_DST_PORT" -e "STOP SLAVE"
for _ in $(seq 1 600); do [ "$(job_status bench-cdc | cut -d' ' -f1)" = STOPPED ] && break; sleep 0.1; done
[ "$(job_status bench-cdc | cut -d' ' -f1)" = STOPPED ] || die "Ferry's job did not stop: $(job_status bench-cdc)"
read -r _ POS0 <<<"$(my_value "$SRC_PORT" 'SHOW MASTER STATUS' | awk '{print $1, $2}')"
t0=$(now)
# shellcheck disable=SC2046
sysbench oltp_write_only $(sysbench_args "$SRC_PORT") --threads="$THREADS" --events="$BACKLOG" --time=0 run \
    >"$WORK/sysbench-backlog.log" 2>&1 || { cat "$WORK/sysbench-backlog.log" >&2; die "sysbench failed"; }
t1=$(now)
BACKLOG_TX=$(awk '/transactions:/ {print $2; exit}' "$WORK/sysbench-backlog.log")
WRITE_TPS=$(awk -v n="$BACKLOG_TX" -v s="$(elapsed "$t0" "$t1")" 'BEGIN { printf "%.0f", n / s }')
my "$SRC_PORT" sbtest -e "UPDATE bench_marker SET v = 2 WHERE id = 1"
read -r _ POS1 <<<"$(my_value "$SRC_PORT" 'SHOW MASTER STATUS' | awk '{print $1, $2}')"
BINLOG_MB=$(awk -v a="$POS0" -v b="$POS1" 'BEGIN { printf "%.1f", (b - a) / 1048576 }')
log "backlog: $BACKLOG_TX transactions, $BINLOG_MB MB of binlog, written in $(elapsed "$t0" "$t1")s ($WRITE_TPS tx/s)"
sync

applied_rows() { api "/v1/migrationJobs/bench-cdc/objects" | jq '[.objects[].rowsApplied // 0] | add' 2>/dev/null || echo 0; }
drain_rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }

# drain SIDE PORT START: until the destination has marker 2, samples "seconds-since-START fraction-of-backlog-applied"
# into $WORK/drain-SIDE.txt every 0.2 s (Ferry: rowsApplied / (4 x transactions); native: Exec_Master_Log_Pos within
# the backlog's binlog range).
drain() {
    local side=$1 port=$2 start=$3 t frac
    : >"$WORK/drain-$side.txt"
    while [ "$(marker "$port")" != 2 ]; do
        t=$(elapsed "$start" "$(now)")
        if [ "$side" = ferry ]; then
            frac=$(awk -v a="$(applied_rows)" -v a0="$FERRY_APPLIED0" -v n="$BACKLOG_TX" 'BEGIN { printf "%.4f", (a - a0) / (4 * n) }')
        else
            frac=$(my "$port" -e 'SHOW SLAVE STATUS\G' | awk -v p0="$POS0" -v p1="$POS1" \
                '/Exec_Master_Log_Pos:/ { f = ($2 - p0) / (p1 - p0); if (f < 0) f = 0; printf "%.4f", f }')
        fi
        echo "$t ${frac:-0}" >>"$WORK/drain-$side.txt"
        awk -v t="$t" 'BEGIN { exit !(t > 3600) }' && die "$side did not drain the backlog within an hour"
        sleep 0.2
    done
    echo "$(elapsed "$start" "$(now)") 1" >>"$WORK/drain-$side.txt"
}
# sustained SIDE -> tx/s between 10% and 90% of the backlog (leaves out start-up and tail); 0 when too few samples.
sustained() {
    awk -v n="$BACKLOG_TX" '{ if (a == "" && $2 >= 0.1) { a = $1; fa = $2 } if (b == "" && $2 >= 0.9) { b = $1; fb = $2 } }
        END { printf "%.0f", (b > a) ? (fb - fa) * n / (b - a) : 0 }' "$WORK/drain-$1.txt"
}

step "(a) Ferry drains the backlog alone"
FERRY_APPLIED0=$(applied_rows)
start=$(now)
curl -sf -X POST -H 'Content-Type: application/json' -H "Authorization: Bearer $FERRY_TOKEN" -d '{"skipValidation": true}' \
    "http://127.0.0.1:$FERRY_PORT/v1/migrationJobs/bench-cdc:resume" >/dev/null ||
    ferry_cli migration-jobs start bench-cdc >&2
drain ferry "$FERRY_DST_PORT" "$start"
FERRY_DRAIN_S=$(elapsed "$start" "$(now)")
FERRY_SUSTAINED_TPS=$(sustained ferry)
FERRY_DRAIN_TPS=$(drain_rate "$BACKLOG_TX" "$FERRY_DRAIN_S")
sleep 2
FERRY_APPLIED=$(($(applied_rows) - FERRY_APPLIED0))
log "Ferry: ${FERRY_DRAIN_S}s, $FERRY_DRAIN_TPS tx/s overall, $FERRY_SUSTAINED_TPS tx/s sustained; rowsApplied +$FERRY_APPLIED"

step "(a) Native replication drains the backlog alone"
start=$(now)
my "$NATIVE_DST_PORT" -e "START SLAVE"
drain native "$NATIVE_DST_PORT" "$start"
NATIVE_DRAIN_S=$(elapsed "$start" "$(now)")
NATIVE_SUSTAINED_TPS=$(sustained native)
NATIVE_DRAIN_TPS=$(drain_rate "$BACKLOG_TX" "$NATIVE_DRAIN_S")
log "native: ${NATIVE_DRAIN_S}s, $NATIVE_DRAIN_TPS tx/s overall, $NATIVE_SUSTAINED_TPS tx/s sustained"

# ---------------------------------------------------------------------------------------------------------------
# (b) Steady state

if [ -z "$RATE" ]; then
    RATE=$(awk -v a="$FERRY_DRAIN_TPS" -v b="$NATIVE_DRAIN_TPS" -v w="$WRITE_TPS" 'BEGIN { m = (a < b ? a : b) / 2;
        if (m > 0.7 * w) m = 0.7 * w; if (m > 1000) m = 1000; if (m < 20) m = 20; printf "%d", m }')
fi
step "(b) Steady state: sysbench --rate=$RATE for ${DURATION}s, lag sampled once a second"
await_replicating bench-cdc 300
(while :; do echo "UPDATE bench_heartbeat SET ts = NOW(6) WHERE id = 1;"; sleep 0.1; done | my "$SRC_PORT" sbtest) \
    >"$WORK/heartbeat.log" 2>&1 &
HB_PID=$!
BG_PIDS="$BG_PIDS $HB_PID"
# shellcheck disable=SC2046
sysbench oltp_write_only $(sysbench_args "$SRC_PORT") --threads="$THREADS" --rate="$RATE" --time="$DURATION" run \
    >"$WORK/sysbench-steady.log" 2>&1 &
workload=$!
BG_PIDS="$BG_PIDS $workload"
SAMPLES="$WORK/samples.csv"
echo "t,ferry_lag_s,native_seconds_behind_master,ferry_heartbeat_lag_s,native_heartbeat_lag_s" >"$SAMPLES"
hb_sql="SELECT TIMESTAMPDIFF(MICROSECOND, ts, NOW(6)) / 1000000 FROM sbtest.bench_heartbeat WHERE id = 1"
start=$(now)
while kill -0 "$workload" 2>/dev/null; do
    tick=$(now)
    t=$(elapsed "$start" "$tick")
    ferry_lag=$(api /v1/migrationJobs/bench-cdc | jq -r '.lag.seconds // ""')
    native_lag=$(my "$NATIVE_DST_PORT" -e 'SHOW SLAVE STATUS\G' | awk '/Seconds_Behind_Master:/ {print $2}')
    ferry_hb=$(my_value "$FERRY_DST_PORT" "$hb_sql")
    native_hb=$(my_value "$NATIVE_DST_PORT" "$hb_sql")
    echo "$t,$ferry_lag,$native_lag,$ferry_hb,$native_hb" >>"$SAMPLES"
    rest=$(awk -v a="$tick" -v b="$(now)" 'BEGIN { r = 1 - (b - a); if (r < 0) r = 0; printf "%.2f", r }')
    sleep "$rest"
done
wait "$workload" || die "the steady-state sysbench failed: $(tail -n 5 "$WORK/sysbench-steady.log")"
kill -TERM "$HB_PID" 2>/dev/null || true
STEADY_TPS=$(awk '/transactions:/ { gsub(/[()]/, "", $3); printf "%.0f", $3; exit }' "$WORK/sysbench-steady.log")
log "steady workload done: $(grep -E 'transactions:' "$WORK/sysbench-steady.log" | head -n 1)"

column() { awk -F, -v c="$1" 'NR > 1 && $1 >= 5 && $c != "" && $c != "NULL" { print $c }' "$SAMPLES" >"$WORK/col-$1.txt"; echo "$WORK/col-$1.txt"; }
declare -A P
for c in 2 3 4 5; do
    f=$(column "$c")
    for p in 50 95 99 100; do P[$c,$p]=$(percentile "$p" "$f"); done
done

step "Checking that both destinations hold the source's data"
my "$SRC_PORT" sbtest -e "UPDATE bench_marker SET v = 3 WHERE id = 1"
wait_marker "$FERRY_DST_PORT" 3 600
wait_marker "$NATIVE_DST_PORT" 3 600
table_fingerprints "$SRC_PORT" sbtest | grep -v bench_heartbeat >"$WORK/fp-src"
table_fingerprints "$FERRY_DST_PORT" sbtest | grep -v bench_heartbeat >"$WORK/fp-ferry"
table_fingerprints "$NATIVE_DST_PORT" sbtest | grep -v bench_heartbeat >"$WORK/fp-native"
DATA_CHECK="Ferry $(cmp -s "$WORK/fp-src" "$WORK/fp-ferry" && echo equal || echo DIFFERENT), native $(cmp -s "$WORK/fp-src" "$WORK/fp-native" && echo equal || echo DIFFERENT)"
log "sbtest tables vs source (row counts and CHECKSUM TABLE EXTENDED): $DATA_CHECK"

# ---------------------------------------------------------------------------------------------------------------
# Report

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || a == "-" || b == "" || b == "-" || b + 0 == 0) print "-"; else printf "%.2f", a / b }'; }
at_least() { awk -v v="$1" -v l="$2" 'BEGIN { if (v == "-" || v == "") print "n/a"; else if (v + 0 >= l + 0) print "met"; else print "NOT met" }'; }
below() { awk -v v="$1" -v l="$2" 'BEGIN { if (v == "-" || v == "") print "n/a"; else if (v + 0 < l + 0) print "met"; else print "NOT met" }'; }
r_drain=$(ratio "$FERRY_DRAIN_TPS" "$NATIVE_DRAIN_TPS")
r_sustained=$(ratio "$FERRY_SUSTAINED_TPS" "$NATIVE_SUSTAINED_TPS")
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
rows=(
    "backlog: transactions drained|$BACKLOG_TX|$BACKLOG_TX|||"
    "backlog: drain time s|$FERRY_DRAIN_S|$NATIVE_DRAIN_S|$(ratio "$FERRY_DRAIN_S" "$NATIVE_DRAIN_S")||"
    "backlog: apply rate tx/s|$FERRY_DRAIN_TPS|$NATIVE_DRAIN_TPS|$r_drain|>= 1.5x native|$(at_least "$r_drain" 1.5)"
    "backlog: apply rate rows/s (4 row changes per tx)|$((FERRY_DRAIN_TPS * 4))|$((NATIVE_DRAIN_TPS * 4))|$r_drain||"
    "backlog: sustained apply rate tx/s (10-90%)|$FERRY_SUSTAINED_TPS|$NATIVE_SUSTAINED_TPS|$r_sustained|>= 1.5x native|$(at_least "$r_sustained" 1.5)"
    "backlog: sustained apply rate rows/s|$((FERRY_SUSTAINED_TPS * 4))|$((NATIVE_SUSTAINED_TPS * 4))|$r_sustained||"
    "steady: offered rate tx/s (sysbench --rate=$RATE)|$STEADY_TPS|$STEADY_TPS|||"
    "steady: lag p50 s (Ferry API / Seconds_Behind_Master)|${P[2,50]}|${P[3,50]}|$(ratio "${P[2,50]}" "${P[3,50]}")||"
    "steady: lag p95 s|${P[2,95]}|${P[3,95]}|$(ratio "${P[2,95]}" "${P[3,95]}")||"
    "steady: lag p99 s|${P[2,99]}|${P[3,99]}|$(ratio "${P[2,99]}" "${P[3,99]}")|Ferry < 2 s|$(below "${P[2,99]}" 2)"
    "steady: lag max s|${P[2,100]}|${P[3,100]}|$(ratio "${P[2,100]}" "${P[3,100]}")||"
    "steady: heartbeat lag p50 s (both measured alike)|${P[4,50]}|${P[5,50]}|$(ratio "${P[4,50]}" "${P[5,50]}")||"
    "steady: heartbeat lag p95 s|${P[4,95]}|${P[5,95]}|$(ratio "${P[4,95]}" "${P[5,95]}")||"
    "steady: heartbeat lag p99 s|${P[4,99]}|${P[5,99]}|$(ratio "${P[4,99]}" "${P[5,99]}")|Ferry < 2 s|$(below "${P[4,99]}" 2)"
    "steady: heartbeat lag max s|${P[4,100]}|${P[5,100]}|$(ratio "${P[4,100]}" "${P[5,100]}")||"
)
mkdir -p "$RESULTS_DIR"
base="$RESULTS_DIR/$BENCH_NAME-$STAMP"
cp "$SAMPLES" "$base-samples.csv"
{
    echo "measure,ferry,native,ferry_over_native,target,verdict"
    for r in "${rows[@]}"; do IFS='|' read -r m f n q t v <<<"$r"; echo "\"$m\",$f,$n,$q,\"$t\",$v"; done
} >"$base.csv"
{
    echo "# $BENCH_NAME — $STAMP ($MODE)"
    echo
    echo "- $MY_VERSION, three servers with identical settings (buffer pool 512M, redo 512M, durability defaults,"
    echo "  local-infile=1, slave_parallel_threads=0); source log-bin ROW/FULL. $(nproc) cores, load average before"
    echo "  $LOAD_BEFORE, after $LOAD_AFTER (the machine is shared: compare within one run only)."
    echo "- sysbench oltp_write_only, $SB_TABLES tables x $SB_TABLE_SIZE rows, $THREADS threads (per transaction: 2 UPDATEs,"
    echo "  1 DELETE, 1 INSERT)."
    echo "- Ferry: one continuous job (default settings) into its own server; native: CHANGE MASTER TO from the start of"
    echo "  the source's binlog (before the database existed), single SQL applier thread, into its own server."
    echo "- (a) both paused (Ferry: migration-jobs stop; native: STOP SLAVE), $BACKLOG_TX transactions ($BINLOG_MB MB of"
    echo "  binlog) written (sysbench unthrottled: $WRITE_TPS tx/s), then a marker row; Ferry (resume through the API,"
    echo "  skipValidation) and native (START SLAVE, includes fetching the binlog) each drain it alone, one after the other,"
    echo "  timed until the destination has the marker (polled every 0.2 s). 'sustained': the rate between 10% and 90% of"
    echo "  the backlog (Ferry: rowsApplied from the objects API; native: Exec_Master_Log_Pos within the backlog's binlog"
    echo "  range), without start-up and tail."
    echo "- (b) both replicate at once while sysbench runs at --rate=$RATE for ${DURATION}s plus a heartbeat (UPDATE of one"
    echo "  row to NOW(6), 10 per second). Sampled once a second, first 5 s left out: Ferry's API lag.seconds,"
    echo "  Seconds_Behind_Master (whole seconds), and on each destination NOW(6) - heartbeat (includes up to 0.1 s of period)."
    echo "- Data check after the run (row counts + CHECKSUM TABLE EXTENDED of every sbtest table): $DATA_CHECK."
    echo "- Ferry rowsApplied during the backlog drain: $FERRY_APPLIED (expected about $((BACKLOG_TX * 4)) + marker)."
    echo
    echo "| measure | Ferry | native | Ferry/native | target | verdict |"
    echo "|---|---:|---:|---:|---|---|"
    for r in "${rows[@]}"; do IFS='|' read -r m f n q t v <<<"$r"; echo "| $m | $f | $n | ${q:--} | $t | $v |"; done
    echo
    echo "Samples: $(basename "$base-samples.csv")."
} >"$base.md"

step "Results ($MODE)"
printf '%-54s %10s %10s %8s  %-16s %s\n' measure Ferry native ratio target verdict >&2
for r in "${rows[@]}"; do
    IFS='|' read -r m f n q t v <<<"$r"
    printf '%-54s %10s %10s %8s  %-16s %s\n' "$m" "$f" "$n" "${q:--}" "$t" "$v" >&2
done
log "data check: $DATA_CHECK; written $base.md, $base.csv, $base-samples.csv"
case "$DATA_CHECK" in *DIFFERENT*) exit 1 ;; esac
exit 0
