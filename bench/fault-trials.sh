#!/usr/bin/env bash
# Fault trials of a continuous job: while pgbench (pg) or sysbench (my) writes to the source, N random
# faults hit the job during its full load and its change replication: source restarts (fast and immediate), a
# destination restart, 20 s without network, refused connections, stalled traffic (the stall timeout must find
# it) and SIGKILL of the Ferry server. Ferry reaches both servers through fault proxies (dev.ferry.testkit
# .FaultProxyMain). After each fault the job must work again: RUNNING with health OK and, during change
# replication, a probe row written to the source after the fault seen on the destination (during the full load:
# rows copied again). A watcher polls the job throughout: any state but RUNNING (the API is only allowed to be
# unreachable while Ferry is killed) is a violation. Then the load stops, the job is promoted and every table is
# compared. Prints a summary and writes it to results/fault-trials-<engine>-<stamp>.txt; exit 0 only on PASS.
# The whole script is one block, read before it runs: editing or rebuilding the tree during a run changes nothing.
{
set -euo pipefail

ENGINE=${1:-}
N=${2:-}
case "$ENGINE" in
    pg) BENCH_NAME=fault-trials-pg; . "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/pg-cdc-common.sh" ;;
    my) BENCH_NAME=fault-trials-my; . "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/mysql-cdc-common.sh" ;;
    *) echo "Usage: bench/fault-trials.sh pg|my N   (N random faults; needs ferry-cli/target/ferry.jar and" \
        "ferry-testkit/target/classes: ./mvnw -B -q -pl ferry-cli,ferry-testkit -am package -DskipTests)" >&2; exit 2 ;;
esac
[[ "$N" =~ ^[0-9]+$ ]] && [ "$N" -gt 0 ] || { echo "N must be a positive number of faults" >&2; exit 2; }
KINDS=${FAULT_KINDS:-"source-fast source-immediate destination-restart cut-20s refuse-10s stall ferry-kill"}
STALL_S=${STALL_S:-75}        # longer than the 60 s stall timeout: Ferry must notice by itself
RECOVERY_LIMIT=${RECOVERY_LIMIT:-300}
RATE=${RATE:-50}              # transactions per second of the load (2 clients)
# The full load of these small databases takes a second or two: the source's proxy forwards at most THROTTLE
# bytes/s per connection until FULL_LOAD_FAULTS faults hit the full load, then the throttle is lifted.
THROTTLE=${THROTTLE:-3000000}
FULL_LOAD_FAULTS=${FULL_LOAD_FAULTS:-$((N >= 6 ? N / 6 : 1))}
T_START=$(date +%s)

need_cmd jq curl ss setsid
WORK=$(make_workdir "ferry-$BENCH_NAME")
LOAD_PID=""
WATCH_PID=""
PROXY_PIDS=""
FERRY_PORT=""
keep_logs() {
    mkdir -p "$RESULTS_DIR/$BENCH_NAME-$STAMP-logs"
    cp "$WORK"/*.log "$WORK/watch" "$WORK/faults" "$RESULTS_DIR/$BENCH_NAME-$STAMP-logs/" 2>/dev/null
    cp "$WORK"/*/error.log "$RESULTS_DIR/$BENCH_NAME-$STAMP-logs/" 2>/dev/null
    cp "$WORK/ferry-home/logs/"*.log "$RESULTS_DIR/$BENCH_NAME-$STAMP-logs/" 2>/dev/null
    log "logs kept in $RESULTS_DIR/$BENCH_NAME-$STAMP-logs"
}
cleanup() {
    local rc=$?
    set +e
    load_stop
    [ -n "$WATCH_PID" ] && kill -TERM "$WATCH_PID" 2>/dev/null && wait "$WATCH_PID" 2>/dev/null
    [ -n "$FERRY_PID" ] && kill -KILL "$FERRY_PID" 2>/dev/null && wait "$FERRY_PID" 2>/dev/null
    for p in $PROXY_PIDS; do kill -TERM "$p" 2>/dev/null; done
    if [ "$ENGINE" = pg ]; then pg_stop_all; else my_stop_all; fi
    [ "$rc" -ne 0 ] || [ -n "${KEEP_LOGS:-}" ] && keep_logs
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Ferry from the build tree (never ./ferry, which installs into ~/.m2).
. "$REPO_DIR/scripts/jdk.sh"
ferry_pick_jdk >/dev/null 2>&1 || die "no JDK 21+ found"
FERRY_JAVA="$JAVA_HOME/bin/java"
[ -f "$REPO_DIR/ferry-cli/target/ferry.jar" ] && [ -d "$REPO_DIR/ferry-testkit/target/classes" ] ||
    die "build first: ./mvnw -B -q -pl ferry-cli,ferry-testkit -am package -DskipTests"
mkdir -p "$WORK/ferry"
cp "$REPO_DIR/ferry-cli/target/ferry.jar" "$WORK/ferry/"
cp -r "$REPO_DIR/ferry-cli/target/lib" "$WORK/ferry/"
cp -r "$REPO_DIR/ferry-testkit/target/classes" "$WORK/ferry/testkit"
FERRY_JAR="$WORK/ferry/ferry.jar"
PROXY_CP="$WORK/ferry/testkit:$WORK/ferry/ferry.jar:$(ls "$WORK"/ferry/lib/*.jar | tr '\n' ':')"

# proxy_start NAME TARGET_PORT LISTEN_VAR CONTROL_VAR
proxy_start() {
    local name=$1 target=$2 _listen _control
    free_port _listen
    free_port _control
    "$FERRY_JAVA" -Xmx96m -XX:TieredStopAtLevel=1 -cp "$PROXY_CP" dev.ferry.testkit.FaultProxyMain "$_listen" 127.0.0.1 \
        "$target" "$_control" >>"$WORK/proxy-$name.log" 2>&1 &
    PROXY_PIDS="$PROXY_PIDS $!"
    printf -v "$3" '%s' "$_listen"
    printf -v "$4" '%s' "$_control"
    for _ in $(seq 1 300); do proxy_cmd "$_control" status >/dev/null 2>&1 && return 0; sleep 0.1; done
    die "fault proxy $name did not start (see $WORK/proxy-$name.log)"
}
# proxy_cmd CONTROL_PORT COMMAND...: one line to the proxy's control port, its answer on stdout.
proxy_cmd() {
    local fd port=$1
    shift
    exec {fd}<>"/dev/tcp/127.0.0.1/$port" || return 1
    printf '%s\n' "$*" >&"$fd"
    head -n 1 <&"$fd"
    exec {fd}>&-
}

# The load runs in a session of its own, restarted when the source's restart ends it: load_stop ends the session.
load_start() {
    # (sysbench may crash when the source restarts under it: the shell's report of that goes to the log too)
    setsid bash -c "while :; do $1; echo '--- load ended, restarting'; sleep 1; done" </dev/null >>"$WORK/load.log" 2>&1 &
    LOAD_PID=$!
}
load_stop() {
    if [ -n "$LOAD_PID" ]; then
        kill -TERM -- "-$LOAD_PID" 2>/dev/null || true
        wait "$LOAD_PID" 2>/dev/null || true
        LOAD_PID=""
    fi
}

step "Starting the servers"
if [ "$ENGINE" = pg ]; then
    need_cmd "$PGBIN/initdb" "$PGBIN/pg_ctl" "$PGBIN/pgbench" "$PGBIN/psql"
    pg_init src SRC_PORT logical
    pg_init dst DST_PORT replica
    DB=pgbench
    psql_at "$SRC_PORT" postgres -c "CREATE DATABASE pgbench"
    "$PGBIN/pgbench" -i -q -s "${SCALE:-10}" -h 127.0.0.1 -p "$SRC_PORT" -U postgres pgbench >"$WORK/load-init.log" 2>&1 ||
        { cat "$WORK/load-init.log" >&2; die "pgbench -i failed"; }
    psql_at "$SRC_PORT" pgbench -c "CREATE TABLE ft_probe (id int PRIMARY KEY, n bigint NOT NULL); INSERT INTO ft_probe VALUES (1, 0)"
    server_restart() { # NAME fast|immediate
        if [ "$2" = fast ]; then
            as_pg "$PGBIN/pg_ctl" -D "$WORK/$1" -m fast -w -t 120 restart -l "$WORK/$1.log" >/dev/null
        else
            as_pg "$PGBIN/pg_ctl" -D "$WORK/$1" -m immediate -w stop >/dev/null
            as_pg "$PGBIN/pg_ctl" -D "$WORK/$1" -w -t 300 -l "$WORK/$1.log" start >/dev/null
        fi
    }
    LOAD_CMD="'$PGBIN/pgbench' -n -c 2 -j 2 -T 100000 -R $RATE -h 127.0.0.1 -p $SRC_PORT -U postgres pgbench"
    probe_write() { sql_value "$SRC_PORT" "$DB" "UPDATE ft_probe SET n = $1 WHERE id = 1" >/dev/null 2>&1; }
    probe_read() { sql_value "$DST_PORT" "$DB" "SELECT n FROM ft_probe WHERE id = 1" 2>/dev/null; }
    fingerprints() { table_fingerprints "$1" "$DB"; }
    COMPARISON="row count + md5 of the sorted row hashes"
    PROFILE_ARGS=(--engine postgresql --username postgres --password-env PGPASSWORD --ssl-mode disable)
else
    need_cmd "$MARIADBD" mariadb-install-db mariadb mariadb-admin sysbench
    my_start src SRC_PORT 1 --log-bin="$WORK/src/data/binlog" --binlog-format=ROW --binlog-row-image=FULL
    my_start dst DST_PORT 2 --local-infile=1
    for s in src dst; do tr '\0' '\n' <"/proc/$(cat "$WORK/$s/mariadbd.pid")/cmdline" >"$WORK/$s/cmdline"; done
    DB=sbtest
    export SB_TABLE_SIZE=${SB_TABLE_SIZE:-100000}   # 4 tables of ~25 MB: a full load long enough to be hit
    my "$SRC_PORT" -e "CREATE DATABASE sbtest"
    # shellcheck disable=SC2046
    sysbench oltp_write_only $(sysbench_args "$SRC_PORT") prepare >"$WORK/load-init.log" 2>&1 ||
        { cat "$WORK/load-init.log" >&2; die "sysbench prepare failed"; }
    my "$SRC_PORT" -e "CREATE TABLE sbtest.ft_probe (id int PRIMARY KEY, n bigint NOT NULL) ENGINE=InnoDB; INSERT INTO sbtest.ft_probe VALUES (1, 0)"
    server_restart() { # NAME fast|immediate: SIGTERM or SIGKILL, then the same command line again
        local pid args=()
        pid=$(cat "$WORK/$1/mariadbd.pid")
        if [ "$2" = fast ]; then kill -TERM "$pid"; else kill -KILL "$pid"; fi
        for _ in $(seq 1 1200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        mapfile -t args <"$WORK/$1/cmdline"
        as_my "${args[@]}" >/dev/null 2>&1 &
        for _ in $(seq 1 1200); do
            mariadb-admin --no-defaults --protocol=SOCKET --socket="$WORK/$1/sock" -uroot -p"$PW" ping >/dev/null 2>&1 && return 0
            sleep 0.1
        done
        die "MariaDB $1 did not come back"
    }
    LOAD_CMD="sysbench oltp_write_only $(sysbench_args "$SRC_PORT") --threads=2 --rate=$RATE --time=0 --mysql-ignore-errors=all run"
    probe_write() { my_value "$SRC_PORT" "UPDATE sbtest.ft_probe SET n = $1 WHERE id = 1" >/dev/null 2>&1; }
    probe_read() { my_value "$DST_PORT" "SELECT n FROM sbtest.ft_probe WHERE id = 1" 2>/dev/null; }
    fingerprints() { table_fingerprints "$1" "$DB"; }
    COMPARISON="row count + CHECKSUM TABLE ... EXTENDED"
    export BENCH_DB_PW=$PW
    PROFILE_ARGS=(--engine mysql --username root --password-env BENCH_DB_PW --ssl-mode disable)
fi
proxy_start src "$SRC_PORT" SRC_PROXY SRC_CONTROL
proxy_start dst "$DST_PORT" DST_PROXY DST_CONTROL
log "source :$SRC_PORT via proxy :$SRC_PROXY (control :$SRC_CONTROL), destination :$DST_PORT via :$DST_PROXY (control :$DST_CONTROL)"

step "Starting Ferry, the load and the job"
free_port FERRY_PORT
ferry_server_start "$WORK/ferry-home"
ferry_cli connection-profiles create ft-src "${PROFILE_ARGS[@]}" --host 127.0.0.1 --port "$SRC_PROXY" >&2
ferry_cli connection-profiles create ft-dst "${PROFILE_ARGS[@]}" --host 127.0.0.1 --port "$DST_PROXY" >&2
ferry_cli migration-jobs create ft --type continuous --source ft-src --destination ft-dst --include "$DB" >&2
load_start "$LOAD_CMD"
proxy_cmd "$SRC_CONTROL" throttle "$THROTTLE" >/dev/null
ferry_cli migration-jobs start ft >"$WORK/start.log" 2>&1 || { cat "$WORK/start.log" >&2; die "the job did not start"; }

job_json() { api /v1/migrationJobs/ft 2>/dev/null || echo '{}'; }
progress() { api /v1/migrationJobs/ft/objects 2>/dev/null | jq '[.objects[]? | .rowsCopied + .rowsApplied] | add // 0' 2>/dev/null || echo 0; }

# The watcher: "EPOCH STATE PHASE HEALTH" twice a second until the promotion (UNREACHABLE while Ferry is down).
watch_job() {
    local j now
    while :; do
        now=$(date +%s.%N)
        if j=$(curl -sf -m 5 -H "Authorization: Bearer $FERRY_TOKEN" "http://127.0.0.1:$FERRY_PORT/v1/migrationJobs/ft"); then
            jq -r --arg t "$now" '"\($t) \(.state) \(.phase // "-") \(.health.status // "OK")"' <<<"$j" || echo "$now UNPARSABLE - -"
        else
            echo "$now UNREACHABLE - -"
        fi
        sleep 0.5
    done >>"$WORK/watch"
}
: >"$WORK/watch"
watch_job &
WATCH_PID=$!

# Events of the job newer than event id $1, as "ID<TAB>MESSAGE" lines (the newest 500, oldest first).
events_after() {
    api '/v1/migrationJobs/ft/events?limit=500' 2>/dev/null |
        jq -r --argjson after "$1" '.events[]? | select(.id > $after) | "\(.id)\t\(.message)"' 2>/dev/null || true
}
last_event_id() { api '/v1/migrationJobs/ft/events?limit=1' 2>/dev/null | jq -r '.events[-1].id // 0' 2>/dev/null || echo 0; }
# Retry (or pause) events since event id $1.
retries_after() { events_after "$1" | grep -cE '; retry [0-9]+ in |paused until' || true; }

# await_recovered PROBE EVENT_ID KIND: waits until the job works again after a fault: RUNNING with health OK, and
# - during change replication: the probe value written to the source after the fault is on the destination;
# - during the full load: more rows copied, counted from when Ferry said it works again (a "working again" event
#   after its last retry since EVENT_ID); a fault Ferry did not notice within 20 s (or a restart of Ferry itself)
#   counts from then. (The throttled proxy still delivers what it buffered after a server died, so rows copied
#   right after a fault prove nothing.)
# Sets RECOVERED_PHASE. A FAILED/STOPPED/COMPLETED job or the time limit is a violation.
await_recovered() {
    local probe=$1 since=$2 kind=$3 start j state phase health base="" p evs last_retry last_ok settled
    start=$(date +%s)
    while true; do
        j=$(job_json)
        state=$(jq -r '.state // "UNREACHABLE"' <<<"$j")
        phase=$(jq -r '.phase // "-"' <<<"$j")
        health=$(jq -r '.health.status // "OK"' <<<"$j")
        RECOVERED_PHASE=$phase
        case "$state" in
            FAILED | STOPPED | COMPLETED) log "job is $state: $(jq -c .error <<<"$j")"; return 1 ;;
            RUNNING)
                if [ "$health" = OK ]; then
                    case "$phase" in
                        CDC | READY_FOR_PROMOTE) [ "$(probe_read || true)" = "$probe" ] && return 0 ;;
                        *)
                            settled=0
                            if [ "$kind" = ferry-kill ]; then
                                settled=1
                            else
                                evs=$(events_after "$since")
                                last_retry=$(grep -E $'\t.*(; retry [0-9]+ in |paused until)' <<<"$evs" | tail -n 1 | cut -f1)
                                last_ok=$(grep -F 'working again' <<<"$evs" | tail -n 1 | cut -f1)
                                if [ -n "$last_retry" ]; then
                                    [ -n "$last_ok" ] && [ "$last_ok" -gt "$last_retry" ] && settled=1
                                elif [ $(($(date +%s) - start)) -ge 20 ]; then
                                    settled=1
                                fi
                            fi
                            if [ "$settled" -eq 1 ]; then
                                p=$(progress)
                                if [ -z "$base" ]; then base=$p; elif [ "$p" -gt "$base" ]; then return 0; fi
                            fi ;;
                    esac
                fi ;;
        esac
        [ $(($(date +%s) - start)) -ge "$RECOVERY_LIMIT" ] && { log "not recovered after ${RECOVERY_LIMIT}s: $state $phase $health"; return 1; }
        sleep 0.3
    done
}

inject() {
    case "$1" in
        source-fast) server_restart src fast ;;
        source-immediate) server_restart src immediate ;;
        destination-restart) server_restart dst fast ;;
        cut-20s) proxy_cmd "$SRC_CONTROL" cutfor 20 >/dev/null; proxy_cmd "$DST_CONTROL" cutfor 20 >/dev/null; sleep 20 ;;
        refuse-10s) proxy_cmd "$SRC_CONTROL" refuse 10 >/dev/null; proxy_cmd "$DST_CONTROL" cutfor 10 >/dev/null; sleep 10 ;;
        stall) proxy_cmd "$SRC_CONTROL" stall "$STALL_S" >/dev/null; proxy_cmd "$DST_CONTROL" stall "$STALL_S" >/dev/null; sleep "$STALL_S" ;;
        ferry-kill) kill -KILL "$FERRY_PID"; wait "$FERRY_PID" 2>/dev/null || true; ferry_server_start "$WORK/ferry-home" ;;
        *) die "unknown fault kind $1" ;;
    esac
}

# Health statuses the watcher saw between two epochs, e.g. "RECONNECTING,PAUSED" (or "-").
health_between() {
    awk -v a="$1" -v b="$2" '$1 >= a && $1 <= b && $4 != "OK" && $4 != "-" { s[$4] = 1 }
        END { o = ""; for (k in s) o = o (o == "" ? "" : ",") k; print (o == "" ? "-" : o) }' "$WORK/watch"
}

for _ in $(seq 1 600); do
    [ "$(job_json | jq -r '.state // "-"')" = RUNNING ] && break
    sleep 0.2
done
log "job $(job_status ft)"

read -r -a kinds <<<"$KINDS"
: >"$WORK/faults"
: >"$WORK/recoveries"
VIOLATIONS=0
full_load_faults=0
throttled=1
for i in $(seq 1 "$N"); do
    phase=$(job_json | jq -r '.phase // "-"')
    if [ "$throttled" -eq 1 ] && { [ "$full_load_faults" -ge "$FULL_LOAD_FAULTS" ] || [ "$phase" != FULL_DUMP ]; }; then
        proxy_cmd "$SRC_CONTROL" throttle 0 >/dev/null
        throttled=0
        for _ in $(seq 1 "$((RECOVERY_LIMIT * 2))"); do
            case "$(job_json | jq -r '.state + " " + (.phase // "-")')" in "RUNNING CDC" | "RUNNING READY_FOR_PROMOTE") break ;; esac
            sleep 0.5
        done
        log "full load over (after $full_load_faults faults in it): job $(job_status ft)"
    fi
    if [ "$throttled" -eq 1 ]; then sleep "$((1 + RANDOM % 3)).$((RANDOM % 10))"; else sleep "$((1 + RANDOM % 8)).$((RANDOM % 10))"; fi
    kind=${kinds[$((RANDOM % ${#kinds[@]}))]}
    phase=$(job_json | jq -r '.phase // "-"')
    [ "$phase" = FULL_DUMP ] && full_load_faults=$((full_load_faults + 1))
    e0=$(last_event_id)
    t0=$(date +%s.%N)
    inject "$kind"
    t1=$(date +%s.%N)
    for _ in $(seq 1 100); do probe_write "$i" && break; sleep 0.2; done
    verdict=ok
    await_recovered "$i" "$e0" "$kind" || { verdict=VIOLATION; VIOLATIONS=$((VIOLATIONS + 1)); }
    t2=$(date +%s.%N)
    recovery=$(awk -v a="$t1" -v b="$t2" 'BEGIN {printf "%.1f", b - a}')
    echo "$recovery" >>"$WORK/recoveries"
    line=$(printf '%2d %-19s in %-17s fault lasted %5.1fs, recovered %6.1fs later (%2d retries; health seen: %s)  %s' \
        "$i" "$kind" "$phase" "$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')" "$recovery" "$(retries_after "$e0")" \
        "$(health_between "$t0" "$t2")" "$verdict")
    log "$line"
    echo "$line" >>"$WORK/faults"
    [ "$verdict" = ok ] || break
done

step "Stopping the load and promoting"
load_stop
kill -TERM "$WATCH_PID" 2>/dev/null || true
wait "$WATCH_PID" 2>/dev/null || true
WATCH_PID=""
# Every state the watcher saw before the promotion; anything but RUNNING (and UNREACHABLE while Ferry was
# killed) is a violation.
states=$(awk '{ n[$2]++ } END { for (s in n) printf "%s %d, ", s, n[s] }' "$WORK/watch" | sed 's/, $//')
healths=$(awk '$2 == "RUNNING" { n[$4]++ } END { for (s in n) printf "%s %d, ", s, n[s] }' "$WORK/watch" | sed 's/, $//')
bad_states=$(awk '$2 != "RUNNING" && $2 != "UNREACHABLE"' "$WORK/watch" | wc -l)
kills=$(grep -c ' ferry-kill ' "$WORK/faults" || true)
unreachable_outside=0
[ "$kills" -eq 0 ] && unreachable_outside=$(awk '$2 == "UNREACHABLE"' "$WORK/watch" | wc -l)
promote_rc=0
if [ "$VIOLATIONS" -eq 0 ]; then
    t_promote=$(date +%s)
    for _ in $(seq 1 1800); do
        case "$(job_json | jq -r '.phase // "-"')" in CDC | READY_FOR_PROMOTE) break ;; esac
        sleep 0.5
    done
    ferry_cli migration-jobs promote ft --wait >"$WORK/promote.log" 2>&1 || { promote_rc=$?; cat "$WORK/promote.log" >&2; }
    promote_s=$(($(date +%s) - t_promote))
fi
failures=$((VIOLATIONS + bad_states + unreachable_outside))
state=$(job_status ft || echo "UNREACHABLE -")
[ "$promote_rc" -eq 0 ] && [ "${state%% *}" = COMPLETED ] || { log "promotion failed: exit $promote_rc, job $state"; failures=$((failures + 1)); }

step "Comparing source and destination"
fingerprints "$SRC_PORT" >"$WORK/source-tables"
fingerprints "$DST_PORT" >"$WORK/destination-tables" 2>"$WORK/compare.log" || true
if diff -u "$WORK/source-tables" "$WORK/destination-tables" >"$WORK/compare.diff"; then
    equality="all $(wc -l <"$WORK/source-tables") tables equal ($COMPARISON)"
else
    equality="DIFFERENT: $(grep -c '^+[^+]' "$WORK/compare.diff" || true) destination tables differ ($COMPARISON)"
    cat "$WORK/compare.diff" >&2
    failures=$((failures + 1))
fi
log "$equality"
events=$(api '/v1/migrationJobs/ft/events?limit=1000' 2>/dev/null | jq -r '.. | .message? // empty' 2>/dev/null || true)
printf "%s\n" "$events" >"$WORK/events.log"
retry_events=$(grep -ci 'retry\|retrying\|reconnect' <<<"$events" || true)
load_restarts=$(grep -c -- '--- load ended' "$WORK/load.log" || true)
ferry_server_stop
T_END=$(date +%s)

mkdir -p "$RESULTS_DIR"
result="$RESULTS_DIR/$BENCH_NAME-$STAMP.txt"
{
    echo "$BENCH_NAME $STAMP: $N faults drawn from: $KINDS (stall ${STALL_S}s); load: 2 clients at $RATE tx/s"
    echo "faults (kind, phase when injected, how long the fault lasted, time from its end until the job worked again):"
    cat "$WORK/faults"
    printf 'faults per kind:'; awk '{ n[$2]++ } END { for (k in n) printf " %s %d", k, n[k] }' "$WORK/faults"; echo
    echo "recovery s: min $(percentile 0 "$WORK/recoveries") median $(percentile 50 "$WORK/recoveries") p90 $(percentile 90 "$WORK/recoveries") max $(percentile 100 "$WORK/recoveries")"
    echo "watcher samples (state): $states"
    echo "watcher samples while RUNNING (health): $healths"
    echo "job left RUNNING: $bad_states samples; API unreachable without a kill: $unreachable_outside samples; recovery violations: $VIOLATIONS"
    echo "promotion: exit $promote_rc in ${promote_s:--}s, job ${state%% *}"
    echo "equality: $equality"
    echo "events naming a retry or reconnect: $retry_events; load restarts (source restarts end it): $load_restarts"
    echo "tables (table|rows|hash) on the source:"; cat "$WORK/source-tables"
    echo "total time: $((T_END - T_START)) s"
    if [ "$failures" -eq 0 ]; then echo PASS; else echo "FAIL ($failures problems)"; fi
} >"$result"
cat "$result" >&2
[ "$failures" -eq 0 ]
exit
}
