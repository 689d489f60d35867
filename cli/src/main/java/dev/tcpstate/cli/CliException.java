package dev.tcpstate.cli;

/** A failure the user can act on: printed as one line, with the exit code it maps to. */
public final class CliException extends RuntimeException {
    private final int exitCode;

    public CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public CliException(int exitCode, String message) {
        this(exitCode, message, null);
    }

    public int exitCode() {
        return exitCode;
    }
}
