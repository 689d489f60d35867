package dev.tcpstate.cli;

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
     * One JSON object per line, written straight into a char buffer that goes to the output in large blocks: the
     * record has a fixed shape (numbers, booleans and short ASCII strings), so a general JSON generator's per-value
     * bookkeeping is not needed. The text is the same as Jackson's compact output.
     */
    private static final class Jsonl extends ConnectionWriter {
        private static final int FLUSH_AT = 1 << 15;

        private final PrintWriter out;
        private final char[] scratch = new char[CaptureTime.MAX_LENGTH];
        private char[] buf = new char[FLUSH_AT + 1024];
        private int n;

        Jsonl(PrintWriter out, boolean transitions) {
            super(transitions);
            this.out = out;
        }

        @Override
        void write(Connection c) {
            raw("{\"schema_version\":");
            number(Json.SCHEMA_VERSION);
            raw(",\"orig_addr\":");
            address(c.ipVersion(), c.origHi(), c.origLo());
            raw(",\"orig_port\":");
            number(c.origPort());
            raw(",\"resp_addr\":");
            address(c.ipVersion(), c.respHi(), c.respLo());
            raw(",\"resp_port\":");
            number(c.respPort());
            raw(",\"incarnation\":");
            number(c.incarnation());
            raw(",\"orig_state\":");
            string(c.originator().state().name());
            raw(",\"resp_state\":");
            string(c.responder().state().name());
            raw(",\"zeek_conn_state\":");
            string(c.zeekConnState());
            raw(",\"zeek_history\":");
            string(c.history());
            raw(",\"partial\":");
            raw(c.isPartial() ? "true" : "false");
            raw(",\"first_packet\":");
            number(c.firstPacket());
            raw(",\"last_packet\":");
            number(c.lastPacket());
            raw(",\"first_time\":");
            time(c.firstTimeNanos());
            raw(",\"last_time\":");
            time(c.lastTimeNanos());
            raw(",\"orig_packets\":");
            number(c.origPackets());
            raw(",\"resp_packets\":");
            number(c.respPackets());
            raw(",\"orig_bytes\":");
            number(c.origBytes());
            raw(",\"resp_bytes\":");
            number(c.respBytes());
            if (transitions) {
                path(",\"orig_path\":", c.originator());
                path(",\"resp_path\":", c.responder());
            }
            raw("}\n");
            if (n >= FLUSH_AT) {
                out.write(buf, 0, n);
                n = 0;
            }
        }

        private void path(String field, Endpoint e) {
            StatePath p = e.path();
            raw(field);
            raw("[{\"state\":");
            string(p.initial().name());
            raw("}");
            for (int i = 0; i < p.size(); i++) {
                raw(",{\"state\":");
                string(p.to(i).name());
                raw(",\"packet\":");
                number(p.packet(i));
                raw(",\"time\":");
                time(p.timeNanos(i));
                raw("}");
            }
            raw("]");
        }

        private void room(int chars) {
            if (n + chars > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, n + chars));
            }
        }

        private void raw(String s) {
            int len = s.length();
            room(len);
            s.getChars(0, len, buf, n);
            n += len;
        }

        private void number(long v) {
            if (v < 0) {
                raw(Long.toString(v));
                return;
            }
            int digits = 1;
            for (long bound = 10; digits < 19 && v >= bound; bound *= 10) {
                digits++;
            }
            room(digits);
            for (int i = n + digits - 1; i >= n; i--) {
                buf[i] = (char) ('0' + v % 10);
                v /= 10;
            }
            n += digits;
        }

        /** A JSON string, escaped as Jackson escapes it (quote, backslash and control characters). */
        private void string(String s) {
            int len = s.length();
            room(len * 6 + 2);
            buf[n++] = '"';
            for (int i = 0; i < len; i++) {
                char ch = s.charAt(i);
                if (ch >= 0x20 && ch != '"' && ch != '\\') {
                    buf[n++] = ch;
                    continue;
                }
                buf[n++] = '\\';
                switch (ch) {
                    case '"', '\\' -> buf[n++] = ch;
                    case '\b' -> buf[n++] = 'b';
                    case '\f' -> buf[n++] = 'f';
                    case '\n' -> buf[n++] = 'n';
                    case '\r' -> buf[n++] = 'r';
                    case '\t' -> buf[n++] = 't';
                    default -> {
                        buf[n++] = 'u';
                        buf[n++] = '0';
                        buf[n++] = '0';
                        buf[n++] = "0123456789ABCDEF".charAt(ch >> 4);
                        buf[n++] = "0123456789ABCDEF".charAt(ch & 0xF);
                    }
                }
            }
            buf[n++] = '"';
        }

        private void time(long nanos) {
            room(CaptureTime.MAX_LENGTH + 2);
            buf[n++] = '"';
            int len = CaptureTime.format(nanos, scratch);
            if (len < 0) {
                n--;
                string(CaptureTime.format(nanos));
                return;
            }
            System.arraycopy(scratch, 0, buf, n, len);
            n += len;
            buf[n++] = '"';
        }

        /** An address as a JSON string; IPv4 without an intermediate String. */
        private void address(int ipVersion, long hi, long lo) {
            if (ipVersion != 4) {
                string(Addresses.format(ipVersion, hi, lo));
                return;
            }
            room(17);
            buf[n++] = '"';
            for (int shift = 24; shift >= 0; shift -= 8) {
                int b = (int) (lo >>> shift) & 0xff;
                if (b >= 100) {
                    buf[n++] = (char) ('0' + b / 100);
                }
                if (b >= 10) {
                    buf[n++] = (char) ('0' + b / 10 % 10);
                }
                buf[n++] = (char) ('0' + b % 10);
                if (shift > 0) {
                    buf[n++] = '.';
                }
            }
            buf[n++] = '"';
        }

        @Override
        public void close() {
            out.write(buf, 0, n);
            n = 0;
            out.flush();
        }
    }
}
