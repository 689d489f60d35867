package dev.tcpstate.analyzer.anomaly;

import dev.tcpstate.analyzer.AnalyzerSettings;
import dev.tcpstate.analyzer.track.ConnectionTracker;
import dev.tcpstate.parsers.capture.CaptureReader;
import dev.tcpstate.parsers.capture.Captures;
import dev.tcpstate.parsers.capture.PacketRecord;
import dev.tcpstate.parsers.decode.DecodeResult;
import dev.tcpstate.parsers.decode.PacketDecoder;
import dev.tcpstate.parsers.decode.TcpPacket;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/** Test driver: replays a capture file through a tracker with an {@link AnomalyDetector}. */
final class CaptureRun {
    final List<Anomaly> anomalies = new ArrayList<>();
    final AnomalyDetector detector;
    long packets;

    private CaptureRun(AnomalySettings settings) {
        detector = new AnomalyDetector(settings, anomalies::add);
    }

    static CaptureRun of(Path file) throws IOException {
        return of(file, AnomalySettings.DEFAULTS);
    }

    static CaptureRun of(Path file, AnomalySettings settings) throws IOException {
        return of(file, settings, 0);
    }

    /**
     * With {@code lookAhead} above 0, the tracker is shown each run of that many segments
     * ({@link ConnectionTracker#lookAhead}) before it is given them, as the decoding pipeline does with its batches.
     */
    static CaptureRun of(Path file, AnomalySettings settings, int lookAhead) throws IOException {
        CaptureRun run = new CaptureRun(settings);
        if (lookAhead > 0) {
            ConnectionTracker tracker = new ConnectionTracker(AnalyzerSettings.DEFAULTS, run.detector);
            List<TcpPacket> segments = new ArrayList<>();
            long last = Long.MIN_VALUE;
            try (CaptureReader reader = Captures.open(file.toString(), problem -> { })) {
                PacketDecoder decoder = new PacketDecoder();
                PacketRecord rec = new PacketRecord();
                TcpPacket p = new TcpPacket();
                while (reader.next(rec)) {
                    last = Math.max(last, rec.timestampNanos);
                    if (decoder.decode(rec, p) == DecodeResult.TCP) {
                        TcpPacket copy = new TcpPacket();
                        copy.copyFrom(p);
                        segments.add(copy);
                    }
                }
            }
            for (int from = 0; from < segments.size(); from += lookAhead) {
                List<TcpPacket> batch = segments.subList(from, Math.min(segments.size(), from + lookAhead));
                batch.forEach(tracker::lookAhead);
                for (TcpPacket p : batch) {
                    tracker.onPacket(p);
                    run.packets++;
                }
            }
            run.detector.finish(tracker, last);
            return run;
        }
        ConnectionTracker tracker = new ConnectionTracker(AnalyzerSettings.DEFAULTS, run.detector);
        PacketDecoder decoder = new PacketDecoder();
        PacketRecord rec = new PacketRecord();
        TcpPacket p = new TcpPacket();
        long last = Long.MIN_VALUE;
        try (CaptureReader reader = Captures.open(file.toString(), problem -> { })) {
            while (reader.next(rec)) {
                last = Math.max(last, rec.timestampNanos);
                if (decoder.decode(rec, p) == DecodeResult.TCP) {
                    tracker.onPacket(p);
                    run.packets++;
                }
            }
        }
        run.detector.finish(tracker, last);
        return run;
    }

    List<String> codes() {
        return anomalies.stream().map(Anomaly::code).toList();
    }

    List<Anomaly> of(String code) {
        return anomalies.stream().filter(a -> a.code().equals(code)).toList();
    }

    /** The repository root: system property {@code tcpstate.repo}, else the nearest parent holding sample-captures. */
    static Path repo() {
        String prop = System.getProperty("tcpstate.repo");
        if (prop != null && Files.isDirectory(Paths.get(prop, "sample-captures"))) {
            return Paths.get(prop);
        }
        Path d = Paths.get("").toAbsolutePath();
        while (d != null && !Files.isDirectory(d.resolve("sample-captures"))) {
            d = d.getParent();
        }
        if (d == null) throw new IllegalStateException("sample-captures not found above " + Paths.get("").toAbsolutePath());
        return d;
    }

    static Path sample(String name) {
        return repo().resolve("sample-captures").resolve(name + ".pcap");
    }

    static Path corpus() {
        return repo().resolve("..").resolve("shared").resolve("corpus").normalize();
    }
}
