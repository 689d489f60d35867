package dev.tcpstate.analyzer.track;

import java.util.Arrays;

/**
 * One endpoint's byte stream, in Zeek's relative sequence numbers (1 = the first byte after the SYN, or the
 * first byte of a stream joined without SYN): the captured bytes delivered in order up to {@link #zeekNext}, the
 * captured bytes above a hole, and the highest acknowledgment taken in ({@link #zeekTrim}). An acknowledgment beyond
 * {@code zeekNext} covers bytes the capture never showed whole: content gaps.
 *
 * <p>{@link Endpoint} extends it, so each endpoint's stream lives in the endpoint's own object: a packet reads both
 * streams, and a connection's Zeek view then touches no object the state machine does not touch anyway (a separate
 * object per stream would be two more cache misses per packet, the connection table being far larger than the cache).
 */
abstract class ZeekStream {
    /** Captured ranges kept above a hole at most; further ones are not kept (and count as missing if acked). */
    static final int MAX_HELD = 1024;
    /** Zeek's StartSeq: relative 0 (the SYN's sequence number, or one below the first byte). */
    int zeekStart;
    /** Every byte below it was delivered or given up as a gap (Zeek's last_reassem_seq). */
    long zeekNext;
    /** Highest acknowledgment taken in (Zeek's trim_seq). */
    long zeekTrim;
    /** One past the last FIN's sequence number, 0 before a FIN (Zeek's FIN_seq). */
    long zeekFinEnd;
    /**
     * Captured ranges above {@link #zeekNext}, [from, to) pairs in order, not touching each other; made when bytes
     * first arrive above a hole.
     */
    long[] zeekHeld;
    int zeekHeldCount;
    /** Gaps reported, and the count at which the next letter is written (1, 10, 100...). */
    int zeekGaps, zeekGapsNext;

    void resetStream() {
        zeekStart = 0;
        zeekNext = zeekTrim = 1;
        zeekFinEnd = 0;
        zeekHeldCount = 0;
        zeekGaps = 0;
        zeekGapsNext = 1;
    }

    /** Relative sequence number of {@code seq}, taken as the one nearest to {@link #zeekNext}. */
    long relSeq(int seq) {
        return zeekNext + (seq - (int) (zeekStart + zeekNext));
    }

    /** Captured bytes [from, to) arrived (Zeek's DataSent and NewBlock). */
    void streamData(long from, long to) {
        if (to <= zeekTrim) return;                 // acknowledged already
        if (from < zeekTrim) from = zeekTrim;
        if (to <= zeekNext) return;                 // delivered already
        if (from <= zeekNext) {
            zeekNext = to;
            // held ranges that now join the stream
            int i = 0;
            while (i < zeekHeldCount && zeekHeld[2 * i] <= zeekNext) {
                zeekNext = Math.max(zeekNext, zeekHeld[2 * i + 1]);
                i++;
            }
            drop(i);
            return;
        }
        hold(from, to);
    }

    private void hold(long from, long to) {
        if (zeekHeld == null) zeekHeld = new long[8];
        if (zeekHeldCount == MAX_HELD) return;
        int i = 0;
        while (i < zeekHeldCount && zeekHeld[2 * i + 1] < from) i++;
        int j = i;
        while (j < zeekHeldCount && zeekHeld[2 * j] <= to) {
            from = Math.min(from, zeekHeld[2 * j]);
            to = Math.max(to, zeekHeld[2 * j + 1]);
            j++;
        }
        int after = zeekHeldCount - j;
        int newCount = i + 1 + after;
        if (2 * newCount > zeekHeld.length) zeekHeld = Arrays.copyOf(zeekHeld, 2 * zeekHeld.length);
        System.arraycopy(zeekHeld, 2 * j, zeekHeld, 2 * (i + 1), 2 * after);
        zeekHeld[2 * i] = from;
        zeekHeld[2 * i + 1] = to;
        zeekHeldCount = newCount;
    }

    private void drop(int n) {
        if (n == 0) return;
        System.arraycopy(zeekHeld, 2 * n, zeekHeld, 0, 2 * (zeekHeldCount - n));
        zeekHeldCount -= n;
    }

    /**
     * The peer acknowledged up to {@code ack} (Zeek's AckReceived and TrimToSeq): returns how many content gaps
     * that reveals, each hole below {@code ack} one gap.
     */
    int streamAcked(long ack) {
        if (zeekFinEnd > 0 && ack >= zeekFinEnd) ack = zeekFinEnd - 1;   // the FIN is no content
        if (ack <= zeekTrim) return 0;
        int found = 0;
        if (ack > zeekNext) {
            int i = 0;
            while (i < zeekHeldCount && zeekHeld[2 * i] < ack) {
                found++;                        // the hole below this held range
                zeekNext = Math.max(zeekNext, zeekHeld[2 * i + 1]);
                i++;
            }
            drop(i);
            if (ack > zeekNext) {
                found++;
                zeekNext = ack;
            }
        }
        zeekTrim = ack;
        return found;
    }
}

