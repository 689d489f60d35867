package dev.tcpstate.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tcpstate.analyzer.ConnectionListener;
import dev.tcpstate.analyzer.anomaly.Anomaly;
import dev.tcpstate.analyzer.anomaly.AnomalyDetector;
import dev.tcpstate.analyzer.anomaly.AnomalySettings;
import dev.tcpstate.analyzer.anomaly.AnomalyType;
import dev.tcpstate.analyzer.anomaly.Severity;
import dev.tcpstate.analyzer.tcp.TcpState;
import dev.tcpstate.analyzer.track.Connection;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code tcpstate analyze}: what a capture holds, how its connections ended, and what went wrong. */
@Command(name = "analyze",
        description = {"The report to read first: capture facts (packets, time span, TCP segments, connections),"
                + " connections counted by the final state of both endpoints, anomalies counted by code with their"
                + " first examples, then every anomaly."},
        mixinStandardHelpOptions = true,
        sortOptions = false,
        footerHeading = "%nExamples:%n",
        footer = {"  tcpstate analyze trace.pcap",
                "  tcpstate analyze --format json trace.pcapng | jq '.state_pairs'",
                "  tcpstate analyze trace.pcap --connections conns.csv --anomalies anomalies.jsonl -o report.txt",
                "  tcpstate analyze --per-file host-a.pcap host-b.pcap",
                "  tcpstate analyze --host 10.0.0.2 --port 443 --between 60 120 trace.pcap"})
final class AnalyzeCommand implements Callable<Integer> {

    enum Format { TEXT, JSON }

    /** Examples kept per anomaly code. */
    static final int EXAMPLES = 3;

    @Parameters(arity = "1..*", paramLabel = "CAPTURE",
            description = "pcap or pcapng file, optionally gzip-compressed; '-' reads standard input.")
    List<String> captures;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: text, or what the --output file's"
                    + " extension names: .txt, .json).")
    Format format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the report to FILE, not to"
            + " standard output.")
    Path output;

    @Option(names = "--connections", paramLabel = "FILE",
            description = "Also write every connection to FILE, in the same pass, as the extension says"
                    + " (.csv, .jsonl, .txt), with the records of 'tcpstate connections'.")
    Path connectionsFile;

    @Option(names = "--anomalies", paramLabel = "FILE",
            description = "Also write every anomaly to FILE, in the same pass, as the extension says"
                    + " (.csv, .jsonl, .txt), with the records of 'tcpstate anomalies'.")
    Path anomaliesFile;

    @Option(names = "--per-file", description = "Analyse each capture on its own (one report each) instead of"
            + " merging them in timestamp order into one analysis.")
    boolean perFile;

    @Mixin
    FilterOptions filters;

    @Mixin
    SettingsOptions settings;

    @Spec
    CommandSpec spec;

    /** Counts for one anomaly code. */
    static final class CodeCount {
        final AnomalyType type;
        long count;
        Severity severity;
        long suppressed;
        final List<Anomaly> examples = new ArrayList<>(EXAMPLES);

        CodeCount(AnomalyType type) {
            this.type = type;
        }
    }

    /** Counts connections by final state pair and anomalies by code; keeps neither connections nor anomalies. */
    static final class Summary implements ConnectionListener {
        /** Connections by final state of originator (first index) and responder: no allocation per connection. */
        private final long[][] statePairs = new long[TcpState.values().length][TcpState.values().length];
        final Map<AnomalyType, CodeCount> codes = new EnumMap<>(AnomalyType.class);
        long connections;
        long anomalies;

        @Override
        public void onConnectionEnd(Connection c) {
            connections++;
            statePairs[c.originator().state().ordinal()][c.responder().state().ordinal()]++;
        }

        void anomaly(Anomaly a) {
            anomalies++;
            CodeCount cc = codes.computeIfAbsent(a.type(), CodeCount::new);
            cc.count++;
            if (cc.severity == null || a.severity().compareTo(cc.severity) > 0) {
                cc.severity = a.severity();
            }
            if (cc.examples.size() < EXAMPLES) {
                cc.examples.add(a);
            }
        }

        void suppressed(Map<AnomalyType, Long> counts) {
            counts.forEach((t, n) -> {
                CodeCount cc = codes.computeIfAbsent(t, CodeCount::new);
                cc.suppressed = n;
                if (cc.severity == null) {
                    cc.severity = t.severity();
                }
            });
        }

        /** State pairs, most frequent first (ties by name). */
        List<Map.Entry<String, Long>> sortedPairs() {
            List<Map.Entry<String, Long>> pairs = new ArrayList<>();
            for (TcpState o : TcpState.values()) {
                for (TcpState r : TcpState.values()) {
                    long n = statePairs[o.ordinal()][r.ordinal()];
                    if (n > 0) {
                        pairs.add(Map.entry(o.name() + "/" + r.name(), n));
                    }
                }
            }
            return pairs.stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .toList();
        }

        /** Codes by severity (highest first), then count, then code. */
        List<CodeCount> sortedCodes() {
            return codes.values().stream()
                    .sorted(Comparator.comparing((CodeCount c) -> c.severity).reversed()
                            .thenComparing(Comparator.comparingLong((CodeCount c) -> c.count).reversed())
                            .thenComparing(c -> c.type.code()))
                    .toList();
        }

        long suppressedTotal() {
            return codes.values().stream().mapToLong(c -> c.suppressed).sum();
        }

        /**
         * Per aggregate code, the keys that left its full table early and the segments it could not count, and the
         * tables' limit.
         */
        final Map<AnomalyType, Long> droppedEarly = new EnumMap<>(AnomalyType.class);
        /** Per aggregate code whose keys left early: none had been idle less than this (ns of capture time). */
        final Map<AnomalyType, Long> shortestIdleDropped = new EnumMap<>(AnomalyType.class);
        final Map<AnomalyType, Long> notCounted = new EnumMap<>(AnomalyType.class);
        int keyLimit;

        void fullTables(AnomalyDetector d, int limit) {
            keyLimit = limit;
            for (AnomalyType t : AGGREGATE_CODES) {
                droppedEarly.put(t, d.droppedEarly(t));
                shortestIdleDropped.put(t, d.shortestIdleDroppedNanos(t));
                notCounted.put(t, d.untracked(t));
            }
        }

        /**
         * The idle time below which no key of {@code t} left its table early, in seconds rounded down to the
         * microsecond (so still a lower bound), or null when none left early.
         */
        java.math.BigDecimal shortestIdleDroppedSeconds(AnomalyType t) {
            long nanos = shortestIdleDropped.getOrDefault(t, -1L);
            return nanos < 0 ? null
                    : java.math.BigDecimal.valueOf(Math.floorDiv(nanos, 1_000L), 6).stripTrailingZeros();
        }

        /** One sentence per code and thing its table, full at times, did; none when every key fitted. */
        List<String> fullTableLines() {
            List<String> lines = new ArrayList<>();
            for (AnomalyType t : AGGREGATE_CODES) {
                String keys = switch (t) {
                    case SYN_FLOOD -> "listening ports";
                    case SYN_SCAN -> "source/target pairs";
                    default -> "SYN-ACK targets";
                };
                String events = switch (t) {
                    case SYN_FLOOD -> "SYNs to one listening port";
                    case SYN_SCAN -> "SYNs from one source to one target";
                    default -> "SYN-ACKs to one target";
                };
                String limit = t == AnomalyType.SYN_SCAN
                        ? keyLimit + ", and " + AnomalySettings.maxOneSynPairs(keyLimit) + " pairs that have sent one SYN"
                        : Integer.toString(keyLimit);
                long early = droppedEarly.getOrDefault(t, 0L);
                if (early > 0) {
                    lines.add(t.code() + ": the table of " + keys + " was full (limit " + limit + ";"
                            + " --max-tracked-keys): " + early + " left it early, the longest idle first, none idle"
                            + " less than " + shortestIdleDroppedSeconds(t).toPlainString() + " s, so a " + t.code() + " whose " + events + " come further apart than that may be"
                            + " missed");
                }
                long uncounted = notCounted.getOrDefault(t, 0L);
                if (uncounted > 0) {
                    lines.add(t.code() + ": the table of " + keys + " was full (limit " + keyLimit + ";"
                            + " --max-tracked-keys) of keys inside an interval: " + uncounted
                            + (t == AnomalyType.SYNACK_BACKSCATTER ? " SYN-ACKs" : " SYNs") + " were not counted");
                }
            }
            return lines;
        }
    }

    /** The anomalies counted per key in tables of bounded size ({@code --max-tracked-keys}). */
    static final List<AnomalyType> AGGREGATE_CODES = List.of(AnomalyType.SYN_FLOOD, AnomalyType.SYN_SCAN,
            AnomalyType.SYNACK_BACKSCATTER);

    /**
     * Says on standard error what the full aggregate tables of {@code d} let go early or left uncounted, if anything;
     * each line names {@code subject} (the captures analysed) unless it is null.
     */
    static void noteFullTables(PrintWriter err, AnomalyDetector d, int limit, String subject) {
        Summary s = new Summary();
        s.fullTables(d, limit);
        for (String line : s.fullTableLines()) {
            err.println("tcpstate: note: " + (subject == null ? "" : subject + ": ") + line);
        }
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        Format fmt = Output.format(format, "--output", output, Format.class);
        ConnectionWriter.Format connFmt = connectionsFile == null ? null
                : Output.format(null, "--connections", connectionsFile, ConnectionWriter.Format.class);
        AnomalyWriter.Format anomFmt = anomaliesFile == null ? null
                : Output.format(null, "--anomalies", anomaliesFile, AnomalyWriter.Format.class);
        Analysis.of(err, settings, filters, spec.commandLine()); // a bad filter fails before any output is opened
        PrintWriter out = Output.open(spec.commandLine().getOut(), output);
        PrintWriter connOut = connectionsFile == null ? null : OutputFile.open("--connections", connectionsFile);
        PrintWriter anomOut = anomaliesFile == null ? null : OutputFile.open("--anomalies", anomaliesFile);
        ConnectionWriter connWriter = connOut == null ? null : ConnectionWriter.create(connFmt, connOut, false);
        AnomalyWriter anomWriter = anomOut == null ? null : AnomalyWriter.create(anomFmt, anomOut, true);
        int code = ExitCode.OK;
        try {
            if (perFile && captures.size() > 1) {
                if (fmt == Format.JSON) {
                    out.println("[");
                }
                for (int i = 0; i < captures.size(); i++) {
                    if (i > 0) {
                        out.println(fmt == Format.JSON ? "," : "");
                    }
                    code = Math.max(code, analyse(List.of(captures.get(i)), fmt, out, err, connWriter, anomWriter));
                }
                if (fmt == Format.JSON) {
                    out.println("]");
                }
            } else {
                code = analyse(captures, fmt, out, err, connWriter, anomWriter);
            }
        } finally {
            if (connWriter != null) {
                connWriter.close();
                connOut.close();
            }
            if (anomWriter != null) {
                if (anomWriter.written == 0 && anomFmt == AnomalyWriter.Format.TEXT) {
                    anomOut.println("no anomalies");
                }
                anomWriter.close();
                anomOut.close();
            }
            Output.close(out, output);
        }
        return code;
    }

    /** Analyses one set of captures (merged) and prints its report. */
    private int analyse(List<String> names, Format fmt, PrintWriter out, PrintWriter err, ConnectionWriter connWriter,
                        AnomalyWriter anomWriter) throws IOException {
        Summary summary = new Summary();
        // The anomaly list follows the summary, so it waits in a temporary file: memory stays bounded.
        Path spool = Files.createTempFile("tcpstate-anomalies-", ".tmp");
        try {
            int code;
            try (PrintWriter spoolOut = new StreamPrintWriter(Files.newOutputStream(spool), "the spool file " + spool,
                    8192);
                 AnomalyWriter writer = AnomalyWriter.create(
                         fmt == Format.JSON ? AnomalyWriter.Format.JSONL : AnomalyWriter.Format.TEXT, spoolOut, true);
                 // the anomaly records are formatted and written off the analysing thread
                 Background<Anomaly> records = new Background<>("tcpstate-write", a -> {
                     writer.write(a);
                     if (anomWriter != null) {
                         anomWriter.write(a);
                     }
                 })) {
                ConnectionListener downstream = connWriter == null ? summary : c -> {
                    summary.onConnectionEnd(c);
                    connWriter.write(c);
                };
                AnomalyDetector detector = new AnomalyDetector(settings.anomalies(), a -> {
                    summary.anomaly(a);
                    records.accept(a);
                }, downstream).recycleMarks();
                Analysis analysis = Analysis.of(err, settings, filters, spec.commandLine()).recycleConnections();
                if (connWriter == null) {
                    analysis.withoutZeekView(); // no connection record to give conn_state and history in
                }
                code = analysis.runDetecting(names, detector);
                records.close();
                summary.suppressed(detector.suppressedCounts());
                summary.fullTables(detector, settings.anomalies().maxTrackedKeys());
                writer.close();
                spoolOut.flush();
                if (fmt == Format.JSON) {
                    printJson(out, names, analysis, summary, code == ExitCode.OK, spool);
                } else {
                    printText(out, names, analysis, summary, code == ExitCode.OK, spool);
                }
            }
            out.flush();
            return code;
        } finally {
            Files.deleteIfExists(spool);
        }
    }

    private static String seconds(long nanos) {
        return String.format("%d.%06d", nanos / 1_000_000_000L, nanos % 1_000_000_000L / 1000);
    }

    private void printText(PrintWriter out, List<String> captures, Analysis a, Summary s, boolean whole, Path spool) throws IOException {
        row(out, "captures", String.join(", ", captures));
        row(out, "packets", Long.toString(a.packets()));
        if (a.packets() > 0) {
            row(out, "first packet", CaptureTime.format(a.firstNanos()));
            row(out, "last packet", CaptureTime.format(a.lastNanos()));
            row(out, "duration", seconds(a.lastNanos() - a.firstNanos()) + " s");
        }
        row(out, "TCP segments", Long.toString(a.tcpSegments()));
        row(out, "connections", Long.toString(s.connections));
        row(out, "anomalies", s.anomalies + (s.suppressedTotal() > 0
                ? " (and " + s.suppressedTotal() + " repeats not reported)" : ""));
        row(out, "read whole", whole ? "yes" : "no (see the messages on standard error)");
        List<String> fullTables = s.fullTableLines();
        if (a.evictedConnections() > 0) {
            fullTables = new ArrayList<>(fullTables);
            fullTables.add(0, a.evictionText());
        }
        for (int i = 0; i < fullTables.size(); i++) {
            row(out, i == 0 ? "tables full" : "", fullTables.get(i));
        }

        out.println();
        out.println("Connections by final state (originator/responder):");
        if (s.connections == 0) {
            out.println("  none");
        }
        for (Map.Entry<String, Long> e : s.sortedPairs()) {
            out.printf("  %9d  %s%n", e.getValue(), e.getKey());
        }

        out.println();
        out.println("Anomalies by code:");
        if (s.codes.isEmpty()) {
            out.println("  none");
        }
        for (CodeCount c : s.sortedCodes()) {
            out.printf("  %-7s  %-32s %9d%s%n", c.severity, c.type.code(), c.count,
                    c.suppressed > 0 ? "  (" + c.suppressed + " more not reported: repeat limit)" : "");
            for (Anomaly x : c.examples) {
                out.println("             " + (x.packets().isEmpty() ? "(no packet)" : "packet " + x.packet())
                        + ": " + x.message());
            }
        }

        out.println();
        out.println("Anomalies:");
        if (s.anomalies == 0) {
            out.println("  none");
        }
        if (out instanceof StreamPrintWriter bytes) {
            // The spool holds the lines as they are printed, in UTF-8: its bytes go out as they are, not decoded
            // into lines and encoded again (a few hundred thousand anomalies are a few tens of MB, copied while
            // nothing else runs).
            try (InputStream in = Files.newInputStream(spool)) {
                byte[] block = new byte[1 << 16];
                for (int n; (n = in.read(block)) > 0; ) {
                    bytes.writeUtf8(block, 0, n);
                }
            }
            return;
        }
        try (BufferedReader r = Files.newBufferedReader(spool, StandardCharsets.UTF_8)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                out.println(line);
            }
        }
    }

    private static void row(PrintWriter out, String label, String value) {
        out.printf("%-15s %s%n", label, value);
    }

    private void printJson(PrintWriter out, List<String> captures, Analysis a, Summary s, boolean whole, Path spool) throws IOException {
        ObjectMapper mapper = Json.mapper();
        JsonGenerator g = mapper.getFactory().createGenerator(out);
        g.useDefaultPrettyPrinter();
        g.writeStartObject();
        g.writeNumberField("schema_version", Json.SCHEMA_VERSION);
        g.writeArrayFieldStart("captures");
        for (String c : captures) {
            g.writeString(c);
        }
        g.writeEndArray();
        g.writeBooleanField("read_whole", whole);
        g.writeNumberField("packets", a.packets());
        if (a.packets() > 0) {
            g.writeStringField("first_packet_time", CaptureTime.format(a.firstNanos()));
            g.writeStringField("last_packet_time", CaptureTime.format(a.lastNanos()));
            g.writeNumberField("duration_seconds", (a.lastNanos() - a.firstNanos()) / 1e9);
        }
        g.writeNumberField("tcp_segments", a.tcpSegments());
        g.writeNumberField("connections", s.connections);
        g.writeNumberField("evicted_connections", a.evictedConnections());
        g.writeNumberField("max_connections", a.maxConnections());
        g.writeObjectFieldStart("state_pairs");
        for (Map.Entry<String, Long> e : s.sortedPairs()) {
            g.writeNumberField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
        g.writeNumberField("anomaly_count", s.anomalies);
        g.writeNumberField("suppressed_count", s.suppressedTotal());
        g.writeObjectFieldStart("dropped_early");
        for (Map.Entry<AnomalyType, Long> e : s.droppedEarly.entrySet()) {
            g.writeNumberField(e.getKey().code(), e.getValue());
        }
        g.writeEndObject();
        g.writeObjectFieldStart("dropped_early_min_idle_seconds");
        for (AnomalyType t : AGGREGATE_CODES) {
            java.math.BigDecimal idle = s.shortestIdleDroppedSeconds(t);
            if (idle == null) {
                g.writeNullField(t.code());
            } else {
                g.writeNumberField(t.code(), idle);
            }
        }
        g.writeEndObject();
        g.writeObjectFieldStart("not_counted");
        for (Map.Entry<AnomalyType, Long> e : s.notCounted.entrySet()) {
            g.writeNumberField(e.getKey().code(), e.getValue());
        }
        g.writeEndObject();
        g.writeNumberField("max_tracked_keys", s.keyLimit);
        g.writeNumberField("max_one_syn_pairs", AnomalySettings.maxOneSynPairs(s.keyLimit));
        g.writeArrayFieldStart("anomalies_by_code");
        for (CodeCount c : s.sortedCodes()) {
            g.writeStartObject();
            g.writeStringField("code", c.type.code());
            g.writeStringField("severity", c.severity.name());
            g.writeNumberField("count", c.count);
            g.writeNumberField("suppressed", c.suppressed);
            g.writeArrayFieldStart("examples");
            for (Anomaly x : c.examples) {
                g.writeStartObject();
                g.writeFieldName("packet");
                if (x.packets().isEmpty()) {
                    g.writeNull();
                } else {
                    g.writeNumber(x.packet());
                }
                g.writeStringField("message", x.message());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("anomalies");
        try (BufferedReader r = Files.newBufferedReader(spool, StandardCharsets.UTF_8)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                g.writeTree(mapper.readTree(line));
            }
        }
        g.writeEndArray();
        g.writeEndObject();
        g.flush();
        out.println();
    }
}
