package dev.tcpstate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs the README's commands as a user would type them (the {@code ./tcpstate ...} part, in-process). */
class ReadmeTest {

    /** The words of a {@code ./tcpstate ...} command, with repository paths made absolute. */
    private static String[] args(String command) {
        String c = command.substring(command.indexOf("./tcpstate ") + "./tcpstate ".length()).trim();
        return Arrays.stream(c.split("\\s+"))
                .map(w -> w.startsWith("sample-captures/") ? Repo.root().resolve(w).toString() : w)
                .toArray(String[]::new);
    }

    private static List<String> readme() throws IOException {
        return Files.readAllLines(Repo.root().resolve("README.md"));
    }

    @Test
    void quickStartCommandRuns() throws IOException {
        String line = readme().stream().filter(l -> l.startsWith("mvn -q -DskipTests package && ./tcpstate "))
                .findFirst().orElseThrow();
        Cli r = Cli.run(args(line));
        assertThat(r.exitCode()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains("read whole      yes\n", "time_wait_reuse");
    }

    @Test
    void everyShownCommandPrintsWhatTheReadmeShows() throws IOException {
        List<String> lines = readme();
        int checked = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).startsWith("$ ./tcpstate ")) {
                continue;
            }
            List<String> expected = new ArrayList<>();
            for (int j = i + 1; j < lines.size() && !lines.get(j).startsWith("```") && !lines.get(j).startsWith("$ ");
                 j++) {
                expected.add(lines.get(j));
            }
            Cli r = Cli.run(args(lines.get(i)));
            assertThat(r.exitCode()).as(lines.get(i)).isZero();
            assertThat(r.out().lines().toList()).as(lines.get(i)).isEqualTo(expected);
            checked++;
        }
        assertThat(checked).isPositive();
    }

    @Test
    void ciSectionComesLastAndPointsToTheWorkflow() throws IOException {
        String readme = Files.readString(Repo.root().resolve("README.md"));
        int ci = readme.indexOf("\n## Using tcpstate in CI\n");
        assertThat(ci).isPositive();
        assertThat(readme.indexOf("\n## ", ci + 1)).isEqualTo(-1);
        assertThat(readme.substring(ci)).contains("(docs/ci.md)");
        String workflow = Files.readString(Repo.root().resolve("docs/ci.md"));
        assertThat(workflow).contains("tcpdump -i any -U -w captures/test.pcap", "tcpstate check --policy",
                "--junit captures/tcpstate-junit.xml");
    }
}
