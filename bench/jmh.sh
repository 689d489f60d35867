#!/bin/sh
# JMH benchmarks of one stage of a run at a time, in nanoseconds per segment or record (benchmarks/):
#
#   bench/jmh.sh [JMH options...]
#
# e.g. bench/jmh.sh TrackerBenchmark -p capture=/data/medium.pcap
#      bench/jmh.sh DecodeBenchmark -p capture=/data/medium.pcap
#
# TrackerBenchmark: the connection table's thread of `connections` (tracker with the Zeek view) and of `analyze`
# (tracker and every detector), on segments decoded beforehand, the whole capture (window=0) or its first 20,000
# segments (window=20000) replayed over and over. DecodeBenchmark: decoding the records of a capture held in memory.
# Without -p capture=..., a bundled sample capture; ../shared/bench/gen_pcap.py makes realistic ones (see README).
#
# Runs on $TCPSTATE_JAVA if set, else on the newest JDK in /usr/lib/jvm or on the PATH (as ./tcpstate picks it), with
# the collector and young-generation cap ./tcpstate runs with and, from JDK 25 on, compact object headers.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
jar="$here/benchmarks/target/benchmarks.jar"
[ -f "$jar" ] || (cd "$here" && mvn -q -DskipTests package)

version_of() {  # the feature version of a JDK's home directory, 0 if unknown
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null)
    echo "${v:-0}"
}
java=${TCPSTATE_JAVA:-}
best=0
if [ -z "$java" ]; then
    path_java=$(command -v java 2>/dev/null || true)
    for home in ${path_java:+"$(dirname "$(dirname "$(readlink -f "$path_java")")")"} /usr/lib/jvm/*; do
        [ -x "$home/bin/java" ] || continue
        v=$(version_of "$home")
        if [ "$v" -gt "$best" ]; then
            best=$v
            java=$home/bin/java
        fi
    done
else
    best=$(version_of "$(dirname "$(dirname "$(readlink -f "$(command -v "$java")")")")")
fi
[ -n "$java" ] || { echo "bench/jmh.sh: no JDK found (set TCPSTATE_JAVA)" >&2; exit 2; }
extra=
host=
[ "$best" -ge 25 ] && extra=-XX:+UseCompactObjectHeaders
# JMH reads its own fields through sun.misc.Unsafe, which JDK 24 and later warn about at every start.
[ "$best" -ge 24 ] && host=--sun-misc-unsafe-memory-access=allow
exec "$java" $host -jar "$jar" ${extra:+-jvmArgsPrepend "$extra"} "$@"
