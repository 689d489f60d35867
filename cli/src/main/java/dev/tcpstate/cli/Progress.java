package dev.tcpstate.cli;

import dev.tcpstate.parsers.capture.Captures;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * A progress bar on standard error while captures are read: megabytes, speed, packets and time left. Shown only
 * when standard error is a terminal and {@code --quiet} was not given, so redirected output and scripts never see it.
 */
final class Progress implements AutoCloseable {
    /** Packets between two updates: cheap enough for the packet loop, often enough for the eye. */
    static final int EVERY = 1 << 16;

    /** Set by {@link Main#main}: whether this process may draw a bar at all (standard error is a terminal). */
    static volatile boolean terminal;
    /** Set from {@code --quiet} for the command being run. */
    static volatile boolean quiet;

    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    /** A bar for reading these captures, or null when none should be shown. */
    static Progress start(List<String> names) {
        if (quiet || !terminal) {
            return null;
        }
        long total = 0;
        for (String n : names) {
            Path p = Path.of(n);
            if (Captures.STDIN.equals(n) || !Files.isRegularFile(p)) {
                total = -1;
                break;
            }
            try {
                total += Files.size(p);
            } catch (IOException e) {
                total = -1;
                break;
            }
        }
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName("reading")
                .setInitialMax(total)
                .setUnit(" MB", 1 << 20)
                .showSpeed()
                .setUpdateIntervalMillis(500)
                .clearDisplayOnFinish()
                .setConsumer(new ConsoleProgressBarConsumer(new PrintStream(System.err, true)))
                .build();
        return new Progress(bar);
    }

    /** Bytes consumed so far (of the possibly compressed files: an estimate for gzip) and packets read. */
    void update(long bytes, long packets) {
        bar.stepTo(bytes);
        bar.setExtraMessage(" " + packets + " packets");
    }

    @Override
    public void close() {
        bar.close();
    }

    /** Whether standard error of this process is a terminal (Linux: where file descriptor 2 points). */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }
}
