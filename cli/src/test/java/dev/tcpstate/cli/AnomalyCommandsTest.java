package dev.tcpstate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code tcpstate anomalies} and {@code tcpstate analyze} on the sample captures. */
class AnomalyCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String sample(String name) {
        return Repo.sample(name).toString();
    }

    private static List<JsonNode> jsonLines(String out) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : out.lines().toList()) {
            nodes.add(JSON.readTree(line));
        }
        return nodes;
    }

    private static List<CSVRecord> csv(String out) throws IOException {
        return CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(new StringReader(out)).getRecords();
    }

    // ------------------------------------------------------------------------------------------------ anomalies

    @Test
    void refusedConnectionAsJsonLines() throws IOException {
        Cli r = Cli.run("anomalies", "--format", "jsonl", sample("refused-connection.pcap"));
        assertThat(r.exitCode()).isZero();
        assertThat(r.err()).isEmpty();
        List<JsonNode> all = jsonLines(r.out());
        assertThat(all).hasSize(1);
        JsonNode a = all.get(0);
        assertThat(a.get("schema_version").asInt()).isEqualTo(1);
        assertThat(a.get("code").asText()).isEqualTo("connection_refused");
        assertThat(a.get("severity").asText()).isEqualTo("WARNING");
        assertThat(a.get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");
        assertThat(a.get("packet").asLong()).isEqualTo(2);
        assertThat(a.get("packets").isArray()).isTrue();
        assertThat(a.get("packets").get(0).asLong()).isEqualTo(2);
        assertThat(a.get("orig_addr").asText()).isEqualTo("10.77.0.1");
        assertThat(a.get("orig_port").asInt()).isEqualTo(40007);
        assertThat(a.get("resp_addr").asText()).isEqualTo("10.77.0.2");
        assertThat(a.get("resp_port").asInt()).isEqualTo(8081);
        assertThat(a.get("incarnation").asInt()).isEqualTo(1);
        assertThat(a.get("endpoint").asText()).isEqualTo("responder");
        assertThat(a.get("state_before").asText()).isEqualTo("CLOSED");
        assertThat(a.get("state_after").asText()).isEqualTo("CLOSED");
        assertThat(a.get("message").asText()).contains("10.77.0.2:8081 refused");
        assertThat(a.get("evidence").isObject()).isTrue();
    }

    @Test
    void refusedConnectionAsCsv() throws IOException {
        Cli r = Cli.run("anomalies", "--format", "csv", sample("refused-connection.pcap"));
        assertThat(r.exitCode()).isZero();
        assertThat(r.out().lines().findFirst().orElseThrow()).isEqualTo(String.join(",", AnomalyWriter.COLUMNS));
        List<CSVRecord> rows = csv(r.out());
        assertThat(rows).singleElement().satisfies(row -> {
            assertThat(row.get("code")).isEqualTo("connection_refused");
            assertThat(row.get("severity")).isEqualTo("WARNING");
            assertThat(row.get("packet")).isEqualTo("2");
            assertThat(row.get("packets")).isEqualTo("2");
            assertThat(row.get("orig_addr")).isEqualTo("10.77.0.1");
            assertThat(row.get("orig_port")).isEqualTo("40007");
            assertThat(row.get("resp_addr")).isEqualTo("10.77.0.2");
            assertThat(row.get("resp_port")).isEqualTo("8081");
            assertThat(row.get("incarnation")).isEqualTo("1");
            assertThat(row.get("endpoint")).isEqualTo("responder");
            assertThat(row.get("state_before")).isEqualTo("CLOSED");
        });
        JsonNode evidence = JSON.readTree(rows.get(0).get("evidence"));
        assertThat(evidence.isObject()).isTrue();
    }

    @Test
    void refusedConnectionAsText() {
        Cli r = Cli.run("anomalies", sample("refused-connection.pcap"));
        assertThat(r.exitCode()).isZero();
        assertThat(r.out().lines().toList()).singleElement().asString()
                .contains("WARNING", "connection_refused", "10.77.0.1:40007 -> 10.77.0.2:8081 #1", "responder",
                        "packet 2", "refused");
    }

    @ParameterizedTest
    @ValueSource(strings = {"client-first-close.pcap", "server-first-close.pcap", "ipv6.pcap"})
    void normalClosesGiveNoWarningOrError(String capture) throws IOException {
        Cli r = Cli.run("anomalies", "--format", "jsonl", "--min-severity", "warning", sample(capture));
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEmpty();
        Cli all = Cli.run("anomalies", "--format", "jsonl", sample(capture));
        assertThat(jsonLines(all.out())).allSatisfy(a -> assertThat(a.get("severity").asText()).isEqualTo("INFO"));
        assertThat(Cli.run("anomalies", sample(capture)).out().lines().toList()).containsExactly("no anomalies");
    }

    @Test
    void minSeverityDropsInformationalRecords() throws IOException {
        String cap = sample("orphaned-fin-wait-2-expired.pcap");
        List<JsonNode> all = jsonLines(Cli.run("anomalies", "--format", "jsonl", cap).out());
        assertThat(all).extracting(a -> a.get("code").asText())
                .containsExactly("half_close", "rst_to_half_open", "orphaned_fin_wait_2");
        List<JsonNode> warnings = jsonLines(Cli.run("anomalies", "--format", "jsonl", "--min-severity", "warning",
                cap).out());
        assertThat(warnings).extracting(a -> a.get("code").asText())
                .containsExactly("rst_to_half_open", "orphaned_fin_wait_2");
        assertThat(warnings).extracting(a -> a.get("packet").asLong()).containsExactly(11L, 11L);
        assertThat(warnings).extracting(a -> a.get("endpoint").asText()).containsExactly("originator", "originator");
        assertThat(Cli.run("anomalies", "--format", "jsonl", "--min-severity", "error", cap).out()).isEmpty();
    }

    @Test
    void codeFilterKeepsTheNamedCodes() throws IOException {
        String cap = sample("orphaned-fin-wait-2-expired.pcap");
        Cli r = Cli.run("anomalies", "--format", "jsonl", "--code", "orphaned_fin_wait_2,half_close", cap);
        assertThat(r.exitCode()).isZero();
        assertThat(jsonLines(r.out())).extracting(a -> a.get("code").asText())
                .containsExactly("half_close", "orphaned_fin_wait_2");
        Cli repeated = Cli.run("anomalies", "--format", "jsonl", "--code", "half_close", "--code",
                "rst_to_half_open", cap);
        assertThat(jsonLines(repeated.out())).extracting(a -> a.get("code").asText())
                .containsExactly("half_close", "rst_to_half_open");
        Cli both = Cli.run("anomalies", "--format", "jsonl", "--code", "half_close", "--min-severity", "warning", cap);
        assertThat(both.out()).isEmpty();
    }

    @Test
    void unknownCodeIsAUsageErrorNamingTheValidCodes() {
        Cli r = Cli.run("anomalies", "--code", "connection_refused,no_such_code", sample("refused-connection.pcap"));
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.out()).isEmpty();
        List<String> lines = r.err().lines().toList();
        assertThat(lines.get(0)).startsWith("tcpstate: --code: unknown anomaly code 'no_such_code'; valid codes: ")
                .contains("connection_refused", "syn_flood", "bad_checksum");
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void synFloodIsOneAggregateWithoutAnOriginator() throws IOException {
        Cli r = Cli.run("anomalies", "--format", "jsonl", sample("syn-flood.pcap"));
        assertThat(r.exitCode()).isZero();
        List<JsonNode> all = jsonLines(r.out());
        assertThat(all).hasSize(1);
        JsonNode a = all.get(0);
        assertThat(a.get("code").asText()).isEqualTo("syn_flood");
        assertThat(a.get("severity").asText()).isEqualTo("ERROR");
        assertThat(a.get("orig_addr").isNull()).isTrue();
        assertThat(a.get("orig_port").isNull()).isTrue();
        assertThat(a.get("endpoint").isNull()).isTrue();
        assertThat(a.get("incarnation").asInt()).isZero();
        assertThat(a.get("resp_addr").asText()).isEqualTo("10.77.0.2");
        assertThat(a.get("resp_port").asInt()).isEqualTo(8080);
        assertThat(a.get("evidence").get("syns").asLong()).isEqualTo(259);
        assertThat(a.get("evidence").get("peak_half_open").asLong()).isEqualTo(256);
    }

    @Test
    void endOfCaptureAnomaliesAreReported() throws IOException {
        // Only the detector's own finish (after the tracker's) reports these.
        List<JsonNode> all = jsonLines(Cli.run("anomalies", "--format", "jsonl",
                sample("orphaned-fin-wait-2.pcap")).out());
        assertThat(all).singleElement().satisfies(a -> {
            assertThat(a.get("code").asText()).isEqualTo("incomplete_close_at_capture_end");
            assertThat(a.get("packet").isNull()).isTrue();
            assertThat(a.get("packets")).isEmpty();
            assertThat(a.get("endpoint").asText()).isEqualTo("originator");
            assertThat(a.get("state_before").asText()).isEqualTo("FIN_WAIT_2");
        });
        List<JsonNode> timeout = jsonLines(Cli.run("anomalies", "--format", "jsonl",
                sample("syn-retries-unanswered.pcap")).out());
        assertThat(timeout).singleElement().satisfies(a -> {
            assertThat(a.get("code").asText()).isEqualTo("handshake_timeout");
            assertThat(a.get("packets")).hasSize(3);
        });
    }

    @Test
    void damagedCaptureStillPrintsRecordsAndExitsThree(@TempDir Path dir) throws IOException {
        byte[] whole = Files.readAllBytes(Repo.sample("orphaned-fin-wait-2-expired.pcap"));
        Path cut = dir.resolve("cut.pcap");
        Files.write(cut, Arrays.copyOf(whole, whole.length - 10));
        Cli r = Cli.run("anomalies", "--format", "jsonl", cut.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCode.CAPTURE_UNREADABLE);
        assertThat(jsonLines(r.out())).extracting(a -> a.get("code").asText()).contains("half_close");
        assertThat(r.err().lines().toList()).singleElement().asString().startsWith("tcpstate: " + cut + ": offset ");
        Cli missing = Cli.run("analyze", dir.resolve("nope.pcap").toString());
        assertThat(missing.exitCode()).isEqualTo(ExitCode.CAPTURE_UNREADABLE);
        assertThat(missing.out()).contains("read whole      no");
    }

    // ------------------------------------------------------------------------------------------------ analyze

    /**
     * The expected final state pair counts of a sample capture, from its expected.json: its "summary" when it has
     * one, else counted over its "connections".
     */
    private static Map<String, Long> expectedPairs(String capture) throws IOException {
        JsonNode expected = JSON.readTree(Repo.sample(capture + ".expected.json").toFile());
        Map<String, Long> m = new LinkedHashMap<>();
        JsonNode summary = expected.get("summary");
        if (summary != null) {
            summary.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asLong()));
        } else {
            for (JsonNode c : expected.get("connections")) {
                m.merge(c.get("orig_state").asText() + "/" + c.get("resp_state").asText(), 1L, Long::sum);
            }
        }
        return m;
    }

    @Test
    void analyzeSynFloodAsText() throws IOException {
        Map<String, Long> expected = expectedPairs("syn-flood");
        assertThat(expected).containsEntry("SYN_SENT/SYN_RECEIVED", 256L).containsEntry("TIME_WAIT/CLOSED", 3L);
        Cli r = Cli.run("analyze", sample("syn-flood.pcap"));
        assertThat(r.exitCode()).isZero();
        assertThat(r.err()).isEmpty();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).contains("connections     259", "read whole      yes");
        int pairs = lines.indexOf("Connections by final state (originator/responder):");
        assertThat(pairs).isPositive();
        assertThat(lines.get(pairs + 1).trim().split("\\s+")).containsExactly("256", "SYN_SENT/SYN_RECEIVED");
        assertThat(lines.get(pairs + 2).trim().split("\\s+")).containsExactly("3", "TIME_WAIT/CLOSED");
        int codes = lines.indexOf("Anomalies by code:");
        assertThat(lines.get(codes + 1).trim().split("\\s+")).containsExactly("ERROR", "syn_flood", "1");
        assertThat(lines.get(codes + 2).trim()).startsWith("packet 1: SYN flood against 10.77.0.2:8080");
        int list = lines.indexOf("Anomalies:");
        assertThat(list).isGreaterThan(codes);
        assertThat(lines.subList(list + 1, lines.size())).singleElement().asString()
                .contains("ERROR", "syn_flood", "* -> 10.77.0.2:8080");
    }

    @Test
    void analyzeSynFloodAsJson() throws IOException {
        Cli r = Cli.run("analyze", "--format", "json", sample("syn-flood.pcap"));
        assertThat(r.exitCode()).isZero();
        JsonNode n = JSON.readTree(r.out());
        JsonNode info = JSON.readTree(Cli.run("info", "--format", "json", sample("syn-flood.pcap")).out());
        assertThat(n.get("schema_version").asInt()).isEqualTo(1);
        assertThat(n.get("read_whole").asBoolean()).isTrue();
        assertThat(n.get("packets").asLong()).isEqualTo(info.get("packets").asLong());
        assertThat(n.get("tcp_segments").asLong()).isEqualTo(info.get("tcp_segments").asLong());
        assertThat(n.get("first_packet_time").asText()).isEqualTo(info.get("first_packet_time").asText());
        assertThat(n.get("last_packet_time").asText()).isEqualTo(info.get("last_packet_time").asText());
        assertThat(n.get("connections").asLong()).isEqualTo(259);
        Map<String, Long> pairs = new LinkedHashMap<>();
        n.get("state_pairs").fields().forEachRemaining(e -> pairs.put(e.getKey(), e.getValue().asLong()));
        assertThat(pairs).containsExactlyEntriesOf(expectedPairs("syn-flood"));
        assertThat(n.get("anomaly_count").asLong()).isEqualTo(1);
        assertThat(n.get("anomalies_by_code")).singleElement().satisfies(c -> {
            assertThat(c.get("code").asText()).isEqualTo("syn_flood");
            assertThat(c.get("severity").asText()).isEqualTo("ERROR");
            assertThat(c.get("count").asLong()).isEqualTo(1);
            assertThat(c.get("suppressed").asLong()).isZero();
            assertThat(c.get("examples")).singleElement().satisfies(x -> {
                assertThat(x.get("packet").asLong()).isEqualTo(1);
                assertThat(x.get("message").asText()).startsWith("SYN flood against 10.77.0.2:8080");
            });
        });
        assertThat(n.get("anomalies")).singleElement().satisfies(a -> {
            assertThat(a.get("code").asText()).isEqualTo("syn_flood");
            assertThat(a.get("schema_version").asInt()).isEqualTo(1);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"client-first-close", "simultaneous-close", "refused-connection", "half-close",
            "time-wait-reuse-client", "accept-queue-overflow", "many-short-connections"})
    void analyzeStatePairsMatchTheExpectedSummaries(String capture) throws IOException {
        JsonNode n = JSON.readTree(Cli.run("analyze", "--format", "json", sample(capture + ".pcap")).out());
        Map<String, Long> pairs = new LinkedHashMap<>();
        n.get("state_pairs").fields().forEachRemaining(e -> pairs.put(e.getKey(), e.getValue().asLong()));
        assertThat(pairs).containsExactlyInAnyOrderEntriesOf(expectedPairs(capture));
        assertThat(n.get("connections").asLong()).isEqualTo(pairs.values().stream().mapToLong(Long::longValue).sum());
    }

    @Test
    void analyzeCountsSuppressedRepeats() throws IOException {
        JsonNode n = JSON.readTree(Cli.run("analyze", "--format", "json", sample("simultaneous-close.pcap")).out());
        assertThat(n.get("suppressed_count").asLong()).isEqualTo(1);
        assertThat(n.get("anomalies_by_code")).singleElement().satisfies(c -> {
            assertThat(c.get("code").asText()).isEqualTo("simultaneous_close");
            assertThat(c.get("count").asLong()).isEqualTo(1);
            assertThat(c.get("suppressed").asLong()).isEqualTo(1);
        });
    }

    @Test
    void analyzeListsCodesBySeverityThenCount() {
        Cli r = Cli.run("analyze", sample("orphaned-fin-wait-2-expired.pcap"));
        List<String> lines = r.out().lines().toList();
        int codes = lines.indexOf("Anomalies by code:");
        List<String> codeLines = lines.subList(codes + 1, lines.indexOf("Anomalies:")).stream()
                .filter(l -> !l.isBlank() && !l.trim().startsWith("packet ")).map(l -> l.trim().split("\\s+")[1])
                .toList();
        assertThat(codeLines).containsExactly("orphaned_fin_wait_2", "rst_to_half_open", "half_close");
    }

    @Test
    void helpListsTheNewCommands() {
        assertThat(Cli.run("--help").out()).contains("analyze", "anomalies");
        assertThat(Cli.run("anomalies", "--help").out()).contains("--min-severity", "--code", "--msl");
        assertThat(Cli.run("analyze", "--help").out()).contains("--format", "--checksums");
    }
}
