#!/usr/bin/env bash
# Records which classes real one-row migrations load beyond what the build's training run loads, into
# ferry-cli/src/main/resources/dev/ferry/cli/training-classes.txt (see TrainingClasses.java). Run it after changes
# that move the copy path to other classes, then rebuild: the class archive made at build time then holds them.
#
#   scripts/training-classes.sh --pg SOURCE_URL DESTINATION_URL [--mysql SOURCE_URL DESTINATION_URL]
#
# Each SOURCE_URL names a small database (one table with a row is enough); each destination server must not have a
# database of that name yet. The migrations create it there and leave it: drop it afterwards.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
# shellcheck source=scripts/jdk.sh
. "$root/scripts/jdk.sh"
ferry_pick_jdk || exit 2
# shellcheck source=scripts/class-archive.sh
. "$root/scripts/class-archive.sh"
jar="$root/ferry-cli/target/ferry.jar"
out="$root/ferry-cli/src/main/resources/dev/ferry/cli/training-classes.txt"
[ -f "$jar" ] || { echo "training-classes: build Ferry first (./mvnw -DskipTests install)" >&2; exit 2; }
pairs=()
while [ $# -gt 0 ]; do
    case "$1" in
        --pg | --mysql) [ $# -ge 3 ] || { echo "training-classes: $1 needs a source and a destination URL" >&2; exit 2; }
                        pairs+=("$2" "$3"); shift 3 ;;
        -h | --help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "training-classes: unknown argument $1 (--help)" >&2; exit 2 ;;
    esac
done
[ ${#pairs[@]} -gt 0 ] || { echo "training-classes: give at least one --pg or --mysql pair (--help)" >&2; exit 2; }
work=$(mktemp -d -t ferry-training.XXXXXX)
trap 'rm -rf "$work"' EXIT

# Class names from a -Xlog:class+load file, without the JVM's generated classes (lambdas, proxies), which have no name
# to load them by.
names() { sed -n 's/^\[[^]]*\]\[[^]]*\]\[class,load *\] \([^ ]*\) source: .*/\1/p' "$1" | grep -v -e '/0x' -e '\$\$' -e '^jdk\.proxy' -e '^\$Proxy' | sort -u; }

# What the training run loads by itself (scripts/class-archive.sh's command, without the list).
"$JAVA_HOME/bin/java" -Xshare:off "-Xlog:class+load=info:file=$work/training.log" "-Djava.io.tmpdir=$work" -jar "$jar" \
    "${FERRY_TRAINING_MIGRATE[@]}" >/dev/null 2>&1 </dev/null || true
names "$work/training.log" >"$work/training.txt"

: >"$work/real.txt"
for ((i = 0; i < ${#pairs[@]}; i += 2)); do
    echo "training-classes: migrating ${pairs[i]%%\?*} ..." >&2
    if ! "$JAVA_HOME/bin/java" -Xshare:off "-Xlog:class+load=info:file=$work/run$i.log" -XX:TieredStopAtLevel=1 -jar "$jar" \
            migrate --source "${pairs[i]}" --destination "${pairs[i + 1]}" >"$work/run$i.out" 2>&1 </dev/null; then
        echo "training-classes: the migration failed; its output:" >&2
        cat "$work/run$i.out" >&2
        exit 1
    fi
    names "$work/run$i.log" >>"$work/real.txt"
done
{
    echo "# Classes real one-row migrations load that the build's training run does not reach (see TrainingClasses)."
    echo "# Made by scripts/training-classes.sh; do not edit by hand."
    sort -u "$work/real.txt" | comm -23 - "$work/training.txt"
} >"$out"
echo "training-classes: $(grep -vc '^#' "$out") classes written to ${out#"$root"/}" >&2
