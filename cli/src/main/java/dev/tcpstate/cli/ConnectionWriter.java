package dev.tcpstate.cli;

import com.fasterxml.jackson.core.JsonGenerator;
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
        private final JsonGenerator g;
        private final PrintWriter out;

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
                g.writeNumberField("schema_version", Json.SCHEMA_VERSION);
                g.writeStringField("orig_addr", orig(c));
                g.writeNumberField("orig_port", c.origPort());
                g.writeStringField("resp_addr", resp(c));
                g.writeNumberField("resp_port", c.respPort());
                g.writeNumberField("incarnation", c.incarnation());
                g.writeStringField("orig_state", c.originator().state().name());
                g.writeStringField("resp_state", c.responder().state().name());
                g.writeStringField("zeek_conn_state", c.zeekConnState());
                g.writeStringField("zeek_history", c.history());
                g.writeBooleanField("partial", c.isPartial());
                g.writeNumberField("first_packet", c.firstPacket());
                g.writeNumberField("last_packet", c.lastPacket());
                g.writeStringField("first_time", CaptureTime.format(c.firstTimeNanos()));
                g.writeStringField("last_time", CaptureTime.format(c.lastTimeNanos()));
                g.writeNumberField("orig_packets", c.origPackets());
                g.writeNumberField("resp_packets", c.respPackets());
                g.writeNumberField("orig_bytes", c.origBytes());
                g.writeNumberField("resp_bytes", c.respBytes());
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
                g.writeStringField("time", CaptureTime.format(p.timeNanos(i)));
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
