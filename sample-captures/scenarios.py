#!/usr/bin/env python3
"""Socket side of the sample captures.

Usage (inside a namespace, as root):  python3 scenarios.py SCENARIO ROLE SYNCDIR

ROLE is "client" (namespace tcps-cli, 10.77.0.1 / fd77::1) or "server"
(namespace tcps-srv, 10.77.0.2 / fd77::2).  The two roles of one scenario
coordinate through marker files in SYNCDIR.  When a role has done its part it
creates ROLE.done and keeps its sockets open until make-captures.sh has read
`ss -tan` in both namespaces and created "release".

Only the standard library is used.
"""
import errno
import os
import random
import socket
import struct
import subprocess
import sys
import time

CLI4, SRV4 = "10.77.0.1", "10.77.0.2"
CLI6, SRV6 = "fd77::1", "fd77::2"
PORT = 8080
REQUEST = b"GET /sample HTTP/1.0\r\n\r\n"
RESPONSE = b"HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello"

SYNC = "."
ROLE = "?"


# ---------------------------------------------------------------- helpers

def mark(name):
    with open(os.path.join(SYNC, name), "w"):
        pass


def wait_for(name, timeout=30.0):
    path = os.path.join(SYNC, name)
    end = time.monotonic() + timeout
    while not os.path.exists(path):
        if time.monotonic() > end:
            raise TimeoutError("%s: no marker %s" % (ROLE, name))
        time.sleep(0.002)


def finish(*keep):
    """Signal completion, hold the sockets until the readings are taken."""
    mark(ROLE + ".done")
    wait_for("release", timeout=120)
    for s in keep:
        try:
            s.close()
        except OSError:
            pass


def listener(port=PORT, backlog=16, family=socket.AF_INET, addr=SRV4):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(backlog)
    mark("listening")
    return s


def client_socket(sport, family=socket.AF_INET, addr=CLI4):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, sport))
    return s


def connect(sport, dst=SRV4, dport=PORT, family=socket.AF_INET, addr=CLI4):
    wait_for("listening")
    s = client_socket(sport, family, addr)
    s.connect((dst, dport))
    return s


def connect_nonblocking(sport, dst):
    """Starts a connect() without waiting for it; returns the socket, still
    connecting (for ever, when dst is routed into a namespace that does not
    forward)."""
    s = client_socket(sport)
    s.setblocking(False)
    try:
        s.connect((dst, PORT))
    except BlockingIOError:
        pass
    return s


def recv_until_eof(s):
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return data
        data += chunk


def recv_exact(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            break
        data += chunk
    return data


def linger0(s):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def prime_tbf(frames=2):
    """Empty the token bucket of the tbf qdisc on veth.

    Sends full-size Ethernet frames of a local experimental EtherType to the
    broadcast address (no TCP, so the capture filter leaves them out and the
    peer ignores them).  The segments sent right after wait behind them in the
    qdisc for about 150 ms: that is the delay that makes segments cross.
    """
    p = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    p.bind(("veth", 0))
    frame = b"\xff" * 6 + b"\x02\x00\x00\x00\x00\x01" + b"\x88\xb5"
    frame += b"\x00" * (1514 - len(frame))
    for _ in range(frames):
        p.send(frame)
    p.close()


def barrier(name):
    mark("%s.%s" % (name, ROLE))
    wait_for("%s.%s" % (name, "server" if ROLE == "client" else "client"))


# ---------------------------------------------------------------- scenarios
# Each scenario is a pair of functions; a missing role does nothing.

def client_first_close_server():
    ls = listener()
    c, _ = ls.accept()
    recv_exact(c, len(REQUEST))
    c.sendall(RESPONSE)
    recv_until_eof(c)
    time.sleep(0.2)      # let the ACK of the client's FIN go out on its own
    c.close()
    finish(ls)


def client_first_close_client(sport=40001):
    s = connect(sport)
    s.sendall(REQUEST)
    recv_exact(s, len(RESPONSE))
    s.close()
    time.sleep(0.5)
    finish()


def server_first_close_server():
    ls = listener()
    c, _ = ls.accept()
    recv_exact(c, len(REQUEST))
    c.sendall(RESPONSE)
    c.close()
    time.sleep(0.5)
    finish(ls)


def server_first_close_client():
    s = connect(40002)
    s.sendall(REQUEST)
    recv_until_eof(s)
    time.sleep(0.2)
    s.close()
    time.sleep(0.3)
    finish()


def simultaneous_close_server():
    ls = listener()
    c, _ = ls.accept()
    recv_exact(c, len(REQUEST))
    c.sendall(RESPONSE)
    time.sleep(0.3)
    barrier("close")
    time.sleep(0.02)
    prime_tbf()
    c.close()
    time.sleep(1.0)
    finish(ls)


def simultaneous_close_client():
    s = connect(40003)
    s.sendall(REQUEST)
    recv_exact(s, len(RESPONSE))
    time.sleep(0.3)
    barrier("close")
    prime_tbf()
    s.close()
    time.sleep(1.0)
    finish()


def simultaneous_open_server():
    s = client_socket(40005, addr=SRV4)
    barrier("open")
    time.sleep(0.02)
    prime_tbf()
    s.connect((CLI4, 40004))
    recv_exact(s, len(REQUEST))
    s.sendall(RESPONSE)
    recv_until_eof(s)
    time.sleep(0.2)
    s.close()
    time.sleep(0.3)
    finish()


def simultaneous_open_client():
    s = client_socket(40004)
    barrier("open")
    prime_tbf()
    s.connect((SRV4, 40005))
    time.sleep(0.3)
    s.sendall(REQUEST)
    recv_exact(s, len(RESPONSE))
    s.close()
    time.sleep(0.5)
    finish()


def half_close_server():
    ls = listener()
    c, _ = ls.accept()
    recv_until_eof(c)            # the client has shut down its sending side
    for i in range(3):
        time.sleep(0.1)
        c.sendall(b"chunk %d " % i + b"x" * 500 + b"\n")
    time.sleep(0.1)
    c.close()
    time.sleep(0.3)
    finish(ls)


def half_close_client():
    s = connect(40006)
    s.sendall(REQUEST)
    s.shutdown(socket.SHUT_WR)
    recv_until_eof(s)
    s.close()
    time.sleep(0.3)
    finish()


def refused_connection_client():
    s = client_socket(40007)
    try:
        s.connect((SRV4, 8081))
    except ConnectionRefusedError:
        pass
    else:
        raise SystemExit("refused-connection: connect() succeeded")
    s.close()
    time.sleep(0.3)
    finish()


def abortive_close_server():
    ls = listener()
    c, _ = ls.accept()
    recv_exact(c, len(REQUEST))
    c.sendall(RESPONSE)
    try:
        c.recv(100)
    except ConnectionResetError:
        pass
    time.sleep(0.3)
    finish(ls, c)


def abortive_close_client():
    s = connect(40008)
    s.sendall(REQUEST)
    recv_exact(s, len(RESPONSE))
    time.sleep(0.2)
    linger0(s)
    s.close()                    # SO_LINGER {1, 0}: RST instead of FIN
    time.sleep(0.3)
    finish()


def rst_to_half_open_server():
    ls = listener()
    c, _ = ls.accept()
    recv_exact(c, len(REQUEST))
    c.sendall(RESPONSE)
    time.sleep(0.3)
    # Forget the connection without telling the peer: the RST that the
    # abortive close produces is dropped before it reaches the wire.
    rule = ["-p", "tcp", "--tcp-flags", "RST", "RST", "-j", "DROP"]
    subprocess.run(["iptables", "-A", "OUTPUT"] + rule, check=True)
    linger0(c)
    c.close()
    ls.close()
    time.sleep(0.1)
    subprocess.run(["iptables", "-D", "OUTPUT"] + rule, check=True)
    mark("forgotten")
    time.sleep(0.5)
    finish()


def rst_to_half_open_client():
    s = connect(40009)
    s.sendall(REQUEST)
    recv_exact(s, len(RESPONSE))
    wait_for("forgotten")
    time.sleep(0.2)
    s.sendall(b"are you still there?\n")
    try:
        s.recv(100)
    except ConnectionResetError:
        pass
    time.sleep(0.3)
    finish(s)


def orphaned_fin_wait_2_server():
    ls = listener()
    c, _ = ls.accept()
    recv_exact(c, len(REQUEST))
    c.sendall(RESPONSE)
    # never closes: the socket sits in CLOSE_WAIT
    time.sleep(1.0)
    finish(ls, c)


def orphaned_fin_wait_2_client():
    s = connect(40010)
    s.sendall(REQUEST)
    recv_exact(s, len(RESPONSE))
    s.close()
    time.sleep(1.0)
    finish()


def orphaned_fin_wait_2_expired_server():
    ls = listener()
    c, _ = ls.accept()
    recv_exact(c, len(REQUEST))
    c.sendall(RESPONSE)
    wait_for("closed")
    time.sleep(3.5)              # client's tcp_fin_timeout is 2 s
    c.sendall(b"late data after the peer's FIN_WAIT_2 timed out\n")
    time.sleep(0.5)
    finish(ls, c)


def orphaned_fin_wait_2_expired_client():
    s = connect(40011)
    s.sendall(REQUEST)
    recv_exact(s, len(RESPONSE))
    s.close()
    mark("closed")
    finish()


def time_wait_reuse_client_server():
    ls = listener()
    for _ in range(2):
        c, _ = ls.accept()
        recv_exact(c, len(REQUEST))
        c.sendall(RESPONSE)
        recv_until_eof(c)
        time.sleep(0.2)
        c.close()
    finish(ls)


def time_wait_reuse_client_client():
    for _ in range(2):
        s = connect(40012)
        s.sendall(REQUEST)
        recv_exact(s, len(RESPONSE))
        s.close()                # client closes first: TIME_WAIT here
        time.sleep(1.5)          # past tcp_tw_reuse_delay (1 s)
    finish()


def time_wait_reuse_server_server():
    ls = listener()
    for _ in range(2):
        c, _ = ls.accept()
        recv_exact(c, len(REQUEST))
        c.sendall(RESPONSE)
        c.close()                # server closes first: TIME_WAIT here
    time.sleep(0.5)
    finish(ls)


def time_wait_reuse_server_client():
    for i in range(2):
        s = connect(40013)
        s.sendall(REQUEST)
        recv_until_eof(s)
        time.sleep(0.2)
        s.close()
        if i == 0:
            time.sleep(1.0)
    finish()


def checksum(data):
    if len(data) % 2:
        data += b"\x00"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return (~total) & 0xFFFF


def spoofed_syn(src, dst, sport, dport, isn):
    """IPv4 + TCP SYN with an MSS option, both checksums computed here."""
    s_ip, d_ip = socket.inet_aton(src), socket.inet_aton(dst)
    opts = struct.pack("!BBH", 2, 4, 1460)
    tcp = struct.pack("!HHIIBBHHH", sport, dport, isn, 0,
                      (5 + len(opts) // 4) << 4, 0x02, 64240, 0, 0) + opts
    pseudo = s_ip + d_ip + struct.pack("!BBH", 0, socket.IPPROTO_TCP, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", checksum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), sport ^ isn & 0xFFFF,
                     0x4000, 64, socket.IPPROTO_TCP, 0, s_ip, d_ip)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return ip + tcp


FLOOD = 256


def syn_flood_server():
    ls = listener(backlog=1024)
    for _ in range(3):
        c, _ = ls.accept()
        recv_exact(c, len(REQUEST))
        c.sendall(RESPONSE)
        recv_until_eof(c)
        time.sleep(0.05)
        c.close()
    wait_for("flood-sent")
    time.sleep(1.6)              # one SYN-ACK retransmission (1 s) for every half-open, not two (3 s)
    finish(ls)


def syn_flood_client():
    wait_for("listening")
    rng = random.Random(9293)
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    raw.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    legit = {FLOOD // 4: 40014, FLOOD // 2: 40015, 3 * FLOOD // 4: 40016}
    for i in range(FLOOD):
        if i in legit:
            s = connect(legit[i])
            s.sendall(REQUEST)
            recv_exact(s, len(RESPONSE))
            s.close()
        src = "10.78.%d.%d" % (i // 200, i % 200 + 1)
        pkt = spoofed_syn(src, SRV4, rng.randrange(1024, 65536), PORT,
                          rng.getrandbits(32))
        raw.sendto(pkt, (SRV4, 0))
        time.sleep(0.002)
    mark("flood-sent")
    finish()


def syn_retries_unanswered_client():
    # 10.79.0.1 is routed through the server namespace, which does not
    # forward: the SYNs go out on the wire and vanish.
    s = connect_nonblocking(40017, "10.79.0.1")
    time.sleep(3.5)              # SYN at 0 s, 1 s, 3 s (tcp_syn_retries = 2)
    finish(s)


def handshake_timeouts_server():
    # the spoofed SYN is answered by the kernel alone; the late client, 131 s
    # in, is served as in client-first-close
    client_first_close_server()


def handshake_timeouts_client():
    wait_for("listening")
    # connect() to 10.79.0.1, routed into the server namespace, which does not
    # forward: SYNs at 0, 1, 3, 7, 15, 31 and 63 s (tcp_syn_retries = 6), and
    # the kernel gives up at 127 s
    s = connect_nonblocking(40025, "10.79.0.1")
    # a spoofed SYN to the server: its SYN-ACKs (0, 1, 3, 7, 15 and 31 s,
    # tcp_synack_retries = 5) go to a source that never answers, and the
    # server drops the half-open connection at 63 s
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    raw.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    raw.sendto(spoofed_syn("10.78.0.1", SRV4, 40026, PORT, 0x5EED0001), (SRV4, 0))
    # wait for the kernel to give up: 127 s, plus the slack of its long timers
    time.sleep(127.0)
    for _ in range(30):
        err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if err:
            break
        time.sleep(0.5)
    if err != errno.ETIMEDOUT:
        raise RuntimeError("connect() to the black hole: %s, not ETIMEDOUT" % os.strerror(err))
    # a last connection, client-first-close's, so the capture goes on past
    # both timeouts
    client_first_close_client(40027)


def keepalive_server():
    ls = listener()
    c, _ = ls.accept()
    recv_exact(c, len(REQUEST))
    c.sendall(RESPONSE)
    recv_until_eof(c)
    time.sleep(0.2)
    c.close()
    finish(ls)


def keepalive_client():
    s = connect(40018)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 1)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 1)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 5)
    s.sendall(REQUEST)
    recv_exact(s, len(RESPONSE))
    time.sleep(3.5)              # idle: probes at about 1, 2 and 3 s
    s.close()
    time.sleep(0.5)
    finish()


def ipv6_server():
    ls = listener(family=socket.AF_INET6, addr=SRV6)
    c, _ = ls.accept()
    recv_exact(c, len(REQUEST))
    c.sendall(RESPONSE)
    recv_until_eof(c)
    time.sleep(0.2)
    c.close()
    finish(ls)


def ipv6_client():
    s = connect(40019, dst=SRV6, family=socket.AF_INET6, addr=CLI6)
    s.sendall(REQUEST)
    recv_exact(s, len(RESPONSE))
    s.close()
    time.sleep(0.5)
    finish()


MANY = 50


def many_short_connections_server():
    ls = listener()
    for _ in range(MANY):
        c, _ = ls.accept()
        recv_exact(c, len(REQUEST))
        c.sendall(RESPONSE)
        recv_until_eof(c)
        c.close()
    finish(ls)


def many_short_connections_client():
    for i in range(MANY):
        s = connect(41000 + i)
        s.sendall(REQUEST)
        recv_exact(s, len(RESPONSE))
        s.close()
        time.sleep(0.02)
    time.sleep(0.3)
    finish()


def accept_queue_overflow_server():
    ls = listener(backlog=1)     # never accept()s: the queue holds 2
    time.sleep(5.0)
    finish(ls)


def accept_queue_overflow_client():
    wait_for("listening")
    socks = []

    def start(sport):
        socks.append(connect_nonblocking(sport, SRV4))

    start(40021)                 # completes, fills the first slot
    time.sleep(0.3)
    prime_tbf()                  # 40022 and 40023 SYNs leave together,
    start(40022)                 # both are answered before either ACK
    start(40023)                 # arrives; the ACK of 40023 overflows
    time.sleep(0.7)
    start(40024)                 # queue full: the SYNs are dropped
    time.sleep(3.5)
    finish(*socks)


def main():
    global SYNC, ROLE
    name, ROLE, SYNC = sys.argv[1], sys.argv[2], sys.argv[3]
    fn = globals().get("%s_%s" % (name.replace("-", "_"), ROLE))
    if fn is None:
        finish()
    else:
        fn()


if __name__ == "__main__":
    main()
