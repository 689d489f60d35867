package dev.tcpstate.analyzer.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tcpstate.analyzer.track.Connection;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Every capture in {@code sample-captures/} against its {@code .expected.json}: orientation, incarnation, both final
 * states, both state paths and the Zeek conn_state of each listed connection, and for captures that give a
 * {@code summary}, the number of connections per final state pair.
 */
class SampleCapturesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Arguments> samples() throws IOException {
        Path dir = CaptureRun.repoRoot().resolve("sample-captures");
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> expected = files.filter(p -> p.getFileName().toString().endsWith(".expected.json")).sorted()
                    .collect(Collectors.toList());
            assertThat(expected).as("expectation files in " + dir).isNotEmpty();
            return expected.stream().map(p -> Arguments.of(Named.of(
                    p.getFileName().toString().replace(".expected.json", ""), p)));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void sample(Path expectedFile) throws IOException {
        JsonNode expected = JSON.readTree(expectedFile.toFile());
        Path capture = expectedFile.resolveSibling(expected.get("capture").asText());
        CaptureRun run = CaptureRun.of(capture);
        String got = run.connections.stream().map(CaptureRun::describe).collect(Collectors.joining("\n  "));

        JsonNode summary = expected.get("summary");
        JsonNode listed = expected.get("connections");
        if (summary == null) {
            assertThat(run.connections).as("connections found:\n  " + got).hasSize(listed.size());
        } else {
            Map<String, Integer> want = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = summary.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                want.put(e.getKey(), e.getValue().asInt());
            }
            Map<String, Integer> have = new TreeMap<>();
            for (Connection c : run.connections) {
                have.merge(c.originator().state().name() + "/" + c.responder().state().name(), 1, Integer::sum);
            }
            assertThat(have).as("connections per ORIG_STATE/RESP_STATE").isEqualTo(want);
        }

        for (JsonNode e : listed) {
            String orig = e.get("orig").asText(), resp = e.get("resp").asText();
            int incarnation = e.get("incarnation").asInt();
            String id = orig + " -> " + resp + " #" + incarnation;
            List<Connection> same = run.connections.stream()
                    .filter(c -> sameSocketPair(c, orig, resp) && c.incarnation() == incarnation)
                    .collect(Collectors.toList());
            assertThat(same).as(id + " present exactly once; found:\n  " + got).hasSize(1);
            Connection c = same.get(0);
            assertThat(CaptureRun.orig(c) + " -> " + CaptureRun.resp(c)).as(id + " orientation")
                    .isEqualTo(orig + " -> " + resp);
            assertThat(c.originator().state().name()).as(id + " orig_state").isEqualTo(e.get("orig_state").asText());
            assertThat(c.responder().state().name()).as(id + " resp_state").isEqualTo(e.get("resp_state").asText());
            assertThat(CaptureRun.path(c.originator())).as(id + " orig_path").isEqualTo(strings(e.get("orig_path")));
            assertThat(CaptureRun.path(c.responder())).as(id + " resp_path").isEqualTo(strings(e.get("resp_path")));
            assertThat(c.zeekConnState()).as(id + " zeek_conn_state").isEqualTo(e.get("zeek_conn_state").asText());
        }
    }

    private static boolean sameSocketPair(Connection c, String a, String b) {
        String o = CaptureRun.orig(c), r = CaptureRun.resp(c);
        return (o.equals(a) && r.equals(b)) || (o.equals(b) && r.equals(a));
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
