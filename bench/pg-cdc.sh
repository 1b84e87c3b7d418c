#!/usr/bin/env bash
# Change-replication benchmark, PostgreSQL: Ferry's continuous job vs native logical replication (publication +
# subscription), same source, same pgbench workload, same run. Measures the apply rate on a backlog, the row writes
# it costs the destination, the lag at a steady rate, one large transaction, and the Ferry server's peak memory.
# See bench/README.md ("Change replication").
set -euo pipefail

BENCH_NAME=pg-cdc
# shellcheck source=lib/pg-cdc-common.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/pg-cdc-common.sh"

usage() {
    cat <<'EOF'
Usage: bench/pg-cdc.sh [options]

Starts three PostgreSQL 15 clusters (a source with wal_level=logical and two destinations with identical settings)
and a Ferry server. The source's pgbench database replicates to one destination through a continuous Ferry job and
to the other through native logical replication (CREATE PUBLICATION / CREATE SUBSCRIPTION). Then:
  (a) backlog: both are paused, pgbench writes N transactions, then each side in turn drains the backlog alone;
      the drain gives the apply rate, and pg_stat_user_tables the row writes it cost each destination;
  (b) steady state: pgbench runs at a fixed rate (-R, half of native's sustained backlog rate) while the lag of
      both sides is sampled once a second (Ferry: the API's lag.seconds; native: pg_stat_replication.replay_lag),
      together with an end-to-end heartbeat lag measured the same way on both destinations;
  (c) big transaction: both paused, one source transaction inserts N rows, each side in turn applies it alone.
The Ferry server's memory (VmHWM/VmRSS) is sampled once a second throughout. Prints a table (Ferry, native,
ratio) and the targets, and writes bench/results/pg-cdc-<timestamp>.{md,csv} and the lag samples.

Options:
  --scale N         pgbench scale of the source (default: 10; --quick: 2)
  --backlog N       transactions written while replication is paused (default: 60000; --quick: 20000)
  --clients N       pgbench clients (default: 2)
  --rate TPS        steady-state pgbench rate (default: half of native's sustained backlog apply rate, at most 70%
                    of the rate pgbench reached unthrottled while writing the backlog)
  --duration S      steady-state duration in seconds (default: 120; --quick: 20)
  --big-txn N       rows of the big transaction (default: 1000000; --quick: 100000; 0 skips it)
  --quick           small sizes, a few minutes in all
  --keep            keep the work directory (servers are still stopped)
  -h, --help        this help
EOF
}

SCALE=""
BACKLOG=""
CLIENTS=2
RATE=""
DURATION=""
BIG_TXN=""
QUICK=0
KEEP=0
while [ $# -gt 0 ]; do
    case "$1" in
        --scale) SCALE=$2; shift 2 ;;
        --backlog) BACKLOG=$2; shift 2 ;;
        --clients) CLIENTS=$2; shift 2 ;;
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
    SCALE=${SCALE:-2}; BACKLOG=${BACKLOG:-20000}; DURATION=${DURATION:-20}; BIG_TXN=${BIG_TXN:-100000}
else
    SCALE=${SCALE:-10}; BACKLOG=${BACKLOG:-60000}; DURATION=${DURATION:-120}; BIG_TXN=${BIG_TXN:-1000000}
fi
MODE=$([ "$QUICK" -eq 1 ] && echo quick || echo full)
RSS_LIMIT_MIB=512

need_cmd "$PGBIN/initdb" "$PGBIN/pg_ctl" "$PGBIN/psql" "$PGBIN/pgbench" "$PGBIN/pg_dump" jq curl ss
if [ "$(id -u)" -eq 0 ]; then id postgres >/dev/null 2>&1 || die "running as root needs an OS user 'postgres'"; fi

WORK=$(make_workdir ferry-bench-cdc)
FERRY_PORT=""
BG_PIDS=""
cleanup() {
    local rc=$?
    set +e
    for p in $BG_PIDS; do kill -TERM "$p" 2>/dev/null; done
    rss_watch_stop
    ferry_server_stop
    pg_stop_all
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

history_count() { sql_value "$1" pgbench "SELECT count(*) FROM pgbench_history"; }
# "history rows|sum of abalance|sum of bbalance|sum of tbalance": equal to the source's once every change is applied.
balances() {
    sql_value "$1" pgbench "SELECT (SELECT count(*) FROM pgbench_history) || '|' || (SELECT sum(abalance) FROM pgbench_accounts)
        || '|' || (SELECT sum(bbalance) FROM pgbench_branches) || '|' || (SELECT sum(tbalance) FROM pgbench_tellers)"
}
native_pause() {
    psql_at "$NATIVE_DST_PORT" pgbench -c "ALTER SUBSCRIPTION bench_native DISABLE"
    until [ "$(sql_value "$SRC_PORT" postgres "SELECT count(*) FROM pg_stat_replication WHERE application_name = 'bench_native'")" = 0 ] &&
        [ "$(sql_value "$NATIVE_DST_PORT" pgbench "SELECT count(*) FROM pg_stat_subscription WHERE subname = 'bench_native' AND pid IS NOT NULL")" = 0 ]; do
        sleep 0.2
    done
}
native_resume() { psql_at "$NATIVE_DST_PORT" pgbench -c "ALTER SUBSCRIPTION bench_native ENABLE"; }
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

step "Preparing Ferry"
ferry_prepare "$WORK/ferry"

step "Starting three PostgreSQL 15 clusters under $WORK"
pg_init src SRC_PORT logical
pg_init ferry_dst FERRY_DST_PORT replica
pg_init native_dst NATIVE_DST_PORT replica
log "source :$SRC_PORT, Ferry's destination :$FERRY_DST_PORT, native subscriber :$NATIVE_DST_PORT"

step "Creating the pgbench database on the source (scale $SCALE)"
psql_at "$SRC_PORT" postgres -c "CREATE DATABASE pgbench"
"$PGBIN/pgbench" -i -q -s "$SCALE" -h 127.0.0.1 -p "$SRC_PORT" -U postgres pgbench >"$WORK/pgbench-init.log" 2>&1 ||
    { cat "$WORK/pgbench-init.log" >&2; die "pgbench -i failed"; }
psql_at "$SRC_PORT" pgbench -c "CREATE TABLE bench_heartbeat (id int PRIMARY KEY, ts timestamptz NOT NULL)" \
    -c "INSERT INTO bench_heartbeat VALUES (1, clock_timestamp())" \
    -c "CREATE TABLE bench_big (id int PRIMARY KEY, v text NOT NULL)"
echo "UPDATE bench_heartbeat SET ts = clock_timestamp() WHERE id = 1;" >"$WORK/heartbeat.sql"

step "Native logical replication: publication on the source, subscription on its own destination"
psql_at "$NATIVE_DST_PORT" postgres -c "CREATE DATABASE pgbench"
"$PGBIN/pg_dump" -s -h 127.0.0.1 -p "$SRC_PORT" -U postgres pgbench | psql_at "$NATIVE_DST_PORT" pgbench >/dev/null
psql_at "$SRC_PORT" pgbench -c "CREATE PUBLICATION bench_native FOR ALL TABLES"
psql_at "$NATIVE_DST_PORT" pgbench -c "CREATE SUBSCRIPTION bench_native CONNECTION 'host=127.0.0.1 port=$SRC_PORT \
user=postgres password=$PGPASSWORD dbname=pgbench' PUBLICATION bench_native"

step "Ferry: server, profiles and a continuous job (with the CLI)"
free_port FERRY_PORT
ferry_server_start "$WORK/ferry-home"
rss_watch_start "$WORK/ferry-rss.txt"
printf '%s\n' "$PGPASSWORD" >"$WORK/db-password"
ferry_cli connection-profiles create bench-src --ssl-mode disable --engine postgresql --host 127.0.0.1 --port "$SRC_PORT" --username postgres \
    --password-file "$WORK/db-password" >&2
ferry_cli connection-profiles create bench-dst --ssl-mode disable --engine postgresql --host 127.0.0.1 --port "$FERRY_DST_PORT" \
    --username postgres --password-file "$WORK/db-password" >&2
ferry_cli migration-jobs create bench-cdc --type continuous --source bench-src --destination bench-dst --include pgbench >&2
ferry_cli migration-jobs start bench-cdc >&2

await_replicating bench-cdc 900
until [ "$(sql_value "$NATIVE_DST_PORT" pgbench "SELECT count(*) FROM pg_subscription_rel WHERE srsubstate <> 'r'")" = 0 ]; do
    sleep 0.5
done
log "both replicate: Ferry $(job_status bench-cdc), native subscription tables all in state r"

# ---------------------------------------------------------------------------------------------------------------
# (a) Backlog

step "(a) Backlog: pausing both, writing $BACKLOG transactions"
ferry_job_pause bench-cdc
native_pause
H0=$(history_count "$SRC_PORT")
SRC_W0=$(pg_row_writes_settled "$SRC_PORT" pgbench)
LSN0=$(sql_value "$SRC_PORT" postgres "SELECT pg_current_wal_lsn()")
per_client=$(((BACKLOG + CLIENTS - 1) / CLIENTS))
t0=$(now)
"$PGBIN/pgbench" -n -c "$CLIENTS" -j "$CLIENTS" -t "$per_client" -b tpcb-like -h 127.0.0.1 -p "$SRC_PORT" -U postgres \
    pgbench >"$WORK/pgbench-backlog.log" 2>&1 || { cat "$WORK/pgbench-backlog.log" >&2; die "pgbench failed"; }
t1=$(now)
H1=$(history_count "$SRC_PORT")
BACKLOG_TX=$((H1 - H0))
WRITE_TPS=$(awk -v n="$BACKLOG_TX" -v s="$(elapsed "$t0" "$t1")" 'BEGIN { printf "%.0f", n / s }')
WAL_MB=$(sql_value "$SRC_PORT" postgres "SELECT round(pg_wal_lsn_diff(pg_current_wal_lsn(), '$LSN0') / 1048576.0, 1)")
SRC_W1=$(pg_row_writes_settled "$SRC_PORT" pgbench)
SRC_WRITES=$((SRC_W1 - SRC_W0))
SRC_BALANCES=$(balances "$SRC_PORT")
log "backlog: $BACKLOG_TX transactions, $WAL_MB MB of WAL, written in $(elapsed "$t0" "$t1")s ($WRITE_TPS tx/s); $SRC_WRITES row writes on the source"
for p in $SRC_PORT $FERRY_DST_PORT $NATIVE_DST_PORT; do psql_at "$p" postgres -c CHECKPOINT; done
sync

# drain SIDE PORT START: samples "seconds-since-START history-rows-applied" into $WORK/drain-SIDE.txt every 0.2 s until the
# destination has all H1 history rows (one per transaction; cheap to count), then confirms with balances() that every
# other change has arrived too (an applier that commits out of order could have the history rows first); the last
# line is the end of the drain. Sets DRAIN_CONFIRM_S to the time between the two.
drain() {
    local side=$1 port=$2 start=$3 count t t_rows
    : >"$WORK/drain-$side.txt"
    while true; do
        count=$(history_count "$port")
        t=$(elapsed "$start" "$(now)")
        echo "$t $((count - H0))" >>"$WORK/drain-$side.txt"
        [ "$count" -ge "$H1" ] && break
        awk -v t="$t" 'BEGIN { exit !(t > 3600) }' && die "$side did not drain the backlog within an hour"
        sleep 0.2
    done
    t_rows=$t
    until [ "$(balances "$port")" = "$SRC_BALANCES" ]; do
        t=$(elapsed "$start" "$(now)")
        awk -v t="$t" 'BEGIN { exit !(t > 3600) }' && die "$side: the balances never matched the source's"
        sleep 0.2
    done
    if [ "$(elapsed "$t_rows" "$t")" != 0.00 ]; then echo "$(elapsed "$start" "$(now)") $((count - H0))" >>"$WORK/drain-$side.txt"; fi
    DRAIN_CONFIRM_S=$(awk -v a="$t_rows" -v b="$(tail -n 1 "$WORK/drain-$side.txt" | cut -d' ' -f1)" 'BEGIN { printf "%.2f", b - a }')
}
step "(a) Ferry drains the backlog alone"
FERRY_W0=$(pg_row_writes_settled "$FERRY_DST_PORT" pgbench)
start=$(now)
ferry_job_resume bench-cdc
drain ferry "$FERRY_DST_PORT" "$start"
FERRY_CONFIRM_S=$DRAIN_CONFIRM_S
read -r FERRY_DRAIN_S FERRY_DRAIN_TPS FERRY_SUSTAINED_TPS <<<"$(drain_stats "$WORK/drain-ferry.txt" "$BACKLOG_TX")"
# Paused again so that its connections report their counters (see pg_row_writes_settled); resumed before (b).
ferry_job_pause bench-cdc
FERRY_WRITES=$(($(pg_row_writes_settled "$FERRY_DST_PORT" pgbench) - FERRY_W0))
log "Ferry: ${FERRY_DRAIN_S}s, $FERRY_DRAIN_TPS tx/s overall, $FERRY_SUSTAINED_TPS tx/s sustained; $FERRY_WRITES row writes"

step "(a) Native replication drains the backlog alone"
NATIVE_W0=$(pg_row_writes_settled "$NATIVE_DST_PORT" pgbench)
start=$(now)
native_resume
drain native "$NATIVE_DST_PORT" "$start"
NATIVE_CONFIRM_S=$DRAIN_CONFIRM_S
read -r NATIVE_DRAIN_S NATIVE_DRAIN_TPS NATIVE_SUSTAINED_TPS <<<"$(drain_stats "$WORK/drain-native.txt" "$BACKLOG_TX")"
# Paused again: its apply worker reports its counters when it exits.
native_pause
NATIVE_WRITES=$(($(pg_row_writes_settled "$NATIVE_DST_PORT" pgbench) - NATIVE_W0))
native_resume
log "native: ${NATIVE_DRAIN_S}s, $NATIVE_DRAIN_TPS tx/s overall, $NATIVE_SUSTAINED_TPS tx/s sustained; $NATIVE_WRITES row writes"

# ---------------------------------------------------------------------------------------------------------------
# (b) Steady state

RATE_RULE="given with --rate"
if [ -z "$RATE" ]; then
    # Half of what native applies at most (its sustained backlog rate; the whole-drain rate if the drain was too short
    # to have one), and no more than 70% of what pgbench managed unthrottled on the source.
    RATE_RULE="half of native's sustained backlog rate"
    native_max=$NATIVE_SUSTAINED_TPS
    if [ "$native_max" = - ]; then native_max=$NATIVE_DRAIN_TPS; RATE_RULE="half of native's whole-drain backlog rate"; fi
    RATE=$(awk -v n="$native_max" 'BEGIN { printf "%d", n / 2 }')
    cap=$(awk -v w="$WRITE_TPS" 'BEGIN { printf "%d", 0.7 * w }')
    if [ "$RATE" -gt "$cap" ]; then RATE=$cap; RATE_RULE="70% of pgbench's unthrottled rate; half of native's would be $((native_max / 2))"; fi
    if [ "$RATE" -lt 20 ]; then RATE=20; RATE_RULE="the floor of 20 tx/s"; fi
fi
step "(b) Steady state: pgbench -R $RATE ($RATE_RULE) for ${DURATION}s, lag sampled once a second"
ferry_job_resume bench-cdc
await_replicating bench-cdc 300
"$PGBIN/pgbench" -n -c 1 -R 10 -T "$((DURATION + 10))" -f "$WORK/heartbeat.sql" -h 127.0.0.1 -p "$SRC_PORT" \
    -U postgres pgbench >"$WORK/pgbench-heartbeat.log" 2>&1 &
HB_PID=$!
BG_PIDS="$BG_PIDS $HB_PID"
"$PGBIN/pgbench" -n -c "$CLIENTS" -j "$CLIENTS" -R "$RATE" -T "$DURATION" -b tpcb-like -h 127.0.0.1 -p "$SRC_PORT" \
    -U postgres pgbench >"$WORK/pgbench-steady.log" 2>&1 &
workload=$!
BG_PIDS="$BG_PIDS $workload"
SAMPLES="$WORK/samples.csv"
echo "t,ferry_lag_s,native_replay_lag_s,ferry_heartbeat_lag_s,native_heartbeat_lag_s,ferry_history,native_history" >"$SAMPLES"
start=$(now)
hb_sql="SELECT round(extract(epoch FROM clock_timestamp() - ts)::numeric, 3) || ',' || (SELECT count(*) FROM pgbench_history) FROM bench_heartbeat"
while kill -0 "$workload" 2>/dev/null; do
    tick=$(now)
    t=$(elapsed "$start" "$tick")
    ferry_lag=$(api /v1/migrationJobs/bench-cdc | jq -r '.lag.seconds // ""')
    native_lag=$(sql_value "$SRC_PORT" postgres "SELECT coalesce(round(extract(epoch FROM replay_lag)::numeric, 3), 0) \
FROM pg_stat_replication WHERE application_name = 'bench_native'")
    ferry_hb=$(sql_value "$FERRY_DST_PORT" pgbench "$hb_sql")
    native_hb=$(sql_value "$NATIVE_DST_PORT" pgbench "$hb_sql")
    echo "$t,$ferry_lag,$native_lag,${ferry_hb%,*},${native_hb%,*},${ferry_hb#*,},${native_hb#*,}" >>"$SAMPLES"
    rest=$(awk -v a="$tick" -v b="$(now)" 'BEGIN { r = 1 - (b - a); if (r < 0) r = 0; printf "%.2f", r }')
    sleep "$rest"
done
wait "$workload" || die "the steady-state pgbench failed: $(tail -n 5 "$WORK/pgbench-steady.log")"
kill -TERM "$HB_PID" 2>/dev/null || true
wait "$HB_PID" 2>/dev/null || true
STEADY_TPS=$(awk '/^tps = / { printf "%.0f", $3 }' "$WORK/pgbench-steady.log")
log "steady workload done: $(grep -E 'transactions actually processed' "$WORK/pgbench-steady.log")"

# Samples of the first 5 seconds are the warm-up and left out of the percentiles.
column() { awk -F, -v c="$1" 'NR > 1 && $1 >= 5 && $c != "" { print $c }' "$SAMPLES" >"$WORK/col-$1.txt"; echo "$WORK/col-$1.txt"; }
declare -A P
for c in 2 3 4 5; do
    f=$(column "$c")
    for p in 50 95 99 100; do P[$c,$p]=$(percentile "$p" "$f"); done
done
# Steady apply rate: destination history growth between the first and the last sample.
steady_rate() { awk -F, -v c="$1" 'NR == 2 { t0 = $1; c0 = $c } NR > 1 { t1 = $1; c1 = $c } END { printf "%.0f", (c1 - c0) / (t1 - t0) }' "$SAMPLES"; }
FERRY_STEADY_TPS=$(steady_rate 6)
NATIVE_STEADY_TPS=$(steady_rate 7)

# ---------------------------------------------------------------------------------------------------------------
# (c) One big transaction

# big_rows PORT: rows of bench_big, counted only once its first and last rows are there (two index probes).
big_rows() {
    sql_value "$1" pgbench "SELECT CASE WHEN (SELECT count(*) FROM bench_big WHERE id IN (1, $BIG_TXN)) = 2
                                        THEN (SELECT count(*) FROM bench_big) ELSE 0 END"
}
# await_big SIDE PORT START: seconds from START until the destination has all BIG_TXN rows (polled every 0.2 s).
await_big() {
    local t
    while [ "$(big_rows "$2")" -lt "$BIG_TXN" ]; do
        t=$(elapsed "$3" "$(now)")
        awk -v t="$t" 'BEGIN { exit !(t > 3600) }' && die "$1 did not apply the big transaction within an hour"
        sleep 0.2
    done
    elapsed "$3" "$(now)"
}
FERRY_BIG_S=-; NATIVE_BIG_S=-; FERRY_BIG_RSS=-; SRC_BIG_S=-; BIG_WAL_MB=-
if [ "$BIG_TXN" -gt 0 ]; then
    step "(c) Big transaction: both paused, one source transaction inserts $BIG_TXN rows, then each side applies it alone"
    ferry_job_pause bench-cdc
    native_pause
    LSN0=$(sql_value "$SRC_PORT" postgres "SELECT pg_current_wal_lsn()")
    t0=$(now)
    psql_at "$SRC_PORT" pgbench -c "INSERT INTO bench_big SELECT g, md5(g::text) FROM generate_series(1, $BIG_TXN) g"
    SRC_BIG_S=$(elapsed "$t0" "$(now)")
    BIG_WAL_MB=$(sql_value "$SRC_PORT" postgres "SELECT round(pg_wal_lsn_diff(pg_current_wal_lsn(), '$LSN0') / 1048576.0, 1)")
    log "source: $BIG_TXN rows in one transaction in ${SRC_BIG_S}s ($BIG_WAL_MB MB of WAL)"
    for p in $SRC_PORT $FERRY_DST_PORT $NATIVE_DST_PORT; do psql_at "$p" postgres -c CHECKPOINT; done
    sync
    rss_phase_begin
    start=$(now)
    ferry_job_resume bench-cdc
    FERRY_BIG_S=$(await_big Ferry "$FERRY_DST_PORT" "$start")
    FERRY_BIG_RSS=$(rss_phase_end_mib)
    log "Ferry: ${FERRY_BIG_S}s, peak RSS in this phase $FERRY_BIG_RSS MiB"
    start=$(now)
    native_resume
    NATIVE_BIG_S=$(await_big native "$NATIVE_DST_PORT" "$start")
    log "native: ${NATIVE_BIG_S}s"
fi

step "Checking that both destinations hold the source's data"
H_END=$(history_count "$SRC_PORT")
for port in $FERRY_DST_PORT $NATIVE_DST_PORT; do
    for _ in $(seq 1 600); do [ "$(history_count "$port")" -ge "$H_END" ] && break; sleep 0.5; done
done
sleep 2
table_fingerprints "$SRC_PORT" pgbench | grep -v bench_heartbeat >"$WORK/fp-src"
table_fingerprints "$FERRY_DST_PORT" pgbench | grep -v bench_heartbeat >"$WORK/fp-ferry"
table_fingerprints "$NATIVE_DST_PORT" pgbench | grep -v bench_heartbeat >"$WORK/fp-native"
DATA_CHECK="Ferry $(cmp -s "$WORK/fp-src" "$WORK/fp-ferry" && echo equal || echo DIFFERENT), native $(cmp -s "$WORK/fp-src" "$WORK/fp-native" && echo equal || echo DIFFERENT)"
log "pgbench tables and bench_big vs source (row counts and content hashes): $DATA_CHECK"
RSS_PEAK=$(rss_peak_mib)
rss_watch_stop

# ---------------------------------------------------------------------------------------------------------------
# Report

r_sustained=$(ratio "$FERRY_SUSTAINED_TPS" "$NATIVE_SUSTAINED_TPS")
r_drain=$(ratio "$FERRY_DRAIN_TPS" "$NATIVE_DRAIN_TPS")
ferry_w_ratio=$(ratio "$FERRY_WRITES" "$SRC_WRITES")
native_w_ratio=$(ratio "$NATIVE_WRITES" "$SRC_WRITES")
ferry_fewer=$(fewer_pct "$FERRY_WRITES" "$SRC_WRITES")
native_fewer=$(fewer_pct "$NATIVE_WRITES" "$SRC_WRITES")
big_rate() { awk -v n="$BIG_TXN" -v s="$1" 'BEGIN { if (s == "-" || s + 0 == 0) print "-"; else printf "%.0f", n / s }'; }
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

HEADER="measure|Ferry|native|Ferry/native"
rows=(
    "backlog: transactions (pgbench tpcb-like)|$BACKLOG_TX|$BACKLOG_TX|"
    "backlog: drain time s|$FERRY_DRAIN_S|$NATIVE_DRAIN_S|$(ratio "$FERRY_DRAIN_S" "$NATIVE_DRAIN_S")"
    "backlog: apply rate tx/s, whole drain|$FERRY_DRAIN_TPS|$NATIVE_DRAIN_TPS|$r_drain"
    "backlog: sustained apply rate tx/s (10-90%)|$FERRY_SUSTAINED_TPS|$NATIVE_SUSTAINED_TPS|$r_sustained"
    "backlog: sustained source row changes/s (4 per tx)|$(mul "$FERRY_SUSTAINED_TPS" 4)|$(mul "$NATIVE_SUSTAINED_TPS" 4)|$r_sustained"
    "backlog: row writes on the source|$SRC_WRITES|$SRC_WRITES|"
    "backlog: row writes on the destination|$FERRY_WRITES|$NATIVE_WRITES|$(ratio "$FERRY_WRITES" "$NATIVE_WRITES")"
    "backlog: row writes destination / source|$ferry_w_ratio|$native_w_ratio|"
    "backlog: row writes, % fewer than the source|$ferry_fewer|$native_fewer|"
    "steady: offered rate tx/s (pgbench -R $RATE)|$STEADY_TPS|$STEADY_TPS|"
    "steady: applied tx/s|$FERRY_STEADY_TPS|$NATIVE_STEADY_TPS|$(ratio "$FERRY_STEADY_TPS" "$NATIVE_STEADY_TPS")"
    "steady: lag p50 s (Ferry API / native replay_lag)|${P[2,50]}|${P[3,50]}|$(ratio "${P[2,50]}" "${P[3,50]}")"
    "steady: lag p95 s|${P[2,95]}|${P[3,95]}|$(ratio "${P[2,95]}" "${P[3,95]}")"
    "steady: lag p99 s|${P[2,99]}|${P[3,99]}|$(ratio "${P[2,99]}" "${P[3,99]}")"
    "steady: lag max s|${P[2,100]}|${P[3,100]}|$(ratio "${P[2,100]}" "${P[3,100]}")"
    "steady: heartbeat lag p50 s (both measured alike)|${P[4,50]}|${P[5,50]}|$(ratio "${P[4,50]}" "${P[5,50]}")"
    "steady: heartbeat lag p95 s|${P[4,95]}|${P[5,95]}|$(ratio "${P[4,95]}" "${P[5,95]}")"
    "steady: heartbeat lag p99 s|${P[4,99]}|${P[5,99]}|$(ratio "${P[4,99]}" "${P[5,99]}")"
    "steady: heartbeat lag max s|${P[4,100]}|${P[5,100]}|$(ratio "${P[4,100]}" "${P[5,100]}")"
    "big transaction: rows|$BIG_TXN|$BIG_TXN|"
    "big transaction: time to apply s|$FERRY_BIG_S|$NATIVE_BIG_S|$(ratio "$FERRY_BIG_S" "$NATIVE_BIG_S")"
    "big transaction: rows/s|$(big_rate "$FERRY_BIG_S")|$(big_rate "$NATIVE_BIG_S")|$(ratio "$(big_rate "$FERRY_BIG_S")" "$(big_rate "$NATIVE_BIG_S")")"
    "Ferry server peak RSS MiB, big transaction|$FERRY_BIG_RSS||"
    "Ferry server peak RSS MiB, whole run|$RSS_PEAK||"
)
THEADER="target|value|limit|verdict"
targets=(
    "backlog: sustained apply rate, Ferry / native|$r_sustained|>= 1.5|$(at_least "$r_sustained" 1.5)"
    "backlog: whole-drain apply rate, Ferry / native|$r_drain|>= 1.5|$(at_least "$r_drain" 1.5)"
    "backlog: Ferry's destination row writes, % fewer than source|$ferry_fewer|>= 40|$(at_least "$ferry_fewer" 40)"
    "steady: Ferry lag p99 s (API lag.seconds)|${P[2,99]}|< 1|$(below "${P[2,99]}" 1)"
    "steady: Ferry heartbeat lag p99 s|${P[4,99]}|< 1|$(below "${P[4,99]}" 1)"
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
    echo "- PostgreSQL $(sql_value "$SRC_PORT" postgres 'SHOW server_version'), three clusters with identical settings"
    echo "  (shared_buffers 512MB, fsync on, max_wal_size 4GB); source wal_level=logical. $(nproc) cores, load average"
    echo "  before $LOAD_BEFORE, after $LOAD_AFTER (the machine is shared: compare within one run only)."
    echo "- pgbench scale $SCALE, tpcb-like (3 UPDATEs + 1 INSERT per transaction), $CLIENTS clients."
    echo "- Ferry: one continuous job (default settings; server JVM ${FERRY_JAVA_OPTS:--Xms32m -Xmx384m}) into its own cluster; native:"
    echo "  CREATE PUBLICATION FOR ALL TABLES + CREATE SUBSCRIPTION (defaults: one apply worker, synchronous_commit=off)."
    echo "- (a) both paused (Ferry: migration-jobs stop; native: ALTER SUBSCRIPTION DISABLE), $BACKLOG_TX transactions"
    echo "  ($WAL_MB MB of WAL) written (pgbench unthrottled: $WRITE_TPS tx/s), then Ferry (resume through the API,"
    echo "  skipValidation) and native (ENABLE) each drain it alone, one after the other, timed from the resume until the"
    echo "  destination's pgbench_history has every row and the balance sums equal the source's (confirmation took"
    echo "  ${FERRY_CONFIRM_S}s for Ferry, ${NATIVE_CONFIRM_S}s for native); 'sustained' is the rate between 10% and 90% of"
    echo "  the history rows (leaves out start-up and the tail)."
    echo "- Row writes: n_tup_ins + n_tup_upd + n_tup_del of pg_stat_user_tables summed over the four pgbench tables, on"
    echo "  the source before and after writing the backlog, on each destination before its drain and after it with that"
    echo "  side paused again; read once every writer has reported (no other connection left, or no change for 11 s)."
    echo "- (b) both replicate at once while pgbench runs at -R $RATE for ${DURATION}s ($RATE_RULE),"
    echo "  plus a heartbeat (UPDATE of one row to clock_timestamp(), 10 per second). Sampled once a second, first 5 s left"
    echo "  out: Ferry's API lag.seconds, the subscription's replay_lag from pg_stat_replication (0 when null, i.e. caught"
    echo "  up), and on each destination clock_timestamp() - heartbeat (includes up to 0.1 s of heartbeat period)."
    if [ "$BIG_TXN" -gt 0 ]; then
        echo "- (c) both paused; one source transaction INSERT INTO bench_big SELECT g, md5(g::text) FROM generate_series(1,$BIG_TXN)"
        echo "  (${SRC_BIG_S}s, $BIG_WAL_MB MB of WAL); Ferry (resume) then native (ENABLE) alone, timed until the destination"
        echo "  has all $BIG_TXN rows (polled every 0.2 s)."
    fi
    echo "- Ferry server memory: /proc/PID/status of the server JVM once a second for the whole run (full load included);"
    echo "  whole run = largest VmHWM seen; big transaction = $(rss_method)."
    echo "- Data check after the run (row counts + content hashes of the pgbench tables and bench_big): $DATA_CHECK."
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
table_print 60 "$THEADER" "${targets[@]}"
log "data check: $DATA_CHECK; written $base.md, $base.csv, $base-samples.csv"
case "$DATA_CHECK" in *DIFFERENT*) exit 1 ;; esac
exit 0
