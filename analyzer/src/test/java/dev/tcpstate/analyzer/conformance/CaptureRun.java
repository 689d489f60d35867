package dev.tcpstate.analyzer.conformance;

import dev.tcpstate.analyzer.AnalyzerSettings;
import dev.tcpstate.analyzer.tcp.TcpState;
import dev.tcpstate.analyzer.track.Connection;
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
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Reads a capture through the capture reader and decoder into a tracker and collects every connection it emits. */
final class CaptureRun {
    final List<Connection> connections = new ArrayList<>();
    long packets;
    long tcpPackets;

    static CaptureRun of(Path capture) throws IOException {
        return of(capture, AnalyzerSettings.DEFAULTS);
    }

    static CaptureRun of(Path capture, AnalyzerSettings settings) throws IOException {
        return of(capture, settings, true);
    }

    /** With {@code zeekView} false, through a tracker that keeps no Zeek view. */
    static CaptureRun of(Path capture, AnalyzerSettings settings, boolean zeekView) throws IOException {
        CaptureRun run = new CaptureRun();
        ConnectionTracker tracker = new ConnectionTracker(settings, run.connections::add);
        if (!zeekView) {
            tracker.withoutZeekView();
        }
        PacketDecoder decoder = new PacketDecoder();
        PacketRecord rec = new PacketRecord();
        TcpPacket tcp = new TcpPacket();
        long last = Long.MIN_VALUE;
        try (CaptureReader reader = Captures.open(capture.toString(), problem -> { })) {
            while (reader.next(rec)) {
                run.packets++;
                last = Math.max(last, rec.timestampNanos);
                if (decoder.decode(rec, tcp) == DecodeResult.TCP) {
                    run.tcpPackets++;
                    tracker.onPacket(tcp);
                }
            }
        }
        tracker.finish(last);
        return run;
    }

    /** "10.77.0.1:40001" or "[fd77::1]:40019". */
    static String endpoint(long hi, long lo, int version, int port) {
        return version == 6 ? "[" + ipv6(hi, lo) + "]:" + port : ipv4(lo) + ":" + port;
    }

    static String orig(Connection c) {
        return endpoint(c.origHi(), c.origLo(), c.ipVersion(), c.origPort());
    }

    static String resp(Connection c) {
        return endpoint(c.respHi(), c.respLo(), c.ipVersion(), c.respPort());
    }

    static String host(long hi, long lo, int version) {
        return version == 6 ? ipv6(hi, lo) : ipv4(lo);
    }

    static String ipv4(long lo) {
        return ((lo >>> 24) & 0xFF) + "." + ((lo >>> 16) & 0xFF) + "." + ((lo >>> 8) & 0xFF) + "." + (lo & 0xFF);
    }

    /** RFC 5952 compressed form. */
    static String ipv6(long hi, long lo) {
        int[] g = new int[8];
        for (int i = 0; i < 4; i++) {
            g[i] = (int) (hi >>> (48 - 16 * i)) & 0xFFFF;
            g[4 + i] = (int) (lo >>> (48 - 16 * i)) & 0xFFFF;
        }
        int bestStart = -1, bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (g[i] == 0) {
                int j = i;
                while (j < 8 && g[j] == 0) j++;
                if (j - i > bestLen && j - i >= 2) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') sb.append(':');
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    static List<String> path(dev.tcpstate.analyzer.track.Endpoint e) {
        return e.path().states().stream().map(TcpState::name).collect(Collectors.toList());
    }

    /** The repository root: system property tcpstate.repo, else the first parent holding sample-captures. */
    static Path repoRoot() {
        String prop = System.getProperty("tcpstate.repo");
        if (prop != null && !prop.isBlank() && Files.isDirectory(Path.of(prop, "sample-captures"))) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("sample-captures"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the repository root (no sample-captures folder above "
                + Path.of("").toAbsolutePath() + ")");
    }

    static String describe(Connection c) {
        return orig(c) + " -> " + resp(c) + " #" + c.incarnation() + " " + c.originator().state() + "/"
                + c.responder().state() + " " + path(c.originator()) + " " + path(c.responder()) + " "
                + c.zeekConnState() + " " + c.history();
    }
}
