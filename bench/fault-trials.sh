#!/usr/bin/env bash
# Fault trials of a continuous job (issue 10): while pgbench (pg) or sysbench (my) writes to the source, N random
# faults hit the job during its full load and its change replication: source restarts (fast and immediate), a
# destination restart, 20 s without network, refused connections, stalled traffic (the stall timeout must find
# it) and SIGKILL of the Ferry server. Ferry reaches both servers through fault proxies (dev.ferry.testkit
# .FaultProxyMain). After each fault the job must be RUNNING (or resume so after a SIGKILL) with health OK again;
# then the load stops, the job is promoted and every table is compared. Prints a summary; exit 0 only on PASS.
set -euo pipefail

ENGINE=${1:-}
N=${2:-}
case "$ENGINE" in
    pg) BENCH_NAME=fault-trials-pg; . "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/pg-cdc-common.sh" ;;
    my) BENCH_NAME=fault-trials-my; . "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/mysql-cdc-common.sh" ;;
    *) echo "Usage: bench/fault-trials.sh pg|my N   (N random faults; needs ferry-cli/target/ferry.jar and" \
        "ferry-testkit/target/classes: ./mvnw -B -q -pl ferry-cli,ferry-testkit -am package -DskipTests)" >&2; exit 2 ;;
esac
[[ "$N" =~ ^[0-9]+$ ]] || { echo "N must be a number of faults" >&2; exit 2; }
KINDS=${FAULT_KINDS:-"source-fast source-immediate destination-restart cut-20s refuse-10s stall ferry-kill"}
STALL_S=${STALL_S:-75}        # longer than the 60 s stall timeout: Ferry must notice by itself
RECOVERY_LIMIT=${RECOVERY_LIMIT:-300}

need_cmd jq curl ss
WORK=$(make_workdir "ferry-$BENCH_NAME")
LOAD_PID=""
PROXY_PIDS=""
FERRY_PORT=""
cleanup() {
    local rc=$?
    set +e
    [ -n "$LOAD_PID" ] && kill -TERM "$LOAD_PID" 2>/dev/null && wait "$LOAD_PID" 2>/dev/null
    [ -n "$FERRY_PID" ] && kill -KILL "$FERRY_PID" 2>/dev/null && wait "$FERRY_PID" 2>/dev/null
    for p in $PROXY_PIDS; do kill -TERM "$p" 2>/dev/null; done
    if [ "$ENGINE" = pg ]; then pg_stop_all; else my_stop_all; fi
    if [ "$rc" -ne 0 ]; then
        mkdir -p "$RESULTS_DIR/$BENCH_NAME-$STAMP-logs"
        cp "$WORK"/*.log "$RESULTS_DIR/$BENCH_NAME-$STAMP-logs/" 2>/dev/null
        log "logs kept in $RESULTS_DIR/$BENCH_NAME-$STAMP-logs"
    fi
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
    local name=$1 target=$2 listen control
    free_port listen
    free_port control
    "$FERRY_JAVA" -Xmx128m -cp "$PROXY_CP" dev.ferry.testkit.FaultProxyMain "$listen" 127.0.0.1 "$target" "$control" \
        >>"$WORK/proxy-$name.log" 2>&1 &
    PROXY_PIDS="$PROXY_PIDS $!"
    printf -v "$3" '%s' "$listen"
    printf -v "$4" '%s' "$control"
    for _ in $(seq 1 100); do proxy_cmd "$control" status >/dev/null 2>&1 && return 0; sleep 0.1; done
    die "fault proxy $name did not start"
}
# proxy_cmd CONTROL_PORT COMMAND...: one line to the proxy's control port, its answer on stdout.
proxy_cmd() {
    local fd
    exec {fd}<>"/dev/tcp/127.0.0.1/$1"
    shift
    printf '%s\n' "$*" >&"$fd"
    head -n 1 <&"$fd"
    exec {fd}>&-
}

step "Starting the servers"
if [ "$ENGINE" = pg ]; then
    need_cmd "$PGBIN/initdb" "$PGBIN/pg_ctl" "$PGBIN/pgbench"
    pg_init src SRC_PORT logical
    pg_init dst DST_PORT replica
    DB=pgbench
    psql_at "$SRC_PORT" postgres -c "CREATE DATABASE pgbench"
    "$PGBIN/pgbench" -i -q -s "${SCALE:-10}" -h 127.0.0.1 -p "$SRC_PORT" -U postgres pgbench >"$WORK/load-init.log" 2>&1 ||
        { cat "$WORK/load-init.log" >&2; die "pgbench -i failed"; }
    server_restart() { # NAME fast|immediate
        if [ "$2" = fast ]; then
            as_pg "$PGBIN/pg_ctl" -D "$WORK/$1" -m fast -w -t 120 restart -l "$WORK/$1.log" >/dev/null
        else
            as_pg "$PGBIN/pg_ctl" -D "$WORK/$1" -m immediate -w stop >/dev/null
            as_pg "$PGBIN/pg_ctl" -D "$WORK/$1" -w -t 300 -l "$WORK/$1.log" start >/dev/null
        fi
    }
    load_start() {
        "$PGBIN/pgbench" -n -c 2 -j 2 -T 100000 -R "${RATE:-100}" -h 127.0.0.1 -p "$SRC_PORT" -U postgres \
            --max-tries=0 pgbench >"$WORK/load.log" 2>&1 &
        LOAD_PID=$!
    }
    fingerprints() { table_fingerprints "$1" "$DB"; }
    PROFILE_ARGS=(--engine postgresql --username postgres --password-env PGPASSWORD)
else
    need_cmd "$MARIADBD" mariadb-install-db mariadb mariadb-admin sysbench
    my_start src SRC_PORT 1 --log-bin="$WORK/src/data/binlog" --binlog-format=ROW --binlog-row-image=FULL
    my_start dst DST_PORT 2 --local-infile=1
    for s in src dst; do tr '\0' '\n' <"/proc/$(cat "$WORK/$s/mariadbd.pid")/cmdline" >"$WORK/$s/cmdline"; done
    DB=sbtest
    my "$SRC_PORT" -e "CREATE DATABASE sbtest"
    # shellcheck disable=SC2046
    sysbench oltp_write_only $(sysbench_args "$SRC_PORT") prepare >"$WORK/load-init.log" 2>&1 ||
        { cat "$WORK/load-init.log" >&2; die "sysbench prepare failed"; }
    server_restart() { # NAME fast|immediate: the same command line again
        local pid args=()
        pid=$(cat "$WORK/$1/mariadbd.pid")
        if [ "$2" = fast ]; then kill -TERM "$pid"; else kill -KILL "$pid"; fi
        for _ in $(seq 1 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        mapfile -t args <"$WORK/$1/cmdline"
        as_my "${args[@]}" >/dev/null 2>&1 &
        for _ in $(seq 1 600); do
            mariadb-admin --no-defaults --protocol=SOCKET --socket="$WORK/$1/sock" -uroot -p"$PW" ping >/dev/null 2>&1 && return 0
            sleep 0.1
        done
        die "MariaDB $1 did not come back"
    }
    load_start() {
        # shellcheck disable=SC2046
        sysbench oltp_write_only $(sysbench_args "$SRC_PORT") --threads=2 --rate="${RATE:-100}" --time=0 \
            --mysql-ignore-errors=all run >"$WORK/load.log" 2>&1 &
        LOAD_PID=$!
    }
    fingerprints() { table_fingerprints "$1" "$DB"; }
    export BENCH_DB_PW=$PW
    PROFILE_ARGS=(--engine mysql --username root --password-env BENCH_DB_PW)
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
load_start
ferry_cli migration-jobs start ft >"$WORK/start.log" 2>&1 || true

VIOLATIONS=0
job_json() { api /v1/migrationJobs/ft 2>/dev/null || echo '{}'; }
# Waits until the job is RUNNING with health OK (or no health yet); counts a FAILED/STOPPED job as a violation.
await_healthy() {
    local start state health j
    start=$(date +%s)
    while true; do
        j=$(job_json)
        state=$(jq -r '.state // "UNREACHABLE"' <<<"$j")
        health=$(jq -r '.health.status // "OK"' <<<"$j")
        case "$state" in
            FAILED | STOPPED | COMPLETED) log "VIOLATION: job is $state: $(jq -c .error <<<"$j")"; VIOLATIONS=$((VIOLATIONS + 1)); return 1 ;;
            RUNNING) [ "$health" = OK ] && return 0 ;;
        esac
        [ $(($(date +%s) - start)) -ge "$RECOVERY_LIMIT" ] && { log "VIOLATION: not healthy after ${RECOVERY_LIMIT}s: $state $health"; VIOLATIONS=$((VIOLATIONS + 1)); return 1; }
        sleep 0.2
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
    esac
}

read -r -a kinds <<<"$KINDS"
: >"$WORK/faults"
for i in $(seq 1 "$N"); do
    sleep "$((1 + RANDOM % 8)).$((RANDOM % 10))"
    kind=${kinds[$((RANDOM % ${#kinds[@]}))]}
    phase=$(job_json | jq -r '.phase // "-"')
    t0=$(date +%s.%N)
    inject "$kind"
    t1=$(date +%s.%N)
    verdict=ok
    await_healthy || verdict=VIOLATION
    t2=$(date +%s.%N)
    line=$(printf '%2d %-20s during %-17s fault %5.1fs, healthy again %5.1fs later  %s' "$i" "$kind" "$phase" \
        "$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')" "$(awk -v a="$t1" -v b="$t2" 'BEGIN {print b - a}')" "$verdict")
    log "$line"
    echo "$line" >>"$WORK/faults"
    [ "$verdict" = ok ] || break
done

step "Stopping the load and promoting"
kill -TERM "$LOAD_PID" 2>/dev/null || true
wait "$LOAD_PID" 2>/dev/null || true
LOAD_PID=""
promote_rc=0
await_replicating ft 600 || true
ferry_cli migration-jobs promote ft --wait >&2 || promote_rc=$?
failures=$VIOLATIONS
state=$(job_status ft)
[ "$promote_rc" -eq 0 ] && [ "${state%% *}" = COMPLETED ] || { log "promotion failed: exit $promote_rc, job $state"; failures=$((failures + 1)); }

step "Comparing source and destination"
fingerprints "$SRC_PORT" >"$WORK/source-tables"
fingerprints "$DST_PORT" >"$WORK/destination-tables" || true
if diff -u "$WORK/source-tables" "$WORK/destination-tables" >&2; then
    log "all $(wc -l <"$WORK/source-tables") tables equal (rows and content)"
else
    failures=$((failures + 1))
fi
events=$(api /v1/migrationJobs/ft/events 2>/dev/null | jq -r '.. | .message? // empty' 2>/dev/null | grep -c 'retry' || true)
ferry_server_stop

mkdir -p "$RESULTS_DIR"
result="$RESULTS_DIR/$BENCH_NAME-$STAMP.txt"
{
    echo "$BENCH_NAME $STAMP: $N faults of: $KINDS (stall ${STALL_S}s)"
    cat "$WORK/faults"
    echo "retry events: $events; job-state violations: $VIOLATIONS"
    echo "tables (table|rows|hash) source:"; cat "$WORK/source-tables"
    if [ "$failures" -eq 0 ]; then echo PASS; else echo "FAIL ($failures problems)"; fi
} >"$result"
cat "$result" >&2
[ "$failures" -eq 0 ]
