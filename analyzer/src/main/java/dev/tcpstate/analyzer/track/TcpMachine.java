package dev.tcpstate.analyzer.track;

import static dev.tcpstate.analyzer.tcp.SeqNum.ge;
import static dev.tcpstate.analyzer.tcp.SeqNum.gt;
import static dev.tcpstate.analyzer.tcp.SeqNum.le;
import static dev.tcpstate.analyzer.tcp.TcpState.CLOSED;
import static dev.tcpstate.analyzer.tcp.TcpState.CLOSE_WAIT;
import static dev.tcpstate.analyzer.tcp.TcpState.CLOSING;
import static dev.tcpstate.analyzer.tcp.TcpState.ESTABLISHED;
import static dev.tcpstate.analyzer.tcp.TcpState.FIN_WAIT_1;
import static dev.tcpstate.analyzer.tcp.TcpState.FIN_WAIT_2;
import static dev.tcpstate.analyzer.tcp.TcpState.LAST_ACK;
import static dev.tcpstate.analyzer.tcp.TcpState.LISTEN;
import static dev.tcpstate.analyzer.tcp.TcpState.SYN_RECEIVED;
import static dev.tcpstate.analyzer.tcp.TcpState.SYN_SENT;
import static dev.tcpstate.analyzer.tcp.TcpState.TIME_WAIT;

import dev.tcpstate.analyzer.tcp.SeqNum;
import dev.tcpstate.analyzer.tcp.TcpState;
import dev.tcpstate.parsers.decode.TcpPacket;

/**
 * The RFC 9293 state machine replayed for both endpoints of a connection.
 *
 * <p>Each observed segment is two events: its sender sent it ({@link #send}) and its receiver got it
 * ({@link #arrive}). The capture point can be anywhere on the path, so what an endpoint sends is evidence of what
 * its application did (a FIN stands for close()), and what arrives is applied only if the receiver would have
 * accepted it. Every state change goes through {@link ConnectionTracker#transition}.
 */
final class TcpMachine {
    /** Largest window the acceptability test uses (2^30, RFC 7323 section 2.3). */
    private static final long MAX_WINDOW = 1L << 30;

    private final ConnectionTracker tracker;

    TcpMachine(ConnectionTracker tracker) {
        this.tracker = tracker;
    }

    /** Applies one segment to its connection. Returns true if the segment was a retransmission by its sender. */
    boolean segment(Connection c, Endpoint snd, Endpoint rcv, TcpPacket p, boolean dropOnArrival) {
        snd.packets++;
        snd.payloadBytes += p.payloadLength;
        if (c.bothFinal()) {
            // Both endpoints are done; stray segments are counted, never applied.
            snd.afterClose++;
            return false;
        }
        boolean rexmit = trackSequence(snd, p);
        send(c, snd, rcv, p);
        if (!dropOnArrival) {
            arrive(c, rcv, snd, p);
        }
        return rexmit;
    }

    // ------------------------------------------------------------------------------------------------ send side

    /** Sender bookkeeping: ISS, highest sequence sent, retransmissions, options. Returns true for a retransmission. */
    private boolean trackSequence(Endpoint s, TcpPacket p) {
        boolean syn = p.has(TcpPacket.SYN), rst = p.has(TcpPacket.RST);
        int segLen = (int) p.sequenceLength();
        int end = p.seq + segLen;
        boolean rexmit = false;
        if (p.hasTimestamps) {
            s.hasTimestamp = true;
            s.lastTsVal = p.tsVal;
        }
        if (!rst) {
            s.lastWindowRaw = p.window;
            s.lastWindowOnSyn = syn;
        }
        if (syn && !rst) {
            if (!s.issKnown || p.seq != s.iss) {
                // First SYN, or a SYN with a new ISN within the same incarnation: (re)initialize the send side.
                s.issKnown = true;
                s.iss = p.seq;
                s.synPacket = p.packetNumber;
                s.synTimeNanos = p.timestampNanos;
                s.seqKnown = true;
                s.sndUna = p.seq;
                s.sndNxt = end;
                s.windowScaleOffered = p.windowScale;
                Endpoint peer = s.peer;
                if (p.has(TcpPacket.ACK) && peer.issKnown) {
                    // RFC 7323 section 2.2: scaling is in effect only when both SYNs carried the option.
                    boolean both = p.windowScale >= 0 && peer.windowScaleOffered >= 0;
                    s.windowScaling = both;
                    peer.windowScaling = both;
                    s.scalingKnown = true;
                    peer.scalingKnown = true;
                }
                return false;
            }
            s.duplicateSyns++;
        }
        if (rst) {
            return false; // a RST's payload is not part of the stream (RFC 9293 section 3.5.3)
        }
        if (!s.seqKnown) {
            s.seqKnown = true;
            s.sndUna = p.seq;
            s.sndNxt = end;
            return false;
        }
        if (segLen > 0) {
            if (le(end, s.sndNxt)) {
                s.retransmissions++;
                rexmit = true;
            } else {
                s.sndNxt = end;
            }
        }
        return rexmit;
    }

    /**
     * Sender-side inferences: what the sender must have done to emit this segment.
     */
    private void send(Connection c, Endpoint s, Endpoint r, TcpPacket p) {
        long pkt = p.packetNumber, t = p.timestampNanos;
        boolean syn = p.has(TcpPacket.SYN), ack = p.has(TcpPacket.ACK), fin = p.has(TcpPacket.FIN),
                rst = p.has(TcpPacket.RST);

        if (rst) {
            c.reset = true;
            if (!s.known) {
                // Rule: a RST answering a SYN proves there was no listener; the path stays CLOSED.
                assume(s, CLOSED);
                s.pendingPeerSyn = false;
            } else if (s.state != CLOSED) {
                // Rule: an endpoint that sends RST aborts its connection: CLOSED (RFC 9293 section 3.10.7).
                tracker.transition(c, s, CLOSED, pkt, t);
            }
            return;
        }

        if (syn) {
            if (!s.known) {
                if (ack) {
                    // Rule: a SYN-ACK from an endpoint never seen before proves it was listening and received the
                    // SYN: LISTEN -> SYN-RECEIVED, dated by the SYN's packet when it was seen.
                    assume(s, LISTEN);
                    s.passive = true;
                    boolean sawSyn = r.issKnown && s.pendingPeerSyn;
                    tracker.transition(c, s, SYN_RECEIVED, sawSyn ? r.synPacket : pkt, sawSyn ? r.synTimeNanos : t);
                    // The SYN-ACK acknowledges what the listener took from the SYN (ISS+1, plus Fast Open data).
                    setRcvNxt(s, p.ack, false);
                    s.pendingPeerSyn = false;
                } else {
                    // Rule: a SYN without ACK from CLOSED is an active open: CLOSED -> SYN-SENT.
                    assume(s, CLOSED);
                    tracker.transition(c, s, SYN_SENT, pkt, t);
                    if (s.pendingPeerSyn) {
                        // Rule: the peer's earlier SYN, answered by a bare SYN, is a simultaneous open:
                        // SYN-SENT -> SYN-RECEIVED (RFC 9293 section 3.5, figure 8).
                        s.pendingPeerSyn = false;
                        setRcvNxt(s, r.iss + 1, false);
                        tracker.transition(c, s, SYN_RECEIVED, pkt, t);
                    }
                }
            } else if (ack && s.synAckSent && p.seq == s.iss) {
                // A known endpoint sending its SYN-ACK again (same ISN) does not move its own state, but shows what
                // did not arrive before.
                retransmittedSynAck(c, s, r, pkt, t);
            }
            // Any other SYN from a known endpoint with the same ISN is a retransmission; it does not move state.
            if (ack) {
                s.synAckSent = true;
            }
        } else if (ack) {
            if (!s.known) {
                // Rule: a non-SYN segment with ACK proves its sender has a synchronized connection: it was
                // ESTABLISHED before the capture saw it (mid-stream pickup). Exception: a zero-length ACK to a peer
                // still in SYN-SENT proves nothing (some stacks ack a SYN before answering it).
                if (!(p.payloadLength == 0 && !fin && r.state == SYN_SENT)) {
                    assume(s, ESTABLISHED);
                    s.pendingPeerSyn = false;
                    c.partial = true;
                    setRcvNxt(s, p.ack, false);
                    if (r.finSent && ge(p.ack, r.finSeq + 1)) {
                        // Rule: the first ACK of an endpoint picked up mid-stream covers the peer's FIN: that FIN
                        // arrived, ESTABLISHED -> CLOSE-WAIT.
                        tracker.transition(c, s, CLOSE_WAIT, pkt, t);
                    }
                }
            } else if (s.state == SYN_SENT) {
                // Rule: an endpoint in SYN-SENT sends nothing but SYNs; a non-SYN ACK proves a SYN-ACK arrived that
                // the capture missed: SYN-SENT -> ESTABLISHED. When the capture showed SYN-ACKs that were not taken
                // in (see retransmittedSynAck), this ACK is the proof that a later copy was.
                if (!s.handshakeRefused) {
                    c.partial = true;
                }
                s.handshakeRefused = false;
                tracker.transition(c, s, ESTABLISHED, pkt, t);
            } else if (s.state == SYN_RECEIVED && s.handshakeRefused) {
                // Rule: a responder that refused the ACK of its SYN proves it has since taken one in by sending a
                // non-SYN segment (a SYN-RECEIVED endpoint sends only SYN-ACKs): SYN-RECEIVED -> ESTABLISHED.
                s.handshakeRefused = false;
                tracker.transition(c, s, ESTABLISHED, pkt, t);
            }
        }

        if (ack && s.known) {
            noteAckSent(s, p.ack);
        }

        if (fin) {
            int finSeq = p.seq + p.payloadLength + (syn ? 1 : 0);
            if (s.finSent && finSeq == s.finSeq) {
                return; // retransmitted FIN: close() was called once
            }
            s.finSent = true;
            s.finSeq = finSeq;
            if (s.state == CLOSE_WAIT && r.finSent && ack && SeqNum.lt(p.ack, r.finSeq + 1)
                    && s.path.size() > 0 && s.path.to(s.path.size() - 1) == CLOSE_WAIT) {
                // Rule: crossing FINs. This FIN does not acknowledge the peer's FIN, so the peer's FIN had not
                // arrived when it was sent: the endpoint closed from ESTABLISHED (-> FIN-WAIT-1) and the peer's FIN
                // arrives afterwards (-> CLOSING, simultaneous close). The CLOSE-WAIT inferred from the earlier
                // capture order is revised.
                tracker.revise(c, s);
                tracker.transition(c, s, FIN_WAIT_1, pkt, t);
                tracker.transition(c, s, CLOSING, pkt, t);
                return;
            }
            switch (s.state) {
                // Rule: FIN sent from ESTABLISHED is close(): ESTABLISHED -> FIN-WAIT-1.
                case ESTABLISHED -> tracker.transition(c, s, FIN_WAIT_1, pkt, t);
                // Rule: FIN sent from SYN-RECEIVED is close(): SYN-RECEIVED -> FIN-WAIT-1.
                case SYN_RECEIVED -> tracker.transition(c, s, FIN_WAIT_1, pkt, t);
                // Rule: FIN sent from CLOSE-WAIT is close() after the peer's FIN: CLOSE-WAIT -> LAST-ACK.
                case CLOSE_WAIT -> tracker.transition(c, s, LAST_ACK, pkt, t);
                default -> {
                }
            }
        }
    }

    /**
     * The sender {@code s} retransmits its SYN-ACK (same ISS). That proves two things about what arrived earlier.
     *
     * <p>Rule: a SYN-ACK sent again after the peer's ACK of it arrived proves that ACK was not accepted (Linux drops
     * it when the listener's accept queue is full; it may also have been lost after the capture point): the
     * sender's SYN-RECEIVED -> ESTABLISHED step is withdrawn, and later ACKs of the same SYN no longer establish it
     * (they meet the same fate until the sender shows otherwise by sending a non-SYN segment).
     *
     * <p>Rule: an endpoint in SYN-SENT answers an acceptable SYN-ACK at once with an ACK (RFC 9293 section
     * 3.10.7.3). A SYN-ACK retransmitted while the peer has sent nothing since its SYN-SENT -> ESTABLISHED step
     * proves the earlier copy did not reach it: the step is withdrawn, and further copies are not taken as arrived
     * until the peer answers one (its ACK then establishes it).
     */
    private void retransmittedSynAck(Connection c, Endpoint s, Endpoint r, long pkt, long t) {
        if (s.state == ESTABLISHED && s.establishedByArrival && lastStepFrom(s, SYN_RECEIVED)
                && s.sndNxt == s.iss + 1 && !s.finSent) {
            tracker.revise(c, s);
            s.establishedByArrival = false;
            s.handshakeRefused = true;
        }
        if (r.state == ESTABLISHED && r.establishedByArrival && lastStepFrom(r, SYN_SENT)
                && r.packets == r.packetsAtEstablished) {
            tracker.revise(c, r);
            r.establishedByArrival = false;
            r.handshakeRefused = true;
        }
    }

    private static boolean lastStepFrom(Endpoint e, TcpState from) {
        int n = e.path.size();
        return n > 0 && e.path.from(n - 1) == from && e.path.to(n - 1) == e.state;
    }

    /** The endpoint's own ACK is ground truth for its RCV.NXT at the time it sent it. */
    private static void noteAckSent(Endpoint s, int ack) {
        s.ackSent = true;
        s.lastAckSent = ack;
        if (!s.rcvKnown || gt(ack, s.rcvNxt)) {
            setRcvNxt(s, ack, false);
        } else if (ack == s.rcvNxt) {
            s.rcvUncertain = false;
        }
    }

    private static void setRcvNxt(Endpoint e, int v, boolean uncertain) {
        e.rcvKnown = true;
        e.rcvNxt = v;
        e.rcvUncertain = uncertain;
    }

    /** Starts an endpoint's path in a state it was in before the capture showed it (no step is recorded). */
    private static void assume(Endpoint e, TcpState s) {
        e.known = true;
        e.state = s;
        e.path.setInitial(s);
    }

    // --------------------------------------------------------------------------------------------- arrival side

    /** Receiver-side rules, applied only to acceptable segments. */
    private void arrive(Connection c, Endpoint r, Endpoint s, TcpPacket p) {
        boolean syn = p.has(TcpPacket.SYN), ack = p.has(TcpPacket.ACK), fin = p.has(TcpPacket.FIN),
                rst = p.has(TcpPacket.RST);
        if (!r.known) {
            // No evidence of the receiver's TCB yet: a SYN's effect is applied when the receiver answers.
            if (syn && !ack && !rst) {
                r.pendingPeerSyn = true;
            }
            return;
        }
        if (r.state.isFinal()) {
            return;
        }
        if (rst) {
            arriveRst(c, r, p);
            return;
        }
        if (r.state == SYN_SENT) {
            arriveInSynSent(c, r, s, p);
            return;
        }

        long pkt = p.packetNumber, t = p.timestampNanos;
        int seq = p.seq;
        int segLen = (int) p.sequenceLength();
        if (syn && s.issKnown && seq == s.iss && r.rcvKnown && gt(r.rcvNxt, seq)) {
            // The SYN was received before (simultaneous open's SYN-ACK, or a retransmitted SYN): the SYN is
            // trimmed off the front and the rest processed (RFC 9293 section 3.10.7.4, "trim").
            seq++;
            segLen--;
        }

        // RFC 9293 section 3.10.7.4, TIME-WAIT: the only thing that can arrive is a retransmission of the peer's
        // FIN; acknowledge it and restart the 2 MSL timeout.
        if (r.state == TIME_WAIT && fin && s.finSent && seq + p.payloadLength == s.finSeq) {
            tracker.restartTimeWait(c, r, t);
            return;
        }

        if (!acceptable(r, seq, segLen)) {
            if (!(r.rcvKnown && le(seq + segLen, r.rcvNxt) && segLen > 0)) {
                r.outOfWindow++; // old duplicates are counted as retransmissions on the sender instead
            }
            return;
        }
        advanceRcvNxt(r, seq, segLen);

        // RFC 9293 section 3.10.7.4, fifth: a segment without ACK is dropped in synchronized states.
        if (!ack) {
            return;
        }
        int a = p.ack;
        if (r.seqKnown && gt(a, r.sndNxt)) {
            // The ACK covers data the capture did not show this endpoint sending: accept it as proof it was sent.
            r.unseenAcked++;
            r.sndNxt = a;
        }
        if (!r.seqKnown || gt(a, r.sndUna)) {
            r.sndUna = a;
        }
        boolean finAcked = r.finSent && ge(a, r.finSeq + 1);
        boolean finDone = false;
        switch (r.state) {
            case SYN_RECEIVED -> {
                // Rule: the ACK of our SYN arrives: SYN-RECEIVED -> ESTABLISHED (RFC 9293 3.10.7.4, fifth), unless
                // the endpoint was shown to refuse it (see retransmittedSynAck).
                if ((!r.issKnown || gt(a, r.iss)) && !r.handshakeRefused) {
                    establishByArrival(c, r, pkt, t);
                }
            }
            case FIN_WAIT_1 -> {
                if (finAcked && fin) {
                    // Rule: the peer's FIN arrives and acknowledges ours. RFC 9293 section 3.10.7.4 processes the
                    // ACK first (fifth check: FIN-WAIT-1 -> FIN-WAIT-2) and then the FIN bit (eighth check:
                    // FIN-WAIT-2 -> TIME-WAIT), both on this segment.
                    tracker.transition(c, r, FIN_WAIT_2, pkt, t);
                    tracker.transition(c, r, TIME_WAIT, pkt, t);
                    finDone = true;
                } else if (finAcked) {
                    // Rule: the ACK of our FIN arrives: FIN-WAIT-1 -> FIN-WAIT-2.
                    tracker.transition(c, r, FIN_WAIT_2, pkt, t);
                }
            }
            // Rule: the ACK of our FIN arrives: CLOSING -> TIME-WAIT.
            case CLOSING -> {
                if (finAcked) tracker.transition(c, r, TIME_WAIT, pkt, t);
            }
            // Rule: the ACK of our FIN arrives: LAST-ACK -> CLOSED.
            case LAST_ACK -> {
                if (finAcked) tracker.transition(c, r, CLOSED, pkt, t);
            }
            default -> {
            }
        }

        // RFC 9293 section 3.10.7.4, eighth: the FIN bit.
        if (fin && !finDone) {
            switch (r.state) {
                // Rule: FIN arrives in ESTABLISHED (or SYN-RECEIVED): -> CLOSE-WAIT.
                case ESTABLISHED, SYN_RECEIVED -> tracker.transition(c, r, CLOSE_WAIT, pkt, t);
                // Rule: FIN arrives in FIN-WAIT-1 before our FIN is acknowledged: simultaneous close, -> CLOSING.
                case FIN_WAIT_1 -> tracker.transition(c, r, CLOSING, pkt, t);
                // Rule: FIN arrives in FIN-WAIT-2: -> TIME-WAIT.
                case FIN_WAIT_2 -> tracker.transition(c, r, TIME_WAIT, pkt, t);
                default -> {
                }
            }
        }
    }

    /**
     * RFC 9293 section 3.10.7.3, SYN-SENT: an ACK must acknowledge our SYN (SND.UNA &lt; SEG.ACK =&lt; SND.NXT, i.e.
     * ISS+1, or beyond it by the Fast Open data the SYN carried); then a SYN-ACK establishes and a bare SYN is a
     * simultaneous open.
     */
    private void arriveInSynSent(Connection c, Endpoint r, Endpoint s, TcpPacket p) {
        boolean ack = p.has(TcpPacket.ACK);
        if (ack && !(gt(p.ack, r.iss) && le(p.ack, r.sndNxt))) {
            r.outOfWindow++;
            return;
        }
        if (!p.has(TcpPacket.SYN)) {
            return; // neither SYN nor RST: dropped in SYN-SENT
        }
        if (ack && r.handshakeRefused) {
            return; // an earlier copy of this SYN-ACK was shown not to arrive, and the endpoint has not answered since
        }
        setRcvNxt(r, p.seq + 1 + p.payloadLength, false);
        if (ack) {
            r.sndUna = p.ack;
            // Rule: a SYN-ACK acknowledging our SYN arrives: SYN-SENT -> ESTABLISHED.
            establishByArrival(c, r, p.packetNumber, p.timestampNanos);
        } else {
            // Rule: a SYN without ACK arrives: simultaneous open, SYN-SENT -> SYN-RECEIVED.
            tracker.transition(c, r, SYN_RECEIVED, p.packetNumber, p.timestampNanos);
        }
    }

    /** An arriving segment completes the endpoint's handshake; remembered so a retransmitted SYN-ACK can undo it. */
    private void establishByArrival(Connection c, Endpoint r, long pkt, long t) {
        tracker.transition(c, r, ESTABLISHED, pkt, t);
        r.establishedByArrival = true;
        r.packetsAtEstablished = r.packets;
    }

    /**
     * A RST arrives. Acceptable (RFC 9293 section 3.10.7.3 and 3.10.7.4 second check, RFC 5961 section 3.2):
     * in SYN-SENT only if it acknowledges our SYN; otherwise only if its sequence number equals RCV.NXT, or, when
     * the observer's RCV.NXT is uncertain because it missed bytes, anywhere in the receive window. Then the
     * receiver goes CLOSED, except a passive endpoint in SYN-RECEIVED, which returns to LISTEN. RST in TIME-WAIT is
     * applied (RFC 9293; Linux {@code tcp_rfc1337=0}).
     */
    private void arriveRst(Connection c, Endpoint r, TcpPacket p) {
        boolean ok;
        if (r.state == SYN_SENT) {
            ok = p.has(TcpPacket.ACK) && gt(p.ack, r.iss) && le(p.ack, r.sndNxt);
        } else if (!r.rcvKnown) {
            ok = true;
        } else if (p.seq == r.rcvNxt) {
            ok = true;
        } else {
            Endpoint s = r.peer;
            boolean missedBytes = r.rcvUncertain || (s.seqKnown && gt(p.seq, s.sndNxt));
            int left = leftEdge(r);
            ok = missedBytes && SeqNum.inWindow(p.seq, left, Math.max(1, window(r)) + (long) (r.rcvNxt - left));
        }
        if (!ok) {
            r.outOfWindow++;
            return;
        }
        c.reset = true;
        if (r.state == SYN_RECEIVED && r.passive) {
            // Rule: RST in a passive SYN-RECEIVED: back to LISTEN (RFC 9293 section 3.10.7.4, second).
            tracker.transition(c, r, LISTEN, p.packetNumber, p.timestampNanos);
        } else {
            // Rule: acceptable RST: -> CLOSED.
            tracker.transition(c, r, CLOSED, p.packetNumber, p.timestampNanos);
        }
    }

    /**
     * RFC 9293 section 3.10.7.4, first check, the four cases of segment length and receive window:
     * <pre>
     * len=0 wnd=0: SEG.SEQ = RCV.NXT
     * len=0 wnd>0: RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND
     * len>0 wnd=0: not acceptable
     * len>0 wnd>0: RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND or RCV.NXT =< SEG.SEQ+SEG.LEN-1 < RCV.NXT+RCV.WND
     * </pre>
     * When the observer missed bytes, RCV.NXT is uncertain: the left edge is the receiver's last ACK and the right
     * edge is extended to the highest byte seen.
     */
    private static boolean acceptable(Endpoint r, int seq, int len) {
        if (!r.rcvKnown) {
            return true;
        }
        int left = leftEdge(r);
        long wnd = window(r) + (long) (r.rcvNxt - left);
        if (len == 0) {
            return wnd == 0 ? seq == left : SeqNum.inWindow(seq, left, wnd);
        }
        if (wnd == 0) {
            return false;
        }
        return SeqNum.inWindow(seq, left, wnd) || SeqNum.inWindow(seq + len - 1, left, wnd);
    }

    private static int leftEdge(Endpoint r) {
        if (r.rcvUncertain && r.ackSent && gt(r.rcvNxt, r.lastAckSent)) {
            return r.lastAckSent;
        }
        return r.rcvNxt;
    }

    /**
     * RCV.WND: the window the receiver last advertised, scaled by its shift when scaling is in effect
     * (RFC 7323 section 2.2; never on a SYN). When the handshake was not seen the shift is unknown and the largest
     * (14) is assumed, so that no segment is rejected for a window the observer under-estimates.
     */
    private static long window(Endpoint r) {
        if (r.lastWindowRaw < 0) {
            return MAX_WINDOW;
        }
        int shift;
        if (r.lastWindowOnSyn) {
            shift = 0;
        } else if (!r.scalingKnown) {
            shift = 14;
        } else {
            shift = r.windowScaling ? Math.min(14, r.windowScaleOffered) : 0;
        }
        return Math.min(MAX_WINDOW, (long) r.lastWindowRaw << shift);
    }

    private static void advanceRcvNxt(Endpoint r, int seq, int len) {
        int end = seq + len;
        if (!r.rcvKnown) {
            setRcvNxt(r, end, true);
        } else if (gt(seq, r.rcvNxt)) {
            r.rcvNxt = end; // bytes before this segment were missed (or reordered) by the observer
            r.rcvUncertain = true;
        } else if (gt(end, r.rcvNxt)) {
            r.rcvNxt = end;
        }
    }
}
