# Sourced by ./ferry and ./run-tests: sets JAVA_HOME to a JDK 21 or newer (and FERRY_JAVA_MAJOR to its major
# version), or explains what to install.
# Looks at $JAVA_HOME, then `java` on PATH, then /usr/lib/jvm/*.

ferry_java_major() {
    # Prints the major version of the java binary given as $1 (e.g. 17, 21, 25), or nothing. The JDK's `release`
    # file says it without starting a JVM (a start costs a fifth of a second); java itself is asked only without one.
    local release version
    release="${1%/bin/java}/release"
    version=$(ferry_release_field "$release" JAVA_VERSION)
    if [ -n "$version" ]; then
        version=${version#1.}   # 1.8.0 -> 8
        echo "${version%%[!0-9]*}"
        return 0
    fi
    "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
}

ferry_release_field() {
    # Prints the value of field $2 of the JDK release file $1 (without quotes), or nothing.
    local line
    [ -f "$1" ] || return 0
    while IFS= read -r line; do
        if [ "${line%%=*}" = "$2" ]; then
            line=${line#*=}
            line=${line#\"}
            echo "${line%\"}"
            return 0
        fi
    done <"$1"
}

ferry_is_jdk() {
    # A JDK (not just a JRE) has javac beside java.
    [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ]
}

ferry_pick_jdk() {
    local candidates=() c major
    [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
    if command -v javac >/dev/null 2>&1; then
        candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
    fi
    for c in /usr/lib/jvm/*; do
        [ -d "$c" ] && candidates+=("$c")
    done
    for c in "${candidates[@]}"; do
        if ferry_is_jdk "$c"; then
            major=$(ferry_java_major "$c/bin/java")
            if [ -n "$major" ] && [ "$major" -ge 21 ]; then
                export JAVA_HOME="$c"
                FERRY_JAVA_MAJOR=$major
                return 0
            fi
        fi
    done
    cat >&2 <<'MSG'
ferry: no JDK 21 or newer found (looked at $JAVA_HOME, javac on PATH and /usr/lib/jvm).
Install one, for example:
    apt-get install -y openjdk-21-jdk-headless        (Debian 13 / Ubuntu 24.04)
or download Temurin 21+ from https://adoptium.net and set JAVA_HOME to it.
MSG
    return 1
}

ferry_exit_options() {
    # Sets FERRY_EXIT_OPTS: at exit the JVM waits up to 300 ms for threads blocked in native code (the pollers of
    # virtual threads' sockets are, after any connection to a database); JDK 22+ can be told not to (JDK-8314243).
    FERRY_EXIT_OPTS=()
    if [ "${FERRY_JAVA_MAJOR:-0}" -ge 22 ]; then FERRY_EXIT_OPTS=(-XX:UserThreadWaitAttemptsAtExit=0); fi
}
