package dev.tcpstate.analyzer.track;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcpstate.parsers.decode.TcpPacket;
import org.junit.jupiter.api.Test;

/** The Zeek history's letters, kept packed for the first 16 and in a builder after that. */
class ZeekHistoryTest {
    private final Connection c = new Connection(new PairKey(), 1, true, false);

    private void fromOrig(int flags, int seq) {
        TcpPacket p = new TcpPacket();
        p.flags = flags;
        p.seq = seq;
        p.window = 1000;
        c.zeekPacket(true, p, p.window, false, c.orig, c.resp);
    }

    private static void times(int n, Runnable r) {
        for (int i = 0; i < n; i++) {
            r.run();
        }
    }

    @Test
    void lettersPastTheSixteenthKeepTheirOrder() {
        c.reuse(new PairKey(), 1, true, true); // '^': the originator was decided by other means than its SYN
        times(1000, () -> c.badChecksum(true));       // C at the 1st, 10th, 100th, 1000th
        times(1000, () -> c.badChecksum(false));      // c ...
        times(1000, () -> c.retransmission(true));    // T ...
        times(1000, () -> c.retransmission(false));   // t: the 16th and 17th letters

        assertThat(c.history()).isEqualTo("^CCCCccccTTTTtttt");
    }

    @Test
    void connStateReadsLettersPastTheSixteenth() {
        fromOrig(TcpPacket.SYN, 100);
        times(100_000, () -> c.badChecksum(true));    // 6 letters after the S
        times(100_000, () -> c.badChecksum(false));   // 6 more
        times(1000, () -> c.retransmission(true));    // 4 more: 17 so far
        fromOrig(TcpPacket.RST, 101);                 // R, the 18th letter

        assertThat(c.history()).isEqualTo("SCCCCCCccccccTTTTR");
        // A SYN, then only the originator's RST with no answer in between: Zeek's RSTOS0.
        assertThat(c.zeekConnState()).isEqualTo("RSTOS0");
    }

    @Test
    void aReusedConnectionStartsAnEmptyHistory() {
        times(100_000_000, () -> c.badChecksum(true));
        times(100_000_000, () -> c.badChecksum(false));
        assertThat(c.history()).hasSize(18);

        c.reuse(new PairKey(), 2, true, false);
        fromOrig(TcpPacket.SYN, 5);
        assertThat(c.history()).isEqualTo("S");
        times(10, () -> c.badChecksum(true));
        assertThat(c.history()).isEqualTo("SCC");
    }

    @Test
    void anAckBeforeTheOriginatorsResetIsNoRstos0() {
        fromOrig(TcpPacket.SYN, 100);
        fromOrig(TcpPacket.ACK, 101);
        fromOrig(TcpPacket.RST, 101);

        assertThat(c.history()).isEqualTo("SAR");
        assertThat(c.zeekConnState()).isEqualTo("OTH");
    }
}
