#!/usr/bin/env bash
# Capacity of the live packet path against the file reader, on the same file in the same run.
#
#   bench/live-rate.sh FILE [RUNS]
#
# e.g. bench/live-rate.sh /data/medium.pcap 3
#
# Runs `tcpstate analyze FILE` (the file reader: tcpstate's own pcap/pcapng reader and decoding pipeline) and
# `tcpstate live --replay FILE` (libpcap's offline reader through the live read path, the live analysis loop and its
# outputs) RUNS times each, alternating, with standard output and standard error discarded. Prints, for each, the
# median wall time of its runs, packets per second, the median CPU time (user + system, all threads) and peak RSS
# (from /usr/bin/time -v), and the ratio of the rates live/analyze: at 1.00 or above the live path keeps up with the
# file reader. Everything but the kernel's capture ring is measured. The runs alternate, so load from elsewhere on
# the machine falls on both alike.
#
# Each command's start-up (the JVM, and for live also loading libpcap through JNA and pcap4j) is measured on a
# capture of FILE's first packet, as many times, and a second ratio is given net of it: the packet rate the commands
# sustain once running, which is what a capture that runs for hours needs.
# Needs GNU time (apt-get install -y time) and libpcap (apt-get install -y libpcap0.8).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
file=${1:?usage: bench/live-rate.sh FILE [RUNS]}
runs=${2:-3}

command -v /usr/bin/time >/dev/null || { echo "bench: /usr/bin/time not found (apt-get install -y time)" >&2; exit 2; }
[ -f "$file" ] || { echo "bench: $file: no such file" >&2; exit 2; }
[ -f "$here/cli/target/tcpstate.jar" ] || (cd "$here" && mvn -q -DskipTests package)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

packets=$("$here/tcpstate" info --format json "$file" | sed -n 's/^  "packets" : \([0-9]*\),*$/\1/p' | head -1)
echo "file: $file ($packets packets, $(du -h "$file" | cut -f1))"
echo "machine: $(nproc) cores; tcpstate runs on $("$here/tcpstate" --version | tail -1) (TCPSTATE_JAVA picks another)"

# The live path must have seen every packet, or its rate would mean nothing.
replayed=$("$here/tcpstate" live --replay "$file" 2>/dev/null | sed -n 's/^packets  *\([0-9]*\)$/\1/p')
if [ "$replayed" != "$packets" ]; then
    echo "bench: live --replay read ${replayed:-no} packets, the file has $packets" >&2
    exit 1
fi

"$here/tcpstate" live --replay "$file" --count 1 -w "$tmp/first.pcap" >/dev/null 2>&1

run() {  # label, command...: one whole-process run, its wall time and peak RSS appended to $tmp/label.*
    local label=$1; shift
    if ! /usr/bin/time -v -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err"; then
        echo "bench: $label failed:" >&2
        cat "$tmp/err" "$tmp/time" >&2
        exit 1
    fi
    awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' \
        "$tmp/time" >> "$tmp/$label.times"
    awk -F': ' '/Maximum resident set size/ {print $2}' "$tmp/time" >> "$tmp/$label.rss"
    awk -F': ' '/User time|System time/ {s+=$2} END {print s}' "$tmp/time" >> "$tmp/$label.cpu"
}

for _ in $(seq "$runs"); do
    run analyze "$here/tcpstate" analyze "$file"
    run live "$here/tcpstate" live --replay "$file"
    run analyze-start "$here/tcpstate" analyze "$tmp/first.pcap"
    run live-start "$here/tcpstate" live --replay "$tmp/first.pcap"
done

median() {  # file of numbers
    sort -g "$1" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

report() {  # label, command text
    local label=$1 wall cpu rate rss
    wall=$(median "$tmp/$label.times")
    cpu=$(median "$tmp/$label.cpu")
    rate=$(awk -v p="$packets" -v t="$wall" 'BEGIN {printf "%.0f", p/t}')
    rss=$(sort -g "$tmp/$label.rss" | tail -1)
    printf '%-30s median %6.2f s  %9s pkt/s  CPU %6.2f s  peak RSS %4d MiB  (runs: %s s)\n' "$2" "$wall" "$rate" \
        "$cpu" $((rss / 1024)) "$(paste -sd' ' "$tmp/$label.times")"
}

report analyze "tcpstate analyze FILE"
report live "tcpstate live --replay FILE"
awk -v a="$(median "$tmp/analyze-start.times")" -v l="$(median "$tmp/live-start.times")" \
    -v ta="$(median "$tmp/analyze.times")" -v tl="$(median "$tmp/live.times")" -v p="$packets" 'BEGIN {
        printf "start-up (first packet only)   analyze %.2f s, live --replay %.2f s\n", a, l
        printf "net of start-up                analyze %.0f pkt/s, live --replay %.0f pkt/s\n", p / (ta - a), p / (tl - l)
        printf "ratio live --replay / analyze: %.2f whole process, %.2f net of start-up\n", ta / tl, (ta - a) / (tl - l)
    }'
