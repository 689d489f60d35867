package dev.tcpstate.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tcpstate.analyzer.anomaly.Anomaly;
import dev.tcpstate.analyzer.anomaly.Severity;
import dev.tcpstate.analyzer.track.Role;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/** Writes one record per anomaly, as text, CSV or JSON Lines, each as soon as it is given. */
abstract class AnomalyWriter implements AutoCloseable {

    enum Format { TEXT, CSV, JSONL }

    /** The columns of the CSV records, in order; the JSON records carry the same fields after schema_version. */
    static final List<String> COLUMNS = List.of("code", "severity", "time", "packet", "packets", "orig_addr",
            "orig_port", "resp_addr", "resp_port", "incarnation", "endpoint", "state_before", "state_after", "message",
            "evidence");

    /** Records written so far. */
    long written;

    /** A writer that hands each record to {@code out} as soon as it is written (live capture). */
    static AnomalyWriter create(Format format, PrintWriter out) {
        return create(format, out, false);
    }

    /**
     * @param blocks text and JSON Lines records are kept as bytes and go to the output in large blocks, the last at
     *     {@link #close()}, for a run that reads captures to the end; else each record goes to {@code out} as it is
     *     written
     */
    static AnomalyWriter create(Format format, PrintWriter out, boolean blocks) {
        return switch (format) {
            case TEXT -> new Text(out, blocks);
            case CSV -> new Csv(out);
            case JSONL -> new Jsonl(out, blocks);
        };
    }

    /** Records kept in a block before it goes to the output. */
    static final int FLUSH_AT = 1 << 15;

    final void write(Anomaly a) {
        written++;
        doWrite(a);
    }

    abstract void doWrite(Anomaly a);

    @Override
    public abstract void close();

    /** Aggregate anomalies (incarnation 0) leave the side they do not concern as address 0 and port 0: no value. */
    static boolean noOrigAddress(Anomaly a) {
        return a.incarnation() == 0 && a.origHi() == 0 && a.origLo() == 0;
    }

    static boolean noRespAddress(Anomaly a) {
        return a.incarnation() == 0 && a.respHi() == 0 && a.respLo() == 0;
    }

    static String origAddress(Anomaly a) {
        return noOrigAddress(a) ? null : Addresses.format(a.ipVersion(), a.origHi(), a.origLo());
    }

    static String respAddress(Anomaly a) {
        return noRespAddress(a) ? null : Addresses.format(a.ipVersion(), a.respHi(), a.respLo());
    }

    static Integer origPort(Anomaly a) {
        return a.incarnation() == 0 && a.origPort() == 0 ? null : a.origPort();
    }

    static Integer respPort(Anomaly a) {
        return a.incarnation() == 0 && a.respPort() == 0 ? null : a.respPort();
    }

    static String endpoint(Role r) {
        return r == null ? null : r.name().toLowerCase(Locale.ROOT);
    }

    /** One side for a person: ADDR:PORT, ADDR when the port does not apply, '*' when no single address does. */
    static String side(Anomaly a, boolean orig) {
        String addr = orig ? origAddress(a) : respAddress(a);
        Integer port = orig ? origPort(a) : respPort(a);
        if (addr == null) {
            return "*";
        }
        if (port == null) {
            return a.ipVersion() == 6 ? "[" + addr + "]" : addr;
        }
        return a.ipVersion() == 6 ? "[" + addr + "]:" + port : addr + ":" + port;
    }

    /** The socket pair for a person: {@code ORIG -> RESP}, with the incarnation when it is a connection's. */
    static String pair(Anomaly a) {
        return side(a, true) + " -> " + side(a, false) + (a.incarnation() > 0 ? " #" + a.incarnation() : "");
    }

    static String evidenceJson(Anomaly a) {
        try {
            return Json.mapper().writeValueAsString(a.evidence());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One line per anomaly: time, severity, code, socket pair, endpoint, packet, message. */
    static final class Text extends AnomalyWriter {
        private static final JsonBuffer.Literal LINE_END = JsonBuffer.Literal.of(System.lineSeparator());

        private final PrintWriter out;
        private final boolean blocks;
        private final JsonBuffer buf;
        private final Utf8Sink sink;

        Text(PrintWriter out, boolean blocks) {
            this.out = out;
            this.blocks = blocks;
            this.buf = new JsonBuffer(blocks ? FLUSH_AT + 1024 : 1024);
            this.sink = Utf8Sink.of(out);
        }

        /** The line {@link #write} prints, without its line end. */
        static String line(Anomaly a) {
            // The same text as String.format("%s  %-7s  %-24s  %s  %-10s  %s  %s", ...), without a Formatter.
            String ep = endpoint(a.endpoint());
            StringBuilder sb = new StringBuilder(160 + a.message().length());
            sb.append(CaptureTime.format(a.timeNanos())).append("  ");
            padded(sb, String.valueOf(a.severity()), 7).append("  ");
            padded(sb, a.code(), 24).append("  ");
            sb.append(pair(a)).append("  ");
            padded(sb, ep == null ? "-" : ep, 10).append("  ");
            if (a.packets().isEmpty()) {
                sb.append("packet -");
            } else {
                sb.append("packet ").append(a.packet());
            }
            return sb.append("  ").append(a.message()).toString();
        }

        /** {@link #line(Anomaly)} written into a buffer, without the String and the parts it is made from. */
        static void line(JsonBuffer b, Anomaly a) {
            b.timeText(a.timeNanos());
            b.raw(' ');
            b.raw(' ');
            b.raw(SEVERITIES[a.severity().ordinal()]);
            b.padded(a.code(), 24);
            b.raw(' ');
            b.raw(' ');
            side(b, a, true);
            b.raw(ARROW);
            side(b, a, false);
            if (a.incarnation() > 0) {
                b.raw(' ');
                b.raw('#');
                b.number(a.incarnation());
            }
            b.raw(' ');
            b.raw(' ');
            b.raw(a.endpoint() == null ? NO_ENDPOINT : ENDPOINTS[a.endpoint().ordinal()]);
            if (a.packets().isEmpty()) {
                b.raw(NO_PACKET);
            } else {
                b.raw(PACKET);
                b.number(a.packet());
            }
            b.raw(' ');
            b.raw(' ');
            b.utf8(String.valueOf(a.message()));
        }

        /** {@link AnomalyWriter#side} written into a buffer. */
        private static void side(JsonBuffer b, Anomaly a, boolean orig) {
            if (orig ? noOrigAddress(a) : noRespAddress(a)) {
                b.raw('*');
                return;
            }
            if (orig) {
                b.hostText(a.ipVersion(), a.origHi(), a.origLo());
            } else {
                b.hostText(a.ipVersion(), a.respHi(), a.respLo());
            }
            Integer port = orig ? origPort(a) : respPort(a);
            if (port != null) {
                b.raw(':');
                b.number(port);
            }
        }

        private static final JsonBuffer.Literal ARROW = JsonBuffer.Literal.of(" -> ");
        private static final JsonBuffer.Literal NO_PACKET = JsonBuffer.Literal.of("packet -");
        private static final JsonBuffer.Literal PACKET = JsonBuffer.Literal.of("packet ");
        /** Each severity padded to 7 characters, then the two spaces after it. */
        private static final JsonBuffer.Literal[] SEVERITIES = java.util.Arrays.stream(Severity.values())
                .map(s -> JsonBuffer.Literal.of(padded(new StringBuilder(), String.valueOf(s), 7) + "  "))
                .toArray(JsonBuffer.Literal[]::new);
        /** Each endpoint name padded to 10 characters, then the two spaces after it; and '-' for none. */
        private static final JsonBuffer.Literal[] ENDPOINTS = java.util.Arrays.stream(Role.values())
                .map(r -> JsonBuffer.Literal.of(padded(new StringBuilder(), endpoint(r), 10) + "  "))
                .toArray(JsonBuffer.Literal[]::new);
        private static final JsonBuffer.Literal NO_ENDPOINT =
                JsonBuffer.Literal.of(padded(new StringBuilder(), "-", 10) + "  ");

        /** {@code %-Ns}: the text, then spaces up to {@code width} characters. */
        private static StringBuilder padded(StringBuilder sb, String s, int width) {
            sb.append(s);
            for (int i = s.length(); i < width; i++) {
                sb.append(' ');
            }
            return sb;
        }

        @Override
        void doWrite(Anomaly a) {
            // Built as bytes in either mode: live capture writes each line at once, and formatted through Strings
            // there it would cost the JIT compiler about as much as the rest of the live path's anomaly work.
            line(buf, a);
            buf.raw(LINE_END);
            if (!blocks || buf.size() >= FLUSH_AT) {
                buf.writeTo(sink);
            }
        }

        @Override
        public void close() {
            buf.writeTo(sink);
            out.flush();
        }
    }

    /** RFC 4180 CSV with a header row; packets space-separated, evidence as one JSON object. */
    private static final class Csv extends AnomalyWriter {
        private final CSVPrinter printer;

        Csv(PrintWriter out) {
            try {
                printer = CSVFormat.RFC4180.builder().setHeader(COLUMNS.toArray(String[]::new)).get().print(out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        void doWrite(Anomaly a) {
            try {
                printer.printRecord(a.code(), a.severity().name(), CaptureTime.format(a.timeNanos()),
                        a.packets().isEmpty() ? "" : a.packet(),
                        a.packets().stream().map(String::valueOf).collect(Collectors.joining(" ")),
                        nz(origAddress(a)), nz(origPort(a)), nz(respAddress(a)), nz(respPort(a)), a.incarnation(),
                        nz(endpoint(a.endpoint())), a.stateBefore() == null ? "" : a.stateBefore().name(),
                        a.stateAfter() == null ? "" : a.stateAfter().name(), a.message(), evidenceJson(a));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static Object nz(Object o) {
            return o == null ? "" : o;
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
     * One JSON object per line, built as UTF-8 bytes ({@link JsonBuffer}) with the same text as Jackson's compact
     * output; the evidence is written directly when its values are strings, ints, longs, finite doubles, booleans,
     * nulls or lists of these, as Jackson writes them, and is Jackson's own text otherwise. Each record goes to the output as soon as it
     * is written, a whole line at a time, or, in blocks, once a block is full.
     */
    static final class Jsonl extends AnomalyWriter {
        private static final byte[] SCHEMA_VERSION = JsonBuffer.ascii("{\"schema_version\":");
        private static final byte[] CODE = JsonBuffer.ascii(",\"code\":");
        private static final byte[] SEVERITY = JsonBuffer.ascii(",\"severity\":");
        private static final byte[] TIME = JsonBuffer.ascii(",\"time\":");
        private static final byte[] PACKET = JsonBuffer.ascii(",\"packet\":");
        private static final byte[] PACKETS = JsonBuffer.ascii(",\"packets\":[");
        private static final byte[] ORIG_ADDR = JsonBuffer.ascii("],\"orig_addr\":");
        private static final byte[] ORIG_PORT = JsonBuffer.ascii(",\"orig_port\":");
        private static final byte[] RESP_ADDR = JsonBuffer.ascii(",\"resp_addr\":");
        private static final byte[] RESP_PORT = JsonBuffer.ascii(",\"resp_port\":");
        private static final byte[] INCARNATION = JsonBuffer.ascii(",\"incarnation\":");
        private static final byte[] ENDPOINT = JsonBuffer.ascii(",\"endpoint\":");
        private static final byte[] STATE_BEFORE = JsonBuffer.ascii(",\"state_before\":");
        private static final byte[] STATE_AFTER = JsonBuffer.ascii(",\"state_after\":");
        private static final byte[] MESSAGE = JsonBuffer.ascii(",\"message\":");
        private static final byte[] EVIDENCE = JsonBuffer.ascii(",\"evidence\":");
        private static final byte[] RECORD_END = JsonBuffer.ascii("}\n");

        private final Utf8Sink out;
        private final boolean blocks;
        private final JsonBuffer buf;

        Jsonl(PrintWriter out, boolean blocks) {
            this.out = Utf8Sink.of(out);
            this.blocks = blocks;
            this.buf = new JsonBuffer(blocks ? FLUSH_AT + 1024 : 1024);
        }

        @Override
        void doWrite(Anomaly a) {
            JsonBuffer b = buf;
            b.raw(SCHEMA_VERSION);
            b.number(Json.SCHEMA_VERSION);
            b.raw(CODE);
            b.string(a.code());
            b.raw(SEVERITY);
            b.string(a.severity().name());
            b.raw(TIME);
            b.time(a.timeNanos());
            b.raw(PACKET);
            if (a.packets().isEmpty()) {
                b.nul();
            } else {
                b.number(a.packet());
            }
            b.raw(PACKETS);
            List<Long> packets = a.packets();
            for (int i = 0; i < packets.size(); i++) {
                if (i > 0) {
                    b.raw(',');
                }
                b.number(packets.get(i));
            }
            b.raw(ORIG_ADDR);
            if (noOrigAddress(a)) {
                b.nul();
            } else {
                b.address(a.ipVersion(), a.origHi(), a.origLo());
            }
            b.raw(ORIG_PORT);
            port(origPort(a));
            b.raw(RESP_ADDR);
            if (noRespAddress(a)) {
                b.nul();
            } else {
                b.address(a.ipVersion(), a.respHi(), a.respLo());
            }
            b.raw(RESP_PORT);
            port(respPort(a));
            b.raw(INCARNATION);
            b.number(a.incarnation());
            b.raw(ENDPOINT);
            b.stringOrNull(endpoint(a.endpoint()));
            b.raw(STATE_BEFORE);
            b.stringOrNull(a.stateBefore() == null ? null : a.stateBefore().name());
            b.raw(STATE_AFTER);
            b.stringOrNull(a.stateAfter() == null ? null : a.stateAfter().name());
            b.raw(MESSAGE);
            b.stringOrNull(a.message());
            b.raw(EVIDENCE);
            if (plain(a.evidence())) {
                evidence(b, a.evidence());
            } else {
                b.utf8(evidenceJson(a));
            }
            b.raw(RECORD_END);
            if (!blocks || b.size() >= FLUSH_AT) {
                b.writeTo(out);
            }
        }

        /** Keys and values {@link #evidence} writes as Jackson does: no null key, values {@link #plainValue}. */
        static boolean plain(Map<String, Object> evidence) {
            for (Map.Entry<String, Object> e : evidence.entrySet()) {
                if (e.getKey() == null || !plainValue(e.getValue())) {
                    return false;
                }
            }
            return true;
        }

        /** A string, int, long, finite double, boolean or null, or a list of these. */
        private static boolean plainValue(Object v) {
            if (v instanceof List<?> list) {
                for (Object x : list) {
                    if (x instanceof List<?> || !plainValue(x)) {
                        return false;
                    }
                }
                return true;
            }
            return v == null || v instanceof String || v instanceof Integer || v instanceof Long
                    || v instanceof Boolean || v instanceof Double d && Double.isFinite(d);
        }

        /** A {@link #plain} evidence map as Jackson's compact output writes it. */
        static void evidence(JsonBuffer b, Map<String, Object> evidence) {
            b.raw('{');
            boolean first = true;
            for (Map.Entry<String, Object> e : evidence.entrySet()) {
                if (!first) {
                    b.raw(',');
                }
                first = false;
                b.string(e.getKey());
                b.raw(':');
                if (e.getValue() instanceof List<?> list) {
                    b.raw('[');
                    for (int i = 0; i < list.size(); i++) {
                        if (i > 0) {
                            b.raw(',');
                        }
                        value(b, list.get(i));
                    }
                    b.raw(']');
                } else {
                    value(b, e.getValue());
                }
            }
            b.raw('}');
        }

        private static void value(JsonBuffer b, Object v) {
            if (v == null) {
                b.nul();
            } else if (v instanceof String s) {
                b.string(s);
            } else if (v instanceof Boolean x) {
                b.bool(x);
            } else if (v instanceof Double d) {
                b.utf8(Double.toString(d)); // as Jackson writes a finite double (its fast writer is off by default)
            } else {
                b.number(((Number) v).longValue());
            }
        }

        private void port(Integer v) {
            if (v == null) {
                buf.nul();
            } else {
                buf.number(v);
            }
        }

        @Override
        public void close() {
            buf.writeTo(out);
            out.flush();
        }
    }
}
