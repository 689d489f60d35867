package dev.tcpstate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code tcpstate live --replay}: the live read path and analysis loop fed by libpcap's offline reader. Needs
 * libpcap (not root): skipped without it.
 */
class LiveReplayTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void libpcap() {
        LiveCaptureTest.assumeLibpcap();
    }

    static Stream<String> samples() throws IOException {
        try (Stream<Path> files = Files.list(Repo.root().resolve("sample-captures"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".pcap")).sorted().toList()
                    .stream();
        }
    }

    private static String sample(String name) {
        return Repo.sample(name).toString();
    }

    /** Lines of a file, or of text. */
    private static List<String> lines(Path p) throws IOException {
        return Files.readAllLines(p);
    }

    /** "orig resp #incarnation" of a connection record. */
    private static String pair(JsonNode c) {
        return endpoint(c.get("orig_addr").asText(), c.get("orig_port").asInt()) + " "
                + endpoint(c.get("resp_addr").asText(), c.get("resp_port").asInt()) + " #"
                + c.get("incarnation").asInt();
    }

    private static String endpoint(String addr, int port) {
        return (addr.contains(":") ? "[" + addr + "]" : addr) + ":" + port;
    }

    // ------------------------------------------------------------------------------------------ same as analyze

    /**
     * Every sample capture: the connection and anomaly records of the replay are, line for line, those of
     * {@code analyze} with the same settings (live's default checksum policy is {@code ignore}), and the connections
     * are those the capture's expected.json lists.
     */
    @ParameterizedTest
    @MethodSource("samples")
    void replayGivesTheRecordsOfAnalyze(String capture) throws IOException {
        Path liveConns = dir.resolve("live-connections.jsonl");
        Path fileConns = dir.resolve("analyze-connections.jsonl");
        Path fileAnoms = dir.resolve("analyze-anomalies.jsonl");
        Cli live = Cli.run("live", "--replay", sample(capture), "--format", "jsonl",
                "--connections", liveConns.toString());
        assertThat(live.exitCode()).as(live.err()).isZero();
        Cli analyze = Cli.run("analyze", "--checksums", "ignore", "--format", "json", sample(capture),
                "--connections", fileConns.toString(), "--anomalies", fileAnoms.toString());
        assertThat(analyze.exitCode()).as(analyze.err()).isZero();

        List<String> connections = lines(liveConns);
        assertThat(connections).isNotEmpty().isEqualTo(lines(fileConns));
        assertThat(live.out().lines().toList()).isEqualTo(lines(fileAnoms));

        // The summary (on standard error with --format jsonl) counts what analyze counts.
        JsonNode report = Json.mapper().readTree(analyze.out());
        assertThat(live.err()).contains(
                "\npackets         " + report.get("packets").asLong() + "\n",
                "\nTCP segments    " + report.get("tcp_segments").asLong() + "\n",
                "\nconnections     " + report.get("connections").asLong() + "\n",
                "\nanomalies       " + report.get("anomaly_count").asLong()
                        + (report.get("suppressed_count").asLong() > 0 ? " (and " : "\n"));

        // And the connections are those the capture was made to show.
        Map<String, JsonNode> byPair = new LinkedHashMap<>();
        Map<String, Long> pairs = new TreeMap<>();
        for (String line : connections) {
            JsonNode c = Json.mapper().readTree(line);
            byPair.put(pair(c), c);
            pairs.merge(c.get("orig_state").asText() + "/" + c.get("resp_state").asText(), 1L, Long::sum);
        }
        JsonNode expected = Json.mapper().readTree(Repo.sample(capture.replace(".pcap", ".expected.json")).toFile());
        for (JsonNode e : expected.get("connections")) {
            String key = e.get("orig").asText() + " " + e.get("resp").asText() + " #" + e.get("incarnation").asInt();
            assertThat(byPair).as(capture).containsKey(key);
            JsonNode c = byPair.get(key);
            assertThat(c.get("orig_state").asText()).as(key).isEqualTo(e.get("orig_state").asText());
            assertThat(c.get("resp_state").asText()).as(key).isEqualTo(e.get("resp_state").asText());
            assertThat(c.get("zeek_conn_state").asText()).as(key).isEqualTo(e.get("zeek_conn_state").asText());
        }
        if (expected.has("summary")) {
            Map<String, Long> summary = new TreeMap<>();
            expected.get("summary").fields().forEachRemaining(f -> summary.put(f.getKey(), f.getValue().asLong()));
            assertThat(pairs).isEqualTo(summary);
        } else {
            assertThat(byPair).hasSize(expected.get("connections").size());
        }
    }

    @Test
    void checksumPolicyAsGiven_sameAsAnalyzeWithItsDefault() throws IOException {
        Path liveAnoms = dir.resolve("live.jsonl");
        Path fileAnoms = dir.resolve("analyze.jsonl");
        for (String capture : samples().toList()) {
            Cli live = Cli.run("live", "--replay", sample(capture), "--checksums", "auto", "--format", "jsonl");
            Cli analyze = Cli.run("analyze", sample(capture), "--anomalies", fileAnoms.toString());
            assertThat(live.exitCode()).as(live.err()).isZero();
            assertThat(analyze.exitCode()).as(analyze.err()).isZero();
            Files.writeString(liveAnoms, live.out());
            assertThat(lines(liveAnoms)).as(capture).isEqualTo(lines(fileAnoms));
        }
    }

    /** The whole text output: the anomaly as found, then the summary of a live run, with capture times. */
    @Test
    void textOutput() {
        Cli r = Cli.run("live", "--replay", sample("time-wait-reuse-client.pcap"));
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(String.join("\n",
                "2026-11-22T15:07:24.560658Z  INFO     time_wait_reuse           10.77.0.1:40012 -> 10.77.0.2:8080 #2"
                        + "  originator  packet 12  A new connection reused the ports while the client"
                        + " 10.77.0.1:40012 had been in TIME-WAIT for 1.3 s; this is safe because the new SYN's"
                        + " sequence number is beyond the old connection's.",
                "",
                "replayed        " + sample("time-wait-reuse-client.pcap"),
                "captured        2026-11-22T15:07:23.060149Z to 2026-11-22T15:07:24.761226Z",
                "packets         22",
                "TCP segments    22",
                "connections     2",
                "anomalies       1",
                "",
                "Connections by final state (originator/responder):",
                "          1  CLOSED/CLOSED",
                "          1  TIME_WAIT/CLOSED",
                "",
                "Anomalies by code:",
                "  INFO     time_wait_reuse                          1",
                ""));
        assertThat(r.err()).isEqualTo("tcpstate: replaying " + sample("time-wait-reuse-client.pcap")
                + " through libpcap, snap length 262144\n");
    }

    // ------------------------------------------------------------------------------------------------ filter

    /** The BPF filter applies to the file: one connection of ten, its packets numbered as a capture would number them. */
    @Test
    void filterKeepsOnlyWhatItMatches() throws IOException {
        Path conns = dir.resolve("c.jsonl");
        Path pcap = dir.resolve("w.pcap");
        Cli r = Cli.run("live", "--replay", sample("many-short-connections.pcap"), "-f", "tcp port 41003",
                "--connections", conns.toString(), "-w", pcap.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("replayed        " + sample("many-short-connections.pcap")
                        + " (filter 'tcp port 41003')\n",
                "\npackets         10\n", "\nconnections     1\n", "\nwritten         " + pcap + " (10 packets)\n",
                "          1  TIME_WAIT/CLOSED\n");
        assertThat(lines(conns)).containsExactly("{\"schema_version\":1,\"orig_addr\":\"10.77.0.1\",\"orig_port\":41003,"
                + "\"resp_addr\":\"10.77.0.2\",\"resp_port\":8080,\"incarnation\":1,\"orig_state\":\"TIME_WAIT\","
                + "\"resp_state\":\"CLOSED\",\"zeek_conn_state\":\"SF\",\"zeek_history\":\"ShADadFf\",\"partial\":false,"
                + "\"first_packet\":1,\"last_packet\":10,\"first_time\":\"2026-11-22T15:07:42.325094Z\","
                + "\"last_time\":\"2026-11-22T15:07:42.325419Z\",\"orig_packets\":6,\"resp_packets\":4,"
                + "\"orig_bytes\":24,\"resp_bytes\":43}");

        // The same connection as analyze finds it in the whole file (where its packets are 31 to 40).
        Cli whole = Cli.run("connections", "--format", "jsonl", "--conn", "10.77.0.1:41003-10.77.0.2:8080",
                sample("many-short-connections.pcap"));
        assertThat(whole.out().strip())
                .isEqualTo(lines(conns).get(0).replace("\"first_packet\":1,\"last_packet\":10",
                        "\"first_packet\":31,\"last_packet\":40"));
        // What -w wrote is exactly the filtered packets.
        Cli info = Cli.run("info", "--format", "json", pcap.toString());
        assertThat(Json.mapper().readTree(info.out()).get("packets").asLong()).isEqualTo(10);
    }

    @Test
    void filterThatMatchesNothing() {
        Cli r = Cli.run("live", "--replay", sample("many-short-connections.pcap"), "-f", "udp");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(String.join("\n", "no anomalies", "",
                "replayed        " + sample("many-short-connections.pcap") + " (filter 'udp')",
                "captured        no packets",
                "packets         0",
                "TCP segments    0",
                "connections     0",
                "anomalies       0",
                "",
                "Connections by final state (originator/responder):",
                "  none",
                "",
                "Anomalies by code:",
                "  none",
                ""));
    }

    @Test
    void badFilter_usageError() {
        Cli r = Cli.run("live", "--replay", sample("many-short-connections.pcap"), "-f", "tcp port nonsense-port");
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip()).startsWith("tcpstate: filter 'tcp port nonsense-port' does not compile: ")
                .contains("nonsense-port").doesNotContain("\n");
    }

    // ------------------------------------------------------------------------------------------------ limits

    @Test
    void countStopsAfterThatManyPackets() throws IOException {
        Path pcap = dir.resolve("w.pcap");
        Cli r = Cli.run("live", "--replay", sample("many-short-connections.pcap"), "--count", "25",
                "-w", pcap.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("\npackets         25\n", "\nconnections     3\n",
                "(25 packets)", "          2  TIME_WAIT/CLOSED\n", "          1  ESTABLISHED/ESTABLISHED\n");
        Cli info = Cli.run("info", "--format", "json", pcap.toString());
        assertThat(Json.mapper().readTree(info.out()).get("packets").asLong()).isEqualTo(25);
    }

    /** --duration counts capture time from the first packet, as --between 0 S does for analyze. */
    @Test
    void durationIsCaptureTime() throws IOException {
        Path liveConns = dir.resolve("live.jsonl");
        Path fileConns = dir.resolve("analyze.jsonl");
        Cli live = Cli.run("live", "--replay", sample("time-wait-reuse-client.pcap"), "--duration", "1",
                "--connections", liveConns.toString());
        Cli analyze = Cli.run("analyze", "--checksums", "ignore", "--format", "json", "--between", "0", "1",
                sample("time-wait-reuse-client.pcap"), "--connections", fileConns.toString());
        assertThat(live.exitCode()).as(live.err()).isZero();
        assertThat(analyze.exitCode()).as(analyze.err()).isZero();
        long packets = Json.mapper().readTree(analyze.out()).get("packets").asLong();
        assertThat(packets).isEqualTo(11);
        assertThat(live.out()).contains("\npackets         11\n", "\nconnections     1\n",
                "captured        2026-11-22T15:07:23.060149Z to ");
        assertThat(lines(liveConns)).isEqualTo(lines(fileConns)).hasSize(1);
    }

    /** --snaplen cuts every packet as a capture with that snap length would; the analysis is the same. */
    @Test
    void snaplenCutsPackets() throws IOException {
        Path pcap = dir.resolve("w.pcap");
        Cli r = Cli.run("live", "--replay", sample("keepalive.pcap"), "--snaplen", "64", "-w", pcap.toString(),
                "--format", "jsonl");
        Cli whole = Cli.run("live", "--replay", sample("keepalive.pcap"), "--format", "jsonl");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("snap length 64\n");
        assertThat(r.out()).isEqualTo(whole.out());
        JsonNode info = Json.mapper().readTree(Cli.run("info", "--format", "json", pcap.toString()).out());
        assertThat(info.get("interfaces").get(0).get("snap_length").asInt()).isEqualTo(64);
        JsonNode original = Json.mapper().readTree(Cli.run("info", "--format", "json", sample("keepalive.pcap")).out());
        assertThat(info.get("packets").asLong()).isEqualTo(original.get("packets").asLong()).isEqualTo(17);
        assertThat(info.get("wire_bytes").asLong()).isEqualTo(original.get("captured_bytes").asLong()).isEqualTo(1205);
        assertThat(info.get("captured_bytes").asLong()).isEqualTo(1088);
        assertThat(info.get("truncated_segments").asLong()).isEqualTo(2);
        assertThat(original.get("truncated_segments").asLong()).isZero();
    }

    // ------------------------------------------------------------------------------------------------ errors

    @Test
    void missingFile_oneLine_exit3() {
        String missing = dir.resolve("nope.pcap").toString();
        Cli r = Cli.run("live", "--replay", missing);
        assertThat(r.exitCode()).isEqualTo(ExitCode.CAPTURE_UNREADABLE);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("tcpstate: " + missing + ": no such file\n");
    }

    @Test
    void notACapture_oneLine_exit3() throws IOException {
        Path text = dir.resolve("notes.pcap");
        Files.writeString(text, "these are not packets, only a few words in a file that is long enough\n");
        Cli r = Cli.run("live", "--replay", text.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCode.CAPTURE_UNREADABLE);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("tcpstate: " + text + ": not a capture libpcap can read (unknown file format;"
                + " libpcap reads plain pcap and pcapng, not compressed files)\n");
    }

    @Test
    void directory_oneLine_exit3() {
        Cli r = Cli.run("live", "--replay", dir.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCode.CAPTURE_UNREADABLE);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("tcpstate: " + dir + ": is a directory\n");
    }

    /** A file cut in the middle of a packet: what came before is analysed and summarised, with exit code 3. */
    @Test
    void cutFile_analysesWhatCameBefore_exit3() throws IOException {
        byte[] whole = Files.readAllBytes(Repo.sample("many-short-connections.pcap"));
        Path cut = dir.resolve("cut.pcap");
        // Half the file: 249 whole packets, then 54 of the 66 bytes of the 250th.
        Files.write(cut, Arrays.copyOf(whole, whole.length / 2));
        Cli r = Cli.run("live", "--replay", cut.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCode.CAPTURE_UNREADABLE);
        List<String> err = r.err().lines().toList();
        assertThat(err).hasSize(2);
        assertThat(err.get(1)).startsWith("tcpstate: " + cut + ": read failed: truncated dump file");
        assertThat(r.out()).contains("\npackets         249\n", "\nconnections     25\n",
                "         24  TIME_WAIT/CLOSED\n", "          1  TIME_WAIT/LAST_ACK\n");
        // analyze reads the same packets from it.
        JsonNode report = Json.mapper().readTree(Cli.run("analyze", "--format", "json", cut.toString()).out());
        assertThat(report.get("packets").asLong()).isEqualTo(249);
        assertThat(report.get("connections").asLong()).isEqualTo(25);
    }

    @Test
    void replayWithInterface_usageError() {
        Cli r = Cli.run("live", "--replay", sample("refused-connection.pcap"), "-i", "lo");
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("tcpstate: --replay and -i/--interface cannot be used together: --replay"
                + " reads a capture file instead of an interface\n");
    }

    @Test
    void neitherInterfaceNorReplay_usageError() {
        Cli r = Cli.run("live");
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).startsWith("tcpstate: Missing required option: '--interface=IFACE' (or --replay FILE)\n");
    }

    @Test
    void promiscWithReplay_usageError() {
        Cli r = Cli.run("live", "--replay", sample("refused-connection.pcap"), "--promisc");
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).startsWith("tcpstate: --promisc applies to an interface, not to --replay\n");
    }

    /** --fail-on works on a replay as it does live. */
    @Test
    void policyOnReplay() throws IOException {
        Cli r = Cli.run("live", "--replay", sample("refused-connection.pcap"), "--fail-on", "connection_refused",
                "--format", "jsonl");
        assertThat(r.exitCode()).isEqualTo(ExitCode.POLICY_VIOLATED);
        assertThat(r.err()).endsWith("tcpstate: policy violated: 1 anomaly matched --fail-on connection_refused\n");
        List<String> anomalies = r.out().lines().toList();
        assertThat(anomalies).hasSize(1);
        JsonNode a = Json.mapper().readTree(anomalies.get(0));
        assertThat(a.get("code").asText()).isEqualTo("connection_refused");
        assertThat(a.get("packet").asLong()).isEqualTo(2);
    }
}
