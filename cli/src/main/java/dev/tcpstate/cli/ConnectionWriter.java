package dev.tcpstate.cli;

import dev.tcpstate.analyzer.tcp.TcpState;
import dev.tcpstate.analyzer.track.Connection;
import dev.tcpstate.analyzer.track.Endpoint;
import dev.tcpstate.analyzer.track.StatePath;
import java.io.PrintWriter;
import java.util.List;

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

    /**
     * Aligned columns for a person to read: the text of {@code String.format} with the patterns below, built as bytes
     * in a {@link JsonBuffer} that goes to the output in large blocks, as the JSON Lines records do. Under a locale
     * whose digits are not ASCII the numbers would differ, so there the records go through the PrintWriter's format.
     */
    private static final class Text extends ConnectionWriter {
        private static final String HEADER = "%-28s %-28s %3s  %-12s %-12s %-6s %-12s %9s %s%n";
        private static final String RECORD = "%-28s %-28s %3d  %-12s %-12s %-6s %-12s %9s %d-%d%s%n";
        private static final int FLUSH_AT = 1 << 15;
        private static final JsonBuffer.Literal PARTIAL = JsonBuffer.Literal.of(" partial");
        private static final JsonBuffer.Literal LINE_END = JsonBuffer.Literal.of(System.lineSeparator());
        private static final JsonBuffer.Literal ORIGINATOR = JsonBuffer.Literal.of("    originator: ");
        private static final JsonBuffer.Literal RESPONDER = JsonBuffer.Literal.of("    responder:  ");
        private static final JsonBuffer.Literal[] STATES = java.util.Arrays.stream(TcpState.values())
                .map(s -> JsonBuffer.Literal.of(s.toString())).toArray(JsonBuffer.Literal[]::new);

        private final PrintWriter out;
        private final Utf8Sink sink;
        private final JsonBuffer buf = new JsonBuffer(FLUSH_AT + 1024);
        /** Digits as {@code %d} writes them under the default format locale: ASCII. */
        private final boolean asciiDigits;
        private boolean header;

        Text(PrintWriter out, boolean transitions) {
            super(transitions);
            this.out = out;
            this.sink = Utf8Sink.of(out);
            this.asciiDigits = java.text.DecimalFormatSymbols.getInstance(
                    java.util.Locale.getDefault(java.util.Locale.Category.FORMAT)).getZeroDigit() == '0';
        }

        @Override
        void write(Connection c) {
            JsonBuffer b = buf;
            if (!header) {
                b.utf8(String.format(java.util.Locale.ROOT, HEADER, "ORIGINATOR", "RESPONDER", "INC", "ORIG STATE",
                        "RESP STATE", "ZEEK", "HISTORY", "PACKETS", "FIRST-LAST PACKET"));
                header = true;
            }
            if (asciiDigits) {
                record(b, c);
            } else {
                b.utf8(String.format(RECORD, Addresses.endpoint(c.ipVersion(), c.origHi(), c.origLo(), c.origPort()),
                        Addresses.endpoint(c.ipVersion(), c.respHi(), c.respLo(), c.respPort()), c.incarnation(),
                        c.originator().state(), c.responder().state(), c.zeekConnState(), c.history(),
                        c.origPackets() + "/" + c.respPackets(), c.firstPacket(), c.lastPacket(),
                        c.isPartial() ? " partial" : ""));
            }
            if (transitions) {
                b.raw(ORIGINATOR);
                b.utf8(path(c.originator()));
                b.raw(LINE_END);
                b.raw(RESPONDER);
                b.utf8(path(c.responder()));
                b.raw(LINE_END);
            }
            if (b.size() >= FLUSH_AT) {
                b.writeTo(sink);
            }
        }

        /** {@link #RECORD} for {@code c}, written directly. */
        private static void record(JsonBuffer b, Connection c) {
            int start = b.size();
            endpoint(b, c.ipVersion(), c.origHi(), c.origLo(), c.origPort());
            b.padFrom(start, 28);
            b.raw(' ');
            start = b.size();
            endpoint(b, c.ipVersion(), c.respHi(), c.respLo(), c.respPort());
            b.padFrom(start, 28);
            b.raw(' ');
            b.numberRight(c.incarnation(), 3);
            b.raw(' ');
            b.raw(' ');
            start = b.size();
            b.raw(STATES[c.originator().state().ordinal()]);
            b.padFrom(start, 12);
            b.raw(' ');
            start = b.size();
            b.raw(STATES[c.responder().state().ordinal()]);
            b.padFrom(start, 12);
            b.raw(' ');
            b.padded(c.zeekConnState(), 6);
            b.raw(' ');
            b.padded(c.history(), 12);
            b.raw(' ');
            long op = c.origPackets(), rp = c.respPackets();
            for (int pad = 9 - JsonBuffer.digitCount(op) - 1 - JsonBuffer.digitCount(rp); pad > 0; pad--) {
                b.raw(' ');
            }
            b.number(op);
            b.raw('/');
            b.number(rp);
            b.raw(' ');
            b.number(c.firstPacket());
            b.raw('-');
            b.number(c.lastPacket());
            if (c.isPartial()) {
                b.raw(PARTIAL);
            }
            b.raw(LINE_END);
        }

        /** ADDR:PORT, IPv6 as [ADDR]:PORT ({@link Addresses#endpoint}). */
        private static void endpoint(JsonBuffer b, int ipVersion, long hi, long lo, int port) {
            b.hostText(ipVersion, hi, lo);
            b.raw(':');
            b.number(port);
        }

        @Override
        public void close() {
            buf.writeTo(sink);
            if (!header) {
                out.println("no TCP connections");
            }
            out.flush();
        }
    }

    /**
     * RFC 4180 CSV with a header row, as Commons CSV prints it (minimal quoting, CRLF after each record), built as
     * bytes in a {@link JsonBuffer} that goes to the output in large blocks, as the JSON Lines records do.
     */
    private static final class Csv extends ConnectionWriter {
        private static final int FLUSH_AT = 1 << 15;
        private static final JsonBuffer.Literal TRUE = JsonBuffer.Literal.of(",true");
        private static final JsonBuffer.Literal FALSE = JsonBuffer.Literal.of(",false");
        private static final JsonBuffer.Literal RECORD_END = JsonBuffer.Literal.of("\r\n");
        /** Each state's name as a field after its comma, by ordinal. */
        private static final JsonBuffer.Literal[] STATES = java.util.Arrays.stream(TcpState.values())
                .map(s -> {
                    if (JsonBuffer.csvQuoted(s.name(), false)) {
                        throw new IllegalStateException("state name needs quotes in CSV: " + s.name());
                    }
                    return JsonBuffer.Literal.of("," + s.name());
                }).toArray(JsonBuffer.Literal[]::new);

        private final Utf8Sink out;
        private final JsonBuffer buf = new JsonBuffer(FLUSH_AT + 1024);

        Csv(PrintWriter out, boolean transitions) {
            super(transitions);
            this.out = Utf8Sink.of(out);
            List<String> header = transitions
                    ? java.util.stream.Stream.concat(COLUMNS.stream(), PATH_COLUMNS.stream()).toList()
                    : COLUMNS;
            for (int i = 0; i < header.size(); i++) {
                if (i > 0) {
                    buf.raw(',');
                }
                buf.csv(header.get(i), i == 0);
            }
            buf.raw(RECORD_END);
        }

        @Override
        void write(Connection c) {
            JsonBuffer b = buf;
            int v = c.ipVersion();
            address(b, v, c.origHi(), c.origLo(), true);
            b.raw(',');
            b.number(c.origPort());
            b.raw(',');
            address(b, v, c.respHi(), c.respLo(), false);
            b.raw(',');
            b.number(c.respPort());
            b.raw(',');
            b.number(c.incarnation());
            b.raw(STATES[c.originator().state().ordinal()]);
            b.raw(STATES[c.responder().state().ordinal()]);
            b.raw(',');
            b.csv(c.zeekConnState(), false);
            b.raw(',');
            b.csv(c.history(), false);
            b.raw(c.isPartial() ? TRUE : FALSE);
            b.raw(',');
            b.number(c.firstPacket());
            b.raw(',');
            b.number(c.lastPacket());
            b.raw(',');
            time(b, c.firstTimeNanos());
            b.raw(',');
            time(b, c.lastTimeNanos());
            b.raw(',');
            b.number(c.origPackets());
            b.raw(',');
            b.number(c.respPackets());
            b.raw(',');
            b.number(c.origBytes());
            b.raw(',');
            b.number(c.respBytes());
            if (transitions) {
                b.raw(',');
                b.csv(path(c.originator()), false);
                b.raw(',');
                b.csv(path(c.responder()), false);
            }
            b.raw(RECORD_END);
            if (b.size() >= FLUSH_AT) {
                b.writeTo(out);
            }
        }

        /** An IPv4 address never needs quotes (it starts with a digit); IPv6 text goes through the quoting rule. */
        private static void address(JsonBuffer b, int ipVersion, long hi, long lo, boolean first) {
            if (ipVersion == 4) {
                b.addressText(ipVersion, hi, lo);
            } else {
                b.csv(Addresses.format(ipVersion, hi, lo), first);
            }
        }

        /** A time in the four-digit years starts with a digit and ends with 'Z': never quoted; others by the rule. */
        private static void time(JsonBuffer b, long nanos) {
            long sec = Math.floorDiv(nanos, 1_000_000_000L);
            if (sec >= 0 && sec <= 253_402_300_799L) {
                b.timeText(nanos);
            } else {
                b.csv(CaptureTime.format(nanos), false);
            }
        }

        @Override
        public void close() {
            buf.writeTo(out);
            out.flush();
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
