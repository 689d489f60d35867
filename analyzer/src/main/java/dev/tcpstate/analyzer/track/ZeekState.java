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
 *
 * <p>{@link Connection} extends it and each {@link Endpoint} extends {@link ZeekStream}, so the Zeek view lives in
 * the objects the state machine touches anyway: a packet's work here costs no cache miss of its own. The history's
 * letters are kept as bytes in two longs (the first 16 letters; few connections have more), not in a string builder.
 */
abstract class ZeekState extends PairKey {
    static final byte INACTIVE = 0, SYN_SENT = 1, SYN_ACK_SENT = 2, PARTIAL = 3, ESTABLISHED = 4, CLOSED = 5,
            RESET = 6;

    // history bits, one set per direction (responder bits shifted by 16)
    private static final int H_SYN = 1, H_FIN = 2, H_RST = 4, H_DATA = 8, H_ACK = 16, H_INCONSISTENT = 32,
            H_MULTI = 64, H_CHECKSUM = 128;

    byte zOrig, zResp;
    byte zOrigPrev, zRespPrev;

    private int seen;
    /** The history's first 16 letters, one byte each (the first in the low byte of {@link #history0}). */
    private long history0, history1;
    private int historyLength;
    /** Where the history stands in Zeek's RSTOS0 test ({@link #RSTOS0_NEXT}). */
    private byte rstos0;
    /** Letters after the 16th, or null. */
    private StringBuilder historyMore;
    /** The tracker keeps no Zeek view for this connection ({@link ConnectionTracker#withoutZeekView()}). */
    boolean zeekViewOff;
    private int origLastSyn, respLastSyn, origLastFin, respLastFin, origLastRst, respLastRst;
    // logarithmic counters for t, w, c: count and next threshold, per direction
    private int origRexmit, respRexmit, origZeroWin, respZeroWin, origBadSum, respBadSum;
    private int origRexmitNext, respRexmitNext, origZeroWinNext, respZeroWinNext, origBadSumNext, respBadSumNext;

    /** Back to the state of a new connection (the tracker recycles connections); resets the streams too. */
    void resetZeek(boolean flipped, ZeekStream origStream, ZeekStream respStream) {
        zOrig = zResp = zOrigPrev = zRespPrev = INACTIVE;
        seen = 0;
        history0 = history1 = 0;
        historyLength = 0;
        rstos0 = RST_START;
        if (historyMore != null) {
            historyMore.setLength(0);
        }
        if (flipped) {
            append('^');
        }
        origLastSyn = respLastSyn = origLastFin = respLastFin = origLastRst = respLastRst = 0;
        origRexmit = respRexmit = origZeroWin = respZeroWin = origBadSum = respBadSum = 0;
        origRexmitNext = respRexmitNext = origZeroWinNext = respZeroWinNext = origBadSumNext = respBadSumNext = 1;
        origStream.resetStream();
        respStream.resetStream();
    }

    private void append(char letter) {
        rstos0 = RSTOS0_NEXT[rstos0 << 7 | letter];
        int n = historyLength++;
        if (n < 8) {
            history0 |= (long) letter << (8 * n);
        } else if (n < 16) {
            history1 |= (long) letter << (8 * (n - 8));
        } else {
            if (historyMore == null) {
                historyMore = new StringBuilder();
            }
            historyMore.append(letter);
        }
    }

    private char historyAt(int i) {
        if (i < 16) {
            return (char) ((i < 8 ? history0 >>> (8 * i) : history1 >>> (8 * (i - 8))) & 0xFF);
        }
        return historyMore.charAt(i - 16);
    }

    /**
     * Zeek {@code history} string.
     *
     * @throws IllegalStateException if the tracker kept no Zeek view ({@link ConnectionTracker#withoutZeekView()})
     */
    public String history() {
        checkZeekView();
        int n = historyLength;
        byte[] letters = new byte[n];
        for (int i = 0; i < n; i++) {
            letters[i] = (byte) historyAt(i);
        }
        return new String(letters, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** Whether the tracker kept the Zeek view of this connection. */
    public boolean hasZeekView() {
        return !zeekViewOff;
    }

    private void checkZeekView() {
        if (zeekViewOff) {
            throw new IllegalStateException("the tracker kept no Zeek view of this connection");
        }
    }

    // As Zeek's TCP_Endpoint::SetState: the previous state changes only with the state.
    private void setOrigState(byte s) {
        if (s != zOrig) {
            zOrigPrev = zOrig;
            zOrig = s;
        }
    }

    private void setRespState(byte s) {
        if (s != zResp) {
            zRespPrev = zResp;
            zResp = s;
        }
    }

    private void set(boolean fromOrig, byte s) {
        if (fromOrig) setOrigState(s); else setRespState(s);
    }

    /** Records a bad checksum ('c'); Zeek drops such a packet from further analysis. */
    void badChecksum(boolean fromOrig) {
        if (fromOrig) {
            if (++origBadSum == origBadSumNext) { origBadSumNext *= 10; append('C'); }
        } else {
            if (++respBadSum == respBadSumNext) { respBadSumNext *= 10; append('c'); }
        }
    }

    /** A retransmitted payload ('t'), recorded at the 1st, 10th, 100th... occurrence per direction. */
    void retransmission(boolean fromOrig) {
        if (fromOrig) {
            if (++origRexmit == origRexmitNext) { origRexmitNext *= 10; append('T'); }
        } else {
            if (++respRexmit == respRexmitNext) { respRexmitNext *= 10; append('t'); }
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
     * After the state change, the acknowledgment is checked for content gaps in the peer's bytes ('g'); then this
     * segment's bytes, if captured whole, are added to its sender's stream.
     */
    void zeekPacket(boolean fromOrig, TcpPacket p, int window, boolean retransmission, ZeekStream mine,
                    ZeekStream theirs) {
        int flags = p.flags;
        boolean syn = (flags & TcpPacket.SYN) != 0, fin = (flags & TcpPacket.FIN) != 0,
                rst = (flags & TcpPacket.RST) != 0, ack = (flags & TcpPacket.ACK) != 0;
        int len = p.payloadLength;

        byte me = fromOrig ? zOrig : zResp;
        byte peer = fromOrig ? zResp : zOrig;
        byte peerPrev = fromOrig ? zRespPrev : zOrigPrev;

        // sequence numbering, before the state changes (Zeek's init_endpoint and init_peer)
        if (me == INACTIVE) {
            mine.zeekStart = syn ? p.seq : p.seq - 1;
        } else if (syn && (me == SYN_SENT || me == SYN_ACK_SENT) && p.seq != mine.zeekStart) {
            mine.zeekStart = p.seq;                     // a SYN with a new ISN starts the numbering again
        }
        long segStart = mine.relSeq(p.seq);
        if (fin) mine.zeekFinEnd = segStart + len + (syn ? 1 : 0) + 1;
        boolean peerWasInactive = peer == INACTIVE;
        if (ack && peerWasInactive) {
            theirs.zeekStart = p.ack - 1;
        }

        updateHistory(fromOrig, syn, fin, rst, ack, p.seq, len);

        // zero window (w): not with a RST, not after the peer closed, not from a reset endpoint
        if (window == 0 && !rst && peer != CLOSED && me != RESET) {
            if (fromOrig) {
                if (++origZeroWin == origZeroWinNext) { origZeroWinNext *= 10; append('W'); }
            } else {
                if (++respZeroWin == respZeroWinNext) { respZeroWinNext *= 10; append('w'); }
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
                        if (zOrig == SYN_SENT) setOrigState(ESTABLISHED);
                        setRespState(ESTABLISHED);
                    }
                }
                if (fin) set(fromOrig, CLOSED);
                if (rst) set(fromOrig, RESET);
                if ((fromOrig ? zOrig : zResp) == INACTIVE) {
                    if (!fromOrig && len == 0 && zOrig == SYN_SENT) {
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

        // The acknowledgment, after the state change so that a gap revealed by a FIN or RST is judged by the states
        // it leaves; then this segment's own bytes, if captured whole (a RST's are not taken).
        if (ack && !peerWasInactive) {
            int gaps = theirs.streamAcked(theirs.relSeq(p.ack));
            if (gaps > 0 && clean(zOrig, zOrigPrev) && clean(zResp, zRespPrev)) {
                contentGaps(theirs, !fromOrig, gaps);
            }
        }
        if (len > 0 && !rst && p.capturedPayloadLength >= len) {
            long from = segStart + (syn ? 1 : 0);
            mine.streamData(from, from + len);
        }
    }

    /** Zeek reports a content gap in the history only while both endpoints are established or closed from there. */
    private static boolean clean(byte state, byte prev) {
        return state == ESTABLISHED || state == CLOSED && prev == ESTABLISHED;
    }

    /** Content gaps in the sender's bytes ('g'), recorded at the 1st, 10th, 100th... gap per direction. */
    private void contentGaps(ZeekStream s, boolean senderIsOrig, int n) {
        for (int i = 0; i < n; i++) {
            if (++s.zeekGaps == s.zeekGapsNext) {
                s.zeekGapsNext *= 10;
                append(senderIsOrig ? 'G' : 'g');
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
                append(fromOrig ? code : Character.toLowerCase(code));
            }
            if (fromOrig) origLastSyn = seq; else respLastSyn = seq;
        } else if (fin) {
            int end = seq + len;
            if (!once(fromOrig, H_FIN, 'F') && end != (fromOrig ? origLastFin : respLastFin)) {
                append(fromOrig ? 'F' : 'f');
            }
            if (fromOrig) origLastFin = end; else respLastFin = end;
        } else if (rst) {
            if (!once(fromOrig, H_RST, 'R') && seq != (fromOrig ? origLastRst : respLastRst)) {
                append(fromOrig ? 'R' : 'r');
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
        append(fromOrig ? upper : Character.toLowerCase(upper));
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
        checkZeekView();
        // A table lookup, not the chain of tests below: the writer formats a million records with this inlined, and
        // a test whose other outcome first turned up late (the first REJ, the first S0) would have it compiled anew.
        int noBytes = (int) (((origBytes | respBytes) - 1) >>> 63);
        return CONN_STATES[(zOrig * STATES + zResp) << 2 | noBytes << 1 | rstos0 & 1];
    }

    private static final int STATES = 7;
    /** {@link #decide} for every pair of coarse states, payload seen or not, history matching RSTOS0's or not. */
    private static final String[] CONN_STATES = new String[STATES * STATES * 4];

    static {
        for (int o = 0; o < STATES; o++) {
            for (int r = 0; r < STATES; r++) {
                for (int extra = 0; extra < 4; extra++) {
                    CONN_STATES[(o * STATES + r) << 2 | extra] =
                            decide((byte) o, (byte) r, (extra & 2) != 0, (extra & 1) != 0);
                }
            }
        }
    }

    private static String decide(byte orig, byte resp, boolean noBytes, boolean synThenOrigReset) {
        boolean oInactive = orig == INACTIVE || orig == PARTIAL;
        boolean rInactive = resp == INACTIVE || resp == PARTIAL;
        if (resp == RESET) {
            if (orig == SYN_SENT || orig == SYN_ACK_SENT || (orig == RESET && noBytes)) {
                return "REJ";
            }
            return oInactive ? "RSTRH" : "RSTR";
        }
        if (orig == RESET) {
            if (rInactive) {
                return synThenOrigReset ? "RSTOS0" : "OTH";
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

    /*
     * Whether the history so far is an optional '^', an 'S', then no H A F G I Q letters, then an 'R' somewhere
     * (Zeek's RSTOS0 test), followed letter by letter: the state is one of the four below, and the letter appended
     * picks the next from a table. The state that means "matches" is the only odd one.
     */
    private static final byte RST_START = 0, RST_AFTER_SYN = 2, RST_MATCH = 1, RST_NO = 4;
    private static final byte[] RSTOS0_NEXT = new byte[5 << 7];

    static {
        for (int c = 0; c < 128; c++) {
            RSTOS0_NEXT[RST_START << 7 | c] = c == '^' ? RST_START : c == 'S' ? RST_AFTER_SYN : RST_NO;
            RSTOS0_NEXT[RST_AFTER_SYN << 7 | c] = c == 'R' ? RST_MATCH
                    : "HAFGIQ".indexOf(c) >= 0 ? RST_NO : RST_AFTER_SYN;
            RSTOS0_NEXT[RST_MATCH << 7 | c] = RST_MATCH;
            RSTOS0_NEXT[RST_NO << 7 | c] = RST_NO;
        }
    }
}
