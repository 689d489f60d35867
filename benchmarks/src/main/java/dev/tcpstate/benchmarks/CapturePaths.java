package dev.tcpstate.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the capture a benchmark is given: a path, or the name of one of the repository's sample captures. */
final class CapturePaths {
    private CapturePaths() {
    }

    /**
     * {@code name} itself if it is a file; else {@code sample-captures/NAME.pcap} under the working directory or one
     * of its parents (the benchmarks run from anywhere in the repository).
     */
    static String resolve(String name) {
        if (Files.isRegularFile(Path.of(name))) {
            return name;
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path sample = dir.resolve("sample-captures").resolve(name + ".pcap");
            if (Files.isRegularFile(sample)) {
                return sample.toString();
            }
        }
        throw new IllegalArgumentException(name + ": no such file, nor a sample capture of that name");
    }
}
