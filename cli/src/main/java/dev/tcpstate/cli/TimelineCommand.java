package dev.tcpstate.cli;

import dev.tcpstate.analyzer.ConnectionListener;
import dev.tcpstate.analyzer.tcp.TcpState;
import dev.tcpstate.analyzer.track.Connection;
import dev.tcpstate.analyzer.track.Endpoint;
import dev.tcpstate.analyzer.track.StatePath;
import dev.tcpstate.parsers.decode.TcpPacket;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code tcpstate timeline}: a ladder view of one socket pair, with both endpoints' states after every packet. */
@Command(name = "timeline",
        description = "A ladder view of one connection: one line per packet (time, direction, flags, relative"
                + " seq/ack, length) with both endpoints' states after it, so you can see why each state changed.",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        footerHeading = "%nExamples:%n",
        footer = {"  tcpstate timeline trace.pcap --conn 10.0.0.1:40000-10.0.0.2:80",
                "  tcpstate timeline trace.pcap --conn '[fd77::1]:40019-[fd77::2]:8080'",
                "  tcpstate timeline --conn 10.0.0.1:40000-10.0.0.2:80 --between 10 12.5 -o ladder.txt trace.pcap"})
final class TimelineCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "CAPTURE", description = "pcap or pcapng file; '-' reads standard input.")
    List<String> captures;

    @Mixin
    FilterOptions filters;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the ladder to FILE, not to"
            + " standard output.")
    java.nio.file.Path output;

    @Mixin
    SettingsOptions settings;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (filters.conn == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "Missing required option: '--conn=ADDR:PORT-ADDR:PORT'");
        }
        PrintWriter err = spec.commandLine().getErr();
        Analysis analysis = Analysis.of(err, settings, filters, spec.commandLine());
        PrintWriter out = Output.open(spec.commandLine().getOut(), output);
        Ladder ladder = new Ladder(out);
        int code = analysis.run(captures, ladder);
        if (ladder.lines == 0) {
            out.println("no packets of " + filters.conn);
        }
        Output.close(out, output);
        return code;
    }

    /** Prints the ladder as the tracker applies each packet; timer steps get lines of their own. */
    static final class Ladder implements ConnectionListener {
        private final PrintWriter out;
        private Connection current;
        private long start;
        private int origIsn, respIsn;
        private boolean origIsnSet, respIsnSet;
        /** What the ladder has shown of each endpoint's path: its length and its last step (packet, target). */
        private final ShownPath origShown = new ShownPath(), respShown = new ShownPath();
        long lines;

        /** The part of an endpoint's path the ladder has already shown, to notice a step being withdrawn. */
        private static final class ShownPath {
            int size;
            long lastPacket;
            TcpState lastTo;

            /** The step the path no longer has, or -1: a later segment proved it had not happened yet. */
            int withdrawn(StatePath p) {
                if (size == 0) {
                    return -1;
                }
                int i = size - 1;
                return i < p.size() && p.packet(i) == lastPacket && p.to(i) == lastTo ? -1 : i;
            }

            void update(StatePath p) {
                size = p.size();
                if (size > 0) {
                    lastPacket = p.packet(size - 1);
                    lastTo = p.to(size - 1);
                }
            }
        }

        Ladder(PrintWriter out) {
            this.out = out;
        }

        private void begin(Connection c) {
            if (c == current) {
                return;
            }
            current = c;
            start = c.firstTimeNanos();
            origShown.update(c.originator().path());
            respShown.update(c.responder().path());
            origIsnSet = false;
            respIsnSet = false;
            out.printf("%s%s  <->  %s   incarnation %d%n", lines > 0 ? "\n" : "",
                    Addresses.endpoint(c.ipVersion(), c.origHi(), c.origLo(), c.origPort()),
                    Addresses.endpoint(c.ipVersion(), c.respHi(), c.respLo(), c.respPort()), c.incarnation());
            out.printf("%8s %12s  %-4s %-6s %12s %12s %6s   %-12s %-12s%n", "PACKET", "TIME", "DIR", "FLAGS", "SEQ", "ACK",
                    "LEN", "ORIGINATOR", "RESPONDER");
        }

        @Override
        public void onPacket(Connection c, TcpPacket p, boolean fromOriginator) {
            begin(c);
            if (fromOriginator && !origIsnSet) {
                origIsn = p.seq;
                origIsnSet = true;
            } else if (!fromOriginator && !respIsnSet) {
                respIsn = p.seq;
                respIsnSet = true;
            }
            long relSeq = Integer.toUnsignedLong(p.seq - (fromOriginator ? origIsn : respIsn));
            boolean peerKnown = fromOriginator ? respIsnSet : origIsnSet;
            String ack = (p.flags & TcpPacket.ACK) == 0 ? "" : peerKnown
                    ? Long.toString(Integer.toUnsignedLong(p.ack - (fromOriginator ? respIsn : origIsn)))
                    : Integer.toUnsignedString(p.ack);
            out.printf("%8d %12s  %-4s %-6s %12d %12s %6d   %-12s %-12s%s%n", p.packetNumber, offset(p.timestampNanos),
                    fromOriginator ? "-->" : "<--", TcpPacket.flagString(p.flags), relSeq, ack, p.payloadLength,
                    c.originator().state(), c.responder().state(),
                    p.checksumStatus == TcpPacket.CHECKSUM_BAD ? "  (bad checksum: dropped)"
                            : p.checksumStatus == TcpPacket.CHECKSUM_OFFLOADED ? "  (bad checksum: offload)" : "");
            lines++;
            withdrawn("originator", origShown, c.originator().path());
            withdrawn("responder", respShown, c.responder().path());
        }

        /**
         * The tracker withdraws an inferred step when a later segment proves it had not happened yet (e.g. a FIN
         * taken as arrived that the peer's crossing FIN shows was still in flight); the lines above show the state
         * as it was inferred then, so say so.
         */
        private void withdrawn(String who, ShownPath shown, StatePath path) {
            if (shown.withdrawn(path) >= 0) {
                out.printf("%8s %12s  %-4s %s: step to %s at #%d withdrawn (this packet shows it had not happened"
                        + " yet)%n", "", "", "", who, shown.lastTo, shown.lastPacket);
                lines++;
            }
            shown.update(path);
        }

        @Override
        public void onTransition(Connection c, Endpoint e, TcpState from, TcpState to, long packet, long timeNanos) {
            if (packet == 0 && c == current) {
                (e.isOriginator() ? origShown : respShown).update(e.path());
                out.printf("%8s %12s  %-4s %s: %s -> %s (timer)%n", "", offset(timeNanos), "",
                        e.isOriginator() ? "originator" : "responder", from, to);
                lines++;
            }
        }

        @Override
        public void onConnectionEnd(Connection c) {
        }

        private String offset(long nanos) {
            long d = nanos - start;
            return String.format("+%d.%06d", d / 1_000_000_000L, (d % 1_000_000_000L) / 1000);
        }
    }
}
