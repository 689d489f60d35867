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
import dev.tcpstate.parsers.decode.PacketDecoder;
import dev.tcpstate.parsers.decode.TcpPacket;
import dev.tcpstate.parsers.live.LiveCapture;
import dev.tcpstate.parsers.live.LiveCaptureException;
import dev.tcpstate.parsers.live.LiveStats;
import dev.tcpstate.parsers.live.PcapWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
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

/** {@code tcpstate live}: captures from an interface and reports anomalies as they happen. */
@Command(name = "live",
        description = {"Captures from a network interface (libpcap) and replays both endpoints' state machines as"
                + " packets arrive: anomalies are printed as they are found, timers (TIME-WAIT, FIN-WAIT-2, SYN flood"
                + " windows) also run on the wall clock while the interface is quiet, and when capturing stops"
                + " (--duration, --count, Ctrl-C or SIGTERM) the final analysis runs and a summary follows.",
                "Capturing needs root, or CAP_NET_RAW and CAP_NET_ADMIN on the java binary."},
        mixinStandardHelpOptions = true,
        sortOptions = false,
        footerHeading = "%nExamples:%n",
        footer = {"  tcpstate live -i eth0 -f 'tcp port 443'",
                "  tcpstate live -i eth0 --format jsonl | jq 'select(.severity != \"INFO\")'",
                "  tcpstate live -i lo -f 'tcp port 8080' --duration 60 -w trace.pcap --fail-on-severity warning"})
final class LiveCommand implements Callable<Integer> {

    enum Format { TEXT, JSONL }

    @Option(names = {"-i", "--interface"}, required = true, paramLabel = "IFACE",
            description = "Interface to capture on (see 'tcpstate interfaces'); 'any' captures on all.")
    String iface;

    @Option(names = {"-f", "--filter"}, paramLabel = "FILTER",
            description = "BPF filter in tcpdump syntax, e.g. 'tcp port 443'.")
    String filter;

    @Option(names = "--snaplen", defaultValue = "" + LiveCapture.DEFAULT_SNAPLEN, paramLabel = "BYTES",
            description = "Bytes kept per packet (default: ${DEFAULT-VALUE}: headers only; the analysis takes segment"
                    + " lengths from the IP header).")
    int snaplen;

    @Option(names = "--promisc", description = "Put the interface in promiscuous mode.")
    boolean promisc;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop after this many seconds.")
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
                    + " each record is flushed as it is written.")
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

    @Option(names = "--max-connections", defaultValue = "1000000", paramLabel = "N",
            description = "Most connections kept live at once; beyond it the least recently active leave the table"
                    + " early and are counted as evicted (default: ${DEFAULT-VALUE}).")
    int maxConnections;

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
            cap = LiveCapture.open(new LiveCapture.Options(iface, snaplen, promisc, filter,
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
                    connOut = new PrintWriter(new OutputStreamWriter(Files.newOutputStream(connectionsFile),
                            StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new CliException(ExitCode.USAGE, "--connections " + connectionsFile + ": cannot write: "
                            + reason(e), e);
                }
                connWriter = ConnectionWriter.create(connectionsFormat(connectionsFile), connOut, false);
            }
            Runtime.getRuntime().addShutdownHook(hook);
            hooked = true;
            err.println("tcpstate: capturing on " + iface + (filter == null ? "" : " (filter '" + filter + "')")
                    + ", snap length " + cap.snaplen() + "; Ctrl-C stops");
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
        ConnectionListener next = connWriter == null ? summary : new ConnectionListener() {
            @Override
            public void onConnectionEnd(Connection c) {
                summary.onConnectionEnd(c);
                connWriter.write(c);
            }
        };
        long[] violations = {0};
        AnomalyWriter writer = AnomalyWriter.create(format == Format.JSONL ? AnomalyWriter.Format.JSONL
                : AnomalyWriter.Format.TEXT, out);
        AnomalyDetector detector = new AnomalyDetector(settings.anomalies(), a -> {
            summary.anomaly(a);
            if (violates(a, failCodes)) {
                violations[0]++;
            }
            if (AnomaliesCommand.accepts(a, minSeverity, shown)) {
                writer.write(a);
                out.flush();
            }
        }, next);
        ConnectionTracker tracker = new ConnectionTracker(settings.analyzer(), detector);
        tracker.setMaxLiveConnections(maxConnections);
        PacketDecoder decoder = new PacketDecoder(settings.decoder());
        PacketRecord record = new PacketRecord();
        TcpPacket tcp = new TcpPacket();

        boolean statusOn = status || stderrIsTerminal();
        long statusEvery = (long) (statusInterval * SEC);
        long started = openedMono;
        long stopAt = started + (durationSeconds == null ? Long.MAX_VALUE / 2 : (long) (durationSeconds * SEC));
        long nextStatus = started + statusEvery;
        long nextFlush = started + SEC;
        long packets = 0, segments = 0, lastPacketNanos = Long.MIN_VALUE;
        long evictionsWarned = 0;
        int code = ExitCode.OK;
        long startWall = openedWall;

        // Once told to stop (signal, --duration), the packets libpcap already holds are still taken, up to the
        // moment of the stop, so what was on the wire before it is analysed and written.
        boolean draining = false;
        long drainUntil = Long.MAX_VALUE;
        while (count == null || packets < count) {
            long mono = System.nanoTime();
            if (!draining && (stopRequested || mono - stopAt >= 0)) {
                draining = true;
                drainUntil = wallNanos();
            }
            boolean got;
            try {
                got = cap.poll(record, draining ? 0 : Math.min(250, Math.max(1, (stopAt - mono) / 1_000_000L)));
            } catch (IOException e) {
                err.println("tcpstate: " + e.getMessage());
                code = ExitCode.CAPTURE_UNREADABLE;
                break;
            }
            if (draining && (!got || record.timestampNanos > drainUntil)) {
                break;
            }
            if (got) {
                packets++;
                if (record.timestampNanos > lastPacketNanos) {
                    lastPacketNanos = record.timestampNanos;
                }
                if (pcap != null) {
                    try {
                        pcap.write(record);
                    } catch (IOException e) {
                        err.println("tcpstate: -w " + pcapFile + ": write failed: " + reason(e) + "; capturing on");
                        closeQuietly(pcap, err, null);
                        pcap = null;
                        code = ExitCode.CAPTURE_UNREADABLE;
                    }
                }
                if (decoder.decode(record, tcp) == DecodeResult.TCP) {
                    segments++;
                    tracker.onPacket(tcp);
                } else {
                    tracker.advanceTime(record.timestampNanos);
                }
                if (tracker.evictedConnections() > evictionsWarned) {
                    if (evictionsWarned == 0) {
                        err.println("tcpstate: warning: more than " + maxConnections + " live connections; the least"
                                + " recently active leave the table early (--max-connections)");
                        err.flush();
                    }
                    evictionsWarned = tracker.evictedConnections();
                }
            } else {
                // Quiet: let the timers run on the wall clock, a little behind it for packets still in flight.
                long t = wallNanos() - WALL_CLOCK_LAG_NANOS;
                tracker.advanceTime(t);
                detector.advanceTime(t);
            }
            mono = System.nanoTime();
            if (mono - nextFlush >= 0) {
                nextFlush = mono + SEC;
                flushQuietly(pcap);
                out.flush();
            }
            if (statusOn && mono - nextStatus >= 0) {
                nextStatus = mono + statusEvery;
                err.println(statusLine(packets, tracker, summary, cap.stats()));
                err.flush();
            }
        }
        cap.stop();
        LiveStats stats = cap.stats();
        long end = Math.max(wallNanos(), lastPacketNanos);
        tracker.finish(end);
        detector.finish(end);
        summary.suppressed(detector.suppressedCounts());
        writer.close();
        out.flush();

        PrintWriter sout = format == Format.TEXT ? out : err;
        if (format == Format.TEXT && writer.written == 0) {
            sout.println("no anomalies");
        }
        sout.println();
        printSummary(sout, startWall, end, packets, segments, stats, tracker, summary, pcap);
        sout.flush();
        if (code == ExitCode.OK && violations[0] > 0) {
            err.println("tcpstate: policy violated: " + violations[0] + " anomal" + (violations[0] == 1 ? "y" : "ies")
                    + " matched " + policyText());
            code = ExitCode.POLICY_VIOLATED;
        }
        return code;
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

    private void printSummary(PrintWriter o, long startWall, long end, long packets, long segments, LiveStats stats,
                              ConnectionTracker tracker, AnalyzeCommand.Summary s, PcapWriter pcap) {
        row(o, "interface", iface + (filter == null ? "" : " (filter '" + filter + "')"));
        row(o, "captured", CaptureTime.format(startWall) + " to " + CaptureTime.format(end));
        row(o, "packets", Long.toString(packets));
        row(o, "kernel", stats == null ? "statistics unavailable"
                : stats.received() + " received, " + stats.dropped() + " dropped, " + stats.droppedByInterface()
                + " dropped by the interface");
        row(o, "TCP segments", Long.toString(segments));
        row(o, "connections", s.connections + (tracker.evictedConnections() > 0
                ? " (" + tracker.evictedConnections() + " evicted early: --max-connections)" : ""));
        row(o, "anomalies", s.anomalies + (s.suppressedTotal() > 0
                ? " (and " + s.suppressedTotal() + " repeats not reported)" : ""));
        if (pcapFile != null) {
            row(o, "written", pcapFile + (pcap == null ? " (incomplete: a write failed)"
                    : " (" + pcap.records() + " packets)"));
        }
        o.println();
        o.println("Connections by final state (originator/responder):");
        if (s.statePairs.isEmpty()) {
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
                + "  kernel drops " + (stats == null ? "?" : Long.toString(stats.dropped() + stats.droppedByInterface()));
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
        if (snaplen < 64 || snaplen > 262_144) {
            throw new CommandLine.ParameterException(cmd, "--snaplen must be between 64 and 262144 bytes");
        }
        if (!(statusInterval > 0)) {
            throw new CommandLine.ParameterException(cmd, "--status-interval must be a positive number of seconds");
        }
        if (maxConnections < 1) {
            throw new CommandLine.ParameterException(cmd, "--max-connections must be at least 1");
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

    private static void flushQuietly(PcapWriter w) {
        if (w != null) {
            try {
                w.flush();
            } catch (IOException e) {
                // reported on close
            }
        }
    }

    private static void closeQuietly(PcapWriter w, PrintWriter err, String what) {
        if (w != null) {
            try {
                w.close();
            } catch (IOException e) {
                if (what != null) {
                    err.println("tcpstate: " + what + ": " + reason(e));
                }
            }
        }
    }
}
