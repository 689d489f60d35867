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
}
