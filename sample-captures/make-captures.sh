#!/usr/bin/env bash
# Regenerates the sample captures of tcpstate.
#
#   sudo sample-captures/make-captures.sh [SCENARIO...]
#
# For each scenario: two fresh network namespaces joined by a veth pair,
#   tcps-cli  10.77.0.1/24  fd77::1/64
#   tcps-srv  10.77.0.2/24  fd77::2/64
# tcpdump on the client's veth, real sockets driven by scenarios.py on both
# sides, then `ss -tan` in each namespace, then tcpdump is stopped.
# Writes SCENARIO.pcap and SCENARIO.ss.txt next to this script.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CLI=tcps-cli
SRV=tcps-srv
SCENARIOS=(
    client-first-close server-first-close simultaneous-close simultaneous-open
    half-close refused-connection abortive-close rst-to-half-open
    orphaned-fin-wait-2 orphaned-fin-wait-2-expired
    time-wait-reuse-client time-wait-reuse-server
    syn-flood syn-retries-unanswered keepalive ipv6
    many-short-connections accept-queue-overflow handshake-timeouts
)

[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }

need=()
command -v tcpdump >/dev/null || need+=(tcpdump)
command -v ip >/dev/null || need+=(iproute2)
command -v ss >/dev/null || need+=(iproute2)
command -v tc >/dev/null || need+=(iproute2)
command -v ethtool >/dev/null || need+=(ethtool)
command -v iptables >/dev/null || need+=(iptables)
command -v python3 >/dev/null || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
# The system interpreter: scenarios.py needs nothing beyond the standard library.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)

SYNC=$(mktemp -d /tmp/tcps-sync.XXXXXX)
TCPDUMP_PID=
PIDS=()

teardown() {
    if [ -n "$TCPDUMP_PID" ]; then
        kill -INT "$TCPDUMP_PID" 2>/dev/null || true
        wait "$TCPDUMP_PID" 2>/dev/null || true
        TCPDUMP_PID=
    fi
    for p in "${PIDS[@]}"; do
        kill "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    PIDS=()
    ip netns del "$CLI" 2>/dev/null || true
    ip netns del "$SRV" 2>/dev/null || true
}
cleanup() {
    teardown
    rm -rf "$SYNC"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

nsctl() {  # nsctl NS key=value...
    local ns=$1; shift
    ip netns exec "$ns" sysctl -q -w "$@" >/dev/null
}

setup() {
    teardown
    ip netns add "$CLI"
    ip netns add "$SRV"
    ip link add veth netns "$CLI" type veth peer name veth netns "$SRV"
    local ns addr4 addr6
    for ns in "$CLI" "$SRV"; do
        if [ "$ns" = "$CLI" ]; then addr4=10.77.0.1; addr6=fd77::1; else addr4=10.77.0.2; addr6=fd77::2; fi
        ip -n "$ns" link set lo up
        # fixed MAC addresses, no checksum offload: the captured segments
        # carry real checksums and never exceed the MTU
        ip -n "$ns" link set veth address "02:77:00:00:00:0${addr4##*.}"
        ip netns exec "$ns" ethtool -K veth tx off rx off tso off gso off gro off >/dev/null 2>&1 || true
        ip -n "$ns" addr add "$addr4/24" dev veth
        ip -n "$ns" addr add "$addr6/64" dev veth nodad
        ip -n "$ns" link set veth up
        nsctl "$ns" net.ipv4.tcp_timestamps=1 net.ipv4.tcp_sack=1 net.ipv4.tcp_ecn=0 \
            net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0
    done
    # static neighbours: no ARP/ND delay before the first segment
    ip -n "$CLI" neigh replace 10.77.0.2 lladdr 02:77:00:00:00:02 dev veth nud permanent
    ip -n "$SRV" neigh replace 10.77.0.1 lladdr 02:77:00:00:00:01 dev veth nud permanent
    ip -n "$CLI" neigh replace fd77::2 lladdr 02:77:00:00:00:02 dev veth nud permanent
    ip -n "$SRV" neigh replace fd77::1 lladdr 02:77:00:00:00:01 dev veth nud permanent
    rm -rf "${SYNC:?}"/*
}

# Token bucket on a namespace's veth.  Idle, it lets segments through at once;
# after scenarios.py sends two full-size non-TCP frames ("priming") the next
# segments wait about 150 ms in the queue.  This kernel has no netem, so this
# is how crossing segments are made.
tbf() {
    ip netns exec "$1" tc qdisc add dev veth root tbf rate 80kbit burst 1600 limit 30000
}

prepare() {  # per-scenario settings, before the capture starts
    case $1 in
        simultaneous-close|simultaneous-open)
            tbf "$CLI"; tbf "$SRV" ;;
        orphaned-fin-wait-2-expired)
            nsctl "$CLI" net.ipv4.tcp_fin_timeout=2 ;;
        time-wait-reuse-client)
            nsctl "$CLI" net.ipv4.tcp_tw_reuse=1 ;;
        syn-flood)
            # SYN-ACKs to the spoofed sources go to the client namespace,
            # which does not forward and drops them without a word
            ip -n "$SRV" route add 10.78.0.0/16 via 10.77.0.1
            nsctl "$SRV" net.ipv4.tcp_syncookies=0 net.ipv4.tcp_max_syn_backlog=4096 \
                net.ipv4.tcp_synack_retries=2 ;;
        syn-retries-unanswered)
            # 10.79.0.0/16 is sent to the server namespace, which drops it
            ip -n "$CLI" route add 10.79.0.0/16 via 10.77.0.2
            # newer kernels retransmit the first SYNs at a fixed 1 s interval
            # (tcp_syn_linear_timeouts); switch that off for the classic back-off
            nsctl "$CLI" net.ipv4.tcp_syn_retries=2
            ip netns exec "$CLI" sysctl -q -e -w net.ipv4.tcp_syn_linear_timeouts=0 >/dev/null ;;
        handshake-timeouts)
            # the client's SYNs to 10.79.0.0/16 and the server's SYN-ACKs to
            # the spoofed 10.78.0.0/16 each go to the other namespace, which
            # does not forward them; the kernels' default retry counts
            ip -n "$CLI" route add 10.79.0.0/16 via 10.77.0.2
            ip -n "$SRV" route add 10.78.0.0/16 via 10.77.0.1
            nsctl "$CLI" net.ipv4.tcp_syn_retries=6
            ip netns exec "$CLI" sysctl -q -e -w net.ipv4.tcp_syn_linear_timeouts=0 >/dev/null
            nsctl "$SRV" net.ipv4.tcp_syncookies=0 net.ipv4.tcp_synack_retries=5 ;;
        accept-queue-overflow)
            tbf "$CLI"
            nsctl "$SRV" net.ipv4.tcp_abort_on_overflow=0 net.ipv4.tcp_synack_retries=3 ;;
    esac
}

wait_file() {  # wait_file PATH SECONDS
    local i
    for ((i = 0; i < $2 * 100; i++)); do
        [ -e "$1" ] && return 0
        sleep 0.01
    done
    echo "timed out waiting for $1" >&2
    return 1
}

run() {
    local name=$1
    local pcap="$HERE/$name.pcap" log="$SYNC/tcpdump.log"
    echo "== $name"
    setup
    prepare "$name"
    rm -f "$pcap"
    ip netns exec "$CLI" tcpdump -i veth -s 0 -U --immediate-mode -n -Z root -w "$pcap" tcp 2>"$log" &
    TCPDUMP_PID=$!
    for ((i = 0; i < 500; i++)); do
        grep -q "listening on" "$log" 2>/dev/null && break
        sleep 0.01
    done
    sleep 0.2
    ip netns exec "$SRV" "$PY" "$HERE/scenarios.py" "$name" server "$SYNC" &
    PIDS+=($!)
    ip netns exec "$CLI" "$PY" "$HERE/scenarios.py" "$name" client "$SYNC" &
    PIDS+=($!)
    wait_file "$SYNC/server.done" 180
    wait_file "$SYNC/client.done" 180
    sleep 0.2
    {
        echo "# $name: sockets at the end of the capture"
        echo
        echo "## $CLI (10.77.0.1, fd77::1): ss -tan"
        ip netns exec "$CLI" ss -tan
        echo
        echo "## $SRV (10.77.0.2, fd77::2): ss -tan"
        ip netns exec "$SRV" ss -tan
        if [ "$name" = ipv6 ]; then
            echo
            echo "## $CLI: ss -tan6"
            ip netns exec "$CLI" ss -tan6
            echo
            echo "## $SRV: ss -tan6"
            ip netns exec "$SRV" ss -tan6
        fi
    } >"$HERE/$name.ss.txt"
    kill -INT "$TCPDUMP_PID"
    wait "$TCPDUMP_PID" || true
    TCPDUMP_PID=
    # every segment the kernel handed to tcpdump must be in the file
    local got seen
    got=$(sed -n 's/^\([0-9]*\) packets\{0,1\} captured.*/\1/p' "$log")
    seen=$(sed -n 's/^\([0-9]*\) packets\{0,1\} received by filter.*/\1/p' "$log")
    [ -n "$got" ] && [ "$got" = "$seen" ] || { cat "$log" >&2; echo "$name: capture incomplete" >&2; exit 1; }
    touch "$SYNC/release"
    local p rc=0
    for p in "${PIDS[@]}"; do
        wait "$p" || rc=1
    done
    PIDS=()
    [ "$rc" = 0 ] || { echo "$name: a scenario process failed" >&2; exit 1; }
    tcpdump -nr "$pcap" 2>/dev/null | wc -l | xargs printf '   %s segments\n'
}

if [ $# -gt 0 ]; then
    todo=("$@")
else
    todo=("${SCENARIOS[@]}")
fi
for name in "${todo[@]}"; do
    case " ${SCENARIOS[*]} " in
        *" $name "*) run "$name" ;;
        *) echo "unknown scenario: $name (known: ${SCENARIOS[*]})" >&2; exit 2 ;;
    esac
done
teardown
