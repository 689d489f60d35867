package dev.tcpstate.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository and the shared capture corpus are, for tests. */
final class Repo {
    private Repo() {
    }

    static Path root() {
        String prop = System.getProperty("tcpstate.repo");
        if (prop != null && Files.isDirectory(Path.of(prop, "sample-captures"))) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("sample-captures"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the repository root (no sample-captures folder above "
                    + Path.of("").toAbsolutePath() + ")");
        }
        return dir;
    }

    static Path sample(String name) {
        return root().resolve("sample-captures").resolve(name);
    }

    /** The public capture corpus beside the repository, or null when it is not there. */
    static Path corpus() {
        Path p = root().resolve("../shared/corpus").normalize();
        return Files.isRegularFile(p.resolve("MANIFEST.tsv")) ? p : null;
    }
}
