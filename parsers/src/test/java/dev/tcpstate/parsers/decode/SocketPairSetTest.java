package dev.tcpstate.parsers.decode;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SocketPairSetTest {

    private static TcpPacket v4(int src, int sport, int dst, int dport) {
        TcpPacket p = new TcpPacket();
        p.ipVersion = 4;
        p.srcLo = src & 0xffff_ffffL;
        p.dstLo = dst & 0xffff_ffffL;
        p.srcPort = sport;
        p.dstPort = dport;
        return p;
    }

    @Test
    void bothDirectionsAreOnePair() {
        SocketPairSet set = new SocketPairSet();
        assertThat(set.add(v4(0x0a000001, 40000, 0x0a000002, 80))).isTrue();
        assertThat(set.add(v4(0x0a000002, 80, 0x0a000001, 40000))).isFalse();
        assertThat(set.add(v4(0x0a000001, 40001, 0x0a000002, 80))).isTrue();
        assertThat(set.size()).isEqualTo(2);
    }

    @Test
    void sameAddressesDifferingOnlyByPortOrderAreDistinct() {
        SocketPairSet set = new SocketPairSet();
        set.add(v4(0x0a000001, 1000, 0x0a000001, 2000));
        set.add(v4(0x0a000001, 2000, 0x0a000001, 1000));
        set.add(v4(0x0a000001, 1000, 0x0a000001, 3000));
        assertThat(set.size()).isEqualTo(2);
    }

    @Test
    void ipv6PairsAndGrowth() {
        SocketPairSet set = new SocketPairSet();
        for (int i = 0; i < 100_000; i++) {
            TcpPacket p = new TcpPacket();
            p.ipVersion = 6;
            p.srcHi = 0xfd77_0000_0000_0000L;
            p.srcLo = i;
            p.dstHi = 0xfd77_0000_0000_0000L;
            p.dstLo = 0xffff_ffffL + 1;
            p.srcPort = 50000;
            p.dstPort = 443;
            set.add(p);
            set.add(v4(i, 1024 + (i & 0xff), 0x0a000002, 443));
        }
        TcpPacket back = new TcpPacket();
        back.ipVersion = 6;
        back.srcHi = 0xfd77_0000_0000_0000L;
        back.srcLo = 0xffff_ffffL + 1;
        back.dstHi = 0xfd77_0000_0000_0000L;
        back.dstLo = 7;
        back.srcPort = 443;
        back.dstPort = 50000;
        assertThat(set.add(back)).isFalse();
        assertThat(set.size()).isEqualTo(200_000);
    }

    @Test
    void unionSizeCountsSharedPairsOnce() {
        SocketPairSet a = new SocketPairSet();
        SocketPairSet b = new SocketPairSet();
        for (int i = 0; i < 50_000; i++) {
            a.add(v4(0x0a000000 + i, 40000, 0x0a0000ff, 80));
        }
        // b: 20,000 pairs shared with a (seen in the other direction), 30,000 of its own
        for (int i = 30_000; i < 80_000; i++) {
            b.add(v4(0x0a0000ff, 80, 0x0a000000 + i, 40000));
        }
        // the all-zero key (0.0.0.0:0 both sides) in b only, and an IPv6 pair in both
        b.add(v4(0, 0, 0, 0));
        TcpPacket v6 = new TcpPacket();
        v6.ipVersion = 6;
        v6.srcHi = 0x2001_0db8_0000_0000L;
        v6.srcLo = 1;
        v6.dstHi = 0x2001_0db8_0000_0000L;
        v6.dstLo = 2;
        v6.srcPort = 50000;
        v6.dstPort = 443;
        a.add(v6);
        b.add(v6);

        assertThat(SocketPairSet.unionSize(a, b)).isEqualTo(80_000 + 1 + 1);
        assertThat(SocketPairSet.unionSize(b, a)).isEqualTo(80_000 + 1 + 1);
        assertThat(a.size()).isEqualTo(50_001);
        assertThat(b.size()).isEqualTo(50_002);
    }

    @Test
    void offeredPairsCountLikeAddedOnes() {
        SocketPairSet added = new SocketPairSet();
        SocketPairSet offered = new SocketPairSet();
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 300_000; i++) {
            // 40,000 pairs, each seen in either direction, all of them every 40,000 segments, in an order that
            // defeats the recent-pair cache
            int k = (int) ((i * 7919L) % 40_000);
            int host = k % 200;
            int port = 1024 + k / 200;
            TcpPacket p = random.nextBoolean() ? v4(0x0a000000 + host, port, 0x0a0000ff, 80)
                    : v4(0x0a0000ff, 80, 0x0a000000 + host, port);
            added.add(p);
            offered.offer(p);
            if (i == 1000) {
                // a count taken midway sees the queued pairs too
                assertThat(offered.size()).isEqualTo(added.size());
            }
        }
        offered.offer(v4(0, 0, 0, 0));
        added.add(v4(0, 0, 0, 0));
        assertThat(added.size()).isEqualTo(40_001);
        assertThat(offered.size()).isEqualTo(40_001);
        SocketPairSet other = new SocketPairSet();
        other.offer(v4(0x0a000001, 1024, 0x0a0000ff, 80));
        other.offer(v4(0x0a0000fe, 80, 0x0a000001, 1024));
        assertThat(SocketPairSet.unionSize(offered, other)).isEqualTo(40_002);
        assertThat(SocketPairSet.unionSize(other, offered)).isEqualTo(40_002);
    }
}
