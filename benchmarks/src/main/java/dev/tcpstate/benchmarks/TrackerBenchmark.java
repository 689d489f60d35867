package dev.tcpstate.benchmarks;

import dev.tcpstate.analyzer.AnalyzerSettings;
import dev.tcpstate.analyzer.ConnectionListener;
import dev.tcpstate.analyzer.anomaly.AnomalyDetector;
import dev.tcpstate.analyzer.anomaly.AnomalySettings;
import dev.tcpstate.analyzer.track.Connection;
import dev.tcpstate.analyzer.track.ConnectionTracker;
import dev.tcpstate.parsers.decode.TcpPacket;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The connection table's thread alone, in nanoseconds per TCP segment: the segments of a capture, decoded beforehand,
 * go through the tracker as {@code tcpstate connections} feeds them ({@code connections}: both endpoints' state
 * machines and the Zeek view), or through the tracker and every anomaly detector as {@code tcpstate analyze} does
 * ({@code analyze}). No reading, decoding or output: what the other threads of a run do is not measured here.
 *
 * <p>{@code window} is how many segments of the capture are replayed, over and over (see {@link Segments}): the
 * whole capture (0), whose live connections are as many as a real run of it holds, or its first few thousand
 * segments, whose connections all stay in the caches. Their difference is what the table's size costs.
 */
@State(Scope.Thread)
@OperationsPerInvocation(TrackerBenchmark.SEGMENTS_PER_CALL)
public class TrackerBenchmark extends StageBenchmark {
    static final int SEGMENTS_PER_CALL = 1 << 16;

    /** The capture to replay: a path, or a sample of the repository's sample-captures directory by name. */
    @Param("many-short-connections")
    public String capture;

    /** Segments of the capture replayed: 0 for all, else its first {@code window}. */
    @Param({"0", "20000"})
    public int window;

    private Segments segments;
    private ConnectionTracker connections;
    private ConnectionTracker analyze;
    private Sink sink;
    /** Segments handed over at a time: as many as a batch of a run's reading thread holds (or the capture has). */
    private TcpPacket[] batch;

    /** What the listeners are given, summed, so that nothing the tracker reports can be optimized away. */
    static final class Sink implements ConnectionListener {
        long sum;

        @Override
        public void onConnectionEnd(Connection c) {
            sum += c.lastPacket() + c.originator().state().ordinal() + c.responder().state().ordinal();
        }
    }

    @Setup(Level.Trial)
    public void load() {
        segments = Segments.load(CapturePaths.resolve(capture), window);
        batch = new TcpPacket[Math.min(512, segments.size())];
        sink = new Sink();
        connections = new ConnectionTracker(AnalyzerSettings.DEFAULTS, sink).recycleConnections();
        AnomalyDetector detector = new AnomalyDetector(AnomalySettings.DEFAULTS, a -> sink.sum += a.packet(), sink)
                .recycleMarks();
        analyze = new ConnectionTracker(AnalyzerSettings.DEFAULTS, detector).withoutZeekView().recycleConnections();
    }

    @Benchmark
    public long connections(Blackhole bh) {
        return replay(connections, bh);
    }

    @Benchmark
    public long analyze(Blackhole bh) {
        return replay(analyze, bh);
    }

    /**
     * As a run does: batch by batch, each segment of a batch shown to the tracker's look-ahead first (see
     * {@code DecodePipeline.lookingAhead}), then each applied.
     */
    private long replay(ConnectionTracker tracker, Blackhole bh) {
        Segments s = segments;
        TcpPacket[] b = batch;
        for (int n = 0; n < SEGMENTS_PER_CALL; ) {
            int k = Math.min(b.length, SEGMENTS_PER_CALL - n);
            s.next(b, k);
            for (int i = 0; i < k; i++) {
                tracker.lookAhead(b[i]);
            }
            for (int i = 0; i < k; i++) {
                tracker.onPacket(b[i]);
            }
            s.advance(b, k);
            n += k;
        }
        bh.consume(tracker.liveConnections());
        return sink.sum;
    }
}
