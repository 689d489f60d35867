package dev.tcpstate.analyzer.anomaly;

/**
 * The catalogue of anomalies, each with a stable snake_case {@link #code()}, a default {@link Severity} and a
 * one-line description. {@code docs/anomalies.md} describes each code and its evidence.
 */
public enum AnomalyType {
    // --- resets
    CONNECTION_REFUSED("connection_refused", Severity.WARNING, false,
            "A SYN was answered by a reset: nothing listened on the port."),
    ABORTIVE_CLOSE("abortive_close", Severity.WARNING, false,
            "An endpoint ended a synchronized connection with a reset instead of a FIN."),
    RST_TO_HALF_OPEN("rst_to_half_open", Severity.WARNING, false,
            "A reset answered data or a keepalive: the endpoint had no connection any more (half-open)."),
    RST_AFTER_FIN("rst_after_fin", Severity.INFO, false,
            "An endpoint reset the connection after it had already sent its FIN."),
    RST_OUT_OF_WINDOW("rst_out_of_window", Severity.WARNING, false,
            "A reset whose sequence number the receiver would not accept (possible blind reset injection)."),
    RST_WITH_DATA("rst_with_data", Severity.INFO, false,
            "A reset carried payload bytes (diagnostic text, or an evasion attempt)."),
    // --- TIME-WAIT
    TIME_WAIT_REUSE("time_wait_reuse", Severity.INFO, false,
            "A new SYN reused a socket pair while one endpoint was still in TIME-WAIT."),
    TIME_WAIT_ASSASSINATION("time_wait_assassination", Severity.WARNING, false,
            "A reset reached an endpoint in TIME-WAIT and ended it early (RFC 1337 hazard)."),
    // --- close problems
    ORPHANED_FIN_WAIT_2("orphaned_fin_wait_2", Severity.WARNING, false,
            "An endpoint gave up waiting in FIN-WAIT-2 for a peer that never closed."),
    INCOMPLETE_CLOSE_AT_CAPTURE_END("incomplete_close_at_capture_end", Severity.INFO, false,
            "The capture ended while an endpoint was still waiting for the close to complete."),
    SIMULTANEOUS_CLOSE("simultaneous_close", Severity.INFO, true,
            "Both endpoints sent their FIN before receiving the other's."),
    UNACKNOWLEDGED_FIN("unacknowledged_fin", Severity.WARNING, true,
            "A FIN was retransmitted repeatedly and never acknowledged."),
    HALF_CLOSE("half_close", Severity.INFO, true,
            "Data kept flowing from one endpoint after the other had sent its FIN."),
    // --- handshake
    HANDSHAKE_TIMEOUT("handshake_timeout", Severity.WARNING, true,
            "A SYN was retransmitted and never answered."),
    SYNACK_RETRANSMIT("synack_retransmit", Severity.WARNING, true,
            "The listener retransmitted its SYN-ACK: the final ACK never arrived or was not accepted."),
    SIMULTANEOUS_OPEN("simultaneous_open", Severity.INFO, true,
            "Both endpoints sent a SYN to each other (simultaneous open)."),
    TCP_FAST_OPEN("tcp_fast_open", Severity.INFO, true,
            "A SYN carried a TCP Fast Open option or data."),
    PARTIAL_CONNECTION("partial_connection", Severity.INFO, true,
            "The capture picked the connection up after its handshake (mid-stream)."),
    KEEPALIVE("keepalive", Severity.INFO, true,
            "An endpoint sent keepalive probes on an idle connection."),
    // --- aggregates
    SYN_FLOOD("syn_flood", Severity.ERROR, false,
            "Many SYNs to one listening port left half-open connections: a SYN flood."),
    SYN_SCAN("syn_scan", Severity.WARNING, false,
            "One source sent SYNs to many ports of one host: a port scan."),
    SYNACK_BACKSCATTER("synack_backscatter", Severity.WARNING, false,
            "Unsolicited SYN-ACKs arrived from many hosts: backscatter of a flood spoofing this address."),
    // --- violations
    SYN_FIN("syn_fin", Severity.WARNING, false, "A segment carried both SYN and FIN."),
    SYN_RST("syn_rst", Severity.WARNING, false, "A segment carried both SYN and RST."),
    NULL_FLAGS("null_flags", Severity.WARNING, false, "A segment carried no flags at all (NULL scan)."),
    XMAS_FLAGS("xmas_flags", Severity.WARNING, false, "A segment carried FIN, PSH and URG without ACK (Xmas scan)."),
    DATA_BEFORE_ESTABLISHED("data_before_established", Severity.WARNING, false,
            "Data was sent before the connection was established."),
    ACK_OF_UNSENT_DATA("ack_of_unsent_data", Severity.WARNING, false,
            "A segment acknowledged data the capture never showed being sent."),
    SEGMENT_OUTSIDE_WINDOW("segment_outside_window", Severity.WARNING, false,
            "A segment fell outside the receiver's window and was not accepted."),
    BAD_CHECKSUM("bad_checksum", Severity.WARNING, false, "A segment's TCP checksum was wrong.");

    private static final AnomalyType[] VALUES = values();

    private final String code;
    private final Severity severity;
    private final boolean oncePerConnection;
    private final String description;

    AnomalyType(String code, Severity severity, boolean oncePerConnection, String description) {
        this.code = code;
        this.severity = severity;
        this.oncePerConnection = oncePerConnection;
        this.description = description;
    }

    /** Stable snake_case identifier, as exports print it. */
    public String code() {
        return code;
    }

    /** Default severity; a single anomaly may differ (e.g. unsafe {@code time_wait_reuse} is a WARNING). */
    public Severity severity() {
        return severity;
    }

    /** Reported at most once per connection, whatever the repeat limit. */
    public boolean oncePerConnection() {
        return oncePerConnection;
    }

    public String description() {
        return description;
    }

    /** The type with the given code, or null. */
    public static AnomalyType ofCode(String code) {
        for (AnomalyType t : VALUES) {
            if (t.code.equals(code)) {
                return t;
            }
        }
        return null;
    }
}
