package dev.tcpstate.parsers.capture;

import java.io.IOException;

/** The input is not a capture tcpstate can read (unknown magic, too short for a header). */
public final class CaptureFormatException extends IOException {
    private final CaptureProblem problem;

    public CaptureFormatException(CaptureProblem problem) {
        super(problem.toString());
        this.problem = problem;
    }

    public CaptureProblem problem() {
        return problem;
    }
}
