#!/usr/bin/env bash
# Whole-process throughput of tcpstate against tcpdump's read loop, on the same file in the same run.
#
#   bench/throughput.sh FILE [RUNS] [tcpstate subcommand and options...]
#
# e.g. bench/throughput.sh /data/large.pcap 3 info
#      bench/throughput.sh /data/large.pcap 3 connections --format jsonl
#
# Runs the two commands alternately, RUNS times each, and prints for each the median wall time, packets per second,
# peak RSS (from /usr/bin/time -v) and every run's time, then the ratio tcpstate/tcpdump. Generate FILE with ../shared/bench/gen_pcap.py (see README).
# Needs tcpdump and GNU time: apt-get install -y tcpdump time
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
file=${1:?usage: bench/throughput.sh FILE [RUNS] [SUBCOMMAND ARGS...]}
runs=${2:-3}
shift $(( $# >= 2 ? 2 : 1 ))
sub=("$@")
[ ${#sub[@]} -eq 0 ] && sub=(info)

for tool in tcpdump /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "bench: $tool not found (apt-get install -y tcpdump time)" >&2; exit 2; }
done
[ -f "$here/cli/target/tcpstate.jar" ] || (cd "$here" && mvn -q -DskipTests package)

packets=$("$here/tcpstate" info --format json "$file" | sed -n 's/^  "packets" : \([0-9]*\),*$/\1/p' | head -1)
echo "file: $file ($packets packets, $(du -h "$file" | cut -f1))"
echo "machine: $(nproc) cores; tcpstate runs on $("$here/tcpstate" --version | tail -1) (TCPSTATE_JAVA picks another)"

# One run of a command: appends its wall time to the label's list and keeps its largest RSS.
declare -A times rss
run_once() {  # label, command...
    local label=$1; shift
    /usr/bin/time -v -o /tmp/tcpstate-bench.time "$@" >/dev/null 2>/tmp/tcpstate-bench.err || true
    local t r
    t=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' /tmp/tcpstate-bench.time)
    r=$(awk -F': ' '/Maximum resident set size/ {print $2}' /tmp/tcpstate-bench.time)
    times[$label]="${times[$label]:-} $t"
    [ "$r" -gt "${rss[$label]:-0}" ] && rss[$label]=$r
    return 0
}

report() {  # label: prints the median and its rate, and leaves the rate for the ratio
    local label=$1 median rate
    median=$(printf '%s\n' ${times[$label]} | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    rate=$(awk -v p="$packets" -v t="$median" 'BEGIN {printf "%.0f", p/t}')
    printf '%-48s median %7.2f s  %12s pkt/s  peak RSS %5d MiB  (runs:%s s)\n' "$label" "$median" "$rate" \
        $((rss[$label] / 1024)) "${times[$label]}"
    echo "$rate" > "/tmp/tcpstate-bench.$label.rate"
}

# The two commands alternate, run by run, so a slow spell of a shared machine weighs on both alike.
for _ in $(seq "$runs"); do
    run_once tcpdump tcpdump -nr "$file" -w /dev/null
    run_once tcpstate "$here/tcpstate" "${sub[@]}" "$file"
done
report tcpdump
report tcpstate
awk -v a="$(cat /tmp/tcpstate-bench.tcpstate.rate)" -v b="$(cat /tmp/tcpstate-bench.tcpdump.rate)" \
    'BEGIN {printf "ratio tcpstate/tcpdump: %.2f  (tcpstate %s)\n", a/b, "'"${sub[*]}"'"}'
