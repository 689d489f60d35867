package dev.tcpstate.cli;

import dev.tcpstate.parsers.capture.CaptureFormatException;
import dev.tcpstate.parsers.capture.CaptureProblem;
import dev.tcpstate.parsers.capture.CaptureReader;
import dev.tcpstate.parsers.capture.Captures;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.function.Consumer;

/** Opens captures for a command and reports their problems on stderr as one line each, up to a limit. */
final class CaptureSet {
    /** Problems printed per capture before the rest are only counted. */
    static final int PROBLEMS_SHOWN = 20;

    private final PrintWriter err;
    private int shown;
    private long suppressed;

    CaptureSet(PrintWriter err) {
        this.err = err;
    }

    /** A listener that prints a capture's problems (the first {@link #PROBLEMS_SHOWN}) and counts the rest. */
    Consumer<CaptureProblem> printer() {
        return p -> {
            if (shown < PROBLEMS_SHOWN) {
                shown++;
                err.println("tcpstate: " + (p.damage() ? "" : "warning: ") + p);
            } else {
                suppressed++;
            }
        };
    }

    /** Prints how many problem lines were held back, then starts counting afresh for the next capture. */
    void endCapture(String name) {
        if (suppressed > 0) {
            err.println("tcpstate: " + name + ": " + suppressed + " more problems not shown");
        }
        shown = 0;
        suppressed = 0;
    }

    private boolean failed;

    /** True when a capture could not be opened or was damaged: the exit code is then 3. */
    boolean failed() {
        return failed;
    }

    /** Records that a capture was damaged (some bytes could not be read). */
    void markDamaged() {
        failed = true;
    }

    /** Like {@link #open}, but a large plain pcap file comes back as several readers over consecutive parts. */
    java.util.List<CaptureReader> openParts(String name, int parts, long minPartBytes,
                                            java.util.List<Consumer<CaptureProblem>> problems) {
        try {
            return Captures.openParts(name, parts, minPartBytes, problems);
        } catch (IOException e) {
            return unreadable(name, e);
        }
    }

    /**
     * Opens a capture. When it cannot be opened, prints one line saying why, remembers the failure (exit code 3) and
     * returns null, so the other captures are still analysed.
     */
    CaptureReader open(String name, Consumer<CaptureProblem> problems) {
        try {
            return Captures.open(name, problems);
        } catch (IOException e) {
            return unreadable(name, e);
        }
    }

    /** Prints why a capture could not be opened, as one line, and remembers the failure (exit code 3). */
    private <T> T unreadable(String name, IOException e) {
        String why;
        if (e instanceof CaptureFormatException f) {
            why = f.problem().toString();
        } else if (e instanceof NoSuchFileException) {
            why = name + ": no such file";
        } else if (e instanceof AccessDeniedException) {
            why = name + ": permission denied";
        } else if (e instanceof java.util.zip.ZipException || e instanceof java.io.EOFException) {
            why = name + ": " + ReadErrors.describe(e, -1, 0); // in the first bytes of a gzip stream
        } else {
            why = name + ": cannot read: " + e.getMessage();
        }
        failed = true;
        err.println("tcpstate: " + why);
        return null;
    }
}
