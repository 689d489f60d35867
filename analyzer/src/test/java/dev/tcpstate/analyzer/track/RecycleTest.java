package dev.tcpstate.analyzer.track;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcpstate.analyzer.AnalyzerSettings;
import dev.tcpstate.analyzer.ConnectionListener;
import dev.tcpstate.analyzer.tcp.TcpState;
import dev.tcpstate.parsers.decode.TcpPacket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

class RecycleTest {
    private final List<Connection> ended = new ArrayList<>();
    private final List<String> records = new ArrayList<>();
    private final ConcurrentLinkedQueue<Connection> released = new ConcurrentLinkedQueue<>();
    private final ConnectionTracker tracker = new ConnectionTracker(
            AnalyzerSettings.DEFAULTS.withClosedLinger(Duration.ZERO), new ConnectionListener() {
                @Override
                public void onConnectionEnd(Connection c) {
                    ended.add(c);
                    records.add(c.origPort() + " " + c.originator().state() + "/" + c.responder().state() + " "
                            + c.history() + " #" + c.firstPacket() + "-" + c.lastPacket());
                }
            }).recycleFrom(released);
    private long packet;

    private void segment(int sport, int dport, int flags, int seq, int ack) {
        TcpPacket p = new TcpPacket();
        p.packetNumber = ++packet;
        p.timestampNanos = 1_700_000_000_000_000_000L + packet * 1_000_000L;
        p.ipVersion = 4;
        boolean fromClient = dport == 80;
        p.srcLo = fromClient ? 0x0a000001L : 0x0a000002L;
        p.dstLo = fromClient ? 0x0a000002L : 0x0a000001L;
        p.srcPort = sport;
        p.dstPort = dport;
        p.flags = flags;
        p.seq = seq;
        p.ack = ack;
        p.window = 65535;
        tracker.onPacket(p);
    }

    /** A connection attempt to a port nothing listens on: SYN, then RST-ACK (both endpoints end CLOSED). */
    private void refused(int clientPort) {
        segment(clientPort, 80, TcpPacket.SYN, 1000, 0);
        segment(80, clientPort, TcpPacket.RST | TcpPacket.ACK, 0, 1001);
    }

    @Test
    void anEndedConnectionIsReusedOnlyAfterItIsHandedBack() {
        refused(40000);
        assertThat(ended).hasSize(1);
        Connection first = ended.get(0);

        refused(40001); // not handed back yet: a new object
        assertThat(ended).hasSize(2);
        assertThat(ended.get(1)).isNotSameAs(first);
        assertThat(first.origPort()).isEqualTo(40000); // untouched while the listener may still read it

        released.add(first);
        refused(40002); // handed back: reused, as a new connection
        assertThat(ended).hasSize(3);
        assertThat(ended.get(2)).isSameAs(first);
        assertThat(released).isEmpty();
        assertThat(records).containsExactly("40000 CLOSED/CLOSED Sr #1-2", "40001 CLOSED/CLOSED Sr #3-4",
                "40002 CLOSED/CLOSED Sr #5-6");
        assertThat(first.originator().state()).isEqualTo(TcpState.CLOSED);
        assertThat(first.incarnation()).isEqualTo(1);
    }
}
