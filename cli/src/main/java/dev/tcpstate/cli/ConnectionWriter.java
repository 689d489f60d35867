package dev.tcpstate.cli;

import dev.tcpstate.analyzer.tcp.TcpState;
import dev.tcpstate.analyzer.track.Connection;
import dev.tcpstate.analyzer.track.Endpoint;
import dev.tcpstate.analyzer.track.StatePath;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/** Writes one record per connection incarnation, as text, CSV or JSON Lines. */
abstract class ConnectionWriter implements AutoCloseable {

    enum Format { TEXT, CSV, JSONL }

    /** The columns of the CSV and JSON records, in order. */
    static final List<String> COLUMNS = List.of("orig_addr", "orig_port", "resp_addr", "resp_port", "incarnation",
            "orig_state", "resp_state", "zeek_conn_state", "zeek_history", "partial", "first_packet", "last_packet",
            "first_time", "last_time", "orig_packets", "resp_packets", "orig_bytes", "resp_bytes");
    static final List<String> PATH_COLUMNS = List.of("orig_path", "resp_path");

    final boolean transitions;

    ConnectionWriter(boolean transitions) {
        this.transitions = transitions;
    }

    static ConnectionWriter create(Format format, PrintWriter out, boolean transitions) {
        return switch (format) {
            case TEXT -> new Text(out, transitions);
            case CSV -> new Csv(out, transitions);
            case JSONL -> new Jsonl(out, transitions);
        };
    }

    abstract void write(Connection c);

    @Override
    public abstract void close();

    static String orig(Connection c) {
        return Addresses.format(c.ipVersion(), c.origHi(), c.origLo());
    }

    static String resp(Connection c) {
        return Addresses.format(c.ipVersion(), c.respHi(), c.respLo());
    }

    /** A state path in one line: {@code CLOSED >SYN_SENT#1 >ESTABLISHED#3}; '#0' marks a step a timer took. */
    static String path(Endpoint e) {
        StatePath p = e.path();
        StringBuilder sb = new StringBuilder(p.initial().name());
        for (int i = 0; i < p.size(); i++) {
            sb.append(" >").append(p.to(i).name()).append('#').append(p.packet(i));
        }
        return sb.toString();
    }

    /** Aligned columns for a person to read. */
    private static final class Text extends ConnectionWriter {
        private final PrintWriter out;
        private boolean header;

        Text(PrintWriter out, boolean transitions) {
            super(transitions);
            this.out = out;
        }

        @Override
        void write(Connection c) {
            if (!header) {
                out.printf("%-28s %-28s %3s  %-12s %-12s %-6s %-12s %9s %s%n", "ORIGINATOR", "RESPONDER", "INC",
                        "ORIG STATE", "RESP STATE", "ZEEK", "HISTORY", "PACKETS", "FIRST-LAST PACKET");
                header = true;
            }
            out.printf("%-28s %-28s %3d  %-12s %-12s %-6s %-12s %9s %d-%d%s%n",
                    Addresses.endpoint(c.ipVersion(), c.origHi(), c.origLo(), c.origPort()),
                    Addresses.endpoint(c.ipVersion(), c.respHi(), c.respLo(), c.respPort()),
                    c.incarnation(), c.originator().state(), c.responder().state(), c.zeekConnState(), c.history(),
                    c.origPackets() + "/" + c.respPackets(), c.firstPacket(), c.lastPacket(), c.isPartial() ? " partial" : "");
            if (transitions) {
                out.println("    originator: " + path(c.originator()));
                out.println("    responder:  " + path(c.responder()));
            }
        }

        @Override
        public void close() {
            if (!header) {
                out.println("no TCP connections");
            }
            out.flush();
        }
    }

    /** RFC 4180 CSV with a header row. */
    private static final class Csv extends ConnectionWriter {
        private final CSVPrinter printer;

        Csv(PrintWriter out, boolean transitions) {
            super(transitions);
            String[] header = transitions
                    ? java.util.stream.Stream.concat(COLUMNS.stream(), PATH_COLUMNS.stream()).toArray(String[]::new)
                    : COLUMNS.toArray(String[]::new);
            try {
                printer = CSVFormat.RFC4180.builder().setHeader(header).get().print(out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        void write(Connection c) {
            try {
                List<Object> row = new java.util.ArrayList<>(List.of(orig(c), c.origPort(), resp(c), c.respPort(),
                        c.incarnation(), c.originator().state().name(), c.responder().state().name(), c.zeekConnState(),
                        c.history(), c.isPartial(), c.firstPacket(), c.lastPacket(), CaptureTime.format(c.firstTimeNanos()),
                        CaptureTime.format(c.lastTimeNanos()), c.origPackets(), c.respPackets(), c.origBytes(),
                        c.respBytes()));
                if (transitions) {
                    row.add(path(c.originator()));
                    row.add(path(c.responder()));
                }
                printer.printRecord(row);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            try {
                printer.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * One JSON object per line, written straight into a byte buffer ({@link JsonBuffer}) that goes to the output in
     * large blocks: the record has a fixed shape (numbers, booleans and short ASCII strings), so a general JSON
     * generator's per-value bookkeeping is not needed, and as bytes it needs no charset encoder on the way out. The
     * text is the same as Jackson's compact output.
     */
    private static final class Jsonl extends ConnectionWriter {
        private static final int FLUSH_AT = 1 << 15;
        private static final JsonBuffer.Literal SCHEMA_VERSION = JsonBuffer.Literal.of("{\"schema_version\":");
        private static final JsonBuffer.Literal ORIG_ADDR = JsonBuffer.Literal.of(",\"orig_addr\":");
        private static final JsonBuffer.Literal ORIG_PORT = JsonBuffer.Literal.of(",\"orig_port\":");
        private static final JsonBuffer.Literal RESP_ADDR = JsonBuffer.Literal.of(",\"resp_addr\":");
        private static final JsonBuffer.Literal RESP_PORT = JsonBuffer.Literal.of(",\"resp_port\":");
        private static final JsonBuffer.Literal INCARNATION = JsonBuffer.Literal.of(",\"incarnation\":");
        private static final JsonBuffer.Literal ORIG_STATE = JsonBuffer.Literal.of(",\"orig_state\":");
        private static final JsonBuffer.Literal RESP_STATE = JsonBuffer.Literal.of(",\"resp_state\":");
        private static final JsonBuffer.Literal ZEEK_CONN_STATE = JsonBuffer.Literal.of(",\"zeek_conn_state\":");
        private static final JsonBuffer.Literal ZEEK_HISTORY = JsonBuffer.Literal.of(",\"zeek_history\":");
        private static final JsonBuffer.Literal PARTIAL = JsonBuffer.Literal.of(",\"partial\":");
        private static final JsonBuffer.Literal FIRST_PACKET = JsonBuffer.Literal.of(",\"first_packet\":");
        private static final JsonBuffer.Literal LAST_PACKET = JsonBuffer.Literal.of(",\"last_packet\":");
        private static final JsonBuffer.Literal FIRST_TIME = JsonBuffer.Literal.of(",\"first_time\":");
        private static final JsonBuffer.Literal LAST_TIME = JsonBuffer.Literal.of(",\"last_time\":");
        private static final JsonBuffer.Literal ORIG_PACKETS = JsonBuffer.Literal.of(",\"orig_packets\":");
        private static final JsonBuffer.Literal RESP_PACKETS = JsonBuffer.Literal.of(",\"resp_packets\":");
        private static final JsonBuffer.Literal ORIG_BYTES = JsonBuffer.Literal.of(",\"orig_bytes\":");
        private static final JsonBuffer.Literal RESP_BYTES = JsonBuffer.Literal.of(",\"resp_bytes\":");
        private static final JsonBuffer.Literal ORIG_PATH = JsonBuffer.Literal.of(",\"orig_path\":[{\"state\":");
        private static final JsonBuffer.Literal RESP_PATH = JsonBuffer.Literal.of(",\"resp_path\":[{\"state\":");
        private static final JsonBuffer.Literal STEP_STATE = JsonBuffer.Literal.of("},{\"state\":");
        private static final JsonBuffer.Literal STEP_PACKET = JsonBuffer.Literal.of(",\"packet\":");
        private static final JsonBuffer.Literal STEP_TIME = JsonBuffer.Literal.of(",\"time\":");
        private static final JsonBuffer.Literal PATH_END = JsonBuffer.Literal.of("}]");
        private static final JsonBuffer.Literal RECORD_END = JsonBuffer.Literal.of("}\n");
        /** Each state's name as a JSON string, by ordinal. */
        private static final JsonBuffer.Literal[] STATES = java.util.Arrays.stream(TcpState.values())
                .map(s -> JsonBuffer.Literal.of("\"" + s.name() + "\"")).toArray(JsonBuffer.Literal[]::new);

        private final Utf8Sink out;
        private final JsonBuffer buf = new JsonBuffer(FLUSH_AT + 1024);

        Jsonl(PrintWriter out, boolean transitions) {
            super(transitions);
            this.out = Utf8Sink.of(out);
        }

        @Override
        void write(Connection c) {
            JsonBuffer b = buf;
            b.raw(SCHEMA_VERSION);
            b.number(Json.SCHEMA_VERSION);
            b.raw(ORIG_ADDR);
            b.address(c.ipVersion(), c.origHi(), c.origLo());
            b.raw(ORIG_PORT);
            b.number(c.origPort());
            b.raw(RESP_ADDR);
            b.address(c.ipVersion(), c.respHi(), c.respLo());
            b.raw(RESP_PORT);
            b.number(c.respPort());
            b.raw(INCARNATION);
            b.number(c.incarnation());
            b.raw(ORIG_STATE);
            b.raw(STATES[c.originator().state().ordinal()]);
            b.raw(RESP_STATE);
            b.raw(STATES[c.responder().state().ordinal()]);
            b.raw(ZEEK_CONN_STATE);
            b.string(c.zeekConnState());
            b.raw(ZEEK_HISTORY);
            b.string(c.history());
            b.raw(PARTIAL);
            b.bool(c.isPartial());
            b.raw(FIRST_PACKET);
            b.number(c.firstPacket());
            b.raw(LAST_PACKET);
            b.number(c.lastPacket());
            b.raw(FIRST_TIME);
            b.time(c.firstTimeNanos());
            b.raw(LAST_TIME);
            b.time(c.lastTimeNanos());
            b.raw(ORIG_PACKETS);
            b.number(c.origPackets());
            b.raw(RESP_PACKETS);
            b.number(c.respPackets());
            b.raw(ORIG_BYTES);
            b.number(c.origBytes());
            b.raw(RESP_BYTES);
            b.number(c.respBytes());
            if (transitions) {
                path(ORIG_PATH, c.originator());
                path(RESP_PATH, c.responder());
            }
            b.raw(RECORD_END);
            if (b.size() >= FLUSH_AT) {
                b.writeTo(out);
            }
        }

        /** A state path: {@code start}, which opens it up to the initial state's key, then the states. */
        private void path(JsonBuffer.Literal start, Endpoint e) {
            JsonBuffer b = buf;
            StatePath p = e.path();
            b.raw(start);
            b.raw(STATES[p.initial().ordinal()]);
            for (int i = 0; i < p.size(); i++) {
                b.raw(STEP_STATE);
                b.raw(STATES[p.to(i).ordinal()]);
                b.raw(STEP_PACKET);
                b.number(p.packet(i));
                b.raw(STEP_TIME);
                b.time(p.timeNanos(i));
            }
            b.raw(PATH_END);
        }

        @Override
        public void close() {
            buf.writeTo(out);
            out.flush();
        }
    }
}
