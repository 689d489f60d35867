package dev.tcpstate.analyzer.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The captures of {@code sample-captures/}, for tests run over every one of them ({@code @MethodSource}). */
public final class SampleFiles {
    private SampleFiles() {
    }

    /** Every sample capture, in name order (there are at least 18). */
    public static Stream<Path> captures() throws IOException {
        try (Stream<Path> files = Files.list(CaptureRun.repoRoot().resolve("sample-captures"))) {
            List<Path> captures = files.filter(f -> f.getFileName().toString().matches(".*\\.pcap(ng)?")).sorted()
                    .toList();
            assertThat(captures).hasSizeGreaterThanOrEqualTo(18);
            return captures.stream();
        }
    }
}
