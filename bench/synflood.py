#!/usr/bin/env python3
"""Writes a classic pcap of a spoofed SYN flood: N SYNs at 100,000 a second from random sources to 192.0.2.1:80.

    python3 bench/synflood.py N FILE      e.g.  python3 bench/synflood.py 3000000 flood.pcap   (210 MB, 30 s)

Every SYN opens a connection that stays until its client's handshake timer runs out (127 s; nobody answers), so the
connection table fills; it measures what --max-connections and --max-tracked-keys bound (time and peak memory of e.g. `/usr/bin/time -v ./tcpstate analyze flood.pcap`).
Deterministic: the same N gives the same file.
"""
import random
import struct
import sys


def checksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    n, path = int(argv[0]), argv[1]
    rng = random.Random(1)
    dst = bytes([192, 0, 2, 1])
    eth = b"\x02\0\0\0\0\x01" + b"\x02\0\0\0\0\x02" + b"\x08\x00"
    t0 = 1_700_000_000
    with open(path, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 96, 1))  # microseconds, Ethernet
        for i in range(n):
            src = struct.pack("!I", rng.getrandbits(32) | 0x01000000)
            tcp = struct.pack("!HHIIBBHHH", rng.randrange(1024, 65535), 80, rng.getrandbits(32), 0, 5 << 4, 0x02,
                              64240, 0, 0)
            pseudo = src + dst + struct.pack("!BBH", 0, 6, len(tcp))
            tcp = tcp[:16] + struct.pack("!H", checksum(pseudo + tcp)) + tcp[18:]
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), i & 0xFFFF, 0, 64, 6, 0, src, dst)
            ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
            frame = eth + ip + tcp
            us = i * 10
            out.write(struct.pack("<IIII", t0 + us // 1_000_000, us % 1_000_000, len(frame), len(frame)))
            out.write(frame)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
