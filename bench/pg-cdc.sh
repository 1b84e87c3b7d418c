#!/usr/bin/env bash
# Change-replication benchmark, PostgreSQL: Ferry's continuous job vs native logical replication (publication +
# subscription), same source, same pgbench workload, same run. Measures the apply rate on a backlog and the lag at a
# steady rate. See bench/README.md.
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
      the drain time gives the sustained apply rate;
  (b) steady state: pgbench runs at a fixed rate (-R) both can follow, while the lag of both sides is sampled
      once a second (Ferry: the API's lag.seconds; native: pg_stat_replication.replay_lag), together with an
      end-to-end heartbeat lag measured the same way on both destinations.
Prints a table (Ferry, native, ratio, target) and writes bench/results/pg-cdc-<timestamp>.{md,csv} and the samples.

Options:
  --scale N         pgbench scale of the source (default: 10; --quick: 2)
  --backlog N       transactions written while replication is paused (default: 60000; --quick: 4000)
  --clients N       pgbench clients (default: 2)
  --rate TPS        steady-state pgbench rate (default: half the slower side's backlog apply rate, at most 70% of
                    the rate pgbench reached unthrottled while writing the backlog, at most 1000)
  --duration S      steady-state duration in seconds (default: 120; --quick: 20)
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
QUICK=0
KEEP=0
while [ $# -gt 0 ]; do
    case "$1" in
        --scale) SCALE=$2; shift 2 ;;
        --backlog) BACKLOG=$2; shift 2 ;;
        --clients) CLIENTS=$2; shift 2 ;;
        --rate) RATE=$2; shift 2 ;;
        --duration) DURATION=$2; shift 2 ;;
        --quick) QUICK=1; shift ;;
        --keep) KEEP=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown option: $1" ;;
    esac
done
if [ "$QUICK" -eq 1 ]; then
    SCALE=${SCALE:-2}; BACKLOG=${BACKLOG:-4000}; DURATION=${DURATION:-20}
else
    SCALE=${SCALE:-10}; BACKLOG=${BACKLOG:-60000}; DURATION=${DURATION:-120}
fi
MODE=$([ "$QUICK" -eq 1 ] && echo quick || echo full)

need_cmd "$PGBIN/initdb" "$PGBIN/pg_ctl" "$PGBIN/psql" "$PGBIN/pgbench" "$PGBIN/pg_dump" jq curl ss
if [ "$(id -u)" -eq 0 ]; then id postgres >/dev/null 2>&1 || die "running as root needs an OS user 'postgres'"; fi

WORK=$(make_workdir ferry-bench-cdc)
FERRY_PORT=""
BG_PIDS=""
cleanup() {
    local rc=$?
    set +e
    for p in $BG_PIDS; do kill -TERM "$p" 2>/dev/null; done
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

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", b - a}'; }
history_count() { sql_value "$1" pgbench "SELECT count(*) FROM pgbench_history"; }
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
    -c "INSERT INTO bench_heartbeat VALUES (1, clock_timestamp())"
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
ferry_cli migration-jobs stop bench-cdc >&2
psql_at "$NATIVE_DST_PORT" pgbench -c "ALTER SUBSCRIPTION bench_native DISABLE"
until [ "$(sql_value "$SRC_PORT" postgres "SELECT count(*) FROM pg_stat_replication WHERE application_name = 'bench_native'")" = 0 ]; do
    sleep 0.2
done
for _ in $(seq 1 600); do [ "$(job_status bench-cdc | cut -d' ' -f1)" = STOPPED ] && break; sleep 0.1; done
[ "$(job_status bench-cdc | cut -d' ' -f1)" = STOPPED ] || die "Ferry's job did not stop: $(job_status bench-cdc)"
H0=$(history_count "$SRC_PORT")
LSN0=$(sql_value "$SRC_PORT" postgres "SELECT pg_current_wal_lsn()")
per_client=$(((BACKLOG + CLIENTS - 1) / CLIENTS))
t0=$(now)
"$PGBIN/pgbench" -n -c "$CLIENTS" -j "$CLIENTS" -t "$per_client" -b tpcb-like -h 127.0.0.1 -p "$SRC_PORT" -U postgres \
    pgbench >"$WORK/pgbench-backlog.log" 2>&1 || { cat "$WORK/pgbench-backlog.log" >&2; die "pgbench failed"; }
t1=$(now)
WRITE_TPS=$(awk -v n="$BACKLOG" -v s="$(elapsed "$t0" "$t1")" 'BEGIN { printf "%.0f", n / s }')
H1=$(history_count "$SRC_PORT")
WAL_MB=$(sql_value "$SRC_PORT" postgres "SELECT round(pg_wal_lsn_diff(pg_current_wal_lsn(), '$LSN0') / 1048576.0, 1)")
BACKLOG_TX=$((H1 - H0))
log "backlog: $BACKLOG_TX transactions, $WAL_MB MB of WAL, written in $(elapsed "$t0" "$t1")s ($WRITE_TPS tx/s)"
for p in $SRC_PORT $FERRY_DST_PORT $NATIVE_DST_PORT; do psql_at "$p" postgres -c CHECKPOINT; done
sync

# drain SIDE PORT: samples "seconds-since-start rows" into $WORK/drain-SIDE.txt until the destination has H1 history rows.
drain() {
    local side=$1 port=$2 start=$3 count t
    : >"$WORK/drain-$side.txt"
    while true; do
        count=$(history_count "$port")
        t=$(elapsed "$start" "$(now)")
        echo "$t $count" >>"$WORK/drain-$side.txt"
        [ "$count" -ge "$H1" ] && break
        awk -v t="$t" 'BEGIN { exit !(t > 3600) }' && die "$side did not drain the backlog within an hour"
        sleep 0.2
    done
}
# drain_stats SIDE -> "total_seconds total_tx_per_s sustained_tx_per_s" (sustained: between 10% and 90% of the backlog)
drain_stats() {
    awk -v h0="$H0" -v n="$BACKLOG_TX" '
        { t[NR] = $1; c[NR] = $2 - h0 }
        END {
            total = t[NR]
            for (i = 1; i <= NR; i++) {
                if (a == "" && c[i] >= 0.1 * n) { a = t[i]; ca = c[i] }
                if (b == "" && c[i] >= 0.9 * n) { b = t[i]; cb = c[i] }
            }
            sustained = (b > a) ? (cb - ca) / (b - a) : 0
            printf "%.2f %.0f %.0f\n", total, n / total, sustained
        }' "$WORK/drain-$1.txt"
}

applied_rows() { api "/v1/migrationJobs/bench-cdc/objects" | jq '[.objects[].rowsApplied] | add'; }

step "(a) Ferry drains the backlog alone"
FERRY_APPLIED0=$(applied_rows)
start=$(now)
curl -sf -X POST -H 'Content-Type: application/json' -H "Authorization: Bearer $FERRY_TOKEN" -d '{"skipValidation": true}' \
    "http://127.0.0.1:$FERRY_PORT/v1/migrationJobs/bench-cdc:resume" >/dev/null
drain ferry "$FERRY_DST_PORT" "$start"
read -r FERRY_DRAIN_S FERRY_DRAIN_TPS FERRY_SUSTAINED_TPS <<<"$(drain_stats ferry)"
sleep 2
FERRY_APPLIED=$(($(applied_rows) - FERRY_APPLIED0))
log "Ferry: ${FERRY_DRAIN_S}s, $FERRY_DRAIN_TPS tx/s overall, $FERRY_SUSTAINED_TPS tx/s sustained; rowsApplied +$FERRY_APPLIED"

step "(a) Native replication drains the backlog alone"
start=$(now)
psql_at "$NATIVE_DST_PORT" pgbench -c "ALTER SUBSCRIPTION bench_native ENABLE"
drain native "$NATIVE_DST_PORT" "$start"
read -r NATIVE_DRAIN_S NATIVE_DRAIN_TPS NATIVE_SUSTAINED_TPS <<<"$(drain_stats native)"
log "native: ${NATIVE_DRAIN_S}s, $NATIVE_DRAIN_TPS tx/s overall, $NATIVE_SUSTAINED_TPS tx/s sustained"

# ---------------------------------------------------------------------------------------------------------------
# (b) Steady state

if [ -z "$RATE" ]; then
    # Half the slower side's apply rate, and no more than 70% of what pgbench managed unthrottled on the source.
    RATE=$(awk -v a="$FERRY_SUSTAINED_TPS" -v b="$NATIVE_SUSTAINED_TPS" -v w="$WRITE_TPS" 'BEGIN { m = (a < b ? a : b) / 2;
        if (m > 0.7 * w) m = 0.7 * w; if (m > 1000) m = 1000; if (m < 20) m = 20; printf "%d", m }')
fi
step "(b) Steady state: pgbench -R $RATE for ${DURATION}s, lag sampled once a second"
await_replicating bench-cdc 300
"$PGBIN/pgbench" -n -c 1 -R 10 -T "$((DURATION + 10))" -f "$WORK/heartbeat.sql" -h 127.0.0.1 -p "$SRC_PORT" \
    -U postgres pgbench >"$WORK/pgbench-heartbeat.log" 2>&1 &
BG_PIDS="$BG_PIDS $!"
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
log "pgbench tables vs source (row counts and content hashes): $DATA_CHECK"

# ---------------------------------------------------------------------------------------------------------------
# Report

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || a == "-" || b == "" || b == "-" || b + 0 == 0) print "-"; else printf "%.2f", a / b }'; }
at_least() { awk -v v="$1" -v l="$2" 'BEGIN { if (v == "-" || v == "") print "n/a"; else if (v + 0 >= l + 0) print "met"; else print "NOT met" }'; }
below() { awk -v v="$1" -v l="$2" 'BEGIN { if (v == "-" || v == "") print "n/a"; else if (v + 0 < l + 0) print "met"; else print "NOT met" }'; }
r_sustained=$(ratio "$FERRY_SUSTAINED_TPS" "$NATIVE_SUSTAINED_TPS")
r_drain=$(ratio "$FERRY_DRAIN_TPS" "$NATIVE_DRAIN_TPS")
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

rows=(
    "backlog: transactions drained|$BACKLOG_TX|$BACKLOG_TX|||"
    "backlog: drain time s|$FERRY_DRAIN_S|$NATIVE_DRAIN_S|$(ratio "$FERRY_DRAIN_S" "$NATIVE_DRAIN_S")||"
    "backlog: apply rate tx/s, whole drain|$FERRY_DRAIN_TPS|$NATIVE_DRAIN_TPS|$r_drain|>= 1.5x native|$(at_least "$r_drain" 1.5)"
    "backlog: sustained apply rate tx/s (10-90%)|$FERRY_SUSTAINED_TPS|$NATIVE_SUSTAINED_TPS|$r_sustained|>= 1.5x native|$(at_least "$r_sustained" 1.5)"
    "backlog: sustained apply rate rows/s (4 per tx)|$((FERRY_SUSTAINED_TPS * 4))|$((NATIVE_SUSTAINED_TPS * 4))|$r_sustained||"
    "steady: offered rate tx/s (pgbench -R $RATE)|$STEADY_TPS|$STEADY_TPS|||"
    "steady: applied tx/s|$FERRY_STEADY_TPS|$NATIVE_STEADY_TPS|$(ratio "$FERRY_STEADY_TPS" "$NATIVE_STEADY_TPS")||"
    "steady: lag p50 s (Ferry API / native replay_lag)|${P[2,50]}|${P[3,50]}|$(ratio "${P[2,50]}" "${P[3,50]}")||"
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
    echo "- PostgreSQL $(sql_value "$SRC_PORT" postgres 'SHOW server_version'), three clusters with identical settings"
    echo "  (shared_buffers 512MB, fsync on, max_wal_size 4GB); source wal_level=logical. $(nproc) cores, load average"
    echo "  before $LOAD_BEFORE, after $LOAD_AFTER (the machine is shared: compare within one run only)."
    echo "- pgbench scale $SCALE, tpcb-like (3 UPDATEs + 1 INSERT per transaction), $CLIENTS clients."
    echo "- Ferry: one continuous job (default settings) into its own cluster; native: CREATE PUBLICATION FOR ALL TABLES +"
    echo "  CREATE SUBSCRIPTION (defaults: one apply worker, synchronous_commit=off) into its own cluster."
    echo "- (a) both paused (Ferry: migration-jobs stop; native: ALTER SUBSCRIPTION DISABLE), $BACKLOG_TX transactions"
    echo "  ($WAL_MB MB of WAL) written (pgbench unthrottled: $WRITE_TPS tx/s), then Ferry (resume through the API, skipValidation) and native (ENABLE) each drain"
    echo "  it alone, one after the other, timed until the destination's pgbench_history has every row; 'sustained' is the"
    echo "  rate between 10% and 90% of the backlog (leaves out start-up and the tail)."
    echo "- (b) both replicate at once while pgbench runs at -R $RATE for ${DURATION}s plus a heartbeat (UPDATE of one row"
    echo "  to clock_timestamp(), 10 per second). Sampled once a second, first 5 s left out: Ferry's API lag.seconds, the"
    echo "  subscription's replay_lag from pg_stat_replication (0 when null, i.e. caught up), and on each destination"
    echo "  clock_timestamp() - heartbeat (includes up to 0.1 s of heartbeat period)."
    echo "- Data check after the run (row counts + content hashes of the pgbench tables): $DATA_CHECK."
    echo "- Ferry rowsApplied during the backlog drain: $FERRY_APPLIED (expected $((BACKLOG_TX * 4)))."
    echo
    echo "| measure | Ferry | native | Ferry/native | target | verdict |"
    echo "|---|---:|---:|---:|---|---|"
    for r in "${rows[@]}"; do IFS='|' read -r m f n q t v <<<"$r"; echo "| $m | $f | $n | ${q:--} | $t | $v |"; done
    echo
    echo "Samples: $(basename "$base-samples.csv")."
} >"$base.md"

step "Results ($MODE)"
printf '%-52s %10s %10s %8s  %-16s %s\n' measure Ferry native ratio target verdict >&2
for r in "${rows[@]}"; do
    IFS='|' read -r m f n q t v <<<"$r"
    printf '%-52s %10s %10s %8s  %-16s %s\n' "$m" "$f" "$n" "${q:--}" "$t" "$v" >&2
done
log "data check: $DATA_CHECK; written $base.md, $base.csv, $base-samples.csv"
case "$DATA_CHECK" in *DIFFERENT*) exit 1 ;; esac
exit 0
