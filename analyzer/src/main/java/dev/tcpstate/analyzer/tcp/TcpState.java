package dev.tcpstate.analyzer.tcp;

/**
 * The eleven connection states of RFC 9293 section 3.3.2 (RFC 793 section 3.2).
 *
 * <p>{@link #name()} is the spelling exports print; {@link #rfcName()} is the RFC's spelling and
 * {@link #netstatName()} the spelling of Linux {@code ss}.
 */
public enum TcpState {
    CLOSED("CLOSED", "UNCONN"),
    LISTEN("LISTEN", "LISTEN"),
    SYN_SENT("SYN-SENT", "SYN-SENT"),
    SYN_RECEIVED("SYN-RECEIVED", "SYN-RECV"),
    ESTABLISHED("ESTABLISHED", "ESTAB"),
    FIN_WAIT_1("FIN-WAIT-1", "FIN-WAIT-1"),
    FIN_WAIT_2("FIN-WAIT-2", "FIN-WAIT-2"),
    CLOSING("CLOSING", "CLOSING"),
    TIME_WAIT("TIME-WAIT", "TIME-WAIT"),
    CLOSE_WAIT("CLOSE-WAIT", "CLOSE-WAIT"),
    LAST_ACK("LAST-ACK", "LAST-ACK");

    private static final TcpState[] VALUES = values();

    private final String rfcName;
    private final String netstatName;

    TcpState(String rfcName, String netstatName) {
        this.rfcName = rfcName;
        this.netstatName = netstatName;
    }

    /** The RFC spelling, e.g. {@code FIN-WAIT-1}. */
    public String rfcName() {
        return rfcName;
    }

    /** The Linux {@code ss} spelling, e.g. {@code ESTAB}, {@code SYN-RECV}; {@code UNCONN} for CLOSED. */
    public String netstatName() {
        return netstatName;
    }

    /**
     * True when the endpoint has no synchronized connection any more: CLOSED, or LISTEN (a passive endpoint
     * that a reset sent back to listening; the connection it belonged to is over).
     */
    public boolean isFinal() {
        return this == CLOSED || this == LISTEN;
    }

    /** The state with the given {@link #ordinal()}. */
    public static TcpState of(int ordinal) {
        return VALUES[ordinal];
    }
}
