package dev.tcpstate.cli;

import dev.tcpstate.analyzer.ConnectionListener;
import dev.tcpstate.analyzer.anomaly.Anomaly;
import dev.tcpstate.analyzer.anomaly.AnomalyDetector;
import dev.tcpstate.analyzer.anomaly.AnomalyType;
import dev.tcpstate.analyzer.anomaly.Severity;
import dev.tcpstate.analyzer.track.Connection;
import dev.tcpstate.analyzer.track.ConnectionTracker;
import dev.tcpstate.parsers.capture.PacketRecord;
import dev.tcpstate.parsers.decode.DecodeResult;
import dev.tcpstate.parsers.decode.LivePipeline;
import dev.tcpstate.parsers.decode.PacketDecoder;
import dev.tcpstate.parsers.decode.TcpPacket;
import dev.tcpstate.parsers.live.LiveCapture;
import dev.tcpstate.parsers.live.LiveCaptureException;
import dev.tcpstate.parsers.live.LiveStats;
import dev.tcpstate.parsers.live.PcapWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code tcpstate live}: captures from an interface and reports anomalies as they happen; {@code --replay} feeds the
 * same read path and analysis from a capture file.
 */
@Command(name = "live",
        description = {"Captures from a network interface (libpcap) and replays both endpoints' state machines as"
                + " packets arrive: anomalies are printed as they are found, timers (TIME-WAIT, FIN-WAIT-2, SYN flood"
                + " windows) also run on the wall clock while the interface is quiet, and when capturing stops"
                + " (--duration, --count, Ctrl-C or SIGTERM) the final analysis runs and a summary follows.",
                "Capturing needs root, or CAP_NET_RAW and CAP_NET_ADMIN on the java binary.",
                "--replay FILE runs the same read path and analysis on a capture file instead, through libpcap's"
                        + " offline reader, as fast as it goes and on capture time only: to try a filter or settings"
                        + " on a recorded trace, or to measure what the live path keeps up with."},
        mixinStandardHelpOptions = true,
        sortOptions = false,
        footerHeading = "%nExamples:%n",
        footer = {"  tcpstate live -i eth0 -f 'tcp port 443'",
                "  tcpstate live -i eth0 --format jsonl | jq 'select(.severity != \"INFO\")'",
                "  tcpstate live -i lo -f 'tcp port 8080' --duration 60 -w trace.pcap --fail-on-severity warning",
                "  tcpstate live --replay trace.pcap -f 'tcp port 443' -w port443.pcap"})
final class LiveCommand implements Callable<Integer> {

    enum Format { TEXT, JSONL }

    @Option(names = {"-i", "--interface"}, paramLabel = "IFACE",
            description = "Interface to capture on (see 'tcpstate interfaces'); 'any' captures on all. Required unless"
                    + " --replay is given.")
    String iface;

    @Option(names = "--replay", paramLabel = "FILE",
            description = "Instead of an interface, read this pcap or pcapng file through libpcap's offline reader,"
                    + " as fast as it goes, with the same read path, filter and analysis; timers run on capture time"
                    + " only. To try a filter or settings on a recorded trace, or to measure capacity.")
    String replayFile;

    @Option(names = {"-f", "--filter"}, paramLabel = "FILTER",
            description = "BPF filter in tcpdump syntax, e.g. 'tcp port 443'.")
    String filter;

    @Option(names = "--snaplen", paramLabel = "BYTES",
            description = "Bytes kept per packet (default: " + LiveCapture.DEFAULT_SNAPLEN + ": headers only; the"
                    + " analysis takes segment lengths from the IP header). With --replay: packets are cut to it as"
                    + " a capture would cut them (default: kept as the file holds them).")
    Integer snaplen;

    @Option(names = "--promisc", description = "Put the interface in promiscuous mode.")
    boolean promisc;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop after this many seconds (with --replay:"
            + " of capture time, from the first packet).")
    Double durationSeconds;

    @Option(names = "--count", paramLabel = "N", description = "Stop after N packets.")
    Long count;

    @Option(names = "-w", paramLabel = "FILE.pcap",
            description = "Also write the captured packets to this classic pcap file (readable by tcpdump, Wireshark"
                    + " and tcpstate).")
    Path pcapFile;

    @Option(names = "--connections", paramLabel = "FILE",
            description = "Write each connection as it leaves the table: JSON Lines, or CSV when FILE ends in .csv,"
                    + " or text when it ends in .txt.")
    Path connectionsFile;

    @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT",
            description = "Anomaly records on standard output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE});"
                    + " records are flushed as soon as the packets that produced them have been analysed.")
    Format format;

    @Option(names = "--min-severity", defaultValue = "info", paramLabel = "SEVERITY",
            description = "Only print anomalies of this severity or higher: ${COMPLETION-CANDIDATES}.")
    Severity minSeverity;

    @Option(names = "--code", split = ",", paramLabel = "CODE",
            description = "Only print these anomaly codes (comma-separated or repeated).")
    List<String> codes;

    @Option(names = "--fail-on", split = ",", paramLabel = "CODE",
            description = "Exit with 1 if any anomaly with one of these codes was found.")
    List<String> failOn;

    @Option(names = "--fail-on-severity", paramLabel = "SEVERITY",
            description = "Exit with 1 if any anomaly of this severity or higher was found: ${COMPLETION-CANDIDATES}.")
    Severity failOnSeverity;

    @Option(names = "--status", description = "Print the status line on standard error even when it is not a"
            + " terminal (it is printed on a terminal anyway).")
    boolean status;

    @Option(names = "--status-interval", defaultValue = "5", paramLabel = "SECONDS",
            description = "Seconds between status lines (default: ${DEFAULT-VALUE}).")
    double statusInterval;


    @Mixin
    SettingsOptions settings;

    @Spec
    CommandSpec spec;

    private static final long SEC = 1_000_000_000L;
    /** How far behind the wall clock the timers are run while quiet, for packets still on their way through libpcap. */
    private static final long WALL_CLOCK_LAG_NANOS = 200_000_000L;

    private final CountDownLatch done = new CountDownLatch(1);
    private volatile boolean stopRequested;
    private volatile int exitCode = ExitCode.OK;
    /** When capturing started: monotonic (for --duration) and wall clock (for the summary). */
    private long openedMono;
    private long openedWall;

    @Override
    public Integer call() {
        CommandLine cmd = spec.commandLine();
        PrintWriter out = cmd.getOut();
        PrintWriter err = cmd.getErr();
        validate(cmd);
        Set<AnomalyType> shown = AnomaliesCommand.parseCodes(cmd, codes);
        Set<AnomalyType> failCodes = failOn == null || failOn.isEmpty()
                ? EnumSet.noneOf(AnomalyType.class) : AnomaliesCommand.parseCodes(cmd, failOn);

        LiveCapture cap;
        try {
            cap = replayFile != null
                    ? LiveCapture.replay(replayFile, filter, snaplen == null ? 0 : snaplen)
                    : LiveCapture.open(new LiveCapture.Options(iface,
                            snaplen == null ? LiveCapture.DEFAULT_SNAPLEN : snaplen, promisc, filter,
                            LiveCapture.DEFAULT_BUFFER_BYTES));
        } catch (LiveCaptureException e) {
            int code = e.kind() == LiveCaptureException.Kind.BAD_FILTER ? ExitCode.USAGE : ExitCode.CAPTURE_UNREADABLE;
            throw new CliException(code, e.getMessage(), e);
        }
        openedMono = System.nanoTime();
        openedWall = wallNanos();
        Thread hook = new Thread(this::onSignal, "tcpstate-live-stop");
        boolean hooked = false;
        PcapWriter pcap = null;
        PrintWriter connOut = null;
        ConnectionWriter connWriter = null;
        try {
            if (pcapFile != null) {
                try {
                    pcap = new PcapWriter(pcapFile, cap.linkType(), cap.snaplen());
                } catch (IOException e) {
                    throw new CliException(ExitCode.USAGE, "-w " + pcapFile + ": cannot write: " + reason(e), e);
                }
            }
            if (connectionsFile != null) {
                try {
                    connOut = new StreamPrintWriter(Files.newOutputStream(connectionsFile), "--connections " + connectionsFile, 1 << 16);
                } catch (IOException e) {
                    throw new CliException(ExitCode.USAGE, "--connections " + connectionsFile + ": cannot write: "
                            + reason(e), e);
                }
                connWriter = ConnectionWriter.create(connectionsFormat(connectionsFile), connOut, false);
            }
            Runtime.getRuntime().addShutdownHook(hook);
            hooked = true;
            if (cap.isReplay()) {
                err.println("tcpstate: replaying " + replayFile + (filter == null ? "" : " (filter '" + filter + "')")
                        + " through libpcap, snap length " + cap.snaplen());
            } else {
                err.println("tcpstate: capturing on " + iface + (filter == null ? "" : " (filter '" + filter + "')")
                        + ", snap length " + cap.snaplen() + "; Ctrl-C stops");
            }
            err.flush();
            exitCode = capture(cap, out, err, pcap, connWriter, shown, failCodes);
            return exitCode;
        } finally {
            cap.close();
            closeQuietly(pcap, err, "-w " + pcapFile);
            if (connWriter != null) {
                connWriter.close();
            }
            if (connOut != null) {
                connOut.close();
            }
            out.flush();
            err.flush();
            done.countDown();
            if (hooked) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running: it ends the process with this command's exit code
                }
            }
        }
    }

    private int capture(LiveCapture cap, PrintWriter out, PrintWriter err, PcapWriter pcap, ConnectionWriter connWriter,
                        Set<AnomalyType> shown, Set<AnomalyType> failCodes) {
        AnalyzeCommand.Summary summary = new AnalyzeCommand.Summary();
        // The connection writer writes a connection out before the tracker reuses its objects, as analyze does.
        ConnectionListener next = connWriter == null ? summary : new ConnectionListener() {
            @Override
            public void onConnectionEnd(Connection c) {
                summary.onConnectionEnd(c);
                connWriter.write(c);
            }
        };
        AnomalyWriter writer = AnomalyWriter.create(format == Format.JSONL ? AnomalyWriter.Format.JSONL
                : AnomalyWriter.Format.TEXT, out);
        Loop loop = new Loop(cap, out, err, summary);
        AnomalyDetector detector = new AnomalyDetector(settings.anomalies(), a -> {
            summary.anomaly(a);
            if (violates(a, failCodes)) {
                loop.violations++;
            }
            if (AnomaliesCommand.accepts(a, minSeverity, shown)) {
                writer.write(a);
                loop.unflushed = true;
            }
        }, next).recycleMarks();
        ConnectionTracker tracker = new ConnectionTracker(settings.analyzer(), detector).recycleConnections();
        int maxConnections = settings.maxConnections();
        tracker.setMaxLiveConnections(maxConnections);
        if (connWriter == null) {
            tracker.withoutZeekView(); // no connection record to give conn_state and history in
        }
        loop.detector = detector;
        loop.tracker = tracker;

        LivePipeline pipeline = new LivePipeline(cap, new PacketDecoder(settings.decoder()));
        loop.pipeline = pipeline;
        if (pcap != null) {
            pipeline.writeTo(pcap);
        }
        if (count != null) {
            pipeline.maxPackets(count);
        }
        if (cap.isReplay() && durationSeconds != null) {
            pipeline.captureTimeLimit((long) (durationSeconds * SEC));
        }
        int code = ExitCode.OK;
        try {
            pipeline.run(loop);
        } catch (IOException e) {
            err.println("tcpstate: " + e.getMessage());
            code = ExitCode.CAPTURE_UNREADABLE;
        }
        loop.reportWriteFailure();
        if (loop.code != ExitCode.OK) {
            code = loop.code;
        }
        LiveStats stats = cap.stats();
        long end = !cap.isReplay() ? Math.max(wallNanos(), loop.lastPacketNanos)
                : loop.lastPacketNanos == Long.MIN_VALUE ? 0 : loop.lastPacketNanos;
        tracker.finish(end);
        detector.finish(end);
        summary.suppressed(detector.suppressedCounts());
        summary.fullTables(detector, settings.anomalies().maxTrackedKeys());
        writer.close();
        out.flush();

        PrintWriter sout = format == Format.TEXT ? out : err;
        if (format == Format.TEXT && writer.written == 0) {
            sout.println("no anomalies");
        }
        sout.println();
        long start = cap.isReplay() ? loop.firstPacketNanos : openedWall;
        printSummary(sout, start, end, loop.packets, loop.segments, stats, tracker, summary,
                pcap == null ? null : pipeline.writeFailure() != null ? -1 : pcap.records());
        sout.flush();
        if (code == ExitCode.OK && loop.violations > 0) {
            err.println("tcpstate: policy violated: " + loop.violations + " anomal" + (loop.violations == 1 ? "y" : "ies")
                    + " matched " + policyText());
            code = ExitCode.POLICY_VIOLATED;
        }
        return code;
    }

    /**
     * The analysis side of the pipeline: every packet into the tracker, and on every tick the housekeeping (flushing
     * the anomaly records, the status line, the stop, and while the interface is quiet, the timers on the wall clock).
     */
    private final class Loop implements LivePipeline.Sink {
        private final LiveCapture cap;
        private final PrintWriter out;
        private final PrintWriter err;
        private final AnalyzeCommand.Summary summary;
        private final boolean statusOn = status || stderrIsTerminal();
        private final long statusEvery = (long) (statusInterval * SEC);
        private final long stopAt;
        private long nextStatus;
        private long nextFlush;
        ConnectionTracker tracker;
        AnomalyDetector detector;
        LivePipeline pipeline;
        long packets;
        long segments;
        long firstPacketNanos = Long.MIN_VALUE;
        long lastPacketNanos = Long.MIN_VALUE;
        long violations;
        boolean unflushed;
        int code = ExitCode.OK;
        private long evictionsWarned;
        private boolean stopping;
        private boolean writeFailureReported;

        Loop(LiveCapture cap, PrintWriter out, PrintWriter err, AnalyzeCommand.Summary summary) {
            this.cap = cap;
            this.out = out;
            this.err = err;
            this.summary = summary;
            long started = openedMono;
            // A replay runs on capture time alone: its --duration is a capture time limit in the pipeline.
            this.stopAt = durationSeconds == null || cap.isReplay() ? Long.MAX_VALUE
                    : started + (long) (durationSeconds * SEC);
            this.nextStatus = started + statusEvery;
            this.nextFlush = started + SEC;
        }

        @Override
        public void accept(PacketRecord record, DecodeResult result, TcpPacket tcp) {
            long t = record.timestampNanos;
            packets++;
            if (firstPacketNanos == Long.MIN_VALUE) {
                firstPacketNanos = t;
            }
            if (t > lastPacketNanos) {
                lastPacketNanos = t;
            }
            if (tcp != null) {
                segments++;
                tracker.onPacket(tcp);
            } else {
                tracker.advanceTime(t);
            }
            if (tracker.evictedConnections() > evictionsWarned) {
                if (evictionsWarned == 0) {
                    err.println("tcpstate: warning: more than " + settings.maxConnections() + " live connections;"
                            + " the least recently active leave the table early (--max-connections)");
                    err.flush();
                }
                evictionsWarned = tracker.evictedConnections();
            }
        }

        @Override
        public long tick(boolean quiet) {
            if (quiet && !cap.isReplay()) {
                // Quiet: let the timers run on the wall clock, a little behind it for packets still in flight.
                long t = wallNanos() - WALL_CLOCK_LAG_NANOS;
                tracker.advanceTime(t);
                detector.advanceTime(t);
            }
            if (unflushed) {
                // Anomaly records go out as soon as the packets that produced them have been analysed.
                unflushed = false;
                out.flush();
            }
            reportWriteFailure();
            long mono = System.nanoTime();
            if (!stopping && (stopRequested || mono - stopAt >= 0)) {
                stopping = true;
                pipeline.stop();
            }
            if (mono - nextFlush >= 0) {
                nextFlush = mono + SEC;
                out.flush();
            }
            if (statusOn && mono - nextStatus >= 0) {
                nextStatus = mono + statusEvery;
                err.println(statusLine(packets, tracker, summary, pipeline.stats()));
                err.flush();
            }
            return stopping ? 250 : Math.min(250, Math.max(1, (stopAt - mono) / 1_000_000L));
        }

        /** Prints the -w write failure, once, when there was one (the exit code is then 3). */
        void reportWriteFailure() {
            IOException e = pipeline.writeFailure();
            if (e != null && !writeFailureReported) {
                writeFailureReported = true;
                err.println("tcpstate: -w " + pcapFile + ": write failed: " + reason(e) + "; capturing on");
                err.flush();
                code = ExitCode.CAPTURE_UNREADABLE;
            }
        }
    }

    private boolean violates(Anomaly a, Set<AnomalyType> failCodes) {
        return failCodes.contains(a.type())
                || (failOnSeverity != null && a.severity().compareTo(failOnSeverity) >= 0);
    }

    private String policyText() {
        StringBuilder sb = new StringBuilder();
        if (failOn != null && !failOn.isEmpty()) {
            sb.append("--fail-on ").append(String.join(",", failOn));
        }
        if (failOnSeverity != null) {
            if (sb.length() > 0) {
                sb.append(" or ");
            }
            sb.append("--fail-on-severity ").append(failOnSeverity.name().toLowerCase(Locale.ROOT));
        }
        return sb.toString();
    }

    /** {@code written}: packets written to the -w file, -1 when a write failed, null without -w. */
    private void printSummary(PrintWriter o, long startWall, long end, long packets, long segments, LiveStats stats,
                              ConnectionTracker tracker, AnalyzeCommand.Summary s, Long written) {
        String filtered = filter == null ? "" : " (filter '" + filter + "')";
        if (replayFile != null) {
            row(o, "replayed", replayFile + filtered);
            row(o, "captured", packets == 0 ? "no packets"
                    : CaptureTime.format(startWall) + " to " + CaptureTime.format(end));
        } else {
            row(o, "interface", iface + filtered);
            row(o, "captured", CaptureTime.format(startWall) + " to " + CaptureTime.format(end));
        }
        row(o, "packets", Long.toString(packets));
        if (replayFile == null) {
            row(o, "kernel", stats == null ? "statistics unavailable"
                    : stats.received() + " received, " + stats.dropped() + " dropped, " + stats.droppedByInterface()
                    + " dropped by the interface");
        }
        row(o, "TCP segments", Long.toString(segments));
        row(o, "connections", Long.toString(s.connections));
        row(o, "anomalies", s.anomalies + (s.suppressedTotal() > 0
                ? " (and " + s.suppressedTotal() + " repeats not reported)" : ""));
        List<String> fullTables = s.fullTableLines();
        if (tracker.evictedConnections() > 0) {
            fullTables = new ArrayList<>(fullTables);
            fullTables.add(0, Analysis.evictionText(settings.maxConnections(), tracker.evictedConnections()));
        }
        for (int i = 0; i < fullTables.size(); i++) {
            row(o, i == 0 ? "tables full" : "", fullTables.get(i));
        }
        if (pcapFile != null) {
            row(o, "written", pcapFile + (written == null || written < 0 ? " (incomplete: a write failed)"
                    : " (" + written + " packets)"));
        }
        o.println();
        o.println("Connections by final state (originator/responder):");
        if (s.connections == 0) {
            o.println("  none");
        }
        for (Map.Entry<String, Long> e : s.sortedPairs()) {
            o.printf("  %9d  %s%n", e.getValue(), e.getKey());
        }
        o.println();
        o.println("Anomalies by code:");
        if (s.codes.isEmpty()) {
            o.println("  none");
        }
        for (AnalyzeCommand.CodeCount c : s.sortedCodes()) {
            o.printf("  %-7s  %-32s %9d%s%n", c.severity, c.type.code(), c.count,
                    c.suppressed > 0 ? "  (" + c.suppressed + " more not reported: repeat limit)" : "");
        }
    }

    private static void row(PrintWriter out, String label, String value) {
        out.printf("%-15s %s%n", label, value);
    }

    private String statusLine(long packets, ConnectionTracker tracker, AnalyzeCommand.Summary s, LiveStats stats) {
        return "tcpstate: " + LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + "  packets " + packets
                + "  connections " + tracker.liveConnections() + " live, " + s.connections + " ended"
                + (tracker.evictedConnections() > 0 ? ", " + tracker.evictedConnections() + " evicted" : "")
                + "  anomalies " + s.anomalies
                + (replayFile != null ? ""
                : "  kernel drops " + (stats == null ? "?" : Long.toString(stats.dropped() + stats.droppedByInterface())));
    }

    /** Ctrl-C or SIGTERM: stop capturing, let the command finish its outputs, then end with its exit code. */
    private void onSignal() {
        stopRequested = true;
        try {
            if (done.await(30, TimeUnit.SECONDS)) {
                // System.exit from the main thread would wait for this hook forever: end with the command's code.
                Runtime.getRuntime().halt(exitCode);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void validate(CommandLine cmd) {
        if (durationSeconds != null && !(durationSeconds > 0)) {
            throw new CommandLine.ParameterException(cmd, "--duration must be a positive number of seconds");
        }
        if (count != null && count < 1) {
            throw new CommandLine.ParameterException(cmd, "--count must be at least 1");
        }
        if (replayFile != null && iface != null) {
            throw new CommandLine.ParameterException(cmd, "--replay and -i/--interface cannot be used together:"
                    + " --replay reads a capture file instead of an interface");
        }
        if (replayFile == null && iface == null) {
            throw new CommandLine.ParameterException(cmd, "Missing required option: '--interface=IFACE'"
                    + " (or --replay FILE)");
        }
        if (replayFile != null && promisc) {
            throw new CommandLine.ParameterException(cmd, "--promisc applies to an interface, not to --replay");
        }
        if (snaplen != null && (snaplen < 64 || snaplen > 262_144)) {
            throw new CommandLine.ParameterException(cmd, "--snaplen must be between 64 and 262144 bytes");
        }
        if (!(statusInterval > 0)) {
            throw new CommandLine.ParameterException(cmd, "--status-interval must be a positive number of seconds");
        }
    }

    static ConnectionWriter.Format connectionsFormat(Path p) {
        String n = p.getFileName() == null ? "" : p.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".csv")) {
            return ConnectionWriter.Format.CSV;
        }
        if (n.endsWith(".txt")) {
            return ConnectionWriter.Format.TEXT;
        }
        return ConnectionWriter.Format.JSONL;
    }

    /** True when the process's standard error is a terminal (Linux: fd 2 is a tty or pseudo-terminal). */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    private static long wallNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * SEC + now.getNano();
    }

    private static String reason(IOException e) {
        String m = e.getMessage();
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such directory";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return m == null ? e.getClass().getSimpleName() : m;
    }

    private static void closeQuietly(PcapWriter w, PrintWriter err, String what) {
        if (w != null) {
            try {
                w.close();
            } catch (IOException e) {
                err.println("tcpstate: " + what + ": " + reason(e));
            }
        }
    }
}
