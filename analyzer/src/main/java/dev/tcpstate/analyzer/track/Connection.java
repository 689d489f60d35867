package dev.tcpstate.analyzer.track;

import dev.tcpstate.analyzer.tcp.TcpState;

/**
 * One incarnation of a socket pair: from the packet that created it to the moment it left the table.
 *
 * <p>Addresses follow {@link dev.tcpstate.parsers.decode.TcpPacket}: an IPv4 address sits in the low 32 bits of
 * {@code lo} with {@code hi == 0}; an IPv6 address is {@code hi:lo}.
 */
public final class Connection {
    final PairKey key;
    final int ipVersion;
    final long origHi, origLo, respHi, respLo;
    final int origPort, respPort;
    final int incarnation;
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
    long timeWaitReuseNanos = -1;
    /** Both endpoints final; the connection lingers until {@link #lingerUntilNanos}. */
    long lingerUntilNanos = Endpoint.NO_TIMER;
    /** Deadline of the queued timer entry that is current for this connection. */
    long queuedAtNanos = Endpoint.NO_TIMER;
    boolean removed;
    /** Left the table because the table was full, not because it ended. */
    boolean evicted;

    final ZeekState zeek;

    /** Per-connection state of an observer (e.g. the anomaly detector); never read by the tracker. */
    private Object attachment;

    Connection(PairKey key, int incarnation, boolean origIsA, boolean flippedForZeek) {
        this.key = key;
        this.ipVersion = key.ipVersion;
        this.incarnation = incarnation;
        if (origIsA) {
            origHi = key.aHi; origLo = key.aLo; origPort = key.aPort;
            respHi = key.bHi; respLo = key.bLo; respPort = key.bPort;
        } else {
            origHi = key.bHi; origLo = key.bLo; origPort = key.bPort;
            respHi = key.aHi; respLo = key.aLo; respPort = key.aPort;
        }
        orig.peer = resp;
        resp.peer = orig;
        zeek = new ZeekState(flippedForZeek);
    }

    public int ipVersion() { return ipVersion; }
    public long origHi() { return origHi; }
    public long origLo() { return origLo; }
    public int origPort() { return origPort; }
    public long respHi() { return respHi; }
    public long respLo() { return respLo; }
    public int respPort() { return respPort; }

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

    /** Zeek {@code conn_state} code for the connection as it stands (S0, S1, SF, REJ, ... OTH). */
    public String zeekConnState() {
        return zeek.connState(orig.payloadBytes, resp.payloadBytes);
    }

    /** Zeek {@code history} string. */
    public String history() {
        return zeek.history();
    }

    /** The object an observer attached to this connection, or null. */
    public Object attachment() { return attachment; }

    /** Attaches an observer's per-connection state (one slot; the tracker never reads it). */
    public void attach(Object o) { attachment = o; }

    @Override
    public String toString() {
        return "Connection#" + incarnation + " " + origPort + "->" + respPort + " orig=" + orig.state + " resp="
                + resp.state + " " + zeekConnState() + " " + history();
    }

    /** The endpoint that sent a packet, given its direction. */
    Endpoint sender(boolean fromOriginator) {
        return fromOriginator ? orig : resp;
    }

    TcpState stateOf(Role r) {
        return r == Role.ORIGINATOR ? orig.state : resp.state;
    }
}
