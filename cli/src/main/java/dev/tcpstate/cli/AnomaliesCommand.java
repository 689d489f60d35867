package dev.tcpstate.cli;

import dev.tcpstate.analyzer.ConnectionListener;
import dev.tcpstate.analyzer.anomaly.Anomaly;
import dev.tcpstate.analyzer.anomaly.AnomalyDetector;
import dev.tcpstate.analyzer.anomaly.AnomalyType;
import dev.tcpstate.analyzer.anomaly.Severity;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code tcpstate anomalies}: one record per anomaly, as the replay finds it. */
@Command(name = "anomalies",
        description = {"One record per anomaly found while replaying both endpoints' state machines: resets,"
                + " TIME-WAIT problems, incomplete closes, handshake failures, SYN floods, scans and backscatter,"
                + " protocol violations. Each record has a stable code, a severity, the packets that prove it, the"
                + " socket pair, the endpoint and its states, a one-sentence message and typed evidence.",
                "Records come out as they are found; anomalies the end of the capture proves come last."},
        mixinStandardHelpOptions = true,
        sortOptions = false,
        footerHeading = "%nExamples:%n",
        footer = {"  tcpstate anomalies trace.pcap",
                "  tcpstate anomalies --min-severity warning --format csv trace.pcap > anomalies.csv",
                "  tcpstate anomalies --code connection_refused,rst_to_half_open --format jsonl trace.pcap | jq .",
                "  tcpstate anomalies -o anomalies.jsonl --host 10.0.0.2 --port 443 trace.pcap"})
final class AnomaliesCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "CAPTURE",
            description = "pcap or pcapng file, optionally gzip-compressed; '-' reads standard input.")
    List<String> captures;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: text, or what the --output file's"
                    + " extension names: .txt, .csv, .jsonl).")
    AnomalyWriter.Format format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the records to FILE, not to"
            + " standard output.")
    java.nio.file.Path output;

    @Option(names = "--min-severity", defaultValue = "info", paramLabel = "SEVERITY",
            description = "Only anomalies of this severity or higher: ${COMPLETION-CANDIDATES}"
                    + " (default: ${DEFAULT-VALUE}).")
    Severity minSeverity;

    @Option(names = "--code", split = ",", paramLabel = "CODE",
            description = "Only these anomaly codes (comma-separated or repeated), e.g. connection_refused.")
    List<String> codes;

    @Mixin
    FilterOptions filters;

    @Mixin
    SettingsOptions settings;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Set<AnomalyType> types = parseCodes(spec.commandLine(), codes);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        AnomalyWriter.Format fmt = Output.format(format, "--output", output, AnomalyWriter.Format.class);
        // Nothing keeps an ended connection here (anomalies are values), so the tracker and the detector reuse them; no
        // connection record is written, so no Zeek view is kept.
        Analysis analysis = Analysis.of(err, settings, filters, spec.commandLine()).recycleConnections()
                .withoutZeekView();
        PrintWriter target = Output.open(out, output);
        int code;
        try (AnomalyWriter writer = AnomalyWriter.create(fmt, target, true);
             // the records are formatted and written off the analysing thread
             Background<Anomaly> records = new Background<>("tcpstate-write", writer::write)) {
            AnomalyDetector detector = new AnomalyDetector(settings.anomalies(), a -> {
                if (accepts(a, minSeverity, types)) {
                    records.accept(a);
                }
            }, NOTHING).recycleMarks();
            code = analysis.runDetecting(captures, detector);
            records.close();
            analysis.noteEvictions(err, null);
            AnalyzeCommand.noteFullTables(err, detector, settings.anomalies().maxTrackedKeys(), null);
            if (writer.written == 0 && fmt == AnomalyWriter.Format.TEXT) {
                target.println("no anomalies");
            }
        }
        Output.close(target, output);
        return code;
    }

    static final ConnectionListener NOTHING = c -> {
    };

    static boolean accepts(Anomaly a, Severity min, Set<AnomalyType> types) {
        return a.severity().compareTo(min) >= 0 && types.contains(a.type());
    }

    /** The anomaly types named by {@code --code}: all when none is given; an unknown code is a usage error. */
    static Set<AnomalyType> parseCodes(CommandLine cmd, List<String> codes) {
        if (codes == null || codes.isEmpty()) {
            return EnumSet.allOf(AnomalyType.class);
        }
        Set<AnomalyType> types = EnumSet.noneOf(AnomalyType.class);
        for (String c : codes) {
            String code = c.trim();
            if (code.isEmpty()) {
                continue;
            }
            AnomalyType t = AnomalyType.ofCode(code);
            if (t == null) {
                throw new CommandLine.ParameterException(cmd, "--code: unknown anomaly code '" + code
                        + "'; valid codes: " + Arrays.stream(AnomalyType.values()).map(AnomalyType::code)
                        .collect(Collectors.joining(", ")));
            }
            types.add(t);
        }
        if (types.isEmpty()) {
            throw new CommandLine.ParameterException(cmd, "--code: no anomaly code given");
        }
        return types;
    }
}
