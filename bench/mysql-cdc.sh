#!/usr/bin/env bash
# Change-replication benchmark, MariaDB: Ferry's continuous job vs MariaDB's native replication with one SQL thread
# and with parallel (optimistic) replication, same source, same sysbench oltp_write_only workload, same run. Measures
# the apply rate on a backlog, the row writes it costs the destination, the lag at a steady rate, one large
# transaction, and the Ferry server's peak memory. See bench/README.md ("Change replication").
set -euo pipefail

BENCH_NAME=mysql-cdc
# shellcheck source=lib/mysql-cdc-common.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/mysql-cdc-common.sh"

usage() {
    cat <<'EOF2'
Usage: bench/mysql-cdc.sh [options]

Starts four MariaDB 10.11 servers: a source (log-bin, ROW, FULL row image) and three destinations with identical
settings (local-infile=1, userstat=1) but for the applier: Ferry's (a continuous Ferry job), a native replica with
one SQL thread (slave_parallel_threads=0) and a native replica with parallel replication
(slave_parallel_threads=4, slave_parallel_mode=optimistic). Both native replicas replicate from the start of the
source's binary log. Then:
  (a) backlog: all three paused, sysbench oltp_write_only writes N transactions in 10 chunks, each followed by a
      marker row; then each applier drains the backlog alone, one after the other; the marker gives the progress,
      CHECKSUM TABLE confirms the end, and TABLE_STATISTICS the row writes it cost each destination;
  (b) steady state: sysbench --rate=R (half of the one-thread replica's sustained backlog rate) while the lag of
      all three is sampled once a second (Ferry: the API's lag.seconds; native: Seconds_Behind_Master) with a
      heartbeat lag measured alike on every destination;
  (c) big transaction: all paused, one source transaction inserts N rows, each applier applies it alone.
The Ferry server's memory (VmHWM/VmRSS) is sampled once a second throughout. Prints a table (Ferry, both native
appliers, ratios) and the targets; writes bench/results/mysql-cdc-<timestamp>.{md,csv} and the lag samples.

Options:
  --tables N        sysbench tables (default: 4)
  --table-size N    rows per table (default: 20000)
  --backlog N       transactions written while replication is paused (default: 20000; --quick: 6000)
  --threads N       sysbench threads (default: 2)
  --par-threads N   slave_parallel_threads of the parallel native replica (default: 4)
  --rate TPS        steady-state rate (default: half of the one-thread replica's sustained backlog apply rate, at
                    most 70% of the unthrottled write rate)
  --duration S      steady-state duration in seconds (default: 60; --quick: 20)
  --big-txn N       rows of the big transaction (default: 1000000; --quick: 100000; 0 skips it)
  --quick           small sizes, a few minutes in all
  --keep            keep the work directory (servers are still stopped)
  -h, --help        this help
EOF2
}

SB_TABLES=4
SB_TABLE_SIZE=20000
BACKLOG=""
THREADS=2
PAR_THREADS=4
RATE=""
DURATION=""
BIG_TXN=""
QUICK=0
KEEP=0
while [ $# -gt 0 ]; do
    case "$1" in
        --tables) SB_TABLES=$2; shift 2 ;;
        --table-size) SB_TABLE_SIZE=$2; shift 2 ;;
        --backlog) BACKLOG=$2; shift 2 ;;
        --threads) THREADS=$2; shift 2 ;;
        --par-threads) PAR_THREADS=$2; shift 2 ;;
        --rate) RATE=$2; shift 2 ;;
        --duration) DURATION=$2; shift 2 ;;
        --big-txn) BIG_TXN=$2; shift 2 ;;
        --quick) QUICK=1; shift ;;
        --keep) KEEP=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown option: $1" ;;
    esac
done
if [ "$QUICK" -eq 1 ]; then
    BACKLOG=${BACKLOG:-6000}; DURATION=${DURATION:-20}; BIG_TXN=${BIG_TXN:-100000}
else
    BACKLOG=${BACKLOG:-20000}; DURATION=${DURATION:-60}; BIG_TXN=${BIG_TXN:-1000000}
fi
MODE=$([ "$QUICK" -eq 1 ] && echo quick || echo full)
RSS_LIMIT_MIB=512
CHUNKS=10
MARKER_BASE=100
MARKER_FINAL=999

need_cmd "$MARIADBD" mariadb-install-db mariadb mariadb-admin sysbench jq curl ss
if [ "$(id -u)" -eq 0 ]; then id mysql >/dev/null 2>&1 || die "running as root needs an OS user 'mysql'"; fi

WORK=$(make_workdir ferry-bench-my-cdc)
FERRY_PORT=""
BG_PIDS=""
cleanup() {
    local rc=$?
    set +e
    for p in $BG_PIDS; do kill -TERM "$p" 2>/dev/null; done
    rss_watch_stop
    ferry_server_stop
    my_stop_all
    if [ "$rc" -ne 0 ]; then
        mkdir -p "$RESULTS_DIR/$BENCH_NAME-$STAMP-logs"
        cp "$WORK"/*.log "$RESULTS_DIR/$BENCH_NAME-$STAMP-logs/" 2>/dev/null
        for s in src ferry_dst native_dst par_dst; do
            cp "$WORK/$s/error.log" "$RESULTS_DIR/$BENCH_NAME-$STAMP-logs/mariadb-$s-error.log" 2>/dev/null
        done
        log "logs kept in $RESULTS_DIR/$BENCH_NAME-$STAMP-logs"
    fi
    if [ "$KEEP" -eq 1 ]; then log "work directory kept: $WORK"; else rm -rf "$WORK"; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

marker() { my_value "$1" "SELECT v FROM sbtest.bench_marker WHERE id = 1" 2>/dev/null || echo -1; }
set_marker() { my "$SRC_PORT" sbtest -e "UPDATE bench_marker SET v = $1 WHERE id = 1"; }
# wait_marker PORT VALUE LIMIT_S: until the destination's marker row has VALUE.
wait_marker() {
    local t0
    t0=$(date +%s)
    until [ "$(marker "$1")" = "$2" ]; do
        [ $(($(date +%s) - t0)) -ge "$3" ] && die "destination :$1 did not reach marker $2 within $3 s"
        sleep 0.05
    done
}
# The checksums of the sysbench tables, one line: equal to the source's once every change is applied.
sb_checksums() {
    local tables
    tables=$(seq -f 'sbtest.sbtest%g' 1 "$SB_TABLES" | paste -sd, -)
    my_value "$1" "CHECKSUM TABLE $tables EXTENDED" | awk '{ printf "%s ", $2 }'
}
binlog_pos() { my_value "$SRC_PORT" 'SHOW MASTER STATUS' | awk '{print $2}'; }
# The three appliers: ferry, native (one SQL thread), par (parallel replication).
SIDES="ferry native par"
declare -A PORT_OF LABEL_OF
side_pause() {
    case "$1" in
        ferry) ferry_job_pause bench-cdc ;;
        *) my "${PORT_OF[$1]}" -e "STOP SLAVE" ;;
    esac
}
side_resume() {
    case "$1" in
        ferry) ferry_job_resume bench-cdc ;;
        *) my "${PORT_OF[$1]}" -e "START SLAVE" ;;
    esac
}
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

step "Preparing Ferry"
ferry_prepare "$WORK/ferry"

step "Starting four MariaDB servers under $WORK"
SAME_ARGS=(--local-infile=1 --userstat=1)
my_start src SRC_PORT 1 --log-bin="$WORK/src/data/binlog" --binlog-format=ROW --binlog-row-image=FULL "${SAME_ARGS[@]}" \
    --slave-parallel-threads=0
my_start ferry_dst FERRY_DST_PORT 2 "${SAME_ARGS[@]}" --slave-parallel-threads=0
my_start native_dst NATIVE_DST_PORT 3 "${SAME_ARGS[@]}" --slave-parallel-threads=0 --skip-slave-start
my_start par_dst PAR_DST_PORT 4 "${SAME_ARGS[@]}" --slave-parallel-threads="$PAR_THREADS" --slave-parallel-mode=optimistic \
    --skip-slave-start
PORT_OF=([ferry]=$FERRY_DST_PORT [native]=$NATIVE_DST_PORT [par]=$PAR_DST_PORT)
LABEL_OF=([ferry]=Ferry [native]="native, 1 SQL thread" [par]="native, $PAR_THREADS threads optimistic")
MY_VERSION=$(my_value "$SRC_PORT" 'SELECT VERSION()')
log "source :$SRC_PORT ($MY_VERSION), Ferry's destination :$FERRY_DST_PORT, native replicas :$NATIVE_DST_PORT (1 SQL thread), :$PAR_DST_PORT ($PAR_THREADS threads, optimistic)"

step "Native replicas: from the start of the source's binary log"
read -r BINLOG_FILE BINLOG_POS <<<"$(my_value "$SRC_PORT" 'SHOW MASTER STATUS' | awk '{print $1, $2}')"
for side in native par; do
    my "${PORT_OF[$side]}" -e "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$SRC_PORT, MASTER_USER='root', \
MASTER_PASSWORD='$PW', MASTER_LOG_FILE='$BINLOG_FILE', MASTER_LOG_POS=$BINLOG_POS; START SLAVE"
done
log "native replicas started at $BINLOG_FILE:$BINLOG_POS"

step "Preparing the sysbench database on the source ($SB_TABLES tables x $SB_TABLE_SIZE rows)"
my "$SRC_PORT" -e "CREATE DATABASE sbtest"
# shellcheck disable=SC2046
sysbench oltp_write_only $(sysbench_args "$SRC_PORT") --threads="$THREADS" prepare >"$WORK/sysbench-prepare.log" 2>&1 ||
    { cat "$WORK/sysbench-prepare.log" >&2; die "sysbench prepare failed"; }
my "$SRC_PORT" sbtest -e "CREATE TABLE bench_marker (id INT PRIMARY KEY, v BIGINT NOT NULL);
INSERT INTO bench_marker VALUES (1, 0);
CREATE TABLE bench_heartbeat (id INT PRIMARY KEY, ts DATETIME(6) NOT NULL);
INSERT INTO bench_heartbeat VALUES (1, NOW(6));
CREATE TABLE bench_big (id INT PRIMARY KEY, v CHAR(32) NOT NULL);"

step "Ferry: server, profiles and a continuous job (with the CLI)"
free_port FERRY_PORT
ferry_server_start "$WORK/ferry-home"
rss_watch_start "$WORK/ferry-rss.txt"
ferry_cli connection-profiles create bench-src --ssl-mode disable --engine mysql --host 127.0.0.1 --port "$SRC_PORT" --username root \
    --password-env BENCH_DB_PW >&2
ferry_cli connection-profiles create bench-dst --ssl-mode disable --engine mysql --host 127.0.0.1 --port "$FERRY_DST_PORT" \
    --username root --password-env BENCH_DB_PW >&2
ferry_cli migration-jobs create bench-cdc --type continuous --source bench-src --destination bench-dst --include sbtest >&2
ferry_cli migration-jobs start bench-cdc >&2
await_replicating bench-cdc 900

set_marker 1
for side in $SIDES; do wait_marker "${PORT_OF[$side]}" 1 600; done
log "all three replicate: Ferry $(job_status bench-cdc); marker row seen on every destination"

# ---------------------------------------------------------------------------------------------------------------
# (a) Backlog

step "(a) Backlog: pausing all three, writing $BACKLOG transactions in $CHUNKS chunks, each followed by a marker"
for side in $SIDES; do side_pause "$side"; done
SRC_W0=$(my_row_writes "$SRC_PORT")
POS0=$(binlog_pos)
per_chunk=$(((BACKLOG + CHUNKS - 1) / CHUNKS))
# CUM[k]: transactions written up to the marker MARKER_BASE + k.
declare -a CUM=(0)
BACKLOG_TX=0
t0=$(now)
for k in $(seq 1 "$CHUNKS"); do
    # shellcheck disable=SC2046
    sysbench oltp_write_only $(sysbench_args "$SRC_PORT") --threads="$THREADS" --events="$per_chunk" --time=0 run \
        >"$WORK/sysbench-backlog-$k.log" 2>&1 || { cat "$WORK/sysbench-backlog-$k.log" >&2; die "sysbench failed"; }
    BACKLOG_TX=$((BACKLOG_TX + $(awk '/transactions:/ {print $2; exit}' "$WORK/sysbench-backlog-$k.log")))
    CUM[k]=$BACKLOG_TX
    set_marker $((MARKER_BASE + k))
done
t1=$(now)
WRITE_TPS=$(awk -v n="$BACKLOG_TX" -v s="$(elapsed "$t0" "$t1")" 'BEGIN { printf "%.0f", n / s }')
POS1=$(binlog_pos)
BINLOG_MB=$(awk -v a="$POS0" -v b="$POS1" 'BEGIN { printf "%.1f", (b - a) / 1048576 }')
SRC_WRITES=$(($(my_row_writes "$SRC_PORT") - SRC_W0))
SRC_CK=$(sb_checksums "$SRC_PORT")
log "backlog: $BACKLOG_TX transactions, $BINLOG_MB MB of binlog, written in $(elapsed "$t0" "$t1")s ($WRITE_TPS tx/s); $SRC_WRITES row writes on the source"
sync

# drain SIDE START: every 0.1 s, "seconds-since-START transactions-applied" (from the marker: CUM[marker - BASE]) into
# $WORK/drain-SIDE.txt, until the destination has the last marker; then confirms with CHECKSUM TABLE that every
# change has arrived (an applier that commits out of order could have the marker first); the last line is the end.
# Sets DRAIN_CONFIRM_S to the time between the two.
drain() {
    local side=$1 port=${PORT_OF[$1]} start=$2 m k t t_marker
    : >"$WORK/drain-$side.txt"
    while true; do
        m=$(marker "$port")
        t=$(elapsed "$start" "$(now)")
        k=$((m - MARKER_BASE))
        [ "$k" -lt 0 ] && k=0
        echo "$t ${CUM[k]}" >>"$WORK/drain-$side.txt"
        [ "$k" -ge "$CHUNKS" ] && break
        awk -v t="$t" 'BEGIN { exit !(t > 3600) }' && die "$side did not drain the backlog within an hour"
        sleep 0.1
    done
    t_marker=$t
    until [ "$(sb_checksums "$port")" = "$SRC_CK" ]; do
        t=$(elapsed "$start" "$(now)")
        awk -v t="$t" 'BEGIN { exit !(t > 3600) }' && die "$side: the checksums never matched the source's"
        sleep 0.2
    done
    if [ "$(elapsed "$t_marker" "$t")" != 0.00 ]; then echo "$(elapsed "$start" "$(now)") $BACKLOG_TX" >>"$WORK/drain-$side.txt"; fi
    DRAIN_CONFIRM_S=$(awk -v a="$t_marker" -v b="$(tail -n 1 "$WORK/drain-$side.txt" | cut -d' ' -f1)" 'BEGIN { printf "%.2f", b - a }')
}

declare -A DRAIN_S DRAIN_TPS SUSTAINED_TPS CONFIRM_S WRITES
for side in $SIDES; do
    step "(a) ${LABEL_OF[$side]} drains the backlog alone"
    w0=$(my_row_writes "${PORT_OF[$side]}")
    start=$(now)
    side_resume "$side"
    drain "$side" "$start"
    CONFIRM_S[$side]=$DRAIN_CONFIRM_S
    read -r DRAIN_S[$side] DRAIN_TPS[$side] SUSTAINED_TPS[$side] <<<"$(drain_stats "$WORK/drain-$side.txt" "$BACKLOG_TX")"
    WRITES[$side]=$(($(my_row_writes "${PORT_OF[$side]}") - w0))
    log "${LABEL_OF[$side]}: ${DRAIN_S[$side]}s, ${DRAIN_TPS[$side]} tx/s overall, ${SUSTAINED_TPS[$side]} tx/s sustained; ${WRITES[$side]} row writes"
done

# ---------------------------------------------------------------------------------------------------------------
# (b) Steady state

RATE_RULE="given with --rate"
if [ -z "$RATE" ]; then
    # Half of what the one-thread native replica applies at most (its sustained backlog rate; its whole-drain rate if
    # the drain was too short to have one), and no more than 70% of what sysbench managed unthrottled on the source.
    RATE_RULE="half of the one-thread replica's sustained backlog rate"
    native_max=${SUSTAINED_TPS[native]}
    if [ "$native_max" = - ]; then native_max=${DRAIN_TPS[native]}; RATE_RULE="half of the one-thread replica's whole-drain rate"; fi
    RATE=$(awk -v n="$native_max" 'BEGIN { printf "%d", n / 2 }')
    cap=$(awk -v w="$WRITE_TPS" 'BEGIN { printf "%d", 0.7 * w }')
    if [ "$RATE" -gt "$cap" ]; then RATE=$cap; RATE_RULE="70% of sysbench's unthrottled rate; half of native's would be $((native_max / 2))"; fi
    if [ "$RATE" -lt 20 ]; then RATE=20; RATE_RULE="the floor of 20 tx/s"; fi
fi
step "(b) Steady state: sysbench --rate=$RATE ($RATE_RULE) for ${DURATION}s, lag sampled once a second"
await_replicating bench-cdc 300
heartbeat_loop() {
    local end=$((SECONDS + DURATION + 10))
    while [ "$SECONDS" -lt "$end" ] && [ ! -e "$WORK/heartbeat.stop" ]; do echo "UPDATE bench_heartbeat SET ts = NOW(6) WHERE id = 1;"; sleep 0.1; done
}
heartbeat_loop | my "$SRC_PORT" sbtest >"$WORK/heartbeat.log" 2>&1 &
HB_PID=$!
BG_PIDS="$BG_PIDS $HB_PID"
# shellcheck disable=SC2046
sysbench oltp_write_only $(sysbench_args "$SRC_PORT") --threads="$THREADS" --rate="$RATE" --time="$DURATION" run \
    >"$WORK/sysbench-steady.log" 2>&1 &
workload=$!
BG_PIDS="$BG_PIDS $workload"
SAMPLES="$WORK/samples.csv"
echo "t,ferry_lag_s,native_seconds_behind_master,par_seconds_behind_master,ferry_heartbeat_lag_s,native_heartbeat_lag_s,par_heartbeat_lag_s" >"$SAMPLES"
hb_sql="SELECT TIMESTAMPDIFF(MICROSECOND, ts, NOW(6)) / 1000000 FROM sbtest.bench_heartbeat WHERE id = 1"
sbm() { my "$1" -e 'SHOW SLAVE STATUS\G' | awk '/Seconds_Behind_Master:/ {print $2}'; }
start=$(now)
while kill -0 "$workload" 2>/dev/null; do
    tick=$(now)
    t=$(elapsed "$start" "$tick")
    ferry_lag=$(api /v1/migrationJobs/bench-cdc | jq -r '.lag.seconds // ""')
    echo "$t,$ferry_lag,$(sbm "$NATIVE_DST_PORT"),$(sbm "$PAR_DST_PORT"),$(my_value "$FERRY_DST_PORT" "$hb_sql"),$(my_value "$NATIVE_DST_PORT" "$hb_sql"),$(my_value "$PAR_DST_PORT" "$hb_sql")" >>"$SAMPLES"
    rest=$(awk -v a="$tick" -v b="$(now)" 'BEGIN { r = 1 - (b - a); if (r < 0) r = 0; printf "%.2f", r }')
    sleep "$rest"
done
wait "$workload" || die "the steady-state sysbench failed: $(tail -n 5 "$WORK/sysbench-steady.log")"
touch "$WORK/heartbeat.stop"
wait "$HB_PID" 2>/dev/null || true
STEADY_TPS=$(awk '/transactions:/ { gsub(/[()]/, "", $3); printf "%.0f", $3; exit }' "$WORK/sysbench-steady.log")
log "steady workload done: $(grep -E 'transactions:' "$WORK/sysbench-steady.log" | head -n 1)"

column() { awk -F, -v c="$1" 'NR > 1 && $1 >= 5 && $c != "" && $c != "NULL" { print $c }' "$SAMPLES" >"$WORK/col-$1.txt"; echo "$WORK/col-$1.txt"; }
declare -A P
for c in 2 3 4 5 6 7; do
    f=$(column "$c")
    for p in 50 95 99 100; do P[$c,$p]=$(percentile "$p" "$f"); done
done

# ---------------------------------------------------------------------------------------------------------------
# (c) One big transaction

# big_rows PORT: rows of bench_big, counted only once its first and last rows are there (two primary-key probes).
big_rows() {
    my_value "$1" "SELECT IF((SELECT COUNT(*) FROM sbtest.bench_big WHERE id IN (1, $BIG_TXN)) = 2,
                             (SELECT COUNT(*) FROM sbtest.bench_big), 0)"
}
# await_big SIDE START: seconds from START until the side's destination has all BIG_TXN rows (polled every 0.2 s).
await_big() {
    local t
    while [ "$(big_rows "${PORT_OF[$1]}")" -lt "$BIG_TXN" ]; do
        t=$(elapsed "$2" "$(now)")
        awk -v t="$t" 'BEGIN { exit !(t > 3600) }' && die "$1 did not apply the big transaction within an hour"
        sleep 0.2
    done
    elapsed "$2" "$(now)"
}
declare -A BIG_S=([ferry]=- [native]=- [par]=-)
FERRY_BIG_RSS=-; SRC_BIG_S=-; BIG_BINLOG_MB=-
if [ "$BIG_TXN" -gt 0 ]; then
    step "(c) Big transaction: all paused, one source transaction inserts $BIG_TXN rows, then each applies it alone"
    for side in $SIDES; do side_pause "$side"; done
    POS0=$(binlog_pos)
    t0=$(now)
    my "$SRC_PORT" sbtest -e "INSERT INTO bench_big SELECT seq, MD5(seq) FROM seq_1_to_$BIG_TXN"
    SRC_BIG_S=$(elapsed "$t0" "$(now)")
    BIG_BINLOG_MB=$(awk -v a="$POS0" -v b="$(binlog_pos)" 'BEGIN { printf "%.1f", (b - a) / 1048576 }')
    log "source: $BIG_TXN rows in one transaction in ${SRC_BIG_S}s ($BIG_BINLOG_MB MB of binlog)"
    sync
    for side in $SIDES; do
        [ "$side" = ferry ] && rss_phase_begin
        start=$(now)
        side_resume "$side"
        BIG_S[$side]=$(await_big "$side" "$start")
        [ "$side" = ferry ] && FERRY_BIG_RSS=$(rss_phase_end_mib)
        log "${LABEL_OF[$side]}: ${BIG_S[$side]}s$([ "$side" = ferry ] && echo ", peak RSS in this phase $FERRY_BIG_RSS MiB")"
    done
fi

step "Checking that every destination holds the source's data"
await_replicating bench-cdc 300
set_marker "$MARKER_FINAL"
for side in $SIDES; do wait_marker "${PORT_OF[$side]}" "$MARKER_FINAL" 600; done
table_fingerprints "$SRC_PORT" sbtest | grep -v bench_heartbeat >"$WORK/fp-src"
DATA_CHECK=""
for side in $SIDES; do
    table_fingerprints "${PORT_OF[$side]}" sbtest | grep -v bench_heartbeat >"$WORK/fp-$side"
    DATA_CHECK="${DATA_CHECK:+$DATA_CHECK, }${LABEL_OF[$side]} $(cmp -s "$WORK/fp-src" "$WORK/fp-$side" && echo equal || echo DIFFERENT)"
done
log "sbtest tables, bench_marker and bench_big vs source (row counts and CHECKSUM TABLE EXTENDED): $DATA_CHECK"
RSS_PEAK=$(rss_peak_mib)
rss_watch_stop

# ---------------------------------------------------------------------------------------------------------------
# Report

# row MEASURE FERRY NATIVE PAR: a result row with both ratios.
row() { echo "$1|$2|$3|$4|$(ratio "$2" "$3")|$(ratio "$2" "$4")"; }
big_rate() { awk -v n="$BIG_TXN" -v s="$1" 'BEGIN { if (s == "-" || s + 0 == 0) print "-"; else printf "%.0f", n / s }'; }
w_ratio() { ratio "${WRITES[$1]}" "$SRC_WRITES"; }
fewer() { fewer_pct "${WRITES[$1]}" "$SRC_WRITES"; }
r1_sustained=$(ratio "${SUSTAINED_TPS[ferry]}" "${SUSTAINED_TPS[native]}")
rp_sustained=$(ratio "${SUSTAINED_TPS[ferry]}" "${SUSTAINED_TPS[par]}")
r1_drain=$(ratio "${DRAIN_TPS[ferry]}" "${DRAIN_TPS[native]}")
rp_drain=$(ratio "${DRAIN_TPS[ferry]}" "${DRAIN_TPS[par]}")
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

HEADER="measure|Ferry|native 1 thread|native $PAR_THREADS threads|Ferry/native 1|Ferry/native $PAR_THREADS"
rows=(
    "backlog: transactions (oltp_write_only)|$BACKLOG_TX|$BACKLOG_TX|$BACKLOG_TX||"
    "$(row "backlog: drain time s" "${DRAIN_S[ferry]}" "${DRAIN_S[native]}" "${DRAIN_S[par]}")"
    "$(row "backlog: apply rate tx/s, whole drain" "${DRAIN_TPS[ferry]}" "${DRAIN_TPS[native]}" "${DRAIN_TPS[par]}")"
    "$(row "backlog: sustained apply rate tx/s (10-90%)" "${SUSTAINED_TPS[ferry]}" "${SUSTAINED_TPS[native]}" "${SUSTAINED_TPS[par]}")"
    "$(row "backlog: sustained source row changes/s (4 per tx)" "$(mul "${SUSTAINED_TPS[ferry]}" 4)" "$(mul "${SUSTAINED_TPS[native]}" 4)" "$(mul "${SUSTAINED_TPS[par]}" 4)")"
    "backlog: row writes on the source|$SRC_WRITES|$SRC_WRITES|$SRC_WRITES||"
    "$(row "backlog: row writes on the destination" "${WRITES[ferry]}" "${WRITES[native]}" "${WRITES[par]}")"
    "backlog: row writes destination / source|$(w_ratio ferry)|$(w_ratio native)|$(w_ratio par)||"
    "backlog: row writes, % fewer than the source|$(fewer ferry)|$(fewer native)|$(fewer par)||"
    "steady: offered rate tx/s (sysbench --rate=$RATE)|$STEADY_TPS|$STEADY_TPS|$STEADY_TPS||"
    "$(row "steady: lag p50 s (Ferry API / Seconds_Behind_Master)" "${P[2,50]}" "${P[3,50]}" "${P[4,50]}")"
    "$(row "steady: lag p95 s" "${P[2,95]}" "${P[3,95]}" "${P[4,95]}")"
    "$(row "steady: lag p99 s" "${P[2,99]}" "${P[3,99]}" "${P[4,99]}")"
    "$(row "steady: lag max s" "${P[2,100]}" "${P[3,100]}" "${P[4,100]}")"
    "$(row "steady: heartbeat lag p50 s (all measured alike)" "${P[5,50]}" "${P[6,50]}" "${P[7,50]}")"
    "$(row "steady: heartbeat lag p95 s" "${P[5,95]}" "${P[6,95]}" "${P[7,95]}")"
    "$(row "steady: heartbeat lag p99 s" "${P[5,99]}" "${P[6,99]}" "${P[7,99]}")"
    "$(row "steady: heartbeat lag max s" "${P[5,100]}" "${P[6,100]}" "${P[7,100]}")"
    "big transaction: rows|$BIG_TXN|$BIG_TXN|$BIG_TXN||"
    "$(row "big transaction: time to apply s" "${BIG_S[ferry]}" "${BIG_S[native]}" "${BIG_S[par]}")"
    "$(row "big transaction: rows/s" "$(big_rate "${BIG_S[ferry]}")" "$(big_rate "${BIG_S[native]}")" "$(big_rate "${BIG_S[par]}")")"
    "Ferry server peak RSS MiB, big transaction|$FERRY_BIG_RSS||||"
    "Ferry server peak RSS MiB, whole run|$RSS_PEAK||||"
)
THEADER="target|value|limit|verdict"
targets=(
    "backlog: sustained apply rate, Ferry / native 1 thread|$r1_sustained|>= 1.5|$(at_least "$r1_sustained" 1.5)"
    "backlog: sustained apply rate, Ferry / native $PAR_THREADS threads|$rp_sustained|>= 1.0|$(at_least "$rp_sustained" 1.0)"
    "backlog: whole-drain apply rate, Ferry / native 1 thread|$r1_drain|>= 1.5|$(at_least "$r1_drain" 1.5)"
    "backlog: whole-drain apply rate, Ferry / native $PAR_THREADS threads|$rp_drain|>= 1.0|$(at_least "$rp_drain" 1.0)"
    "backlog: Ferry's destination row writes, % fewer than source|$(fewer ferry)|>= 40|$(at_least "$(fewer ferry)" 40)"
    "steady: Ferry lag p99 s (API lag.seconds)|${P[2,99]}|< 1|$(below "${P[2,99]}" 1)"
    "steady: Ferry heartbeat lag p99 s|${P[5,99]}|< 1|$(below "${P[5,99]}" 1)"
    "Ferry server peak RSS MiB, whole run|$RSS_PEAK|< $RSS_LIMIT_MIB|$(below "$RSS_PEAK" "$RSS_LIMIT_MIB")"
)
if [ "$BIG_TXN" -gt 0 ]; then
    targets+=("Ferry server peak RSS MiB, big transaction|$FERRY_BIG_RSS|< $RSS_LIMIT_MIB|$(below "$FERRY_BIG_RSS" "$RSS_LIMIT_MIB")")
fi

mkdir -p "$RESULTS_DIR"
base="$RESULTS_DIR/$BENCH_NAME-$STAMP"
cp "$SAMPLES" "$base-samples.csv"
{
    table_csv "$HEADER" "${rows[@]}"
    echo
    table_csv "$THEADER" "${targets[@]}"
} >"$base.csv"
{
    echo "# $BENCH_NAME — $STAMP ($MODE)"
    echo
    echo "- $MY_VERSION, four servers with identical settings (buffer pool 512M, redo 512M, durability defaults,"
    echo "  local-infile=1, userstat=1) but for the applier; source log-bin ROW/FULL. $(nproc) cores, load average before"
    echo "  $LOAD_BEFORE, after $LOAD_AFTER (the machine is shared: compare within one run only)."
    echo "- sysbench oltp_write_only, $SB_TABLES tables x $SB_TABLE_SIZE rows, $THREADS threads (per transaction: 2 UPDATEs,"
    echo "  1 DELETE, 1 INSERT of the deleted id)."
    echo "- Ferry: one continuous job (default settings; server JVM ${FERRY_JAVA_OPTS:--Xms32m -Xmx384m}) into its own server. Native:"
    echo "  CHANGE MASTER TO from the start of the source's binlog (before the database existed) on two replicas: one SQL"
    echo "  thread (slave_parallel_threads=0), and parallel replication (slave_parallel_threads=$PAR_THREADS,"
    echo "  slave_parallel_mode=optimistic)."
    echo "- (a) all paused (Ferry: migration-jobs stop; native: STOP SLAVE), $BACKLOG_TX transactions ($BINLOG_MB MB of"
    echo "  binlog) written in $CHUNKS equal chunks (sysbench --events, unthrottled: $WRITE_TPS tx/s), each followed by an"
    echo "  UPDATE of a marker row to $MARKER_BASE + the chunk's number. Then Ferry (resume through the API, skipValidation), the one-thread"
    echo "  replica and the parallel replica (START SLAVE, which includes fetching the binlog) each drain it alone, one after"
    echo "  the other, timed until the destination has the last marker (polled every 0.1 s) and the CHECKSUM TABLE of every"
    echo "  sysbench table equals the source's (confirmation took ${CONFIRM_S[ferry]}s / ${CONFIRM_S[native]}s /"
    echo "  ${CONFIRM_S[par]}s). 'sustained': the rate between the markers at 10% and 90% of the backlog."
    echo "- Row writes: ROWS_CHANGED of information_schema.TABLE_STATISTICS (userstat=1) summed over the sysbench tables"
    echo "  (neither Ferry's bookkeeping nor mysql.gtid_slave_pos nor the marker count), on the source before and after"
    echo "  writing the backlog, on each destination before and after its drain; it counts rows inserted, updated or deleted"
    echo "  (an UPDATE that leaves a row as it was does not count)."
    echo "- (b) all three replicate at once while sysbench runs at --rate=$RATE for ${DURATION}s ($RATE_RULE),"
    echo "  plus a heartbeat (UPDATE of one row to NOW(6), 10 per second). Sampled once a second, first 5 s left out: Ferry's"
    echo "  API lag.seconds, Seconds_Behind_Master (whole seconds), and on each destination NOW(6) - heartbeat (includes up to"
    echo "  0.1 s of heartbeat period)."
    if [ "$BIG_TXN" -gt 0 ]; then
        echo "- (c) all paused; one source transaction INSERT INTO bench_big SELECT seq, MD5(seq) FROM seq_1_to_$BIG_TXN"
        echo "  (${SRC_BIG_S}s, $BIG_BINLOG_MB MB of binlog); then Ferry, the one-thread and the parallel replica alone, one after"
        echo "  the other, each timed from its resume until its destination has all $BIG_TXN rows (polled every 0.2 s)."
    fi
    echo "- Ferry server memory: /proc/PID/status of the server JVM once a second for the whole run (full load included);"
    echo "  whole run = largest VmHWM seen; big transaction = $(rss_method)."
    echo "- Data check after the run (row counts + CHECKSUM TABLE EXTENDED of every sbtest table): $DATA_CHECK."
    echo
    echo "## Results"
    echo
    table_md "$HEADER" "${rows[@]}"
    echo
    echo "## Targets"
    echo
    table_md "$THEADER" "${targets[@]}"
    echo
    echo "Samples: $(basename "$base-samples.csv")."
} >"$base.md"

step "Results ($MODE)"
table_print 56 "$HEADER" "${rows[@]}"
echo >&2
table_print 62 "$THEADER" "${targets[@]}"
log "data check: $DATA_CHECK; written $base.md, $base.csv, $base-samples.csv"
case "$DATA_CHECK" in *DIFFERENT*) exit 1 ;; esac
exit 0
