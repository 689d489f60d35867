package dev.tcpstate.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcpstate.analyzer.AnalyzerSettings;
import dev.tcpstate.analyzer.track.Connection;
import dev.tcpstate.analyzer.track.ConnectionTracker;
import dev.tcpstate.parsers.decode.TcpPacket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SegmentsTest {

    @Test
    void aLapStartsAnHourAfterTheLastSegment_numbersGoOn() {
        Segments s = Segments.load(CapturePaths.resolve("many-short-connections"), 0);
        assertThat(s.size()).isEqualTo(500);
        TcpPacket[] lap = new TcpPacket[500];
        s.next(lap, 500);
        long first = lap[0].timestampNanos, second = lap[1].timestampNanos, last = lap[499].timestampNanos;
        assertThat(lap[0].packetNumber).isEqualTo(1);
        s.advance(lap, 500);
        TcpPacket[] again = new TcpPacket[2];
        s.next(again, 2);
        assertThat(again[0]).isSameAs(lap[0]);
        assertThat(again[0].timestampNanos).isEqualTo(last + Segments.LAP_GAP_NANOS);
        assertThat(again[0].packetNumber).isEqualTo(501);
        assertThat(again[1].timestampNanos - again[0].timestampNanos).isEqualTo(second - first);
    }

    @Test
    void everyLapEndsTheSameConnectionsTheSameWay() {
        // The replay is a steady stream of the capture's traffic: the tracker ends each lap's connections as it ends
        // those of a single run of the capture.
        Segments s = Segments.load(CapturePaths.resolve("many-short-connections"), 0);
        List<String> ended = new ArrayList<>();
        ConnectionTracker t = new ConnectionTracker(AnalyzerSettings.DEFAULTS, c -> ended.add(describe(c, 500)))
                .recycleConnections();
        TcpPacket[] b = new TcpPacket[500];
        for (int lap = 0; lap < 3; lap++) {
            s.next(b, 500);
            for (TcpPacket p : b) {
                t.onPacket(p);
            }
            s.advance(b, 500);
        }
        t.finish(Long.MAX_VALUE / 2);

        List<String> single = new ArrayList<>();
        Segments fresh = Segments.load(CapturePaths.resolve("many-short-connections"), 0);
        ConnectionTracker one = new ConnectionTracker(AnalyzerSettings.DEFAULTS, c -> single.add(describe(c, 500)));
        fresh.next(b, 500);
        for (TcpPacket p : b) {
            one.onPacket(p);
        }
        one.finish(Long.MAX_VALUE / 2);

        assertThat(single).hasSize(50);
        assertThat(ended).hasSize(150);
        List<String> expected = new ArrayList<>();
        for (int lap = 0; lap < 3; lap++) {
            expected.addAll(single);
        }
        assertThat(ended).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(single.get(0)).isEqualTo("#1 1-10 6/4 CLOSED/CLOSED SF ShADadFf");
    }

    /** A connection's facts, its packet numbers taken modulo the lap. */
    private static String describe(Connection c, int lap) {
        return "#" + c.incarnation() + " " + ((c.firstPacket() - 1) % lap + 1) + "-" + ((c.lastPacket() - 1) % lap + 1)
                + " " + c.origPackets() + "/" + c.respPackets() + " " + c.originator().state() + "/"
                + c.responder().state() + " " + c.zeekConnState() + " " + c.history();
    }
}
