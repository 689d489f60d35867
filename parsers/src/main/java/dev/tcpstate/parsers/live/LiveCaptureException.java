package dev.tcpstate.parsers.live;

import java.io.IOException;

/** Live capture (or a replay) could not start: the message is one line a user can act on; {@link #kind()} says why. */
public final class LiveCaptureException extends IOException {

    /** Why capturing could not start. */
    public enum Kind {
        /** The interface does not exist. */
        NO_SUCH_INTERFACE,
        /** The process may not capture (no root, no CAP_NET_RAW/CAP_NET_ADMIN). */
        NOT_PERMITTED,
        /** libpcap could not be loaded. */
        LIBPCAP_MISSING,
        /** The file to replay does not exist, cannot be read, or is not a capture libpcap can read. */
        UNREADABLE_FILE,
        /** The BPF filter does not compile. */
        BAD_FILTER,
        /** Anything else libpcap reported. */
        OTHER
    }

    private final Kind kind;

    public LiveCaptureException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
