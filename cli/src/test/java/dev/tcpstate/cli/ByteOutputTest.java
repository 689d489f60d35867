package dev.tcpstate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
            for (int i = 0; i < lines.length - 1; i++) {
                assertThat(lines[i]).isEqualTo(JSON.writeValueAsString(JSON.readTree(lines[i])));
            }
        }
    }
}
