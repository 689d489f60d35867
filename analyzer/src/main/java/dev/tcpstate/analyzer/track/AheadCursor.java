package dev.tcpstate.analyzer.track;

/**
 * How far a FIFO queue's entries have been handed out for reading ahead ({@link TimerQueue#upcoming}, the tracker's
 * retired records): counts of entries taken from the queue and handed out, so each entry is handed out once, and
 * more only when few of those handed out are still ahead of the head.
 */
final class AheadCursor {
    private long taken;
    private long handedOut;

    /** {@code n} entries were taken from the head of the queue. */
    void took(int n) {
        taken += n;
    }

    /**
     * Where, counted from the head of a queue of {@code count} entries, the next entries to hand out begin; -1 when
     * at least {@code max / 2} handed out before are still ahead of the head, or none is left to hand out.
     */
    int start(int count, int max) {
        if (handedOut < taken) {
            handedOut = taken; // some were taken before they were handed out
        }
        long ahead = handedOut - taken;
        return ahead >= max / 2 || ahead >= count ? -1 : (int) ahead;
    }

    /** The entries ahead of the head moved: none of them counts as handed out any more. */
    void restart() {
        handedOut = taken;
    }

    /** The entries up to {@code end}, counted from the head, have been handed out. */
    void handedOutTo(int end) {
        handedOut = taken + end;
    }
}
