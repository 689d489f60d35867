package dev.tcpstate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user runs it: outputs, formats, errors and exit codes. */
class CommandLineTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String sample(String name) {
        return Repo.sample(name).toString();
    }

    @Test
    void infoPrintsCaptureFactsAsJson() throws IOException {
        Cli r = Cli.run("info", "--format", "json", sample("client-first-close.pcap"));
        assertThat(r.exitCode()).isZero();
        assertThat(r.err()).isEmpty();
        JsonNode n = JSON.readTree(r.out());
        assertThat(n.get("packets").asLong()).isEqualTo(11);
        assertThat(n.get("socket_pairs").asLong()).isEqualTo(1);
        assertThat(n.get("tcp_segments").asLong()).isEqualTo(11);
        assertThat(n.get("bad_checksums").asLong()).isZero();
        assertThat(n.get("read_whole").asBoolean()).isTrue();
        assertThat(n.get("format").asText()).isEqualTo("pcap 2.4 (little-endian, microsecond timestamps)");
    }

    @Test
    void infoDescribesOnlyWhatTheFiltersKeep() throws IOException {
        JsonNode one = JSON.readTree(Cli.run("info", "--format", "json", "--conn", "10.77.0.2:8080-10.77.0.1:40021",
                sample("accept-queue-overflow.pcap")).out());
        assertThat(one.get("packets").asLong()).isEqualTo(3);
        assertThat(one.get("tcp_segments").asLong()).isEqualTo(3);
        assertThat(one.get("socket_pairs").asLong()).isEqualTo(1);
        JsonNode none = JSON.readTree(Cli.run("info", "--format", "json", "--port", "9999",
                sample("accept-queue-overflow.pcap")).out());
        assertThat(none.get("packets").asLong()).isZero();
        assertThat(none.get("socket_pairs").asLong()).isZero();
        JsonNode early = JSON.readTree(Cli.run("info", "--format", "json", "--between", "0", "0.0001",
                sample("client-first-close.pcap")).out());
        assertThat(early.get("packets").asLong()).isEqualTo(3);
        assertThat(early.get("first_packet_time").asText()).isEqualTo("2026-11-22T15:07:06.033147Z");
        JsonNode host = JSON.readTree(Cli.run("info", "--format", "json", "--host", "fd77::2",
                sample("ipv6.pcap")).out());
        assertThat(host.get("packets").asLong()).isEqualTo(11);
        assertThat(host.get("ipv6_packets").asLong()).isEqualTo(11);
    }

    @Test
    void infoOnSeveralCapturesAddsTotals() throws IOException {
        Cli r = Cli.run("info", "--format", "json", sample("client-first-close.pcap"), sample("ipv6.pcap"),
                sample("refused-connection.pcap"));
        assertThat(r.exitCode()).isZero();
        JsonNode n = JSON.readTree(r.out());
        assertThat(n.get("packets").asLong()).isEqualTo(11 + 11 + 2);
        assertThat(n.get("socket_pairs").asLong()).isEqualTo(3);
        assertThat(n.get("captures")).hasSize(3);
    }

    @Test
    void standardInputTwice_isAUsageError() {
        for (String command : new String[] {"connections", "analyze", "info", "check"}) {
            Cli r = Cli.run(command, "-", Repo.sample("ipv6.pcap").toString(), "-");
            assertThat(r.exitCode()).as(command).isEqualTo(ExitCode.USAGE);
            assertThat(r.out()).isEmpty();
            assertThat(r.err()).isEqualTo("tcpstate: '-' (standard input) can be given once among the captures\n"
                    + "Try 'tcpstate " + command + " --help' for more information.\n");
        }
    }

    @Test
    void gzipCompressedCaptureFromStandardInput() throws IOException {
        java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(gz)) {
            z.write(Files.readAllBytes(Repo.sample("ipv6.pcap")));
        }
        java.io.InputStream stdin = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream(gz.toByteArray()));
            Cli r = Cli.run("connections", "--format", "csv", "-");
            assertThat(r.exitCode()).isZero();
            List<CSVRecord> rows = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                    .parse(new StringReader(r.out())).getRecords();
            assertThat(rows).singleElement().satisfies(row -> {
                assertThat(row.get("orig_addr")).isEqualTo("fd77::1");
                assertThat(row.get("orig_state")).isEqualTo("TIME_WAIT");
                assertThat(row.get("resp_state")).isEqualTo("CLOSED");
            });
        } finally {
            System.setIn(stdin);
        }
    }

    @Test
    void gzipCaptureCutOff_whatWasDecompressedIsAnalysed_andOneLineSaysWhere(@TempDir Path dir) throws IOException {
        java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(gz)) {
            z.write(Files.readAllBytes(Repo.sample("many-short-connections.pcap")));
        }
        byte[] whole = gz.toByteArray();
        Path cut = dir.resolve("cut.pcap.gz");
        Files.write(cut, Arrays.copyOf(whole, whole.length / 2));
        for (String command : new String[] {"connections", "info", "analyze"}) {
            Cli r = Cli.run(command, cut.toString());
            assertThat(r.exitCode()).as(command).isEqualTo(ExitCode.CAPTURE_UNREADABLE);
            assertThat(r.err()).as(command).matches("tcpstate: " + java.util.regex.Pattern.quote(cut.toString())
                    + ": offset \\d+ of the decompressed data, packet \\d+: the gzip data ends early \\(compressed"
                    + " file cut off\\?\\); reading stops\n");
        }
        // 50 connections of 10 packets: the first half of the compressed file holds more than a third of them (18
        // with this JDK's zlib), each analysed
        List<String> rows = Cli.run("connections", "--format", "jsonl", cut.toString()).out().lines().toList();
        assertThat(rows).hasSizeBetween(10, 49);
        assertThat(rows.get(0)).contains("\"orig_state\":\"TIME_WAIT\"");

        // merged with another capture: the line names the capture that failed
        Cli merged = Cli.run("connections", Repo.sample("ipv6.pcap").toString(), cut.toString());
        assertThat(merged.exitCode()).isEqualTo(ExitCode.CAPTURE_UNREADABLE);
        assertThat(merged.err()).matches("tcpstate: " + java.util.regex.Pattern.quote(cut.toString())
                + ": offset \\d+ of the decompressed data: the gzip data ends early \\(compressed file cut off\\?\\);"
                + " reading stops\n");

        byte[] damaged = whole.clone();
        for (int i = whole.length / 2; i < whole.length / 2 + 8; i++) {
            damaged[i] ^= 0x5a;
        }
        Path bad = dir.resolve("damaged.pcap.gz");
        Files.write(bad, damaged);
        Cli r = Cli.run("analyze", bad.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCode.CAPTURE_UNREADABLE);
        assertThat(r.err()).matches("tcpstate: " + java.util.regex.Pattern.quote(bad.toString())
                + ": offset \\d+ of the decompressed data, packet \\d+: the gzip data is damaged \\(.+\\);"
                + " reading stops\n");
    }

    @Test
    void damagedCaptureKeepsWhatWasReadAndExitsThree(@TempDir Path dir) throws IOException {
        byte[] whole = Files.readAllBytes(Repo.sample("client-first-close.pcap"));
        Path cut = dir.resolve("cut.pcap");
        Files.write(cut, Arrays.copyOf(whole, whole.length - 10));
        Cli r = Cli.run("info", "--format", "json", cut.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCode.CAPTURE_UNREADABLE);
        assertThat(JSON.readTree(r.out()).get("packets").asLong()).isEqualTo(10);
        assertThat(JSON.readTree(r.out()).get("read_whole").asBoolean()).isFalse();
        assertThat(r.err().lines().toList()).singleElement().asString()
                .startsWith("tcpstate: " + cut + ": offset ")
                .contains(", packet 11: file ends after ")
                .endsWith("captured bytes of the packet (capture cut off?)");
    }

    @Test
    void aWindowEndsTheReading_soDamageBeyondItIsNeverMet(@TempDir Path dir) throws IOException {
        // 20,000 SYNs a millisecond apart (raw IPv4), the file cut inside the last record. A window over the first
        // 10 ms stops reading at its first packet after it: the reading thread, a few batches ahead at most, never
        // gets to the damage. The whole file read, it is reported.
        java.io.ByteArrayOutputStream pcap = new java.io.ByteArrayOutputStream();
        java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(24).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        pcap.writeBytes(header.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                .putInt(65535).putInt(101).array());
        for (int i = 0; i < 20_000; i++) {
            java.nio.ByteBuffer rec = java.nio.ByteBuffer.allocate(16 + 40);
            rec.order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(1_700_000_000 + i / 1000).putInt(i % 1000 * 1000)
                    .putInt(40).putInt(40);
            rec.order(java.nio.ByteOrder.BIG_ENDIAN).put((byte) 0x45).put((byte) 0).putShort((short) 40).putInt(0)
                    .put((byte) 64).put((byte) 6).putShort((short) 0).putInt(0x0a000001).putInt(0x0a000002)
                    .putShort((short) (10_000 + i % 50_000)).putShort((short) 80).putInt(i).putInt(0)
                    .put((byte) 0x50).put((byte) 0x02).putShort((short) 1024).putInt(0);
            pcap.writeBytes(rec.array());
        }
        byte[] whole = pcap.toByteArray();
        Path cut = dir.resolve("cut.pcap");
        Files.write(cut, Arrays.copyOf(whole, whole.length - 10));

        Cli window = Cli.run("connections", "--format", "jsonl", "--between", "0", "0.0095", cut.toString());
        assertThat(window.err()).isEmpty();
        assertThat(window.exitCode()).isZero();
        assertThat(window.out().lines()).hasSize(10);
        Cli all = Cli.run("connections", "--format", "jsonl", cut.toString());
        assertThat(all.exitCode()).isEqualTo(ExitCode.CAPTURE_UNREADABLE);
        assertThat(all.out().lines()).hasSize(19_999);
    }

    @Test
    void missingFileAndNonCaptureAreOneLineErrors(@TempDir Path dir) throws IOException {
        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "not a capture at all");
        Cli r = Cli.run("connections", dir.resolve("nope.pcap").toString(), text.toString(), dir.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCode.CAPTURE_UNREADABLE);
        assertThat(r.err().lines().toList()).containsExactly(
                "tcpstate: " + dir.resolve("nope.pcap") + ": no such file",
                "tcpstate: " + text + ": offset 0: not a capture: magic number 6e6f7420 (expected pcap a1b2c3d4/a1b23c4d"
                        + " in either byte order, pcapng 0a0d0d0a, or gzip 1f8b)",
                "tcpstate: " + dir + ": is a directory, not a capture file");
        assertThat(r.out()).isEqualTo("no TCP connections" + System.lineSeparator());
    }

    @Test
    void usageErrorsExitTwoWithoutStackTrace() {
        Cli r = Cli.run("connections", "--format", "xml", sample("ipv6.pcap"));
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).startsWith("tcpstate: Invalid value for option '--format': expected one of [TEXT, CSV, JSONL]")
                .doesNotContain("Exception");
        assertThat(r.out()).isEmpty();
        assertThat(Cli.run("--no-such-option").exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(Cli.run().exitCode()).isEqualTo(ExitCode.USAGE);
        Cli badConn = Cli.run("timeline", sample("ipv6.pcap"), "--conn", "10.0.0.1-10.0.0.2");
        assertThat(badConn.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(badConn.err()).startsWith("tcpstate: --conn: '10.0.0.1-10.0.0.2' is not ADDR:PORT-ADDR:PORT");
    }

    @Test
    void enumValuesAreCaseInsensitive() {
        assertThat(Cli.run("connections", "--format", "JsonL", sample("ipv6.pcap")).exitCode()).isZero();
    }

    @Test
    void helpListsExitCodes() {
        Cli r = Cli.run("--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("Exit codes:", "3   a capture could not be read, whole or in part", "connections",
                "timeline", "info");
    }

    @Test
    void connectionsAsJsonLines() throws IOException {
        Cli r = Cli.run("connections", "--format", "jsonl", "--transitions", sample("client-first-close.pcap"));
        assertThat(r.exitCode()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(1);
        JsonNode c = JSON.readTree(lines.get(0));
        assertThat(c.get("orig_addr").asText()).isEqualTo("10.77.0.1");
        assertThat(c.get("orig_port").asInt()).isEqualTo(40001);
        assertThat(c.get("resp_addr").asText()).isEqualTo("10.77.0.2");
        assertThat(c.get("resp_port").asInt()).isEqualTo(8080);
        assertThat(c.get("incarnation").asInt()).isEqualTo(1);
        assertThat(c.get("orig_state").asText()).isEqualTo("TIME_WAIT");
        assertThat(c.get("resp_state").asText()).isEqualTo("CLOSED");
        assertThat(c.get("zeek_conn_state").asText()).isEqualTo("SF");
        assertThat(c.get("zeek_history").asText()).isEqualTo("ShADadFf");
        assertThat(c.get("first_packet").asLong()).isEqualTo(1);
        assertThat(c.get("last_packet").asLong()).isEqualTo(11);
        assertThat(c.get("partial").asBoolean()).isFalse();
        assertThat(c.get("schema_version").asInt()).isEqualTo(1);
        assertThat(c.get("orig_path").findValuesAsText("state"))
                .containsExactly("CLOSED", "SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT");
        assertThat(c.get("resp_path").findValuesAsText("state"))
                .containsExactly("LISTEN", "SYN_RECEIVED", "ESTABLISHED", "CLOSE_WAIT", "LAST_ACK", "CLOSED");
    }

    @Test
    void connectionsAsCsvAtAMoment() throws IOException {
        Cli r = Cli.run("connections", "--format", "csv", "--at", "0.05", sample("client-first-close.pcap"));
        assertThat(r.exitCode()).isZero();
        List<CSVRecord> rows = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(new StringReader(r.out())).getRecords();
        assertThat(rows).singleElement().satisfies(row -> {
            assertThat(row.get("orig_state")).isEqualTo("FIN_WAIT_2");
            assertThat(row.get("resp_state")).isEqualTo("CLOSE_WAIT");
            assertThat(row.get("last_packet")).isEqualTo("9");
        });
    }

    @Test
    void ipv6AddressesAreCompressed() throws IOException {
        Cli r = Cli.run("connections", "--format", "jsonl", sample("ipv6.pcap"));
        JsonNode c = JSON.readTree(r.out().lines().findFirst().orElseThrow());
        assertThat(c.get("orig_addr").asText()).isEqualTo("fd77::1");
        assertThat(c.get("resp_addr").asText()).isEqualTo("fd77::2");
    }

    @Test
    void timelineShowsBothStatesAfterEveryPacket() {
        Cli r = Cli.run("timeline", sample("refused-connection.pcap"), "--conn", "10.77.0.2:8081-10.77.0.1:40007");
        assertThat(r.exitCode()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).isEqualTo("10.77.0.1:40007  <->  10.77.0.2:8081   incarnation 1");
        assertThat(lines.get(2).trim().split("\\s+")).containsExactly("1", "+0.000000", "-->", "S", "0", "0", "SYN_SENT", "CLOSED");
        assertThat(lines.get(3).trim().split("\\s+")).containsExactly("2", "+0.000025", "<--", "R.", "0", "1", "0",
                "CLOSED", "CLOSED");
    }

    @Test
    void timelineSaysWhenALaterPacketWithdrawsAnInferredStep() {
        // Crossing FINs: the originator's FIN (#8) is taken as arrived (responder CLOSE_WAIT) until the responder's
        // own FIN (#9) acknowledges only up to it: the responder had sent its FIN first, so it never was in CLOSE_WAIT.
        Cli r = Cli.run("timeline", sample("simultaneous-close.pcap"), "--conn", "10.77.0.1:40003-10.77.0.2:8080");
        assertThat(r.exitCode()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(14);
        assertThat(lines.get(9).trim().split("\\s+")).containsExactly("8", "+0.452132", "-->", "F.", "25", "44", "0",
                "FIN_WAIT_1", "CLOSE_WAIT");
        assertThat(lines.get(10).trim().split("\\s+")).containsExactly("9", "+0.471030", "<--", "F.", "44", "25", "0",
                "CLOSING", "CLOSING");
        assertThat(lines.get(11).trim()).isEqualTo(
                "responder: step to CLOSE_WAIT at #8 withdrawn (this packet shows it had not happened yet)");
        assertThat(lines.get(13).trim().split("\\s+")).containsExactly("11", "+0.477630", "<--", ".", "45", "26", "0",
                "TIME_WAIT", "TIME_WAIT");
    }
}
