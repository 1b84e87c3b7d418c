# shellcheck shell=bash
# MariaDB functions of the change-replication scripts mysql-cdc.sh, mysql-cdc-kill-trials.sh and fault-trials.sh my
# (sourced, not executed): servers of their own under /var/tmp, run as the OS user mysql on free ports; fingerprints
# and row-write counters. The engine-independent part (Ferry, memory, reports) is lib/cdc-common.sh. Expects
# `set -euo pipefail` and BENCH_NAME set by the caller.

# shellcheck source=cdc-common.sh
. "$(dirname "${BASH_SOURCE[0]}")/cdc-common.sh"
MARIADBD=$(command -v mariadbd || echo /usr/sbin/mariadbd)
export BENCH_DB_PW=benchpw
PW=$BENCH_DB_PW
MY_OS_USER=$([ "$(id -u)" -eq 0 ] && echo mysql || id -un)
as_my() { if [ "$(id -u)" -eq 0 ]; then runuser -u mysql -- "$@"; else "$@"; fi; }

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

# Row changes of the sbtest.sbtest* tables since the server started: ROWS_CHANGED of
# information_schema.TABLE_STATISTICS (needs --userstat=1; rows inserted, updated or deleted by the handler: an
# UPDATE that leaves a row as it was does not count), summed over the sysbench tables, so neither Ferry's
# bookkeeping database nor mysql.gtid_slave_pos nor the benchmark's own tables count. Updated at the end of each
# statement.
my_row_writes() {
    my_value "$1" "SELECT COALESCE(SUM(ROWS_CHANGED), 0) FROM information_schema.TABLE_STATISTICS
                   WHERE TABLE_SCHEMA = 'sbtest' AND TABLE_NAME LIKE 'sbtest%'"
}
