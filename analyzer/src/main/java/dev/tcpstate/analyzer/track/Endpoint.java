package dev.tcpstate.analyzer.track;

import dev.tcpstate.analyzer.tcp.TcpState;

/**
 * One side of a connection as the observer reconstructs it: its state, the send and receive sequence variables
 * of RFC 9293 section 3.3.1 as far as the capture shows them, and counters.
 *
 * <p>Fields are package-private and written only by the tracker; readers use the accessors.
 */
public final class Endpoint extends ZeekStream {
    static final long NO_TIMER = Long.MAX_VALUE;

    final Role role;
    Endpoint peer;

    TcpState state;
    /** The observer has evidence about this endpoint (its path has a known start). */
    boolean known;
    /** Entered through LISTEN (passive open). */
    boolean passive;
    long stateSinceNanos;
    final StatePath path = new StatePath();

    // --- send side (what this endpoint sent) ---
    boolean issKnown;
    /** ISS: initial send sequence number. */
    int iss;
    long synPacket;
    long synTimeNanos;
    /** The observer has seen a segment from this endpoint, so {@link #sndNxt} is meaningful. */
    boolean seqKnown;
    /** SND.UNA as acknowledged by the peer. */
    int sndUna;
    /** Highest sequence number sent plus one (the end of the highest segment seen). */
    int sndNxt;
    boolean finSent;
    /** Sequence number of this endpoint's FIN. */
    int finSeq;
    /** Window-scale shift this endpoint offered on its SYN, -1 when absent or not seen. */
    int windowScaleOffered;
    /** Both SYNs were seen and both carried the option (RFC 7323 section 2.2). */
    boolean windowScaling;
    /** Both SYNs (or SYN and SYN-ACK) were seen, so the scaling decision is known. */
    boolean scalingKnown;
    int lastWindowRaw;
    boolean lastWindowOnSyn;
    boolean hasTimestamp;
    int lastTsVal;

    // --- receive side (what this endpoint has received, as known) ---
    boolean rcvKnown;
    /** RCV.NXT as far as the observer can tell. */
    int rcvNxt;
    /** The observer missed or reordered bytes, so RCV.NXT may be off. */
    boolean rcvUncertain;
    boolean ackSent;
    int lastAckSent;
    /** The peer's SYN arrived while there was no evidence of this endpoint; applied when it answers. */
    boolean pendingPeerSyn;
    /**
     * The last step (to ESTABLISHED) was caused by a segment arriving here, not by anything this endpoint sent;
     * {@link #packetsAtEstablished} is the endpoint's packet count then. A retransmitted SYN-ACK can withdraw it.
     */
    boolean establishedByArrival;
    /** The endpoint has sent a SYN-ACK. */
    boolean synAckSent;
    long packetsAtEstablished;
    /**
     * The endpoint was shown not to take in the handshake's last segment (a SYN-ACK for an originator, the ACK of its
     * SYN for a responder): arrivals of that kind no longer establish it; only a segment it sends does.
     */
    boolean handshakeRefused;

    // --- counters ---
    long packets;
    long payloadBytes;
    /** This endpoint has sent a segment with a verified-good checksum on this connection. */
    boolean sentGoodChecksum;
    /** The MSS option of this endpoint's SYN, or -1. */
    int mssOffered = -1;
    long retransmissions;
    long outOfWindow;
    long duplicateSyns;
    long unseenAcked;
    long afterClose;

    // --- timer ---
    long timerAtNanos;

    Endpoint(Role role) {
        this.role = role;
        reset();
    }

    /** Back to the state of a new endpoint (the tracker recycles connections); keeps role and peer. */
    void reset() {
        state = TcpState.CLOSED;
        known = false;
        passive = false;
        stateSinceNanos = Long.MIN_VALUE;
        path.reset();
        issKnown = false;
        iss = 0;
        synPacket = 0;
        synTimeNanos = 0;
        seqKnown = false;
        sndUna = 0;
        sndNxt = 0;
        finSent = false;
        finSeq = 0;
        windowScaleOffered = -1;
        windowScaling = false;
        scalingKnown = false;
        lastWindowRaw = -1;
        lastWindowOnSyn = false;
        hasTimestamp = false;
        lastTsVal = 0;
        rcvKnown = false;
        rcvNxt = 0;
        rcvUncertain = false;
        ackSent = false;
        lastAckSent = 0;
        pendingPeerSyn = false;
        establishedByArrival = false;
        synAckSent = false;
        packetsAtEstablished = 0;
        handshakeRefused = false;
        packets = 0;
        payloadBytes = 0;
        retransmissions = 0;
        outOfWindow = 0;
        duplicateSyns = 0;
        unseenAcked = 0;
        afterClose = 0;
        timerAtNanos = NO_TIMER;
    }

    public Role role() {
        return role;
    }

    public Endpoint peer() {
        return peer;
    }

    public boolean isOriginator() {
        return role == Role.ORIGINATOR;
    }

    public TcpState state() {
        return state;
    }

    /** The endpoint opened passively (its path starts in LISTEN). */
    public boolean isPassive() {
        return passive;
    }

    /** The observer has seen evidence of this endpoint's TCB (a segment it sent or an answer it gave). */
    public boolean isKnown() {
        return known;
    }

    /** Capture time at which the endpoint entered its current state; {@link Long#MIN_VALUE} if never changed. */
    public long stateSinceNanos() {
        return stateSinceNanos;
    }

    public StatePath path() {
        return path;
    }

    public boolean issKnown() {
        return issKnown;
    }

    /** Initial send sequence number (valid when {@link #issKnown()}). */
    public int iss() {
        return iss;
    }

    /** SND.UNA: the highest acknowledgment the peer sent for this endpoint's data. */
    public int sndUna() {
        return sndUna;
    }

    /** Highest sequence number sent plus one. */
    public int sndNxt() {
        return sndNxt;
    }

    /** RCV.NXT as known to the observer (valid when {@link #rcvKnown()}). */
    public int rcvNxt() {
        return rcvNxt;
    }

    public boolean rcvKnown() {
        return rcvKnown;
    }

    public boolean finSent() {
        return finSent;
    }

    /** Sequence number of the FIN this endpoint sent (valid when {@link #finSent()}). */
    public int finSeq() {
        return finSeq;
    }

    /** Shift count offered on this endpoint's SYN, -1 when absent. */
    public int windowScaleOffered() {
        return windowScaleOffered;
    }

    /** Window scaling is in effect (both SYNs carried the option). */
    public boolean windowScaling() {
        return windowScaling;
    }

    public boolean hasTimestamp() {
        return hasTimestamp;
    }

    /** Last TSval this endpoint sent (RFC 7323), unsigned in an int. */
    public int lastTsVal() {
        return lastTsVal;
    }

    public long packets() {
        return packets;
    }

    /** Payload bytes sent, retransmissions included. */
    public long payloadBytes() {
        return payloadBytes;
    }

    /** Segments sent whose sequence space had all been sent before (data, SYN or FIN). */
    public long retransmissions() {
        return retransmissions;
    }

    /** Segments that arrived at this endpoint and failed the acceptability tests, so were not applied. */
    public long outOfWindow() {
        return outOfWindow;
    }

    /** SYNs (or SYN-ACKs) this endpoint sent again with the same ISN. */
    public long duplicateSyns() {
        return duplicateSyns;
    }

    /** Segments arriving here that acknowledged data from this endpoint the capture did not show. */
    public long unseenAcked() {
        return unseenAcked;
    }

    /** Segments this endpoint sent after both endpoints were final. */
    public long afterClose() {
        return afterClose;
    }

    @Override
    public String toString() {
        return role + " " + state + " path=" + path;
    }
}
