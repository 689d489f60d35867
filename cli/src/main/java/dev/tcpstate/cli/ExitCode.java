package dev.tcpstate.cli;

/** The process exit codes, the same for every command. */
public final class ExitCode {
    /** Analysis done (and, for a check, the policy held). */
    public static final int OK = 0;
    /** A check's policy was violated. */
    public static final int POLICY_VIOLATED = 1;
    /** The command line was wrong: unknown option, bad value, missing argument. */
    public static final int USAGE = 2;
    /** A capture could not be read, whole or in part (missing, not a capture, damaged). */
    public static final int CAPTURE_UNREADABLE = 3;
    /** A failure inside tcpstate itself. */
    public static final int INTERNAL = 4;

    private ExitCode() {
    }
}
