package dev.tcpstate.cli;

import dev.tcpstate.analyzer.ConnectionListener;
import dev.tcpstate.analyzer.track.Connection;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code tcpstate connections}: every connection incarnation with both endpoints' final states. */
@Command(name = "connections",
        description = {"One record per connection incarnation: originator and responder, incarnation number,"
                + " first and last packet, packets and bytes each way, the final RFC 9293 state of each endpoint,"
                + " and the same verdict as Zeek's conn_state and history.",
                "Records come out as connections end (like Zeek's conn.log): a connection leaves the table once both"
                + " endpoints are final and their timers have run, or at the end of the capture."},
        mixinStandardHelpOptions = true,
        sortOptions = false,
        footerHeading = "%nExamples:%n",
        footer = {"  tcpstate connections trace.pcap",
                "  tcpstate connections --format csv trace.pcapng > connections.csv",
                "  tcpstate connections --at 12.5 trace.pcap        # states 12.5 s after the first packet",
                "  tcpstate connections --transitions --format jsonl trace.pcap | jq .",
                "  tcpstate connections -o connections.csv --port 443 rotated-*.pcap",
                "  tcpstate connections --host 10.0.0.2 --between 10 20 trace.pcap"})
final class ConnectionsCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "CAPTURE",
            description = "pcap or pcapng file, optionally gzip-compressed; '-' reads standard input.")
    List<String> captures;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: text, or what the --output file's"
                    + " extension names: .txt, .csv, .jsonl).")
    ConnectionWriter.Format format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the records to FILE, not to"
            + " standard output.")
    java.nio.file.Path output;

    @Option(names = "--at", paramLabel = "TIME",
            description = "Report the states as they stood at TIME: seconds from the first packet (12.5) or an"
                    + " absolute ISO-8601 timestamp (2024-05-01T10:15:30Z), like running 'ss -tan' on both hosts then.")
    String at;

    @Option(names = "--transitions",
            description = "Add each endpoint's state path, with the number of the packet that caused every step"
                    + " (#0: a timer).")
    boolean transitions;

    @Mixin
    FilterOptions filters;

    @Mixin
    SettingsOptions settings;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CaptureTime stop = null;
        if (at != null) {
            try {
                stop = CaptureTime.parse(at);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--at: " + e.getMessage());
            }
        }
        if (stop != null && filters.hasWindow()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--at and --between do not go"
                    + " together: --at gives the states at one moment");
        }
        Analysis analysis = Analysis.of(err, settings, filters, spec.commandLine());
        if (stop != null) {
            analysis.stopAt(stop);
        }
        ConnectionWriter.Format fmt = Output.format(format, "--output", output, ConnectionWriter.Format.class);
        PrintWriter target = Output.open(out, output);
        int code;
        // Records are formatted and written on a thread of their own, which hands each connection back for reuse.
        AsyncConnectionWriter writer = new AsyncConnectionWriter(ConnectionWriter.create(fmt, target, transitions));
        try (writer) {
            code = analysis.recycleFrom(writer.released()).run(captures, new ConnectionListener() {
                @Override
                public void onConnectionEnd(Connection c) {
                    writer.write(c);
                }
            });
        }
        analysis.noteEvictions(err, null);
        Output.close(target, output);
        return code;
    }
}
