package dev.tcpstate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged captures, from a fixed seed: each sample capture with a few bytes overwritten anywhere (record headers,
 * link, IP and TCP headers, options, lengths), and now and then cut short. Whatever the damage, {@code analyze} and
 * {@code connections} finish with what they could read: exit code 0, or 3 when the file could not be read whole;
 * never an internal error or a stack trace, and every line on standard error is one of tcpstate's, naming the file.
 *
 * <p>For a longer sweep: {@code -Dmutations.rounds=150} (variants of each capture) and
 * {@code -Dmutations.dir=../shared/corpus} (its captures too); {@code mvn -Dtest=MutatedCaptureTest verify}.
 */
class MutatedCaptureTest {
    @TempDir
    Path dir;

    @Test
    void damagedCaptures_areReadAsFarAsTheyCanBe_withOneLineMessages() throws IOException {
        List<Path> inputs = new ArrayList<>();
        try (Stream<Path> s = Files.list(Repo.sample("half-close.pcap").getParent())) {
            s.filter(p -> p.toString().endsWith(".pcap")).sorted().forEach(inputs::add);
        }
        String more = System.getProperty("mutations.dir");
        if (more != null) {
            try (Stream<Path> s = Files.walk(Path.of(more))) {
                s.filter(p -> p.toString().matches(".*\\.(pcap|pcapng|cap)$")).sorted().forEach(inputs::add);
            }
        }
        int rounds = Integer.getInteger("mutations.rounds", 8);
        Random rnd = new Random(1);
        Path f = dir.resolve("damaged.pcap");
        List<String> wrong = new ArrayList<>();
        int damagedRuns = 0;
        for (Path in : inputs) {
            byte[] whole = Files.readAllBytes(in);
            for (int r = 0; r < rounds; r++) {
                byte[] b = whole.clone();
                for (int k = 1 + rnd.nextInt(20); k > 0; k--) {
                    b[rnd.nextInt(b.length)] = (byte) (rnd.nextInt(4) == 0 ? 0xff : rnd.nextInt(256));
                }
                if (rnd.nextInt(4) == 0) {
                    b = Arrays.copyOf(b, rnd.nextInt(b.length));
                }
                Files.write(f, b);
                for (String command : new String[] {"analyze", "connections"}) {
                    Cli c = Cli.run(command, f.toString());
                    String what = in.getFileName() + " variant " + r + ", " + command + ": exit " + c.exitCode()
                            + ", " + c.err();
                    if (c.exitCode() == ExitCode.CAPTURE_UNREADABLE) {
                        damagedRuns++;
                    } else if (c.exitCode() != ExitCode.OK) {
                        wrong.add(what);
                    }
                    if (c.err().lines().anyMatch(line -> !line.startsWith("tcpstate: ") || !line.contains(f.toString())
                            && !line.startsWith("tcpstate: note: "))) {
                        wrong.add(what);
                    }
                }
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(damagedRuns).as("variants that could not be read whole").isPositive();
    }
}
