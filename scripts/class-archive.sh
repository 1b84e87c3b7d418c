# Sourced by ./ferry after scripts/jdk.sh: the class archive that makes Ferry's JVM start faster.
#
# JDK 25 and newer get an AOT cache (JEP 483/514/515: classes loaded and linked, method profiles), older ones (21 to
# 24) a dynamic CDS archive (loaded classes). Either is made once, at build time, by a training run of
# `ferry migrate` against a port where nothing listens, beside the jar; its name carries the JDK's exact runtime
# version, so each JDK finds only its own. At run time a missing archive means plain start, and one the JVM finds
# not to match (another build of the JDK, a jar rebuilt since) is ignored without a word (-XX:AOTMode=auto,
# -Xshare:auto, their log lines off). Nothing is written at run time: the install may be read-only.

# The training run's command line: a migration to a port where nothing listens, so it fails at its first connection.
FERRY_TRAINING_MIGRATE=(migrate --source 'postgresql://ferry@127.0.0.1:1/training?sslmode=disable'
    --destination 'postgresql://ferry@127.0.0.1:1/?sslmode=disable')

# Prints the archive path for the jar $1 and the JDK at $JAVA_HOME, or nothing when the JDK does not say its version.
ferry_class_archive_path() {
    local version
    version=$(ferry_release_field "$JAVA_HOME/release" JAVA_RUNTIME_VERSION)
    [ -n "$version" ] || return 0
    version=${version//[^A-Za-z0-9._-]/_}
    if [ "${FERRY_JAVA_MAJOR:-0}" -ge 25 ]; then
        echo "$(dirname "$1")/ferry-jdk-$version.aot"
    else
        echo "$(dirname "$1")/ferry-jdk-$version.jsa"
    fi
}

# Sets the array FERRY_ARCHIVE_OPTS to the JVM options that use the archive of jar $1, or to nothing.
ferry_class_archive_options() {
    local archive
    FERRY_ARCHIVE_OPTS=()
    archive=$(ferry_class_archive_path "$1")
    [ -n "$archive" ] && [ -f "$archive" ] || return 0
    if [ "$FERRY_JAVA_MAJOR" -ge 25 ]; then
        FERRY_ARCHIVE_OPTS=("-XX:AOTCache=$archive" -XX:AOTMode=auto "-Xlog:aot*=off,cds*=off")
    else
        FERRY_ARCHIVE_OPTS=("-XX:SharedArchiveFile=$archive" -Xshare:auto "-Xlog:cds*=off")
    fi
}

# Makes the archive of jar $1 with the JVM options $2...: removes the archives of earlier builds, runs the training
# (a few seconds) and moves the result into place, so a concurrent start never sees half an archive. Quiet; a
# failure leaves no archive, and Ferry starts without one.
ferry_class_archive_create() {
    local jar=$1 archive work
    shift
    archive=$(ferry_class_archive_path "$jar")
    rm -f "$(dirname "$jar")"/ferry-jdk-*.aot "$(dirname "$jar")"/ferry-jdk-*.jsa
    [ -n "$archive" ] || return 0
    work=$(mktemp -d -t ferry-archive.XXXXXX) || return 0
    local record=("-XX:ArchiveClassesAtExit=$work/ferry.archive" "-Xlog:cds*=off")
    if [ "$FERRY_JAVA_MAJOR" -ge 25 ]; then
        record=("-XX:AOTCacheOutput=$work/ferry.archive" "-Xlog:aot*=off,cds*=off")
    fi
    # The run fails at its first connection (nothing listens on port 1), after it has loaded what every
    # `ferry migrate` loads: the command line, logging, the store, the control plane, the engines and the drivers.
    # Without --home, as users run it: its throw-away home and log go to the temporary directory, here $work.
    # First it loads the classes real migrations load beyond that point (dev/ferry/cli/training-classes.txt).
    "$JAVA_HOME/bin/java" "${record[@]}" "$@" "-Djava.io.tmpdir=$work" -Dferry.training=true -jar "$jar" \
        "${FERRY_TRAINING_MIGRATE[@]}" >"$work/training.log" 2>&1 </dev/null || true
    if [ -s "$work/ferry.archive" ]; then
        mv -f "$work/ferry.archive" "$archive.$$" && mv -f "$archive.$$" "$archive"
    fi
    rm -rf "$work"
}
