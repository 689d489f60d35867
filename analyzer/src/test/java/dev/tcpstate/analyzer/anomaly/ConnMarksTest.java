package dev.tcpstate.analyzer.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConnMarksTest {

    @Test
    void everyCodeHasAReportCount() {
        assertThat(AnomalyType.values().length).isLessThanOrEqualTo(ConnMarks.COUNTED_CODES);
    }

    @Test
    void reportCounts_arePerCode_andClearedByReset() {
        ConnMarks m = new ConnMarks(0);
        for (int code = 0; code < ConnMarks.COUNTED_CODES; code++) {
            for (int k = 0; k < code % 5; k++) {
                m.countReport(code);
            }
        }
        for (int code = 0; code < ConnMarks.COUNTED_CODES; code++) {
            assertThat(m.reports(code)).as("code %d", code).isEqualTo((byte) (code % 5));
        }
        m.reset(0, new Aggregates(AnomalySettings.DEFAULTS, null));
        for (int code = 0; code < ConnMarks.COUNTED_CODES; code++) {
            assertThat(m.reports(code)).as("code %d", code).isZero();
        }
    }

    @Test
    void aReportCount_wrapsAsAByte_withoutTouchingItsNeighbours() {
        ConnMarks m = new ConnMarks(0);
        for (int k = 0; k < 128; k++) {
            m.countReport(9);
        }
        assertThat(m.reports(9)).isEqualTo((byte) -128);
        assertThat(m.reports(8)).isZero();
        assertThat(m.reports(10)).isZero();
        for (int k = 0; k < 128; k++) {
            m.countReport(9);
        }
        assertThat(m.reports(9)).isZero();
        m.countReport(15);
        assertThat(m.reports(15)).isEqualTo((byte) 1);
        assertThat(m.reports(16)).isZero();
    }

    @Test
    void recycledMarksLetGoOfTheirEntries_andTheCountsSettleExactly() {
        Aggregates agg = new Aggregates(AnomalySettings.DEFAULTS, null);
        dev.tcpstate.parsers.decode.TcpPacket p = new dev.tcpstate.parsers.decode.TcpPacket();
        List<ConnMarks> marks = new java.util.ArrayList<>();
        for (int i = 0; i < 100; i++) {
            p.packetNumber = i + 1;
            p.timestampNanos = Wire.BASE + i * Wire.MS;
            p.ipVersion = 4;
            p.srcLo = Wire.ip(10, 0, 0, 1 + i % 5); // five sources, so five scan pairs of 20 connections each
            p.srcPort = 40000 + i;
            p.dstLo = Wire.ip(192, 0, 2, 1);
            p.dstPort = 80;
            p.flags = dev.tcpstate.parsers.decode.TcpPacket.SYN;
            ConnMarks m = new ConnMarks(p.timestampNanos);
            agg.onSyn(m, p);
            marks.add(m);
        }
        Aggregates.Listener listener = marks.get(0).listener;
        List<Aggregates.ScanPair> pairs = marks.subList(0, 5).stream().map(m -> m.scan).toList();
        assertThat(listener.refs).isEqualTo(100);
        assertThat(pairs).extracting(s -> s.refs).containsExactly(20, 20, 20, 20, 20);

        for (int i = 0; i < 70; i++) {
            marks.get(i).reset(0, agg);
            assertThat(marks.get(i).listener).isNull();
            assertThat(marks.get(i).scan).isNull();
        }
        agg.settleReleases();
        assertThat(listener.refs).isEqualTo(30);
        assertThat(pairs).extracting(s -> s.refs).containsExactly(6, 6, 6, 6, 6);
        agg.settleReleases(); // nothing is released twice
        assertThat(listener.refs).isEqualTo(30);
    }

    @Test
    void aFullTableReusesTheEntriesItDroppedOnceTheirConnectionsLetGo() {
        Aggregates agg = new Aggregates(AnomalySettings.DEFAULTS.withMaxTrackedKeys(10), null);
        dev.tcpstate.parsers.decode.TcpPacket p = new dev.tcpstate.parsers.decode.TcpPacket();
        java.util.Set<Aggregates.ScanPair> objects =
                java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        java.util.ArrayDeque<ConnMarks> open = new java.util.ArrayDeque<>();
        for (int i = 0; i < 200; i++) {
            p.packetNumber = i + 1;
            p.timestampNanos = Wire.BASE + i * Wire.MS;
            p.ipVersion = 4;
            p.srcLo = Wire.ip(10, 0, i / 250, 1 + i % 250); // a new source each time: a new source/target pair
            p.srcPort = 40000;
            p.dstLo = Wire.ip(192, 0, 2, 1);
            p.dstPort = 80;
            p.flags = dev.tcpstate.parsers.decode.TcpPacket.SYN;
            // Two connections of the pair: its first SYN waits among the pairs that sent one, its second gives the
            // pair its scan table entry, and both connections point at it.
            for (int k = 0; k < 2; k++) {
                ConnMarks m = new ConnMarks(p.timestampNanos);
                agg.onSyn(m, p);
                open.add(m);
            }
            objects.add(open.peekLast().scan);
            while (open.size() > 30) {
                open.poll().reset(0, agg); // a connection ends thirty SYNs later, and its marks are recycled
            }
        }
        // The table of ten is full again and again, and the pairs it drops are still pointed at by connections that
        // have not ended. Once those let go, the pairs are free again at the table's next making of room, not a
        // minute of capture time later at the next sweep: 200 pairs take the fifteen the thirty live connections point
        // at (the ten in the table among them) and the two let go since the last making of room, not one object each.
        assertThat(objects).hasSize(17); // without it, 200
    }
}
