package dev.tcpstate.analyzer.track;

import dev.tcpstate.parsers.decode.TcpPacket;

/**
 * The Zeek view of a connection, kept beside the RFC states so {@code conn_state} and {@code history} can be
 * reported in Zeek's vocabulary.
 *
 * <p>Zeek tracks each endpoint with a coarse state (inactive, SYN sent, SYN-ACK sent, partial, established,
 * closed, reset) driven only by the flags each side sends, and derives the {@code conn_state} code from the pair
 * at the end. This class keeps the same coarse states with the same triggers, oriented by this analyzer's
 * originator (which follows the same idea as Zeek's: the SYN's sender, else the SYN-ACK's receiver).
 */
final class ZeekState {
    static final byte INACTIVE = 0, SYN_SENT = 1, SYN_ACK_SENT = 2, PARTIAL = 3, ESTABLISHED = 4, CLOSED = 5,
            RESET = 6;

    // history bits, one set per direction (responder bits shifted by 16)
    private static final int H_SYN = 1, H_FIN = 2, H_RST = 4, H_DATA = 8, H_ACK = 16, H_INCONSISTENT = 32,
            H_MULTI = 64, H_CHECKSUM = 128;

    byte orig, resp;
    byte origPrev, respPrev;

    private int seen;
    private final StringBuilder history = new StringBuilder(8);
    private int origLastSyn, respLastSyn, origLastFin, respLastFin, origLastRst, respLastRst;
    // logarithmic counters for t, w, c: count and next threshold, per direction
    private int origRexmit, respRexmit, origZeroWin, respZeroWin, origBadSum, respBadSum;
    private int origRexmitNext, respRexmitNext, origZeroWinNext, respZeroWinNext, origBadSumNext, respBadSumNext;

    ZeekState(boolean flipped) {
        reset(flipped);
    }

    /** Back to the state of a new connection (the tracker recycles connections). */
    void reset(boolean flipped) {
        orig = resp = origPrev = respPrev = INACTIVE;
        seen = 0;
        history.setLength(0);
        if (flipped) {
            history.append('^');
        }
        origLastSyn = respLastSyn = origLastFin = respLastFin = origLastRst = respLastRst = 0;
        origRexmit = respRexmit = origZeroWin = respZeroWin = origBadSum = respBadSum = 0;
        origRexmitNext = respRexmitNext = origZeroWinNext = respZeroWinNext = origBadSumNext = respBadSumNext = 1;
    }

    String history() {
        return history.toString();
    }

    private void setOrigState(byte s) {
        origPrev = orig;
        orig = s;
    }

    private void setRespState(byte s) {
        respPrev = resp;
        resp = s;
    }

    private void set(boolean fromOrig, byte s) {
        if (fromOrig) setOrigState(s); else setRespState(s);
    }

    /** Records a bad checksum ('c'); Zeek drops such a packet from further analysis. */
    void badChecksum(boolean fromOrig) {
        if (fromOrig) {
            if (++origBadSum == origBadSumNext) { origBadSumNext *= 10; history.append('C'); }
        } else {
            if (++respBadSum == respBadSumNext) { respBadSumNext *= 10; history.append('c'); }
        }
    }

    /** A retransmitted payload ('t'), recorded at the 1st, 10th, 100th... occurrence per direction. */
    void retransmission(boolean fromOrig) {
        if (fromOrig) {
            if (++origRexmit == origRexmitNext) { origRexmitNext *= 10; history.append('T'); }
        } else {
            if (++respRexmit == respRexmitNext) { respRexmitNext *= 10; history.append('t'); }
        }
    }

    /**
     * Applies one packet. Rules, by the sender's coarse state:
     * <ul>
     * <li>inactive: a SYN from the originator makes it SYN sent (SYN-ACK sent if the SYN carries ACK); a SYN from the
     * responder makes it established and an originator in SYN sent established too. A FIN makes the sender closed,
     * a RST reset. With no such flag the sender becomes partial, except a bare ACK from the responder to an
     * originator in SYN sent (ignored), and an ACK answering an established peer (established).</li>
     * <li>SYN sent / SYN-ACK sent: FIN closed, RST reset.</li>
     * <li>established / partial: a bare SYN from a partial sender whose peer is inactive is a fresh SYN; FIN closes
     * (and a peer that had closed and then reset counts as closed again); RST resets.</li>
     * <li>closed: RST resets, unless the peer had closed too.</li>
     * </ul>
     */
    void onPacket(boolean fromOrig, TcpPacket p, int window, boolean retransmission) {
        int flags = p.flags;
        boolean syn = (flags & TcpPacket.SYN) != 0, fin = (flags & TcpPacket.FIN) != 0,
                rst = (flags & TcpPacket.RST) != 0, ack = (flags & TcpPacket.ACK) != 0;
        int len = p.payloadLength;
        updateHistory(fromOrig, syn, fin, rst, ack, p.seq, len);

        byte me = fromOrig ? orig : resp;
        byte peer = fromOrig ? resp : orig;
        byte peerPrev = fromOrig ? respPrev : origPrev;

        // zero window (w): not with a RST, not after the peer closed, not from a reset endpoint
        if (window == 0 && !rst && peer != CLOSED && me != RESET) {
            if (fromOrig) {
                if (++origZeroWin == origZeroWinNext) { origZeroWinNext *= 10; history.append('W'); }
            } else {
                if (++respZeroWin == respZeroWinNext) { respZeroWinNext *= 10; history.append('w'); }
            }
        }
        if (retransmission && len > 0 && me != RESET) {
            retransmission(fromOrig);
        }

        switch (me) {
            case INACTIVE -> {
                if (syn) {
                    if (fromOrig) {
                        set(true, ack ? SYN_ACK_SENT : SYN_SENT);
                    } else {
                        if (orig == SYN_SENT) setOrigState(ESTABLISHED);
                        setRespState(ESTABLISHED);
                    }
                }
                if (fin) set(fromOrig, CLOSED);
                if (rst) set(fromOrig, RESET);
                if ((fromOrig ? orig : resp) == INACTIVE) {
                    if (!fromOrig && len == 0 && orig == SYN_SENT) {
                        // a responder acking a SYN before answering it: not a partial connection
                    } else if (ack && peer == ESTABLISHED) {
                        set(fromOrig, ESTABLISHED);
                    } else {
                        set(fromOrig, PARTIAL);
                    }
                }
            }
            case SYN_SENT, SYN_ACK_SENT -> {
                if (fin) set(fromOrig, CLOSED);
                if (rst) set(fromOrig, RESET);
            }
            case ESTABLISHED, PARTIAL -> {
                if (syn && !ack && me == PARTIAL && peer == INACTIVE) set(fromOrig, SYN_SENT);
                if (fin && !rst) {
                    set(fromOrig, CLOSED);
                    if (peer == RESET && peerPrev == CLOSED) set(!fromOrig, CLOSED);
                }
                if (rst) set(fromOrig, RESET);
            }
            case CLOSED -> {
                if (rst && peer != CLOSED) set(fromOrig, RESET);
            }
            default -> {
            }
        }
    }

    private void updateHistory(boolean fromOrig, boolean syn, boolean fin, boolean rst, boolean ack, int seq,
                               int len) {
        int controls = (syn ? 1 : 0) + (fin ? 1 : 0) + (rst ? 1 : 0);
        if (controls > 1) {
            if (fin && rst) once(fromOrig, H_INCONSISTENT, 'I');
            else once(fromOrig, H_MULTI, 'Q');
        } else if (syn) {
            char code = ack ? 'H' : 'S';
            // s and h repeat when the SYN's sequence number differs from the previous one of this direction
            if (!once(fromOrig, H_SYN, code) && seq != (fromOrig ? origLastSyn : respLastSyn)) {
                history.append(fromOrig ? code : Character.toLowerCase(code));
            }
            if (fromOrig) origLastSyn = seq; else respLastSyn = seq;
        } else if (fin) {
            int end = seq + len;
            if (!once(fromOrig, H_FIN, 'F') && end != (fromOrig ? origLastFin : respLastFin)) {
                history.append(fromOrig ? 'F' : 'f');
            }
            if (fromOrig) origLastFin = end; else respLastFin = end;
        } else if (rst) {
            if (!once(fromOrig, H_RST, 'R') && seq != (fromOrig ? origLastRst : respLastRst)) {
                history.append(fromOrig ? 'R' : 'r');
            }
            if (fromOrig) origLastRst = seq; else respLastRst = seq;
        } else if (len > 0) {
            once(fromOrig, H_DATA, 'D');
        } else if (ack) {
            once(fromOrig, H_ACK, 'A');
        }
    }

    /** Appends the letter the first time this kind is seen in this direction; returns true if it appended. */
    private boolean once(boolean fromOrig, int bit, char upper) {
        int mask = fromOrig ? bit : bit << 16;
        if ((seen & mask) != 0) {
            return false;
        }
        seen |= mask;
        history.append(fromOrig ? upper : Character.toLowerCase(upper));
        return true;
    }

    /**
     * The Zeek {@code conn_state} code:
     * <ul>
     * <li>responder reset: REJ if the originator had only sent a SYN (or had reset too with no payload either way),
     * RSTRH if the originator was never seen (inactive or partial), else RSTR;</li>
     * <li>originator reset: RSTOS0 if the responder never answered and the history is a SYN followed by the
     * originator's RST with no SYN-ACK, ACK, FIN or data in between; OTH if the responder never answered otherwise;
     * else RSTO;</li>
     * <li>both closed: SF; only the originator closed: SH if the responder was never seen, else S2; only the
     * responder closed: SHR if the originator was never seen, else S3;</li>
     * <li>SYN sent, no answer: S0; both established: S1; anything else: OTH.</li>
     * </ul>
     */
    String connState(long origBytes, long respBytes) {
        boolean oInactive = orig == INACTIVE || orig == PARTIAL;
        boolean rInactive = resp == INACTIVE || resp == PARTIAL;
        if (resp == RESET) {
            if (orig == SYN_SENT || orig == SYN_ACK_SENT || (orig == RESET && origBytes == 0 && respBytes == 0)) {
                return "REJ";
            }
            return oInactive ? "RSTRH" : "RSTR";
        }
        if (orig == RESET) {
            if (rInactive) {
                return synThenOrigReset() ? "RSTOS0" : "OTH";
            }
            return "RSTO";
        }
        if (orig == CLOSED && resp == CLOSED) return "SF";
        if (orig == CLOSED) return rInactive ? "SH" : "S2";
        if (resp == CLOSED) return oInactive ? "SHR" : "S3";
        if (orig == SYN_SENT && resp == INACTIVE) return "S0";
        if (orig == ESTABLISHED && resp == ESTABLISHED) return "S1";
        return "OTH";
    }

    /** History matches: optional '^', an 'S', then no H A F G I Q letters, then an 'R' somewhere later. */
    private boolean synThenOrigReset() {
        int i = 0, n = history.length();
        if (i < n && history.charAt(i) == '^') i++;
        if (i >= n || history.charAt(i) != 'S') return false;
        for (i++; i < n; i++) {
            char ch = history.charAt(i);
            if (ch == 'R') return true;
            if ("HAFGIQ".indexOf(ch) >= 0) return false;
        }
        return false;
    }
}
