#!/usr/bin/env bash
# Full-load benchmark, MariaDB: Ferry vs mydumper+myloader vs mariadb-dump | mariadb, side by side, same machine,
# same two fresh MariaDB 10.11 servers, same datasets, same thread count. See bench/README.md.
set -euo pipefail

BENCH_NAME=mysql-full-load
# shellcheck source=lib/common.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/common.sh"

usage() {
    cat <<'EOF'
Usage: bench/mysql-full-load.sh [options]

Starts two fresh MariaDB servers (source with log_bin, destination), loads each dataset into the source and copies
it to an emptied destination database with each tool, timing every run. Prints a table and writes
bench/results/mysql-full-load-<timestamp>.{csv,md}.

Options:
  --dataset sysbench|mixed|all  which dataset(s) to run (default: all)
  --tables N                    sysbench tables (default: 8)
  --table-size N                sysbench rows per table (default: 400000; --quick: 20000)
  --big-rows N                  rows of the big table of the mixed dataset (default: 3000000; --quick: 200000)
  --mixed-scale F               size multiplier of the other mixed tables (default: 1; --quick: 0.05)
  --jobs J                      threads given to every tool (default: number of cores)
  --tools LIST                  comma-separated subset of: ferry,mydumper,mariadb-dump (default: all three)
  --mydumper-rows N             mydumper --rows chunk size, so big tables are dumped in parallel (default: 100000;
                                0 = one file per table)
  --repeat N                    run every tool N times per dataset, interleaved and in turns (A B C, B C A,
                                ...), and report the median wall time (default: 1); useful on a machine with
                                other work
  --warmup N                    untimed runs of the first tool per dataset before the timed ones (default: 1):
                                the first copy into the fresh destination pays for its new files and cold caches
  --quick                       small datasets, to smoke-test the script in a couple of minutes
  --keep                        keep the work directory (servers are still stopped)
  -h, --help                    this help

Environment: FERRY_JAVA_OPTS (JVM options for Ferry, default those ./ferry gives a one-time migration:
             -Xms32m -Xmx384m -XX:TieredStopAtLevel=1).
Needs: mariadbd, mariadb-install-db, mariadb, mariadb-dump, mariadb-admin, mydumper/myloader, sysbench,
       /usr/bin/time (GNU time).
EOF
}

DATASETS=all
SB_TABLES=8
SB_SIZE=""
BIG_ROWS=""
MIXED_SCALE=""
JOBS=$(nproc)
TOOLS="ferry,mydumper,mariadb-dump"
MYDUMPER_ROWS=100000
QUICK=0
KEEP=0
REPEAT=1
WARMUP=1
while [ $# -gt 0 ]; do
    case "$1" in
        --dataset) DATASETS=$2; shift 2 ;;
        --tables) SB_TABLES=$2; shift 2 ;;
        --table-size) SB_SIZE=$2; shift 2 ;;
        --big-rows) BIG_ROWS=$2; shift 2 ;;
        --mixed-scale) MIXED_SCALE=$2; shift 2 ;;
        --jobs) JOBS=$2; shift 2 ;;
        --tools) TOOLS=$2; shift 2 ;;
        --mydumper-rows) MYDUMPER_ROWS=$2; shift 2 ;;
        --repeat) REPEAT=$2; shift 2 ;;
        --warmup) WARMUP=$2; shift 2 ;;
        --quick) QUICK=1; shift ;;
        --keep) KEEP=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown option: $1" ;;
    esac
done
if [ "$QUICK" -eq 1 ]; then
    SB_SIZE=${SB_SIZE:-20000}; BIG_ROWS=${BIG_ROWS:-200000}; MIXED_SCALE=${MIXED_SCALE:-0.05}
else
    SB_SIZE=${SB_SIZE:-400000}; BIG_ROWS=${BIG_ROWS:-3000000}; MIXED_SCALE=${MIXED_SCALE:-1}
fi
[[ "$REPEAT" =~ ^[1-9][0-9]*$ ]] || die "--repeat must be a positive number"
[[ "$WARMUP" =~ ^[0-9]+$ ]] || die "--warmup must be a number (0: none)"
case "$DATASETS" in
    all) DATASETS="sysbench mixed" ;;
    sysbench | mixed) ;;
    *) die "--dataset must be sysbench, mixed or all" ;;
esac
for t in ${TOOLS//,/ }; do
    case "$t" in ferry | mydumper | mariadb-dump) ;; *) die "unknown tool '$t' in --tools" ;; esac
done

MARIADBD=$(command -v mariadbd || echo /usr/sbin/mariadbd)
need_cmd "$MARIADBD" mariadb-install-db mariadb mariadb-dump mariadb-admin /usr/bin/time ss
case ",$TOOLS," in *,mydumper,*) need_cmd mydumper myloader ;; esac
case " $DATASETS " in *" sysbench "*) need_cmd sysbench ;; esac
if [ "$(id -u)" -eq 0 ]; then id mysql >/dev/null 2>&1 || die "running as root needs an OS user 'mysql'"; fi
MY_OS_USER=mysql
if [ "$(id -u)" -ne 0 ]; then MY_OS_USER=$(id -un); fi

# ---------------------------------------------------------------------------------------------------------------
# Servers

WORK=$(make_workdir ferry-bench-my)
RUN_DIR=$WORK/runs
mkdir -p "$RUN_DIR"
RESULTS_TSV=$WORK/results.tsv
RAW_TSV=$WORK/runs.tsv
: >"$RAW_TSV"
PW=benchpw

stop_server() {
    local name=$1 pid
    [ -f "$WORK/$name/mariadbd.pid" ] || return 0
    pid=$(cat "$WORK/$name/mariadbd.pid")
    mariadb-admin --no-defaults --protocol=SOCKET --socket="$WORK/$name/sock" -uroot -p"$PW" shutdown \
        >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.5
    done
    kill -KILL "$pid" 2>/dev/null || true
}

cleanup() {
    local rc=$?
    set +e
    stop_server src
    stop_server dst
    if [ "$KEEP" -eq 1 ]; then
        log "work directory kept: $WORK"
    else
        rm -rf "$WORK"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Same settings on both servers; the source also writes a binary log (ROW, FULL image) as a migration source must.
# Sets the variable named $2 to the server's port (a new one is picked if another process took the port meanwhile).
start_server() {
    local name=$1 port_var=$2 server_id=$3 binlog=$4 dir="$WORK/$1" port attempt pid up=0
    mkdir -p "$dir/data" "$dir/tmp"
    chown -R "$MY_OS_USER" "$dir"
    local install=(mariadb-install-db --no-defaults --datadir="$dir/data" --auth-root-authentication-method=normal
        --skip-test-db)
    [ "$(id -u)" -eq 0 ] && install+=(--user="$MY_OS_USER")
    "${install[@]}" >"$dir/install.log" 2>&1 ||
        { grep -i -m 10 'error\|fail\|warn' "$dir/install.log" >&2; die "mariadb-install-db ($name) failed; see above"; }
    for attempt in 1 2 3 4 5; do
        free_port port
        local args=(--no-defaults --datadir="$dir/data" --tmpdir="$dir/tmp" --port="$port" --bind-address=127.0.0.1
            --socket="$dir/sock" --pid-file="$dir/mariadbd.pid" --log-error="$dir/error.log" --skip-name-resolve
            --local-infile=1 --innodb-buffer-pool-size=1G --innodb-log-file-size=1G --max-allowed-packet=256M
            --max-connections=200 --server-id="$server_id")
        if [ "$binlog" = yes ]; then
            args+=(--log-bin="$dir/data/binlog" --binlog-format=ROW --binlog-row-image=FULL)
        fi
        as_user "$MY_OS_USER" "$MARIADBD" "${args[@]}" >/dev/null 2>&1 &
        pid=$!
        for _ in $(seq 1 120); do
            if mariadb-admin --no-defaults --protocol=SOCKET --socket="$dir/sock" -uroot ping >/dev/null 2>&1; then
                up=1
                break
            fi
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.5
        done
        [ "$up" -eq 1 ] && break
        grep -q 'Address already in use' "$dir/error.log" 2>/dev/null ||
            { tail -n 20 "$dir/error.log" >&2; die "the $name MariaDB server did not start"; }
        log "port $port was taken; trying another (attempt $attempt)"
        : >"$dir/error.log"
    done
    [ "$up" -eq 1 ] || die "the $name MariaDB server did not start: no usable port"
    printf -v "$port_var" '%s' "$port"
    mariadb --no-defaults --protocol=SOCKET --socket="$dir/sock" -uroot --batch <<SQL
SET sql_log_bin = 0;
ALTER USER 'root'@'localhost' IDENTIFIED BY '$PW';
CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '$PW';
ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY '$PW';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
FLUSH PRIVILEGES;
SQL
}

step "Starting two MariaDB servers under $WORK"
start_server src SRC_PORT 1 yes
start_server dst DST_PORT 2 no

my() {
    local port=$1
    shift
    mariadb --no-defaults --default-character-set=utf8mb4 -h 127.0.0.1 -P "$port" -uroot -p"$PW" "$@"
}
MY_VERSION=$(my "$SRC_PORT" -N -B -e 'SELECT VERSION()') || die "cannot connect to the source server as root"
my "$DST_PORT" -N -B -e 'SELECT 1' >/dev/null || die "cannot connect to the destination server as root"
log "servers up: $MY_VERSION"

# Prints "table|rows" for every base table of a database, sorted.
row_counts() {
    local port=$1 db=$2
    my "$port" -N -B -e "SELECT CONCAT('SELECT CONCAT(', QUOTE(CONCAT(table_name, '|')), ', COUNT(*)) FROM \`',
                                       table_name, '\`;')
                         FROM information_schema.tables WHERE table_schema = '$db' AND table_type = 'BASE TABLE'
                         ORDER BY table_name" |
        my "$port" -N -B "$db" | sort
}

reset_destination() {
    local db=$1
    my "$DST_PORT" -e "DROP DATABASE IF EXISTS \`$db\`; CREATE DATABASE \`$db\`"
    sync
}

# ---------------------------------------------------------------------------------------------------------------
# Tools


run_tool() {
    local dataset=$1 db=$2 tool=$3 note="" dir tool_name=$3
    step "[$dataset] $tool (run $BENCH_RUN/$REPEAT): resetting the destination database '$db'"
    reset_destination "$db"
    dir="$WORK/tmp-$dataset-$tool"
    rm -rf "$dir"
    mkdir -p "$dir"
    local myclient="mariadb --no-defaults --default-character-set=utf8mb4"
    case "$tool" in
        ferry)
            if [ -z "$FERRY_CMD" ]; then
                log "[$dataset] ferry skipped: $FERRY_UNAVAILABLE"
                record "$dataset" ferry skipped - - - - - "$FERRY_UNAVAILABLE"
                return 0
            fi
            log "[$dataset] ferry migrate --parallelism $JOBS"
            measure "$dataset-ferry" \
                "$FERRY_CMD migrate --source 'mariadb://root:$PW@127.0.0.1:$SRC_PORT/$db?sslmode=disable' \
                 --destination 'mariadb://root:$PW@127.0.0.1:$DST_PORT/$db?sslmode=disable' --parallelism $JOBS" || true
            ;;
        mydumper)
            local rows_opt=""
            [ "$MYDUMPER_ROWS" -gt 0 ] && rows_opt="--rows $MYDUMPER_ROWS"
            log "[$dataset] mydumper --threads $JOBS $rows_opt, then myloader --threads $JOBS"
            measure "$dataset-mydumper" \
                "mydumper -h 127.0.0.1 -P $SRC_PORT -u root -p '$PW' -B '$db' -o '$dir/dump' --threads $JOBS $rows_opt -v 2" \
                "myloader -h 127.0.0.1 -P $DST_PORT -u root -p '$PW' -B '$db' -d '$dir/dump' --threads $JOBS -v 2" || true
            tool_name="mydumper+myloader"
            note="mydumper --threads $JOBS $rows_opt then myloader --threads $JOBS; wall = both; RSS = max of the two"
            ;;
        mariadb-dump)
            log "[$dataset] mariadb-dump --single-transaction --quick | mariadb"
            measure "$dataset-mariadb-dump" \
                "set -o pipefail; mariadb-dump --no-defaults --default-character-set=utf8mb4 -h 127.0.0.1 -P $SRC_PORT \
                 -uroot -p'$PW' --single-transaction --quick --routines --triggers '$db' \
                 | $myclient -h 127.0.0.1 -P $DST_PORT -uroot -p'$PW' '$db'" || true
            tool_name="mariadb-dump/mariadb"
            note="single-threaded pipeline; RSS = largest of the two processes"
            ;;
    esac
    rm -rf "$dir"
    conclude_run "$dataset" "$tool" "$tool_name" "$db" "$note"
}

# ---------------------------------------------------------------------------------------------------------------
# Datasets

db_of() { [ "$1" = sysbench ] && echo sbtest || echo "$1"; }

load_dataset() {
    local dataset=$1 db t0 size
    db=$(db_of "$dataset")
    t0=$(date +%s)
    my "$SRC_PORT" -e "DROP DATABASE IF EXISTS \`$db\`; CREATE DATABASE \`$db\`"
    case "$dataset" in
        sysbench)
            step "[sysbench] loading the source: sysbench oltp_read_write --tables=$SB_TABLES --table-size=$SB_SIZE prepare"
            sysbench oltp_read_write --db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$SRC_PORT" \
                --mysql-user=root --mysql-password="$PW" --mysql-db="$db" --tables="$SB_TABLES" \
                --table-size="$SB_SIZE" --threads="$JOBS" prepare >"$WORK/load-$dataset.log" 2>&1 ||
                { tail -n 20 "$WORK/load-$dataset.log" >&2; die "sysbench prepare failed"; }
            ;;
        mixed)
            step "[mixed] loading the source: bench/sql/mysql-mixed.sql (big table $BIG_ROWS rows, scale $MIXED_SCALE)"
            { echo "SET @big_rows = $BIG_ROWS, @scale = $MIXED_SCALE;"; cat "$BENCH_DIR/sql/mysql-mixed.sql"; } |
                my "$SRC_PORT" "$db" >"$WORK/load-$dataset.log" 2>&1 ||
                { tail -n 20 "$WORK/load-$dataset.log" >&2; die "loading the mixed dataset failed"; }
            ;;
    esac
    row_counts "$SRC_PORT" "$db" >"$WORK/expected-$dataset"
    size=$(my "$SRC_PORT" -N -B -e "SELECT CONCAT(ROUND(SUM(data_length + index_length) / 1048576), ' MiB')
                                    FROM information_schema.tables WHERE table_schema = '$db'")
    log "[$dataset] source ready in $(($(date +%s) - t0))s: $(wc -l <"$WORK/expected-$dataset") tables, \
$(awk -F'|' '{s += $2} END {print s + 0}' "$WORK/expected-$dataset") rows, $size (data + indexes)"
    DATASET_INFO+="- $dataset (database \`$db\`): $(wc -l <"$WORK/expected-$dataset") tables, $(awk -F'|' '{s += $2} END {print s + 0}' "$WORK/expected-$dataset") rows, $size data + indexes on the source"$'\n'
}

# ---------------------------------------------------------------------------------------------------------------
# Main

DATASET_INFO=""
if [[ ",$TOOLS," == *,ferry,* ]]; then
    step "Preparing Ferry"
    ferry_prepare "$WORK/ferry-dist"
    [ -n "$FERRY_CMD" ] || loud "Ferry is not available, its runs are skipped: $FERRY_UNAVAILABLE"
fi

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for dataset in $DATASETS; do
    load_dataset "$dataset"
    run_in_turns "$dataset" "$(db_of "$dataset")"
    my "$SRC_PORT" -e "DROP DATABASE IF EXISTS \`$(db_of "$dataset")\`"
done

REPORT_CONTEXT="Ferry vs mydumper+myloader vs mariadb-dump|mariadb, full load, $(my "$SRC_PORT" -N -B -e 'SELECT VERSION()') → same version.

- Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM; load average before / after: $LOAD_BEFORE / $(cut -d' ' -f1-3 /proc/loadavg)
- Threads: $JOBS (ferry --parallelism, mydumper/myloader --threads; mariadb-dump is single-threaded)
- Mode: $([ "$QUICK" -eq 1 ] && echo quick || echo full), $REPEAT run(s) per tool in turns (median wall time), after $WARMUP untimed warm-up run(s) of the first tool; sysbench $SB_TABLES tables x $SB_SIZE rows; mixed big table $BIG_ROWS rows, scale $MIXED_SCALE
$DATASET_INFO- Tools: ferry ($([ -n "$FERRY_CMD" ] && echo "java ${FERRY_JAVA_OPTS:-$FERRY_ONE_RUN_OPTS} -jar ferry.jar" || echo "unavailable")), $(mydumper --version 2>&1 | head -n 1), $(mariadb-dump --version | head -n 1)
- Both servers: innodb_buffer_pool_size=1G, innodb_log_file_size=1G, max_allowed_packet=256M, local_infile=1, innodb_flush_log_at_trx_commit=1 (default); source log_bin (ROW, FULL)
- Peak RSS: 'largest process' = max 'Maximum resident set size' of /usr/bin/time -v; 'PSS sum of processes' = peak of the summed PSS (/proc/PID/smaps_rollup) of the tool's process tree, sampled every ${BENCH_SAMPLE_SECONDS:-1} s. Database server memory is not counted."
write_report "$TOOLS" "mydumper+myloader:0.6" 512

if [ "$BENCH_FAILURES" -gt 0 ]; then
    die "$BENCH_FAILURES problem(s) during the run (see the messages marked !!!!!! above)"
fi
log "done"
