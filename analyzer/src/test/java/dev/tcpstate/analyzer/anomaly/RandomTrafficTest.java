package dev.tcpstate.analyzer.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcpstate.analyzer.AnalyzerSettings;
import dev.tcpstate.analyzer.ConnectionListener;
import dev.tcpstate.analyzer.tcp.TcpState;
import dev.tcpstate.analyzer.track.Connection;
import dev.tcpstate.analyzer.track.ConnectionTracker;
import dev.tcpstate.analyzer.track.Endpoint;
import dev.tcpstate.analyzer.track.StatePath;
import dev.tcpstate.parsers.decode.TcpPacket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Traffic no stack sends, from fixed seeds: segments on a handful of socket pairs with any flags, sequence and
 * acknowledgment numbers near the ones already used (so they land in and around the windows), repeated and
 * out-of-order copies, bursts of one segment sent again and again, and pauses long enough for every timer to run.
 * Whatever arrives, the connection table and every detector go on (a capture is evidence an attacker may have
 * shaped), every connection is emitted exactly once with each endpoint where its state path leads, and the table is
 * empty at the end.
 */
class RandomTrafficTest {
    private static final int PAIRS = 4;
    private static final int SEGMENTS = 3000;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
    void anySegmentSequence_isTakenWithoutFailing_andEveryConnectionEndsOnce(long seed) {
        replay(seed, AnalyzerSettings.DEFAULTS);
    }

    /** The same with timers of a second or less, so that they run out between nearly any two segments. */
    @ParameterizedTest
    @ValueSource(longs = {21, 22, 23, 24, 25, 26, 27, 28, 29, 30})
    void withShortTimers_too(long seed) {
        replay(seed, AnalyzerSettings.DEFAULTS.withMsl(Duration.ofMillis(700))
                .withFinWait2Timeout(Duration.ofMillis(900)).withSynSentTimeout(Duration.ofMillis(1300))
                .withSynReceivedTimeout(Duration.ofMillis(1100)).withClosedLinger(Duration.ofMillis(300)));
    }

    private static void replay(long seed, AnalyzerSettings settings) {
        Random rnd = new Random(seed);
        List<Anomaly> anomalies = new ArrayList<>();
        List<Connection> ended = new ArrayList<>();
        Set<Connection> seen = Collections.newSetFromMap(new IdentityHashMap<>()); // nothing is recycled here
        ConnectionListener collect = c -> {
            assertThat(seen.add(c)).as("emitted once: %s", c).isTrue();
            ended.add(c);
        };
        AnomalyDetector detector = new AnomalyDetector(AnomalySettings.DEFAULTS.withMaxTrackedKeys(3), anomalies::add,
                collect);
        ConnectionTracker tracker = new ConnectionTracker(settings, detector);
        tracker.setMaxLiveConnections(3);
        ConnectionTracker zeek = new ConnectionTracker(settings, c -> {
            assertThat(c.zeekConnState()).isNotEmpty();
        });

        int[][] seqs = new int[PAIRS][2];
        for (int[] s : seqs) {
            s[0] = rnd.nextInt();
            s[1] = rnd.nextInt();
        }
        TcpPacket p = new TcpPacket();
        long time = Wire.BASE;
        for (int n = 1; n <= SEGMENTS; n++) { // n also counts the copies of a burst
            int pair = rnd.nextInt(PAIRS);
            boolean fromA = rnd.nextBoolean();
            int[] s = seqs[pair];
            p.clearOptions();
            p.packetNumber = n;
            int pause = rnd.nextInt(100);
            time += pause < 2 ? 200 * Wire.SEC : pause < 10 ? 5 * Wire.SEC : rnd.nextInt(50) * Wire.MS;
            p.timestampNanos = time;
            p.ipVersion = 4;
            p.srcHi = p.dstHi = 0;
            p.srcLo = fromA ? Wire.ip(10, 0, 0, 1) : Wire.ip(10, 0, 0, 2);
            p.dstLo = fromA ? Wire.ip(10, 0, 0, 2) : Wire.ip(10, 0, 0, 1);
            p.srcPort = fromA ? 40000 + pair : 80;
            p.dstPort = fromA ? 80 : 40000 + pair;
            p.flags = flags(rnd);
            int mine = fromA ? 0 : 1;
            p.seq = near(rnd, s[mine]);
            p.ack = (p.flags & TcpPacket.ACK) != 0 ? near(rnd, s[1 - mine]) : 0;
            p.payloadLength = rnd.nextInt(4) == 0 ? rnd.nextInt(3000) : 0;
            p.capturedPayloadLength = Math.min(p.payloadLength, 40);
            p.window = rnd.nextInt(8) == 0 ? 0 : rnd.nextInt(65536);
            if ((p.flags & TcpPacket.SYN) != 0) {
                p.mss = rnd.nextBoolean() ? 1460 : -1;
                p.windowScale = rnd.nextInt(4) == 0 ? -1 : rnd.nextInt(15);
            }
            p.hasTimestamps = rnd.nextBoolean();
            p.tsVal = rnd.nextInt(1000);
            p.checksumStatus = (byte) rnd.nextInt(4);
            if (rnd.nextInt(5) > 0) {
                s[mine] = p.seq + (int) p.sequenceLength(); // mostly in order, sometimes a repeat or a jump back
            }
            // Now and then a burst of copies of the segment, a second apart: a sender retransmitting without end.
            int copies = rnd.nextInt(200) == 0 ? 20 + rnd.nextInt(60) : 1;
            for (int k = 0; k < copies; k++) {
                if (k > 0) {
                    p.packetNumber = ++n;
                    time += Wire.SEC;
                    p.timestampNanos = time;
                }
                tracker.onPacket(p);
                zeek.onPacket(p);
            }
        }
        detector.finish(tracker, time);
        zeek.finish(time);

        assertThat(tracker.liveConnections()).isZero();
        assertThat(zeek.liveConnections()).isZero();
        assertThat(ended).isNotEmpty();
        assertThat(tracker.emittedConnections()).isEqualTo(ended.size());
        for (Connection c : ended) {
            for (Endpoint e : new Endpoint[] {c.originator(), c.responder()}) {
                StatePath path = e.path();
                TcpState last = path.size() == 0 ? path.initial() : path.to(path.size() - 1);
                assertThat(e.state()).as("%s: %s", c, path).isEqualTo(last);
            }
        }
        for (Anomaly a : anomalies) {
            assertThat(a.message()).isNotBlank();
            assertThat(a.packets()).allSatisfy(k -> assertThat(k).isBetween(0L, (long) SEGMENTS + 80));
        }
    }

    /** Mostly the flag sets stacks send, now and then any of the nine bits. */
    private static int flags(Random rnd) {
        int[] usual = {TcpPacket.SYN, TcpPacket.SYN | TcpPacket.ACK, TcpPacket.ACK, TcpPacket.ACK | TcpPacket.PSH,
                TcpPacket.FIN | TcpPacket.ACK, TcpPacket.RST, TcpPacket.RST | TcpPacket.ACK};
        return rnd.nextInt(6) == 0 ? rnd.nextInt(512) : usual[rnd.nextInt(usual.length)];
    }

    /** A number at or near {@code base}: the same, a little before or after, or anywhere. */
    private static int near(Random rnd, int base) {
        return switch (rnd.nextInt(6)) {
            case 0, 1 -> base;
            case 2 -> base + 1;
            case 3 -> base - rnd.nextInt(3000);
            case 4 -> base + rnd.nextInt(70000);
            default -> rnd.nextInt();
        };
    }
}
