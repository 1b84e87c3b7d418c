# shellcheck shell=bash
# Engine-independent functions of the change-replication scripts (sourced by lib/pg-cdc-common.sh and
# lib/mysql-cdc-common.sh, not directly): logging, ports, the Ferry server and its API, the Ferry server's memory,
# percentiles and the report tables. Expects `set -euo pipefail` and BENCH_NAME set by the caller.

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
RESULTS_DIR="$BENCH_DIR/results"
STAMP="$(date +%Y%m%d-%H%M%S)"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
step() { printf '\n[%s] === %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf '[%s] ERROR: %s\n' "$(date +%H:%M:%S)" "$*" >&2; exit 1; }

need_cmd() {
    local c
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || [ -x "$c" ] || die "'$c' not found; install it (see bench/README.md)"
    done
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", b - a}'; }

# Sets the variable named $1 to a free TCP port in 15000-32000 that this run did not hand out yet (below Linux's
# ephemeral range, which client sockets use).
CDC_PORTS_TAKEN=" "
free_port() {
    local _var=$1 _port _listening
    _listening=" $(ss -Htan 2>/dev/null | awk '{n=split($4,a,":"); print a[n]}' | sort -u | tr '\n' ' ') "
    for _ in $(seq 1 500); do
        _port=$((15000 + RANDOM % 17000))
        case "$_listening$CDC_PORTS_TAKEN" in *" $_port "*) continue ;; esac
        CDC_PORTS_TAKEN="$CDC_PORTS_TAKEN$_port "
        printf -v "$_var" '%s' "$_port"
        return 0
    done
    die "no free TCP port found"
}

# ---------------------------------------------------------------------------------------------------------------
# Ferry: ferry_prepare DIR builds Ferry through ./ferry when needed (the launcher rebuilds when a source is newer
# than its last build; retried while someone else's half-finished code breaks the build), then copies the jar and
# lib/ to DIR so that a rebuild during the run changes nothing. FERRY_JAVA, when set, is the java binary to run it.

FERRY_JAR=""
ferry_prepare() {
    local dest=$1 out attempt
    for attempt in $(seq 1 "${FERRY_BUILD_ATTEMPTS:-6}"); do
        if out=$("$REPO_DIR/ferry" --version 2>&1); then
            break
        fi
        [ "$attempt" -eq "${FERRY_BUILD_ATTEMPTS:-6}" ] && die "'./ferry --version' keeps failing: $(printf '%s' "$out" | tail -n 5)"
        log "building Ferry failed (attempt $attempt; maybe someone's work in progress); retrying in 120 s:"
        printf '%s\n' "$out" | grep -v '^\s*$' | tail -n 5 >&2
        sleep 120
    done
    if [ -z "${FERRY_JAVA:-}" ]; then
        # shellcheck source=../../scripts/jdk.sh
        . "$REPO_DIR/scripts/jdk.sh"
        ferry_pick_jdk >/dev/null 2>&1 || die "no JDK 21+ found"
        FERRY_JAVA="$JAVA_HOME/bin/java"
    fi
    [ -x "$FERRY_JAVA" ] || die "no java at $FERRY_JAVA (set FERRY_JAVA)"
    mkdir -p "$dest"
    cp "$REPO_DIR/ferry-cli/target/ferry.jar" "$dest/"
    rm -rf "${dest:?}/lib"
    cp -r "$REPO_DIR/ferry-cli/target/lib" "$dest/"
    FERRY_JAR="$dest/ferry.jar"
    log "Ferry ready: $(printf '%s' "$out" | tail -n 1) ($FERRY_JAR, $FERRY_JAVA)"
}

# The CLI against this run's server: ferry_cli ARGS...
ferry_cli() {
    "$FERRY_JAVA" -Xmx256m -XX:TieredStopAtLevel=1 -jar "$FERRY_JAR" "$@" --server "http://127.0.0.1:$FERRY_PORT"
}

# Starts `ferry server` in the background (log appended to $WORK/ferry-server.log; FERRY_JAVA_OPTS, default -Xms32m -Xmx384m
# like the ./ferry launcher), waits until its API answers and reads the admin token the first start wrote.
# FERRY_PID is the JVM's own process id (java is exec'd directly), the process whose memory is sampled.
FERRY_PID=""
ferry_server_start() {
    local home=$1 waited=0
    # shellcheck disable=SC2086
    "$FERRY_JAVA" ${FERRY_JAVA_OPTS:--Xms32m -Xmx384m} -jar "$FERRY_JAR" server --home "$home" --port "$FERRY_PORT" \
        >>"$WORK/ferry-server.log" 2>&1 &
    FERRY_PID=$!
    until curl -sf "http://127.0.0.1:$FERRY_PORT/healthz" >/dev/null 2>&1; do
        kill -0 "$FERRY_PID" 2>/dev/null || { tail -n 30 "$WORK/ferry-server.log" >&2; die "ferry server exited"; }
        [ "$waited" -ge 600 ] && die "ferry server did not answer within 60 s"
        sleep 0.1
        waited=$((waited + 1))
    done
    [ -s "$home/admin.token" ] || die "ferry server wrote no $home/admin.token"
    FERRY_TOKEN=$(cat "$home/admin.token")
    export FERRY_TOKEN
}

ferry_server_stop() {
    if [ -n "$FERRY_PID" ] && kill -0 "$FERRY_PID" 2>/dev/null; then
        kill -TERM "$FERRY_PID" 2>/dev/null
        wait "$FERRY_PID" 2>/dev/null || true
    fi
    FERRY_PID=""
}

# GET on the API, the JSON on stdout.
api() { curl -sf -H "Authorization: Bearer $FERRY_TOKEN" "http://127.0.0.1:$FERRY_PORT$1"; }

# "STATE PHASE" of a job.
job_status() { api "/v1/migrationJobs/$1" | jq -r '"\(.state) \(.phase)"'; }

# Waits until job $1 is RUNNING in phase CDC or READY_FOR_PROMOTE (at most $2 seconds); dies if it fails or stops.
await_replicating() {
    local job=$1 limit=$2 start status
    start=$(date +%s)
    while true; do
        status=$(job_status "$job" 2>/dev/null || echo "UNREACHABLE -")
        case "$status" in
            "RUNNING CDC" | "RUNNING READY_FOR_PROMOTE") return 0 ;;
            FAILED* | STOPPED* | COMPLETED* | NOT_STARTED*)
                api "/v1/migrationJobs/$job" | jq . >&2 || true
                die "job $job is $status" ;;
        esac
        [ $(($(date +%s) - start)) -ge "$limit" ] && die "job $job not replicating after ${limit}s (status: $status)"
        sleep 0.2
    done
}

# Pauses a continuous job the way a user does (`ferry migration-jobs stop`) and waits until it is STOPPED.
ferry_job_pause() {
    local job=$1
    ferry_cli migration-jobs stop "$job" >&2
    for _ in $(seq 1 600); do [ "$(job_status "$job" | cut -d' ' -f1)" = STOPPED ] && return 0; sleep 0.1; done
    die "Ferry's job $job did not stop: $(job_status "$job")"
}

# Resumes a stopped job through the API without the resume-time validation (it would compare whole tables first).
ferry_job_resume() {
    curl -sf -X POST -H 'Content-Type: application/json' -H "Authorization: Bearer $FERRY_TOKEN" \
        -d '{"skipValidation": true}' "http://127.0.0.1:$FERRY_PORT/v1/migrationJobs/$1:resume" >/dev/null
}

# Ferry's lag as the API reports it: "seconds bytes" ("- -" when it has none).
ferry_lag() { api "/v1/migrationJobs/$1" | jq -r 'if .lag then "\(.lag.seconds) \(.lag.bytes)" else "- -" end' 2>/dev/null || echo "- -"; }

# ---------------------------------------------------------------------------------------------------------------
# Memory of the Ferry server process. rss_watch_start FILE appends "epoch_s VmRSS_KiB VmHWM_KiB" of $FERRY_PID to
# FILE once a second until the process exits. VmHWM is the kernel's own peak RSS of the process since it started
# (or since the last reset), so a once-a-second sample of it misses no short peak. A phase of the run gets its own
# peak by resetting the high-water mark at its start (`echo 5 > /proc/PID/clear_refs`, Linux 4.0+; the peak so far
# is written to FILE first, so the whole run's peak is kept) and reading VmHWM at its end.

RSS_SAMPLES=""
RSS_WATCH_PID=""
rss_sample() {
    awk -v t="$(now)" '/^VmRSS:/ { r = $2 } /^VmHWM:/ { h = $2 } END { if (r != "") print t, r, h }' \
        "/proc/$1/status" 2>/dev/null || true
}

rss_watch_start() {
    RSS_SAMPLES=$1
    local pid=$FERRY_PID
    touch "$RSS_SAMPLES"
    (while kill -0 "$pid" 2>/dev/null; do rss_sample "$pid" >>"$RSS_SAMPLES"; sleep 1; done) &
    RSS_WATCH_PID=$!
}

rss_watch_stop() {
    [ -n "$FERRY_PID" ] && rss_sample "$FERRY_PID" >>"$RSS_SAMPLES"
    if [ -n "$RSS_WATCH_PID" ]; then
        kill -TERM "$RSS_WATCH_PID" 2>/dev/null || true
        wait "$RSS_WATCH_PID" 2>/dev/null || true
    fi
    RSS_WATCH_PID=""
}

# Peak of the whole run so far, MiB: the largest VmHWM (or VmRSS) sampled.
rss_peak_mib() {
    [ -n "$FERRY_PID" ] && rss_sample "$FERRY_PID" >>"$RSS_SAMPLES"
    awk '{ m = ($3 > m) ? $3 : m; m = ($2 > m) ? $2 : m } END { if (NR == 0) print "-"; else printf "%.0f", m / 1024 }' \
        "$RSS_SAMPLES"
}

RSS_PHASE_T0=""
RSS_PHASE_RESET=0
rss_phase_begin() {
    rss_sample "$FERRY_PID" >>"$RSS_SAMPLES"
    RSS_PHASE_T0=$(now)
    if echo 5 2>/dev/null >"/proc/$FERRY_PID/clear_refs"; then RSS_PHASE_RESET=1; else RSS_PHASE_RESET=0; fi
}

# Peak of the phase since rss_phase_begin, MiB: VmHWM after the reset, else the largest VmRSS sampled in the phase.
rss_phase_end_mib() {
    local last
    last=$(rss_sample "$FERRY_PID")
    printf '%s\n' "$last" >>"$RSS_SAMPLES"
    if [ "$RSS_PHASE_RESET" -eq 1 ] && [ -n "$last" ]; then
        awk '{ printf "%.0f", $3 / 1024 }' <<<"$last"
    else
        awk -v t0="$RSS_PHASE_T0" '$1 >= t0 { m = ($2 > m) ? $2 : m } END { printf "%.0f", m / 1024 }' "$RSS_SAMPLES"
    fi
}

rss_method() {
    if [ "$RSS_PHASE_RESET" -eq 1 ]; then
        echo "VmHWM of /proc/PID/status, high-water mark reset at the phase start through /proc/PID/clear_refs"
    else
        echo "largest VmRSS sampled once a second (the high-water mark could not be reset)"
    fi
}

# ---------------------------------------------------------------------------------------------------------------
# Numbers

# percentile P FILE: the P-th percentile (nearest rank) of the numbers in FILE, one per line; "-" when empty.
percentile() {
    sort -g "$2" | awk -v p="$1" '{ v[NR] = $1 } END { if (NR == 0) { print "-"; exit }
        r = int((p / 100) * NR + 0.999999); if (r < 1) r = 1; if (r > NR) r = NR; printf "%.3f", v[r] }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || a == "-" || b == "" || b == "-" || b + 0 == 0) print "-"; else printf "%.2f", a / b }'; }
at_least() { awk -v v="$1" -v l="$2" 'BEGIN { if (v == "-" || v == "") print "n/a"; else if (v + 0 >= l + 0) print "met"; else print "NOT met" }'; }
below() { awk -v v="$1" -v l="$2" 'BEGIN { if (v == "-" || v == "") print "n/a"; else if (v + 0 < l + 0) print "met"; else print "NOT met" }'; }
# Percentage fewer: fewer_pct DEST SRC -> 100 * (1 - DEST / SRC), one decimal.
fewer_pct() { awk -v d="$1" -v s="$2" 'BEGIN { if (d == "" || d == "-" || s == "" || s == "-" || s + 0 == 0) print "-"; else printf "%.1f", 100 * (1 - d / s) }'; }
# drain_stats FILE N: FILE has "seconds-since-the-drain-started transactions-applied" lines, the last one at the end
# of the drain; prints "total_seconds whole_drain_tx_per_s sustained_tx_per_s", sustained being the rate between the
# first samples at or past 10% and 90% of the N transactions ("-" when the drain was too short to have two).
drain_stats() {
    awk -v n="$2" '
        { t[NR] = $1; c[NR] = $2 }
        END {
            total = t[NR]
            for (i = 1; i <= NR; i++) {
                if (a == "" && c[i] >= 0.1 * n) { a = t[i]; ca = c[i] }
                if (b == "" && c[i] >= 0.9 * n) { b = t[i]; cb = c[i] }
            }
            if (b > a) printf "%.2f %.0f %.0f\n", total, n / total, (cb - ca) / (b - a)
            else printf "%.2f %.0f -\n", total, n / total
        }' "$1"
}
mul() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || a == "-") print "-"; else printf "%.0f", a * b }'; }

# ---------------------------------------------------------------------------------------------------------------
# Report tables. A table is a header and rows, each a string of '|'-separated cells; the first column is text, the
# others are right-aligned in Markdown.

table_md() {
    local header=$1 r n
    shift
    n=$(awk -F'|' '{ print NF }' <<<"$header")
    echo "| ${header//|/ | } |"
    printf '|---'
    for _ in $(seq 2 "$n"); do printf '|---:'; done
    echo '|'
    for r in "$@"; do
        awk -F'|' -v n="$n" '{ printf "|"; for (i = 1; i <= n; i++) printf " %s |", ($i == "" ? "-" : $i); printf "\n" }' <<<"$r"
    done
}

table_csv() {
    local r
    for r in "$@"; do
        awk -F'|' '{ for (i = 1; i <= NF; i++) { v = $i; if (v ~ /[",]/ || v ~ / /) { gsub(/"/, "\"\"", v); v = "\"" v "\"" }
                     printf "%s%s", v, (i < NF ? "," : "\n") } }' <<<"$r"
    done
}

# Fixed-width on stderr: the first column WIDTH1 characters wide, each other one as wide as its widest cell.
table_print() {
    local width1=$1
    shift
    printf '%s\n' "$@" | awk -F'|' -v w="$width1" '
        { line[NR] = $0; for (i = 2; i <= NF; i++) { c = ($i == "" ? "-" : $i); if (length(c) > wd[i]) wd[i] = length(c) } }
        END {
            for (r = 1; r <= NR; r++) {
                n = split(line[r], f, "|")
                printf "%-" w "s", f[1]
                for (i = 2; i <= n; i++) printf "  %" wd[i] "s", (f[i] == "" ? "-" : f[i])
                printf "\n"
            }
        }' >&2
}
