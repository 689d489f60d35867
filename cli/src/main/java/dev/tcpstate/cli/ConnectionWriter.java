package dev.tcpstate.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
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

    /** One JSON object per line. */
    private static final class Jsonl extends ConnectionWriter {
        private static final SerializedString F_SCHEMA_VERSION = new SerializedString("schema_version"),
                F_ORIG_ADDR = new SerializedString("orig_addr"), F_ORIG_PORT = new SerializedString("orig_port"),
                F_RESP_ADDR = new SerializedString("resp_addr"), F_RESP_PORT = new SerializedString("resp_port"),
                F_INCARNATION = new SerializedString("incarnation"),
                F_ORIG_STATE = new SerializedString("orig_state"), F_RESP_STATE = new SerializedString("resp_state"),
                F_ZEEK_CONN_STATE = new SerializedString("zeek_conn_state"),
                F_ZEEK_HISTORY = new SerializedString("zeek_history"), F_PARTIAL = new SerializedString("partial"),
                F_FIRST_PACKET = new SerializedString("first_packet"),
                F_LAST_PACKET = new SerializedString("last_packet"),
                F_FIRST_TIME = new SerializedString("first_time"), F_LAST_TIME = new SerializedString("last_time"),
                F_ORIG_PACKETS = new SerializedString("orig_packets"),
                F_RESP_PACKETS = new SerializedString("resp_packets"),
                F_ORIG_BYTES = new SerializedString("orig_bytes"), F_RESP_BYTES = new SerializedString("resp_bytes");

        private final JsonGenerator g;
        private final PrintWriter out;
        private final char[] scratch = new char[Math.max(CaptureTime.MAX_LENGTH, 16)];

        Jsonl(PrintWriter out, boolean transitions) {
            super(transitions);
            this.out = out;
            try {
                g = Json.mapper().getFactory().createGenerator(out);
                g.setRootValueSeparator(null);
                g.disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        void write(Connection c) {
            try {
                g.writeStartObject();
                g.writeFieldName(F_SCHEMA_VERSION);
                g.writeNumber(Json.SCHEMA_VERSION);
                g.writeFieldName(F_ORIG_ADDR);
                writeAddress(c.ipVersion(), c.origHi(), c.origLo());
                g.writeFieldName(F_ORIG_PORT);
                g.writeNumber(c.origPort());
                g.writeFieldName(F_RESP_ADDR);
                writeAddress(c.ipVersion(), c.respHi(), c.respLo());
                g.writeFieldName(F_RESP_PORT);
                g.writeNumber(c.respPort());
                g.writeFieldName(F_INCARNATION);
                g.writeNumber(c.incarnation());
                g.writeFieldName(F_ORIG_STATE);
                g.writeString(c.originator().state().name());
                g.writeFieldName(F_RESP_STATE);
                g.writeString(c.responder().state().name());
                g.writeFieldName(F_ZEEK_CONN_STATE);
                g.writeString(c.zeekConnState());
                g.writeFieldName(F_ZEEK_HISTORY);
                g.writeString(c.history());
                g.writeFieldName(F_PARTIAL);
                g.writeBoolean(c.isPartial());
                g.writeFieldName(F_FIRST_PACKET);
                g.writeNumber(c.firstPacket());
                g.writeFieldName(F_LAST_PACKET);
                g.writeNumber(c.lastPacket());
                g.writeFieldName(F_FIRST_TIME);
                writeTime(c.firstTimeNanos());
                g.writeFieldName(F_LAST_TIME);
                writeTime(c.lastTimeNanos());
                g.writeFieldName(F_ORIG_PACKETS);
                g.writeNumber(c.origPackets());
                g.writeFieldName(F_RESP_PACKETS);
                g.writeNumber(c.respPackets());
                g.writeFieldName(F_ORIG_BYTES);
                g.writeNumber(c.origBytes());
                g.writeFieldName(F_RESP_BYTES);
                g.writeNumber(c.respBytes());
                if (transitions) {
                    writePath("orig_path", c.originator());
                    writePath("resp_path", c.responder());
                }
                g.writeEndObject();
                g.writeRaw('\n');
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** A time as a JSON string, formatted into the scratch buffer (no String per value). */
        private void writeTime(long nanos) throws IOException {
            int n = CaptureTime.format(nanos, scratch);
            if (n < 0) {
                g.writeString(CaptureTime.format(nanos));
            } else {
                g.writeString(scratch, 0, n);
            }
        }

        /** An address as a JSON string; IPv4 is formatted into the scratch buffer. */
        private void writeAddress(int ipVersion, long hi, long lo) throws IOException {
            if (ipVersion != 4) {
                g.writeString(Addresses.format(ipVersion, hi, lo));
                return;
            }
            int n = 0;
            for (int shift = 24; shift >= 0; shift -= 8) {
                int b = (int) (lo >>> shift) & 0xff;
                if (b >= 100) {
                    scratch[n++] = (char) ('0' + b / 100);
                }
                if (b >= 10) {
                    scratch[n++] = (char) ('0' + b / 10 % 10);
                }
                scratch[n++] = (char) ('0' + b % 10);
                if (shift > 0) {
                    scratch[n++] = '.';
                }
            }
            g.writeString(scratch, 0, n);
        }

        private void writePath(String field, Endpoint e) throws IOException {
            StatePath p = e.path();
            g.writeArrayFieldStart(field);
            g.writeStartObject();
            g.writeStringField("state", p.initial().name());
            g.writeEndObject();
            for (int i = 0; i < p.size(); i++) {
                g.writeStartObject();
                g.writeStringField("state", p.to(i).name());
                g.writeNumberField("packet", p.packet(i));
                g.writeFieldName("time");
                writeTime(p.timeNanos(i));
                g.writeEndObject();
            }
            g.writeEndArray();
        }

        @Override
        public void close() {
            try {
                g.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            out.flush();
        }
    }
}
