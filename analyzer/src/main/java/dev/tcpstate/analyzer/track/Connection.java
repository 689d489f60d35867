package dev.tcpstate.analyzer.track;

import dev.tcpstate.analyzer.tcp.TcpState;

/**
 * One incarnation of a socket pair: from the packet that created it to the moment it left the table.
 *
 * <p>Addresses follow {@link dev.tcpstate.parsers.decode.TcpPacket}: an IPv4 address sits in the low 32 bits of
 * {@code lo} with {@code hi == 0}; an IPv6 address is {@code hi:lo}.
 */
public final class Connection extends ZeekState {
    /** The originator is side A of the canonical socket pair. */
    boolean origIsA;
    int incarnation;
    /** Bumped each time the tracker recycles this object, so stale timer entries can be told apart. */
    int generation;
    final Endpoint orig = new Endpoint(Role.ORIGINATOR);
    final Endpoint resp = new Endpoint(Role.RESPONDER);

    long firstPacket, lastPacket;
    long firstTimeNanos, lastTimeNanos;
    boolean partial;
    /** A RST was accepted by, or sent by, an endpoint. */
    boolean reset;
    /** Some endpoint entered a final state. */
    boolean ended;
    /** How long an endpoint had been in TIME-WAIT when a new SYN reused the pair; -1 if that did not happen. */
    long timeWaitReuseNanos;
    /** Both endpoints final; the connection lingers until {@link #lingerUntilNanos}. */
    long lingerUntilNanos;
    /** Deadline of the queued timer entry that is current for this connection. */
    long queuedAtNanos;
    /** That entry's handle in the timer queue, to cancel it ({@link TimerQueue#NO_HANDLE}: none or uncancellable). */
    long timerHandle;
    boolean removed;
    /** A new SYN on the same socket pair ended this connection (the tracker does not recycle it then). */
    boolean endedByReuse;
    /** Left the table because the table was full, not because it ended. */
    boolean evicted;

    /** Per-connection state of an observer (e.g. the anomaly detector); never read by the tracker. */
    private Object attachment;

    Connection(PairKey key, int incarnation, boolean origIsA, boolean flippedForZeek) {
        orig.peer = resp;
        resp.peer = orig;
        resetZeek(flippedForZeek, orig, resp);
        init(key, incarnation, origIsA);
    }

    /** Makes this object a new connection: the tracker recycles connections that left the table. */
    void reuse(PairKey key, int incarnation, boolean origIsA, boolean flippedForZeek) {
        generation++;
        orig.reset();
        resp.reset();
        resetZeek(flippedForZeek, orig, resp);
        init(key, incarnation, origIsA);
    }

    private void init(PairKey key, int incarnation, boolean origIsA) {
        setPair(key);
        this.origIsA = origIsA;
        this.incarnation = incarnation;
        firstPacket = lastPacket = 0;
        firstTimeNanos = lastTimeNanos = 0;
        partial = reset = ended = removed = endedByReuse = false;
        timeWaitReuseNanos = -1;
        lingerUntilNanos = Endpoint.NO_TIMER;
        queuedAtNanos = Endpoint.NO_TIMER;
        timerHandle = TimerQueue.NO_HANDLE;
        attachment = null;
    }

    public int ipVersion() { return ipVersion; }
    public long origHi() { return origIsA ? aHi : bHi; }
    public long origLo() { return origIsA ? aLo : bLo; }
    public int origPort() { return origIsA ? aPort : bPort; }
    public long respHi() { return origIsA ? bHi : aHi; }
    public long respLo() { return origIsA ? bLo : aLo; }
    public int respPort() { return origIsA ? bPort : aPort; }

    /** 1 for the first connection seen on this socket pair, then 2, 3... */
    public int incarnation() { return incarnation; }

    public Endpoint originator() { return orig; }
    public Endpoint responder() { return resp; }

    public long firstPacket() { return firstPacket; }
    public long lastPacket() { return lastPacket; }
    public long firstTimeNanos() { return firstTimeNanos; }
    public long lastTimeNanos() { return lastTimeNanos; }

    /** Packets sent by the originator / responder. */
    public long origPackets() { return orig.packets; }
    public long respPackets() { return resp.packets; }
    /** Payload bytes sent by the originator / responder, retransmissions included. */
    public long origBytes() { return orig.payloadBytes; }
    public long respBytes() { return resp.payloadBytes; }

    /** Picked up mid-stream: the originator's SYN was not seen. */
    public boolean isPartial() { return partial; }

    /** Left the table before it ended, because the table held the most live connections allowed. */
    public boolean wasEvicted() { return evicted; }

    /** A RST was sent or accepted on this connection. */
    public boolean wasReset() { return reset; }

    /**
     * When a new SYN reused this socket pair while an endpoint was in TIME-WAIT: how long that endpoint had been in
     * TIME-WAIT (capture time). -1 otherwise.
     */
    public long timeWaitReuseNanos() { return timeWaitReuseNanos; }

    /**
     * Both endpoints final (CLOSED, or LISTEN after a reset), once the connection has ended: some endpoint went to a
     * final state or a RST was seen. An endpoint the capture never showed counts as final then.
     */
    public boolean bothFinal() {
        return (ended || reset) && orig.state.isFinal() && resp.state.isFinal();
    }

    /**
     * Zeek {@code conn_state} code for the connection as it stands (S0, S1, SF, REJ, ... OTH).
     *
     * @throws IllegalStateException if the tracker kept no Zeek view ({@link ConnectionTracker#withoutZeekView()})
     */
    public String zeekConnState() {
        return connState(orig.payloadBytes, resp.payloadBytes);
    }

    /** The object an observer attached to this connection, or null. */
    public Object attachment() { return attachment; }

    /** Attaches an observer's per-connection state (one slot; the tracker never reads it). */
    public void attach(Object o) { attachment = o; }

    @Override
    public String toString() {
        return "Connection#" + incarnation + " " + origPort() + "->" + respPort() + " orig=" + orig.state + " resp="
                + resp.state + (hasZeekView() ? " " + zeekConnState() + " " + history() : "");
    }

    /** The endpoint that sent a packet, given its direction. */
    Endpoint sender(boolean fromOriginator) {
        return fromOriginator ? orig : resp;
    }

    TcpState stateOf(Role r) {
        return r == Role.ORIGINATOR ? orig.state : resp.state;
    }
}
