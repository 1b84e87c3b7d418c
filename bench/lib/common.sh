# shellcheck shell=bash
# Shared helpers for the full-load benchmark scripts (sourced, not executed).
# Expects the caller to have `set -euo pipefail` and to define BENCH_NAME before sourcing.

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
RESULTS_DIR="$BENCH_DIR/results"
STAMP="$(date +%Y%m%d-%H%M%S)"

# ---------------------------------------------------------------------------------------------------------------
# Logging

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
step() { printf '\n[%s] === %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf '[%s] ERROR: %s\n' "$(date +%H:%M:%S)" "$*" >&2; exit 1; }
loud() {
    # A failure that does not stop the run (the report still gets written) but makes the script exit non-zero.
    printf '\n[%s] !!!!!! %s\n\n' "$(date +%H:%M:%S)" "$*" >&2
    BENCH_FAILURES=$((BENCH_FAILURES + 1))
}
BENCH_FAILURES=0

need_cmd() {
    local c
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || [ -x "$c" ] || die "'$c' not found; install it (see bench/README.md)"
    done
}

# ---------------------------------------------------------------------------------------------------------------
# Processes and ports

# Runs a command as the given OS user when we are root (servers refuse to, or should not, run as root).
as_user() {
    local user=$1
    shift
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u "$user" -- "$@"
    else
        "$@"
    fi
}

# Sets the variable named $1 to a TCP port on 127.0.0.1 that nobody listens on and that this run did not hand out
# yet. Ports come from 15000-32000, below Linux's ephemeral range (32768+) that client sockets use. (A variable
# rather than output: a command substitution would run in a subshell and forget the ports handed out.)
BENCH_PORTS_TAKEN=" "
free_port() {
    local _fp_var=$1 _fp_port _fp_listening
    _fp_listening=" $(ss -Htan 2>/dev/null | awk '{n=split($4,a,":"); print a[n]}' | sort -u | tr '\n' ' ') "
    for _ in $(seq 1 500); do
        _fp_port=$((15000 + RANDOM % 17000))
        case "$_fp_listening$BENCH_PORTS_TAKEN" in
            *" $_fp_port "*) continue ;;
        esac
        BENCH_PORTS_TAKEN="$BENCH_PORTS_TAKEN$_fp_port "
        printf -v "$_fp_var" '%s' "$_fp_port"
        return 0
    done
    die "no free TCP port found"
}

# A work directory under /var/tmp that the database OS users can reach.
make_workdir() {
    local prefix=$1 dir
    dir="$(mktemp -d "/var/tmp/$prefix.XXXXXX")"
    chmod 755 "$dir"
    echo "$dir"
}

# ---------------------------------------------------------------------------------------------------------------
# Measurement
#
# measure LABEL CMD...: runs the shell command string(s) one after the other (each under `/usr/bin/time -v`, as
# `bash -c CMD`) and records for the whole LABEL:
#   wall     - seconds from the start of the first command to the end of the last
#   rss_max  - the largest "Maximum resident set size" reported by /usr/bin/time over the commands: the peak RSS of
#              the single largest process (getrusage reports the max over a process and its waited-for children,
#              not a sum)
#   cpu      - user + system CPU seconds of the commands and their children (from /usr/bin/time)
#   rss_tree - the peak of the SUM of the memory (PSS) of every process below the command, sampled every
#              $BENCH_SAMPLE_SECONDS s (default 1): what a multi-process tool such as pgcopydb or `pg_dump -j` really
#              holds at once; may miss a shorter peak. Sampling costs the measured tool: reading a JVM's smaps_rollup
#              walks all its mappings, and every 0.2 s it made a 12 s Ferry load on MariaDB 1.5 s slower on 2 cores.
# Output of the commands goes to $RUN_DIR/LABEL.log. Returns the first non-zero exit status, else 0.
# Results are left in MEASURED_WALL, MEASURED_CPU, MEASURED_RSS_MAX_KB, MEASURED_RSS_TREE_KB, MEASURED_RC,
# MEASURED_LOG.
measure() {
    local label=$1
    shift
    label="$label-run${BENCH_RUN:-1}"
    local logf="$RUN_DIR/$label.log" t0 t1 rc=0 i=0 cmd tfile treef pid spid kb tree
    : >"$logf"
    MEASURED_RSS_MAX_KB=0
    MEASURED_RSS_TREE_KB=0
    MEASURED_CPU=0
    t0=$(date +%s.%N)
    for cmd in "$@"; do
        i=$((i + 1))
        tfile="$RUN_DIR/$label.$i.time"
        treef="$RUN_DIR/$label.$i.tree"
        printf '### %s\n' "$cmd" >>"$logf"
        /usr/bin/time -v -o "$tfile" bash -c "$cmd" >>"$logf" 2>&1 &
        pid=$!
        sample_tree_rss "$pid" >"$treef" &
        spid=$!
        if wait "$pid"; then rc=0; else rc=$?; fi
        wait "$spid" || true
        kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tfile" 2>/dev/null || true)
        tree=$(cat "$treef" 2>/dev/null || true)
        MEASURED_CPU=$(awk -F': ' -v c="$MEASURED_CPU" '/User time|System time/ { c += $2 } END { printf "%.1f", c }' "$tfile" \
            2>/dev/null || echo "$MEASURED_CPU")
        [ -n "$kb" ] && [ "$kb" -gt "$MEASURED_RSS_MAX_KB" ] && MEASURED_RSS_MAX_KB=$kb
        [ -n "$tree" ] && [ "$tree" -gt "$MEASURED_RSS_TREE_KB" ] && MEASURED_RSS_TREE_KB=$tree
        [ "$rc" -ne 0 ] && break
    done
    t1=$(date +%s.%N)
    MEASURED_WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}')
    MEASURED_RC=$rc
    MEASURED_LOG=$logf
    return "$rc"
}

# Prints the peak (KiB) of the summed memory of all descendants of $1, sampled until $1 exits. Each process counts
# its PSS (proportional set size, /proc/PID/smaps_rollup): pages shared between forked workers are split between
# them instead of being counted once per process, so the sum is what the tool really holds.
sample_tree_rss() {
    local root=$1 max=0 cur pids
    while kill -0 "$root" 2>/dev/null; do
        pids=$(ps -e -o pid=,ppid= 2>/dev/null | awk -v root="$root" '
            { parent[$1] = $2 }
            END {
                for (p in parent) {
                    q = p; depth = 0
                    while (q != "" && q != root && q > 1 && depth < 64) { q = parent[q]; depth++ }
                    if (q == root && p != root) printf "/proc/%s/smaps_rollup ", p
                }
            }')
        if [ -n "$pids" ]; then
            # shellcheck disable=SC2086
            cur=$(cat $pids 2>/dev/null | awk '/^Pss:/ { s += $2 } END { print s + 0 }')
            [ -n "$cur" ] && [ "$cur" -gt "$max" ] && max=$cur
        fi
        sleep "${BENCH_SAMPLE_SECONDS:-1}"
    done
    echo "$max"
}

# ---------------------------------------------------------------------------------------------------------------
# Results
#
# RAW_TSV lines (one per run; RESULTS_TSV has one per dataset and tool, without the run):
# dataset \t tool \t status \t wall_s \t rss_max_mib \t rss_tree_mib \t cpu_s \t rows \t note \t run

RESULTS_TSV=""
RAW_TSV=""
BENCH_RUN=1

record() {
    local dataset=$1 tool=$2 status=$3 wall=${4:--} rss=${5:--} tree=${6:--} cpu=${7:--} rows=${8:--} note=${9:-}
    note=${note//$'\t'/ }
    note=${note//$'\n'/ }
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$dataset" "$tool" "$status" "$wall" "$rss" "$tree" "$cpu" \
        "$rows" "$note" "${BENCH_RUN:-1}" >>"$RAW_TSV"
}

# run_in_turns DATASET DB: runs every tool of $TOOLS $REPEAT times, after $WARMUP untimed runs (numbered 0, left out
# of the medians) of the first tool: the first copy into a fresh destination creates its WAL or undo files and meets
# cold caches, which no later run pays. The order turns each run (A B C, B C A, C A B, ...), so that no tool always
# follows the same one. Calls run_tool DATASET DB TOOL, defined by the script.
run_in_turns() {
    local dataset=$1 db=$2 tools i n
    read -r -a tools <<<"${TOOLS//,/ }"
    n=${#tools[@]}
    BENCH_RUN=0
    for _ in $(seq 1 "$WARMUP"); do
        run_tool "$dataset" "$db" "${tools[0]}"
    done
    for BENCH_RUN in $(seq 1 "$REPEAT"); do
        for i in $(seq 0 $((n - 1))); do
            run_tool "$dataset" "$db" "${tools[$(((i + BENCH_RUN - 1) % n))]}"
        done
    done
}

# Folds the runs of RAW_TSV (one line per run, run number last) into RESULTS_TSV (one line per dataset and tool):
# status ok only if every run was ok, wall and CPU the median over the runs, RSS the maximum, the notes once each
# plus every run's wall time when there was more than one run.
summarise_runs() {
    awk -F'\t' -v OFS='\t' '
        function median(list,    n, v, i, j, t) {
            n = split(list, v, " ")
            for (i = 2; i <= n; i++) { t = v[i] + 0; for (j = i - 1; j >= 1 && v[j] + 0 > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
            if (n == 0) return "-"
            return (n % 2) ? sprintf("%.1f", v[(n + 1) / 2]) : sprintf("%.1f", (v[n / 2] + v[n / 2 + 1]) / 2)
        }
        function maxof(a, b) { if (a == "-" || a == "") return b; if (b == "-" || b == "") return a; return (a + 0 > b + 0) ? a : b }
        $10 == 0 { next }   # an untimed warm-up run
        {
            k = $1 SUBSEP $2
            if (!(k in status)) { order[++n] = k; status[k] = $3; rows[k] = $8; rss[k] = "-"; tree[k] = "-" }
            else if ($3 != "ok" && status[k] == "ok") status[k] = $3
            runs[k]++
            if ($4 != "-") { walls[k] = walls[k] " " $4; wlist[k] = wlist[k] (wlist[k] == "" ? "" : ", ") $4 }
            if ($7 != "-") cpus[k] = cpus[k] " " $7
            rss[k] = maxof(rss[k], $5); tree[k] = maxof(tree[k], $6)
            if ($8 != "-") rows[k] = $8
            if ($9 != "" && index(notes[k], $9) == 0) notes[k] = notes[k] (notes[k] == "" ? "" : "; ") $9
            ds[k] = $1; tl[k] = $2
        }
        END {
            for (i = 1; i <= n; i++) {
                k = order[i]
                note = notes[k]
                if (runs[k] > 1) note = "median of " runs[k] " runs, wall s: " wlist[k] (note == "" ? "" : "; " note)
                print ds[k], tl[k], status[k], median(walls[k]), rss[k], tree[k], median(cpus[k]), rows[k], note
            }
        }' "$RAW_TSV" >"$RESULTS_TSV"
}

# conclude_run DATASET TOOL TOOL_NAME DB NOTE: after `measure`, reports a failure, or compares the destination's row
# counts (row_counts "$DST_PORT" DB, defined by the script) with $WORK/expected-DATASET, and records the result.
conclude_run() {
    local dataset=$1 tool=$2 tool_name=$3 db=$4 note=$5 status=ok rows own
    local rss tree
    rss=$(kb_to_mib "$MEASURED_RSS_MAX_KB")
    tree=$(kb_to_mib "$MEASURED_RSS_TREE_KB")
    if [ "$tool" = ferry ]; then
        # Ferry's own account of the job (without JVM start, preflight checks and its final row-count comparison).
        own=$(grep -o 'completed in [0-9.hms]*' "$MEASURED_LOG" | tail -n 1 || true)
        [ -n "$own" ] && note="${note:+$note; }Ferry reports: job $own"
    fi
    if [ "$MEASURED_RC" -ne 0 ]; then
        loud "[$dataset] $tool FAILED (exit $MEASURED_RC) after ${MEASURED_WALL}s; last lines of $MEASURED_LOG:"
        grep -v '^\s*$' "$MEASURED_LOG" | tail -n 15 >&2
        keep_log "$dataset" "$tool"
        record "$dataset" "$tool_name" FAILED "$MEASURED_WALL" "$rss" "$tree" "$MEASURED_CPU" - \
            "exit $MEASURED_RC: $(grep -v '^\s*$' "$MEASURED_LOG" | grep -v '^###' | tail -n 2 | tr '\n' ' ' | cut -c1-300)"
        return 0
    fi
    log "[$dataset] $tool done in ${MEASURED_WALL}s (CPU ${MEASURED_CPU}s), peak RSS $rss MiB (PSS sum of processes $tree MiB); checking row counts"
    rows=$(awk -F'|' '{s += $2} END {print s + 0}' "$WORK/expected-$dataset")
    if ! row_counts "$DST_PORT" "$db" >"$WORK/actual-$dataset-$tool" 2>&1 ||
        ! diff -u "$WORK/expected-$dataset" "$WORK/actual-$dataset-$tool" >"$WORK/diff-$dataset-$tool"; then
        status=MISMATCH
        loud "[$dataset] $tool: destination row counts differ from the source (expected vs actual):"
        head -n 30 "$WORK/diff-$dataset-$tool" >&2
        keep_log "$dataset" "$tool"
        note="${note:+$note; }row counts differ: $(grep -c '^[-+][^-+]' "$WORK/diff-$dataset-$tool" || true) diff lines"
    else
        log "[$dataset] $tool: all $(wc -l <"$WORK/expected-$dataset") tables match ($rows rows)"
    fi
    record "$dataset" "$tool_name" "$status" "$MEASURED_WALL" "$rss" "$tree" "$MEASURED_CPU" "$rows" "$note"
}

# Copies the log (and row-count diff) of a failed run to results/, since the work directory is removed on exit.
keep_log() {
    mkdir -p "$RESULTS_DIR/$BENCH_NAME-$STAMP-logs"
    cp "$MEASURED_LOG" "$RESULTS_DIR/$BENCH_NAME-$STAMP-logs/" 2>/dev/null || true
    if [ -f "$WORK/diff-$1-$2" ]; then cp "$WORK/diff-$1-$2" "$RESULTS_DIR/$BENCH_NAME-$STAMP-logs/"; fi
}

kb_to_mib() { awk -v k="$1" 'BEGIN {printf "%.0f", k / 1024}'; }

# Looks up a field of a result row: result_field DATASET TOOL FIELD(status|wall|rss|tree)
result_field() {
    awk -F'\t' -v d="$1" -v t="$2" -v f="$3" '
        $1 == d && $2 == t { if (f == "status") print $3; else if (f == "wall") print $4;
                             else if (f == "rss") print $5; else if (f == "tree") print $6 }' "$RESULTS_TSV" | tail -n 1
}

ratio() {
    # ratio A B -> A/B with 2 decimals, or "-" when either is missing.
    awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || a == "-" || b == "" || b == "-" || b + 0 == 0) print "-";
                                     else printf "%.2f", a / b }'
}

# verdict VALUE LIMIT -> "met" when VALUE <= LIMIT ("<" when strict is given), "not met", or "n/a".
verdict() {
    awk -v v="$1" -v l="$2" -v strict="${3:-}" 'BEGIN {
        if (v == "" || v == "-") { print "n/a"; exit }
        if ((strict != "" && v + 0 < l + 0) || (strict == "" && v + 0 <= l + 0)) print "met"; else print "not met" }'
}

# Writes the CSV and Markdown files and prints the table. Arguments: the tools in display order, and the
# comparison spec "peer:limit[,peer:limit]" (Ferry's wall time divided by each peer's, against the limit), then
# the RSS limit in MiB. Extra Markdown lines (the setup) come from $REPORT_CONTEXT.
write_report() {
    local tools=$1 comparisons=$2 rss_limit=$3
    local base="$RESULTS_DIR/$BENCH_NAME-$STAMP" datasets d cmp peer limit fw pw r rss
    mkdir -p "$RESULTS_DIR"
    summarise_runs
    datasets=$(cut -f1 "$RESULTS_TSV" | awk '!seen[$0]++')

    {
        echo "dataset,tool,status,wall_s,peak_rss_mib,peak_pss_sum_mib,cpu_s,rows,note"
        awk -F'\t' '{ gsub(/"/, "\"\"", $9); printf "%s,%s,%s,%s,%s,%s,%s,%s,\"%s\"\n", $1, $2, $3, $4, $5, $6, $7, $8, $9 }' \
            "$RESULTS_TSV"
    } >"$base.csv"
    {
        echo "dataset,tool,run,status,wall_s,peak_rss_mib,peak_pss_sum_mib,cpu_s,rows,note"
        awk -F'\t' '{ gsub(/"/, "\"\"", $9); printf "%s,%s,%s,%s,%s,%s,%s,%s,%s,\"%s\"\n", $1, $2, $10, $3, $4, $5, $6, $7, $8, $9 }' \
            "$RAW_TSV"
    } >"$base-runs.csv"

    local table targets
    table="| dataset | tool | status | wall s | peak RSS MiB (largest process) | peak memory MiB (PSS sum of processes) | CPU s (user+sys) | rows |"$'\n'
    table+="|---|---|---|---:|---:|---:|---:|---:|"$'\n'
    table+=$(awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8 }' \
        "$RESULTS_TSV")
    targets="| dataset | measure | value | target | verdict |"$'\n'"|---|---|---:|---|---|"$'\n'
    for d in $datasets; do
        fw=$(result_field "$d" ferry wall)
        [ "$(result_field "$d" ferry status)" = ok ] || fw=""
        IFS=',' read -r -a cmp <<<"$comparisons"
        for c in "${cmp[@]}"; do
            peer=${c%%:*}
            limit=${c#*:}
            pw=$(result_field "$d" "$peer" wall)
            [ "$(result_field "$d" "$peer" status)" = ok ] || pw=""
            r=$(ratio "$fw" "$pw")
            targets+="| $d | ferry / $peer wall time | $r | <= $limit | $(verdict "$r" "$limit") |"$'\n'
        done
        rss=$(result_field "$d" ferry rss)
        [ "$(result_field "$d" ferry status)" = ok ] || rss=""
        targets+="| $d | ferry peak RSS MiB | ${rss:--} | < $rss_limit | $(verdict "$rss" "$rss_limit" strict) |"$'\n'
    done

    {
        echo "# $BENCH_NAME — $STAMP"
        echo
        printf '%s\n' "$REPORT_CONTEXT"
        echo
        echo "## Results"
        echo
        printf '%s\n' "$table"
        echo
        echo "## Targets"
        echo
        printf '%s' "$targets"
        local notes
        notes=$(awk -F'\t' '$9 != "" { printf "- %s / %s: %s\n", $1, $2, $9 }' "$RESULTS_TSV")
        if [ -n "$notes" ]; then
            echo
            echo "## Notes"
            echo
            printf '%s\n' "$notes"
        fi
    } >"$base.md"

    step "Results ($tools)"
    {
        printf '%-10s %-22s %-9s %8s %8s %8s %8s %10s\n' dataset tool status "wall s" "RSS MiB" "PSS-sum" "CPU s" rows
        awk -F'\t' '{ printf "%-10s %-22s %-9s %8s %8s %8s %8s %10s\n", $1, $2, $3, $4, $5, $6, $7, $8 }' "$RESULTS_TSV"
        echo
        printf '%s' "$targets" | sed -n '3,$p' | awk -F'|' '{ printf "%-10s %-38s %8s %8s  %s\n", $2, $3, $4, $5, $6 }'
    } >&2
    log "results written to $base.csv, $base.md and $base-runs.csv (every run)"
}

# ---------------------------------------------------------------------------------------------------------------
# Ferry
#
# ferry_prepare: makes sure `./ferry migrate --help` works (the launcher builds Ferry on first use), then copies
# the built jar and its lib/ to $1 so that a rebuild by someone else during the run cannot change what we time.
# Sets FERRY_CMD (a command prefix) or leaves it empty and sets FERRY_UNAVAILABLE to the reason.

FERRY_CMD=""
FERRY_UNAVAILABLE=""

ferry_other_build_running() {
    # The launcher's own build: "./mvnw -q -B -DskipTests -Dmaven.javadoc.skip=true install" in the repository.
    pgrep -f -- "-Dmaven.javadoc.skip=true install" >/dev/null 2>&1
}

ferry_prepare() {
    local dest=$1 out waited=0
    while ferry_other_build_running; do
        if [ "$waited" -ge 900 ]; then
            FERRY_UNAVAILABLE="another process has been building Ferry for 15 minutes"
            return 0
        fi
        [ "$waited" -eq 0 ] && log "another process is building Ferry; waiting for it to finish"
        sleep 10
        waited=$((waited + 10))
    done
    FERRY_ONE_RUN_OPTS="-Xms32m -Xmx384m -XX:TieredStopAtLevel=1"
    log "checking that '$REPO_DIR/ferry migrate --help' works (may build Ferry first)"
    if ! out=$("$REPO_DIR/ferry" migrate --help 2>&1); then
        FERRY_UNAVAILABLE="'./ferry migrate --help' failed: $(printf '%s' "$out" | grep -v '^\s*$' | tail -n 3 | tr '\n' ' ')"
        return 0
    fi
    # shellcheck source=SCRIPTDIR/../../scripts/jdk.sh
    . "$REPO_DIR/scripts/jdk.sh"
    # shellcheck disable=SC2034 # FERRY_UNAVAILABLE is read by the scripts
    ferry_pick_jdk >/dev/null 2>&1 || { FERRY_UNAVAILABLE="no JDK 21+ found"; return 0; }
    mkdir -p "$dest"
    cp "$REPO_DIR/ferry-cli/target/ferry.jar" "$dest/"
    cp -r "$REPO_DIR/ferry-cli/target/lib" "$dest/"
    # The same JVM options as the ./ferry launcher gives a one-time migration, and a class archive of the copy made
    # as the launcher's build makes one (an archive records the jar's path).
    # shellcheck source=SCRIPTDIR/../../scripts/class-archive.sh
    . "$REPO_DIR/scripts/class-archive.sh"
    # shellcheck disable=SC2086 # the JVM options are words
    ferry_class_archive_create "$dest/ferry.jar" ${FERRY_JAVA_OPTS:-$FERRY_ONE_RUN_OPTS}
    ferry_class_archive_options "$dest/ferry.jar"
    ferry_exit_options
    local launcher_opts=""
    [ "${#FERRY_ARCHIVE_OPTS[@]}" -gt 0 ] && launcher_opts=$(printf "%q " "${FERRY_ARCHIVE_OPTS[@]}")
    [ "${#FERRY_EXIT_OPTS[@]}" -gt 0 ] && launcher_opts+=$(printf "%q " "${FERRY_EXIT_OPTS[@]}")
    FERRY_CMD="'$JAVA_HOME/bin/java' $launcher_opts${FERRY_JAVA_OPTS:-$FERRY_ONE_RUN_OPTS} -jar '$dest/ferry.jar'"
    log "Ferry ready: $FERRY_CMD"
}
