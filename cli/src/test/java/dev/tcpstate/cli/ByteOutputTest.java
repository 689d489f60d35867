package dev.tcpstate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tcpstate.analyzer.anomaly.Anomaly;
import dev.tcpstate.analyzer.anomaly.AnomalyType;
import dev.tcpstate.analyzer.anomaly.Severity;
import dev.tcpstate.analyzer.tcp.TcpState;
import dev.tcpstate.analyzer.track.Role;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The JSON Lines writers build their records as UTF-8 bytes and write them past the PrintWriter, onto its stream. The
 * bytes must be the ones the text path gave (Jackson's escaping, the JDK's UTF-8 encoder), must come after what was
 * printed before them and before what is printed after them, and none may be left behind at the end.
 */
class ByteOutputTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Strings with every kind of character the escaping and the encoding treat differently. */
    private static final List<String> STRINGS = List.of("", "SYN_SENT", "ShADadFf", "quote \" backslash \\ slash /",
            "\b\f\n\r\t\u0000\u0001\u001f", "del \u007f", "caf\u00e9 \u00ff \u0100 \u07ff", "\u0800 \u4e2d\u6587 \uffff",
            "emoji \ud83d\ude00 \udbff\udfff", "lone high \ud800 x", "lone low \udc00 x", "ends high \ud83d",
            "\udc00\ud800", "eth0-\u00fcber.pcap");

    /** What Jackson's generator writes for {@code s} over a UTF-8 OutputStreamWriter, the text path's bytes. */
    private static byte[] jacksonUtf8(String s) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Writer w = new OutputStreamWriter(bytes, StandardCharsets.UTF_8);
             JsonGenerator g = JSON.getFactory().createGenerator(w)) {
            g.writeString(s);
        }
        return bytes.toByteArray();
    }

    private static byte[] buffered(String s) {
        JsonBuffer b = new JsonBuffer(4);
        b.string(s);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintWriter pw = new StreamPrintWriter(bytes, 16);
        b.writeTo(Utf8Sink.of(pw));
        pw.flush();
        return bytes.toByteArray();
    }

    @Test
    void stringsAreEscapedAndEncodedAsJacksonOverTheUtf8EncoderDoes() throws IOException {
        for (String s : STRINGS) {
            assertThat(buffered(s)).as("%s", s.chars().mapToObj(Integer::toHexString).toList())
                    .isEqualTo(jacksonUtf8(s));
        }
    }

    @Test
    void nonAsciiCharactersTakeTheirUtf8Bytes() {
        assertThat(buffered("\u00e9\u4e2d\ud83d\ude00\ud800")).containsExactly('"', 0xc3, 0xa9, 0xe4, 0xb8, 0xad,
                0xf0, 0x9f, 0x98, 0x80, '?', '"');
        assertThat(buffered("\n\u0001\"\\")).isEqualTo("\"\\n\\u0001\\\"\\\\\"".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void bytesComeBetweenTheTextPrintedBeforeAndAfterThem() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StreamPrintWriter pw = new StreamPrintWriter(bytes, 1 << 16);
        pw.println("before \u00e9"); // still in the PrintWriter's buffer when the bytes are written
        JsonBuffer b = new JsonBuffer(64);
        b.string("bytes \u00fc");
        b.raw('\n');
        Utf8Sink sink = Utf8Sink.of(pw);
        b.writeTo(sink);
        pw.print("after \u4e2d");
        b.number(42);
        b.writeTo(sink);
        sink.flush();
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("before \u00e9" + System.lineSeparator()
                + "\"bytes \u00fc\"\nafter \u4e2d42");
    }

    @Test
    void bytesDecodedIntoAPrintWriterWithoutAStreamComeOutTheSame() {
        StringWriter text = new StringWriter();
        PrintWriter pw = new PrintWriter(text);
        pw.print("before ");
        JsonBuffer b = new JsonBuffer(8);
        b.string("\u00e9\ud83d\ude00\t");
        Utf8Sink sink = Utf8Sink.of(pw);
        b.writeTo(sink);
        pw.print(" after");
        sink.flush();
        assertThat(text.toString()).isEqualTo("before \"\u00e9\ud83d\ude00\\t\" after");
    }

    @Test
    void timesAreWrittenAsCaptureTimeFormatsThem() {
        long[] times = {0, 1_700_000_000_000_000_000L, 1_700_000_000_123_000_000L, 1_700_000_000_123_456_000L,
                1_700_000_000_123_456_789L, -1, Long.MIN_VALUE, Long.MAX_VALUE};
        for (long t : times) {
            JsonBuffer b = new JsonBuffer(1);
            b.time(t);
            StringWriter text = new StringWriter();
            b.writeTo(Utf8Sink.of(new PrintWriter(text)));
            assertThat(text.toString()).isEqualTo("\"" + CaptureTime.format(t) + "\"");
        }
    }

    /**
     * Records written onto the stream come after text printed to the same PrintWriter before the command (still in
     * its buffer) and before text printed after it, every record is there, the last partial block included, and
     * each is the line Jackson writes for the same values.
     */
    @Test
    void connectionRecordsOnTheStreamKeepTheirPlaceAndLoseNothing() throws IOException {
        String capture = Repo.sample("syn-flood.pcap").toString();
        for (String[] args : List.of(new String[] {"connections", "--format", "jsonl", capture},
                new String[] {"connections", "--format", "jsonl", "--transitions", capture})) {
            Cli text = Cli.run(args);
            assertThat(text.exitCode()).isZero();

            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            StreamPrintWriter out = new StreamPrintWriter(bytes, 1 << 16);
            out.println("\u00e9 before");
            int code = Main.run(out, new PrintWriter(new StringWriter()), args);
            out.print("after \u00fc");
            out.flush();
            assertThat(code).isZero();
            String all = bytes.toString(StandardCharsets.UTF_8);
            assertThat(all).isEqualTo("\u00e9 before" + System.lineSeparator() + text.out() + "after \u00fc");

            String[] lines = text.out().split("\n", -1);
            assertThat(text.out().length()).isGreaterThan(3 * (1 << 15) + 1000); // several blocks and a partial one
            assertThat(lines[lines.length - 1]).isEmpty();
            // as many records as the CSV writer, which takes another path, writes rows
            String csv = Cli.run("connections", "--format", "csv", capture).out();
            assertThat(lines.length - 1).isEqualTo(csv.split("\r\n").length - 1).isGreaterThan(200);
            for (int i = 0; i < lines.length - 1; i++) {
                assertThat(lines[i]).isEqualTo(JSON.writeValueAsString(JSON.readTree(lines[i])));
            }
        }
    }

    /** The anomaly record as Jackson's generator writes it, field by field. */
    private static String jacksonLine(Anomaly a) throws IOException {
        StringWriter text = new StringWriter();
        try (JsonGenerator g = JSON.getFactory().createGenerator(text)) {
            g.writeStartObject();
            g.writeNumberField("schema_version", Json.SCHEMA_VERSION);
            g.writeStringField("code", a.code());
            g.writeStringField("severity", a.severity().name());
            g.writeStringField("time", CaptureTime.format(a.timeNanos()));
            g.writeFieldName("packet");
            if (a.packets().isEmpty()) {
                g.writeNull();
            } else {
                g.writeNumber(a.packet());
            }
            g.writeArrayFieldStart("packets");
            for (long p : a.packets()) {
                g.writeNumber(p);
            }
            g.writeEndArray();
            g.writeStringField("orig_addr", AnomalyWriter.origAddress(a));
            g.writeFieldName("orig_port");
            g.writeObject(AnomalyWriter.origPort(a));
            g.writeStringField("resp_addr", AnomalyWriter.respAddress(a));
            g.writeFieldName("resp_port");
            g.writeObject(AnomalyWriter.respPort(a));
            g.writeNumberField("incarnation", a.incarnation());
            g.writeStringField("endpoint", AnomalyWriter.endpoint(a.endpoint()));
            g.writeStringField("state_before", a.stateBefore() == null ? null : a.stateBefore().name());
            g.writeStringField("state_after", a.stateAfter() == null ? null : a.stateAfter().name());
            g.writeStringField("message", a.message());
            g.writeFieldName("evidence");
            g.writeObject(a.evidence());
            g.writeEndObject();
        }
        return text + "\n";
    }

    /** Anomaly records on the stream: Jackson's text in UTF-8, a whole line at once, in order with printed text. */
    @Test
    void anomalyRecordsAreJacksonsLinesInUtf8() throws IOException {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("file", "capture-\u00fcber-\u4e2d.pcap \ud83d\ude00 \"q\" \t");
        evidence.put("lone", "x\ud800y");
        evidence.put("count", 3);
        evidence.put("big", 1L << 40);
        evidence.put("ratio", 0.1);
        evidence.put("flag", true);
        evidence.put("none", null);
        evidence.put("list", List.of(1L, 2L, "\u00e9"));
        evidence.put("map", Map.of("k\u00e9", -5));
        List<Anomaly> anomalies = List.of(
                new Anomaly(AnomalyType.CONNECTION_REFUSED, Severity.WARNING, 1_700_000_000_011_200_000L,
                        List.of(56L, 57L), 4, 0, 0x0a000001L, 40000, 0, 0xc0a80102L, 443, 1, Role.RESPONDER,
                        TcpState.ESTABLISHED, TcpState.CLOSED, "interface \u00e9th0 \u2014 \"refused\"\n", evidence),
                new Anomaly(AnomalyType.CONNECTION_REFUSED, Severity.INFO, -1_500_000_000L, List.of(), 6, 0, 0, 0,
                        0x20010db8_00000000L, 1, 0, 0, null, null, null, "ends high \ud83d", Map.of()));

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StreamPrintWriter out = new StreamPrintWriter(bytes, 1 << 16);
        out.println("\u00e9 before");
        AnomalyWriter w = AnomalyWriter.create(AnomalyWriter.Format.JSONL, out);
        StringBuilder expected = new StringBuilder("\u00e9 before" + System.lineSeparator());
        for (Anomaly a : anomalies) {
            w.write(a);
            expected.append(jacksonLine(a));
            // each record is on the stream as soon as it is written: nothing waits for a flush
            assertThat(bytes.toByteArray()).isEqualTo(utf8(expected.toString()));
        }
        w.close();
        out.print("after");
        out.flush();
        assertThat(bytes.toByteArray()).isEqualTo(utf8(expected + "after"));
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("\"file\":\"capture-\u00fcber-\u4e2d.pcap \ud83d\ude00",
                "\"lone\":\"x?y\"", "\"message\":\"ends high ?\"");

        StringWriter text = new StringWriter();
        AnomalyWriter tw = AnomalyWriter.create(AnomalyWriter.Format.JSONL, new PrintWriter(text));
        anomalies.forEach(tw::write);
        tw.close();
        assertThat(utf8(text.toString())).isEqualTo(utf8(expected.substring(expected.indexOf("\n") + 1)));
    }

    /** Anomalies of every shape the text line distinguishes. */
    private static List<Anomaly> shapes() {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("ratio", 0.25);
        evidence.put("list", List.of(1L, 2L));
        List<Anomaly> out = new java.util.ArrayList<>();
        for (Severity sev : Severity.values()) {
            for (Role role : new Role[] {null, Role.ORIGINATOR, Role.RESPONDER}) {
                out.add(new Anomaly(AnomalyType.CONNECTION_REFUSED, sev, 1_700_000_000_011_200_000L,
                        List.of(56L, 57L), 4, 0, 0x0a000001L, 40000, 0, 0xc0a8ff02L, 443, 3, role,
                        TcpState.ESTABLISHED, TcpState.CLOSED, "refused \u00e9 \"q\"", evidence));
                out.add(new Anomaly(AnomalyType.CONNECTION_REFUSED, sev, -1_500_000_000L, List.of(), 6, 0, 0, 0,
                        0x20010db8_00000000L, 1, 8080, 0, role, null, null, "ends high \ud83d", Map.of()));
                // aggregate: incarnation 0, one side without an address or port, or both
                out.add(new Anomaly(AnomalyType.CONNECTION_REFUSED, sev, Long.MAX_VALUE,
                        List.of(), 4, 0, 0, 0, 0, 0xc0a80001L, 0, 0, role, null, null, "aggregate", evidence));
                out.add(new Anomaly(AnomalyType.CONNECTION_REFUSED, sev, 1_700_000_000_000_000_000L, List.of(9L), 6,
                        0x20010db8_00000000L, 5, 0, 0, 0, 0, 0, role, null, null, "aggregate v6", Map.of()));
            }
        }
        return out;
    }

    @Test
    void anomalyTextLinesBuiltAsBytesAreTheLinesAsStrings() {
        for (Anomaly a : shapes()) {
            JsonBuffer b = new JsonBuffer(1);
            AnomalyWriter.Text.line(b, a);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            StreamPrintWriter out = new StreamPrintWriter(bytes, 16);
            b.writeTo(Utf8Sink.of(out));
            out.flush();
            assertThat(bytes.toByteArray()).isEqualTo(utf8(AnomalyWriter.Text.line(a)));
        }
    }

    /** Records in blocks are the records written one by one, and reach the stream by the close at the latest. */
    @Test
    void anomalyRecordsInBlocksAreTheSameRecords() {
        List<Anomaly> anomalies = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            anomalies.addAll(shapes());
        }
        for (AnomalyWriter.Format f : AnomalyWriter.Format.values()) {
            ByteArrayOutputStream one = new ByteArrayOutputStream();
            ByteArrayOutputStream blocks = new ByteArrayOutputStream();
            StreamPrintWriter oneOut = new StreamPrintWriter(one, 1 << 16);
            StreamPrintWriter blockOut = new StreamPrintWriter(blocks, 1 << 16);
            oneOut.println("before");
            blockOut.println("before");
            AnomalyWriter w1 = AnomalyWriter.create(f, oneOut);
            AnomalyWriter w2 = AnomalyWriter.create(f, blockOut, true);
            anomalies.forEach(w1::write);
            anomalies.forEach(w2::write);
            w1.close();
            w2.close();
            oneOut.print("after");
            blockOut.print("after");
            oneOut.flush();
            blockOut.flush();
            assertThat(blocks.toByteArray()).as("%s", f).isEqualTo(one.toByteArray());
            assertThat(one.size()).isGreaterThan(3 * AnomalyWriter.FLUSH_AT);
        }
    }

    /** Text through the JDK's UTF-8 encoder, as the PrintWriter path encodes it (a lone surrogate as '?'). */
    private static byte[] utf8(String s) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Writer w = new OutputStreamWriter(bytes, StandardCharsets.UTF_8)) {
            w.write(s);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return bytes.toByteArray();
    }
}
