package dev.tcpstate.analyzer.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcpstate.analyzer.AnalyzerSettings;
import dev.tcpstate.analyzer.ConnectionListener;
import dev.tcpstate.analyzer.track.Connection;
import dev.tcpstate.analyzer.track.ConnectionTracker;
import dev.tcpstate.parsers.decode.TcpPacket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Connections that leave the table under the cap let go of the listener entry their marks pointed at. */
class EvictedMarksTest {

    @Test
    void evictedConnectionsReleaseTheirListener() {
        List<Connection> seen = new ArrayList<>();
        AnomalyDetector detector = new AnomalyDetector(AnomalySettings.DEFAULTS, a -> {
        }, new ConnectionListener() {
            @Override
            public void onPacket(Connection c, TcpPacket p, boolean fromOriginator) {
                seen.add(c);
            }

            @Override
            public void onConnectionEnd(Connection c) {
            }
        }).recycleMarks();
        ConnectionTracker tracker = new ConnectionTracker(AnalyzerSettings.DEFAULTS, detector).recycleConnections();
        tracker.setMaxLiveConnections(10);

        TcpPacket p = new TcpPacket();
        for (int i = 0; i < 200; i++) {
            p.packetNumber = i + 1;
            p.timestampNanos = Wire.BASE + i * Wire.MS;
            p.ipVersion = 4;
            p.srcLo = Wire.ip(10, 0, i / 250, 1 + i % 250);
            p.srcPort = 40000 + i;
            p.dstLo = Wire.ip(192, 0, 2, 1);
            p.dstPort = 80;
            p.flags = TcpPacket.SYN;
            p.seq = 1000 * i;
            p.window = 65535;
            tracker.onPacket(p);
        }

        assertThat(tracker.evictedConnections()).isEqualTo(190);
        assertThat(tracker.liveConnections()).isEqualTo(10);
        ConnMarks last = (ConnMarks) seen.get(seen.size() - 1).attachment();
        assertThat(last.halfOpen).isTrue();
        // One listener entry for 192.0.2.1:80; only the live connections' marks point at it (the evicted ones'
        // marks were reused, and their pointers moved with them).
        detector.aggregates().settleReleases();
        assertThat(last.listener.refs).isEqualTo(tracker.liveConnections());
    }
}
