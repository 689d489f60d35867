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
    /** Each endpoint's byte stream as Zeek's reassembler sees it, for the content-gap letters 'g'. */
    private final Stream origStream = new Stream(), respStream = new Stream();

    /**
     * One endpoint's byte stream, in Zeek's relative sequence numbers (1 = the first byte after the SYN, or the
     * first byte of a stream joined without SYN): the captured bytes delivered in order up to {@link #next}, the
     * captured bytes above a hole, and the highest acknowledgment taken in ({@link #trim}). An acknowledgment beyond
     * {@code next} covers bytes the capture never showed whole: content gaps.
     */
    private static final class Stream {
        /** Captured ranges kept above a hole at most; further ones are not kept (and count as missing if acked). */
        static final int MAX_HELD = 1024;
        /** Zeek's StartSeq: relative 0 (the SYN's sequence number, or one below the first byte). */
        int start;
        /** Every byte below it was delivered or given up as a gap (Zeek's last_reassem_seq). */
        long next;
        /** Highest acknowledgment taken in (Zeek's trim_seq). */
        long trim;
        /** One past the last FIN's sequence number, 0 before a FIN (Zeek's FIN_seq). */
        long finEnd;
        /**
         * Captured ranges above {@link #next}, [from, to) pairs in order, not touching each other; made when bytes
         * first arrive above a hole.
         */
        long[] held;
        int heldCount;
        /** Gaps reported, and the count at which the next letter is written (1, 10, 100...). */
        int gaps, gapsNext;

        void reset() {
            start = 0;
            next = trim = 1;
            finEnd = 0;
            heldCount = 0;
            gaps = 0;
            gapsNext = 1;
        }

        /** Relative sequence number of {@code seq}, taken as the one nearest to {@link #next}. */
        long rel(int seq) {
            return next + (seq - (int) (start + next));
        }

        /** Captured bytes [from, to) arrived (Zeek's DataSent and NewBlock). */
        void data(long from, long to) {
            if (to <= trim) return;                 // acknowledged already
            if (from < trim) from = trim;
            if (to <= next) return;                 // delivered already
            if (from <= next) {
                next = to;
                // held ranges that now join the stream
                int i = 0;
                while (i < heldCount && held[2 * i] <= next) {
                    next = Math.max(next, held[2 * i + 1]);
                    i++;
                }
                drop(i);
                return;
            }
            hold(from, to);
        }

        private void hold(long from, long to) {
            if (held == null) held = new long[8];
            if (heldCount == MAX_HELD) return;
            int i = 0;
            while (i < heldCount && held[2 * i + 1] < from) i++;
            int j = i;
            while (j < heldCount && held[2 * j] <= to) {
                from = Math.min(from, held[2 * j]);
                to = Math.max(to, held[2 * j + 1]);
                j++;
            }
            int after = heldCount - j;
            int newCount = i + 1 + after;
            if (2 * newCount > held.length) held = java.util.Arrays.copyOf(held, 2 * held.length);
            System.arraycopy(held, 2 * j, held, 2 * (i + 1), 2 * after);
            held[2 * i] = from;
            held[2 * i + 1] = to;
            heldCount = newCount;
        }

        private void drop(int n) {
            if (n == 0) return;
            System.arraycopy(held, 2 * n, held, 0, 2 * (heldCount - n));
            heldCount -= n;
        }

        /**
         * The peer acknowledged up to {@code ack} (Zeek's AckReceived and TrimToSeq): returns how many content gaps
         * that reveals, each hole below {@code ack} one gap.
         */
        int acked(long ack) {
            if (finEnd > 0 && ack >= finEnd) ack = finEnd - 1;   // the FIN is no content
            if (ack <= trim) return 0;
            int found = 0;
            if (ack > next) {
                int i = 0;
                while (i < heldCount && held[2 * i] < ack) {
                    found++;                        // the hole below this held range
                    next = Math.max(next, held[2 * i + 1]);
                    i++;
                }
                drop(i);
                if (ack > next) {
                    found++;
                    next = ack;
                }
            }
            trim = ack;
            return found;
        }
    }

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
        origStream.reset();
        respStream.reset();
    }

    String history() {
        return history.toString();
    }

    // As Zeek's TCP_Endpoint::SetState: the previous state changes only with the state.
    private void setOrigState(byte s) {
        if (s != orig) {
            origPrev = orig;
            orig = s;
        }
    }

    private void setRespState(byte s) {
        if (s != resp) {
            respPrev = resp;
            resp = s;
        }
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
     * After the state change, the acknowledgment is checked for content gaps in the peer's bytes ('g'); then this
     * segment's bytes, if captured whole, are added to its sender's stream.
     */
    void onPacket(boolean fromOrig, TcpPacket p, int window, boolean retransmission) {
        int flags = p.flags;
        boolean syn = (flags & TcpPacket.SYN) != 0, fin = (flags & TcpPacket.FIN) != 0,
                rst = (flags & TcpPacket.RST) != 0, ack = (flags & TcpPacket.ACK) != 0;
        int len = p.payloadLength;

        byte me = fromOrig ? orig : resp;
        byte peer = fromOrig ? resp : orig;
        byte peerPrev = fromOrig ? respPrev : origPrev;

        // sequence numbering, before the state changes (Zeek's init_endpoint and init_peer)
        Stream mine = fromOrig ? origStream : respStream, theirs = fromOrig ? respStream : origStream;
        if (me == INACTIVE) {
            mine.start = syn ? p.seq : p.seq - 1;
        } else if (syn && (me == SYN_SENT || me == SYN_ACK_SENT) && p.seq != mine.start) {
            mine.start = p.seq;                     // a SYN with a new ISN starts the numbering again
        }
        long segStart = mine.rel(p.seq);
        if (fin) mine.finEnd = segStart + len + (syn ? 1 : 0) + 1;
        boolean peerWasInactive = peer == INACTIVE;
        if (ack && peerWasInactive) {
            theirs.start = p.ack - 1;
        }

        updateHistory(fromOrig, syn, fin, rst, ack, p.seq, len);

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

        // The acknowledgment, after the state change so that a gap revealed by a FIN or RST is judged by the states
        // it leaves; then this segment's own bytes, if captured whole (a RST's are not taken).
        if (ack && !peerWasInactive) {
            int gaps = theirs.acked(theirs.rel(p.ack));
            if (gaps > 0 && clean(orig, origPrev) && clean(resp, respPrev)) {
                contentGaps(!fromOrig, gaps);
            }
        }
        if (len > 0 && !rst && p.capturedPayloadLength >= len) {
            long from = segStart + (syn ? 1 : 0);
            mine.data(from, from + len);
        }
    }

    /** Zeek reports a content gap in the history only while both endpoints are established or closed from there. */
    private static boolean clean(byte state, byte prev) {
        return state == ESTABLISHED || state == CLOSED && prev == ESTABLISHED;
    }

    /** Content gaps in the sender's bytes ('g'), recorded at the 1st, 10th, 100th... gap per direction. */
    private void contentGaps(boolean senderIsOrig, int n) {
        Stream s = senderIsOrig ? origStream : respStream;
        for (int i = 0; i < n; i++) {
            if (++s.gaps == s.gapsNext) {
                s.gapsNext *= 10;
                history.append(senderIsOrig ? 'G' : 'g');
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
