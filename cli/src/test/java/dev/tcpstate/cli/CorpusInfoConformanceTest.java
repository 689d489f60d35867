package dev.tcpstate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * {@code tcpstate info} against what capinfos and {@code tshark -z conv,tcp} report for every capture of the public
 * corpus: the same packet count, and the same socket pairs. tshark counts conversations, not socket pairs: it splits a
 * 4-tuple that is reused after a close into several conversations, so the expected socket-pair count is the number of
 * distinct unordered 4-tuples in its list, and each test says when the two counts differ for that reason.
 */
class CorpusInfoConformanceTest {
    private static final Pattern PACKETS = Pattern.compile("(?m)^Number of packets:\\s+(\\d+)");
    private static final Pattern CONVERSATION = Pattern.compile("(?m)^(\\S+)\\s+<->\\s+(\\S+)\\s");

    @TestFactory
    Stream<DynamicTest> everyCorpusCapture() throws IOException {
        Path corpus = Repo.corpus();
        assumeTrue(corpus != null, "../shared/corpus not found beside the repository: corpus conformance skipped");
        List<String> files;
        try (Stream<String> lines = Files.lines(corpus.resolve("MANIFEST.tsv"))) {
            files = lines.skip(1).map(l -> l.split("\t")[0]).toList();
        }
        assertThat(files).hasSize(60);
        ObjectMapper json = new ObjectMapper();
        return files.stream().map(file -> DynamicTest.dynamicTest(file, () -> {
            String capinfos = Files.readString(corpus.resolve("meta/" + file + ".capinfos.txt"));
            String conv = Files.readString(corpus.resolve("meta/" + file + ".conv_tcp.txt"));
            Matcher m = PACKETS.matcher(capinfos);
            assertThat(m.find()).as("packet count in capinfos output").isTrue();
            long expectedPackets = Long.parseLong(m.group(1));
            int conversations = 0;
            Set<String> tuples = new TreeSet<>();
            Matcher c = CONVERSATION.matcher(conv);
            while (c.find()) {
                conversations++;
                String a = c.group(1);
                String b = c.group(2);
                tuples.add(a.compareTo(b) <= 0 ? a + " " + b : b + " " + a);
            }

            Cli r = Cli.run("info", "--format", "json", corpus.resolve(file).toString());
            assertThat(r.exitCode()).as(r.err()).isZero();
            JsonNode info = json.readTree(r.out());
            assertThat(info.get("packets").asLong()).as("packets").isEqualTo(expectedPackets);
            assertThat(info.get("socket_pairs").asLong()).as("distinct socket pairs").isEqualTo(tuples.size());
            if (conversations != tuples.size()) {
                System.out.printf("%s: tshark lists %d conversations over %d distinct 4-tuples: it splits a reused"
                        + " 4-tuple into one conversation per incarnation; tcpstate counts socket pairs%n",
                        file, conversations, tuples.size());
            }
        }));
    }
}
