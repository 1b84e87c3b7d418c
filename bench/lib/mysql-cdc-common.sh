# shellcheck shell=bash
# Shared helpers of the MariaDB change-replication scripts mysql-cdc.sh and mysql-cdc-kill-trials.sh (sourced, not
# executed). Expects `set -euo pipefail` and BENCH_NAME set by the caller. Self-contained (mirrors pg-cdc-common.sh):
# MariaDB servers of their own under /var/tmp, run as the OS user mysql, and Ferry from the already built jar.

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
RESULTS_DIR="$BENCH_DIR/results"
STAMP="$(date +%Y%m%d-%H%M%S)"
MARIADBD=$(command -v mariadbd || echo /usr/sbin/mariadbd)
export BENCH_DB_PW=benchpw
PW=$BENCH_DB_PW
FERRY_JAVA=${FERRY_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
step() { printf '\n[%s] === %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf '[%s] ERROR: %s\n' "$(date +%H:%M:%S)" "$*" >&2; exit 1; }
need_cmd() {
    local c
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || [ -x "$c" ] || die "'$c' not found; install it (see bench/README.md)"
    done
}
MY_OS_USER=$([ "$(id -u)" -eq 0 ] && echo mysql || id -un)
as_my() { if [ "$(id -u)" -eq 0 ]; then runuser -u mysql -- "$@"; else "$@"; fi; }

# Sets the variable named $1 to a free TCP port in 15000-32000 that this run did not hand out yet.
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

make_workdir() {
    local dir
    dir="$(mktemp -d "/var/tmp/$1.XXXXXX")"
    chmod 755 "$dir"
    echo "$dir"
}

# ---------------------------------------------------------------------------------------------------------------
# MariaDB servers: my_start NAME PORT_VAR SERVER_ID EXTRA_ARGS... creates $WORK/NAME and starts it on a free port.
# The same settings on every server of a run (durability defaults kept: sync_binlog/flush_log_at_trx_commit as shipped).
MY_SERVERS=""
my_start() {
    local name=$1 port_var=$2 server_id=$3 dir="$WORK/$1" port attempt pid up=0
    shift 3
    mkdir -p "$dir/data" "$dir/tmp"
    chown -R "$MY_OS_USER" "$dir"
    # Its own tmpdir: /tmp may not be writable by the OS user mysql.
    local install=(mariadb-install-db --no-defaults --datadir="$dir/data" --tmpdir="$dir/tmp"
        --auth-root-authentication-method=normal --skip-test-db)
    [ "$(id -u)" -eq 0 ] && install+=(--user="$MY_OS_USER")
    "${install[@]}" >"$dir/install.log" 2>&1 ||
        { grep -i -m 10 'error\|fail\|warn' "$dir/install.log" >&2; die "mariadb-install-db ($name) failed"; }
    for attempt in 1 2 3 4 5; do
        free_port port
        local args=(--no-defaults --datadir="$dir/data" --tmpdir="$dir/tmp" --port="$port" --bind-address=127.0.0.1
            --socket="$dir/sock" --pid-file="$dir/mariadbd.pid" --log-error="$dir/error.log" --skip-name-resolve
            --innodb-buffer-pool-size=512M --innodb-log-file-size=512M --max-allowed-packet=256M
            --max-connections=200 --server-id="$server_id" "$@")
        as_my "$MARIADBD" "${args[@]}" >/dev/null 2>&1 &
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
    MY_SERVERS="$MY_SERVERS $name"
    mariadb --no-defaults --protocol=SOCKET --socket="$dir/sock" -uroot --batch <<SQL
SET sql_log_bin = 0;
ALTER USER 'root'@'localhost' IDENTIFIED BY '$PW';
CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '$PW';
ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY '$PW';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
FLUSH PRIVILEGES;
SQL
}

my_stop_all() {
    local name pid
    for name in $MY_SERVERS; do
        [ -f "$WORK/$name/mariadbd.pid" ] || continue
        pid=$(cat "$WORK/$name/mariadbd.pid")
        mariadb-admin --no-defaults --protocol=SOCKET --socket="$WORK/$name/sock" -uroot -p"$PW" shutdown \
            >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    done
    return 0
}

# my PORT [mariadb args...]
my() {
    local port=$1
    shift
    mariadb --no-defaults --default-character-set=utf8mb4 -h 127.0.0.1 -P "$port" -uroot -p"$PW" "$@"
}
# One value: my_value PORT SQL
my_value() { my "$1" -N -B -e "$2"; }

# "table|rows|checksum" for every base table of database $2, sorted (CHECKSUM TABLE ... EXTENDED).
table_fingerprints() {
    local port=$1 db=$2 t rows sum
    for t in $(my_value "$port" "SELECT table_name FROM information_schema.tables WHERE table_schema = '$db'
                                  AND table_type = 'BASE TABLE' ORDER BY table_name"); do
        rows=$(my_value "$port" "SELECT COUNT(*) FROM \`$db\`.\`$t\`")
        sum=$(my_value "$port" "CHECKSUM TABLE \`$db\`.\`$t\` EXTENDED" | awk '{print $2}')
        echo "$t|$rows|$sum"
    done | sort
}

sysbench_args() {
    # sysbench_args PORT: the connection and table options of the oltp_write_only workload.
    echo "--db-driver=mysql --mysql-host=127.0.0.1 --mysql-port=$1 --mysql-user=root --mysql-password=$PW \
--mysql-db=sbtest --tables=${SB_TABLES:-4} --table-size=${SB_TABLE_SIZE:-20000}"
}

# ---------------------------------------------------------------------------------------------------------------
# Ferry, from the built jar (copied so that a rebuild during the run changes nothing; no build here).
FERRY_JAR=""
ferry_prepare() {
    local dest=$1
    [ -f "$REPO_DIR/ferry-cli/target/ferry.jar" ] || die "no $REPO_DIR/ferry-cli/target/ferry.jar; build Ferry first"
    [ -x "$FERRY_JAVA" ] || die "no JDK at $FERRY_JAVA (set FERRY_JAVA)"
    mkdir -p "$dest"
    cp "$REPO_DIR/ferry-cli/target/ferry.jar" "$dest/"
    rm -rf "${dest:?}/lib"
    [ -d "$REPO_DIR/ferry-cli/target/lib" ] && cp -r "$REPO_DIR/ferry-cli/target/lib" "$dest/"
    FERRY_JAR="$dest/ferry.jar"
    log "Ferry ready: $FERRY_JAR ($("$FERRY_JAVA" -jar "$FERRY_JAR" --version 2>&1 | head -n 1))"
}

ferry_cli() {
    "$FERRY_JAVA" -Xmx256m -XX:TieredStopAtLevel=1 -jar "$FERRY_JAR" "$@" --server "http://127.0.0.1:$FERRY_PORT"
}

FERRY_PID=""
ferry_server_start() {
    local home=$1 waited=0
    # shellcheck disable=SC2086
    "$FERRY_JAVA" ${FERRY_JAVA_OPTS:--Xmx1g} -jar "$FERRY_JAR" server --home "$home" --port "$FERRY_PORT" \
        >>"$WORK/ferry-server.log" 2>&1 &
    FERRY_PID=$!
    until curl -sf "http://127.0.0.1:$FERRY_PORT/healthz" >/dev/null 2>&1; do
        kill -0 "$FERRY_PID" 2>/dev/null || { tail -n 30 "$WORK/ferry-server.log" >&2; die "ferry server exited"; }
        [ "$waited" -ge 600 ] && die "ferry server did not answer within 60 s"
        sleep 0.1
        waited=$((waited + 1))
    done
    # The API needs a token: the first start wrote the admin token to HOME/admin.token (0600).
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

api() { curl -sf -H "Authorization: Bearer $FERRY_TOKEN" "http://127.0.0.1:$FERRY_PORT$1"; }
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

percentile() {
    sort -g "$2" | awk -v p="$1" '{ v[NR] = $1 } END { if (NR == 0) { print "-"; exit }
        r = int((p / 100) * NR + 0.999999); if (r < 1) r = 1; if (r > NR) r = NR; printf "%.3f", v[r] }'
}
