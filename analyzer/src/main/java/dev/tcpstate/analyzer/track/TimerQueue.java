package dev.tcpstate.analyzer.track;

import java.util.Arrays;

/**
 * The tracker's timer entries, taken out in order of deadline and, among equal deadlines, in the order they were
 * added. Scheduling allocates nothing.
 *
 * <p>Almost every deadline is the time of the packet or timer that set it plus one of a few fixed durations (2*MSL,
 * the FIN-WAIT-2 timeout, the handshake timeouts, the linger time), and capture time only moves forward, so the
 * entries of one duration arrive already sorted. Each entry therefore goes to the first of a few FIFO runs whose
 * last deadline is not later than its own: a run stays sorted, adding and taking are sequential array accesses, and
 * the head is the smallest of the run heads. An entry that fits no run (a packet with an earlier timestamp than the
 * one before it) goes to a binary heap, compared the same way. With hundreds of thousands of entries queued a heap
 * alone would take a cache miss per level on every operation. Not thread-safe.
 */
final class TimerQueue {
    private static final int RUNS = 4;
    private static final int NONE = -2;
    private static final int HEAP = -1;

    private final Run[] runs = new Run[RUNS];
    private final Heap heap = new Heap();
    /** Insertion counter: the tie-break among equal deadlines. */
    private long sequence;
    /** Where the head is: a run index, {@link #HEAP}, or {@link #NONE} when the queue is empty. */
    private int head = NONE;
    /** The head's deadline, or Long.MAX_VALUE when the queue is empty. */
    private long headAt = Long.MAX_VALUE;
    private int size;

    TimerQueue() {
        for (int i = 0; i < RUNS; i++) {
            runs[i] = new Run();
        }
    }

    boolean isEmpty() {
        return size == 0;
    }

    /**
     * Deadline of the head, or Long.MAX_VALUE when the queue is empty. Kept up to date by {@link #add} and
     * {@link #poll}, so asking (on every packet) reads one field and runs none of the head search.
     */
    long peekAt() {
        return headAt;
    }

    /** The head's connection, or null when its entry was cancelled. */
    Connection peekConnection() {
        int h = head;
        return h == HEAP ? heap.conn[0] : runs[h].conn[runs[h].first];
    }

    /** The connection's generation when the head was queued (a recycled connection ignores older entries). */
    int peekGeneration() {
        int h = head;
        return h == HEAP ? heap.gen[0] : runs[h].gen[runs[h].first];
    }

    /**
     * Puts in {@code out} the connections of the entries that come next in each run and have not been handed out this
     * way before, at most {@code max} in all, when a run has fewer than {@code max / 2} such entries left ahead of its
     * head; returns how many. For reading them ahead ({@link ConnectionTracker}): each is out of cache by its deadline.
     */
    int upcoming(Connection[] out, int max) {
        int n = 0;
        for (int i = 0; i < RUNS && n < max; i++) {
            Run r = runs[i];
            int start = r.cursor.start(r.count, max);
            if (start < 0) {
                continue;
            }
            int mask = r.at.length - 1;
            int end = Math.min(r.count, start + (max - n));
            for (int k = start; k < end; k++) {
                Connection c = r.conn[(r.first + k) & mask];
                if (c != null) {
                    out[n++] = c; // a cancelled entry is skipped: nothing to read ahead
                }
            }
            r.cursor.handedOutTo(end);
        }
        return n;
    }

    /** What {@link #add} returns for an entry that cannot be cancelled (one in the heap). */
    static final long NO_HANDLE = -1;

    /**
     * Queues an entry; returns a handle for {@link #cancel}, or {@link #NO_HANDLE}. Entries in a run can be cancelled,
     * entries in the heap (rare: a packet earlier than the one before it) cannot.
     */
    long add(long deadline, Connection c) {
        long seq = sequence++;
        size++;
        int where = HEAP;
        long handle = NO_HANDLE;
        for (int i = 0; i < RUNS; i++) {
            Run r = runs[i];
            if (r.count == 0 || r.lastAt() <= deadline) {
                if (r.count == r.at.length) {
                    int dropped = r.makeRoom();
                    if (dropped > 0) {
                        size -= dropped;
                        findHead(); // the run's head may have been a cancelled entry
                    }
                }
                handle = (long) i << RUN_SHIFT | r.add(deadline, seq, c);
                where = i;
                break;
            }
        }
        if (where == HEAP) {
            heap.add(deadline, seq, c);
        }
        // The head stays where it is unless the new entry comes before it (its sequence number is the largest, so
        // on an equal deadline it comes after). If it does, it is earlier than every entry, so it is the first of
        // its run (which must have been empty) or the top of the heap.
        if (deadline < headAt) {
            head = where;
            headAt = deadline;
        }
        return handle;
    }

    private static final int RUN_SHIFT = 56;

    /**
     * Cancels the entry {@code handle} names if it is still queued for {@code c}: it stays in its run, without its
     * connection, and is dropped when it comes to the head, so neither taking it nor reading ahead of it reads the
     * connection. A connection whose timer moves cancels the entry it no longer needs while that entry, made moments
     * before (a handshake's timer, cancelled when the handshake completes), is still in cache; left in place, it
     * would read the connection, long out of cache, when its deadline came.
     */
    void cancel(long handle, Connection c) {
        if (handle != NO_HANDLE) {
            runs[(int) (handle >>> RUN_SHIFT)].cancel(handle & ((1L << RUN_SHIFT) - 1), c);
        }
    }

    /** Removes the head, and the cancelled entries right behind it in its run. */
    void poll() {
        int h = head;
        if (h == HEAP) {
            heap.poll();
            size--;
        } else {
            size -= runs[h].poll();
        }
        findHead();
    }

    /** Entries the runs have room for (tests). */
    int runCapacity() {
        int n = 0;
        for (Run r : runs) {
            n += r.at.length;
        }
        return n;
    }

    void clear() {
        for (Run r : runs) {
            r.clear();
        }
        heap.clear();
        size = 0;
        head = NONE;
        headAt = Long.MAX_VALUE;
    }

    private void findHead() {
        int best = NONE;
        long bestAt = 0, bestSeq = 0;
        for (int i = 0; i < RUNS; i++) {
            Run r = runs[i];
            if (r.count > 0) {
                long at = r.at[r.first], seq = r.seq[r.first];
                if (best == NONE || at < bestAt || at == bestAt && seq < bestSeq) {
                    best = i;
                    bestAt = at;
                    bestSeq = seq;
                }
            }
        }
        if (heap.size > 0) {
            long at = heap.at[0], seq = heap.seq[0];
            if (best == NONE || at < bestAt || at == bestAt && seq < bestSeq) {
                best = HEAP;
                bestAt = at;
            }
        }
        head = best;
        headAt = best == NONE ? Long.MAX_VALUE : bestAt;
    }

    /**
     * A FIFO ring of entries with non-decreasing deadlines. Every entry has a position, counted from the run's first
     * entry ever, that stays its own while it is queued (the ring slot is the position modulo the capacity, also
     * after the ring grows), so it can be found again to be cancelled.
     */
    private static final class Run {
        long[] at = new long[256];
        long[] seq = new long[256];
        Connection[] conn = new Connection[256];
        int[] gen = new int[256];
        /** Slot of the head: {@code headPosition} modulo the capacity. */
        int first;
        int count;
        /** Position of the head. */
        long headPosition;
        /** How far {@link #upcoming} has handed out the run's entries. */
        final AheadCursor cursor = new AheadCursor();

        long lastAt() {
            return at[(first + count - 1) & (at.length - 1)];
        }

        /** Appends an entry; returns its position. */
        long add(long deadline, long s, Connection c) {
            if (count == at.length) {
                grow();
            }
            long position = headPosition + count;
            int i = (int) position & (at.length - 1);
            at[i] = deadline;
            seq[i] = s;
            conn[i] = c;
            gen[i] = c.generation;
            count++;
            return position;
        }

        void cancel(long position, Connection c) {
            if (position >= headPosition && position < headPosition + count) {
                int i = (int) position & (at.length - 1);
                if (conn[i] == c) {
                    conn[i] = null;
                }
            }
        }

        /**
         * Removes the head and the cancelled entries that follow it (their deadlines no longer matter), so the next
         * head is a live entry; returns how many entries left.
         */
        int poll() {
            int mask = at.length - 1, n = 0;
            do {
                conn[first] = null;
                first = (first + 1) & mask;
                n++;
            } while (n < count && conn[first] == null);
            headPosition += n;
            count -= n;
            cursor.took(n);
            return n;
        }

        void clear() {
            Arrays.fill(conn, null);
            headPosition += count;
            first = (int) headPosition & (at.length - 1);
            cursor.took(count);
            count = 0;
        }

        /**
         * The ring is full: drops its cancelled entries when they are at least half of it (the others keep their
         * order, and move towards the head), else doubles it; returns how many entries were dropped. Without it, the
         * cancelled entries of a SYN flood's connections, each left early with a handshake timer minutes away (the
         * table full, {@link ConnectionTracker#setMaxLiveConnections}), would fill the runs in step with the flood
         * rather than with the table. An entry that moves keeps no handle: cancelling it later does nothing, and it
         * is told stale when it comes due, as an entry in the heap is.
         */
        int makeRoom() {
            int n = at.length, mask = n - 1, live = 0;
            for (int k = 0; k < count; k++) {
                if (conn[(first + k) & mask] != null) {
                    live++;
                }
            }
            if (live > n / 2) {
                grow();
                return 0;
            }
            int w = 0;
            for (int k = 0; k < count; k++) {
                int i = (first + k) & mask;
                if (conn[i] != null) {
                    int j = (first + w) & mask;
                    if (j != i) {
                        at[j] = at[i];
                        seq[j] = seq[i];
                        conn[j] = conn[i];
                        gen[j] = gen[i];
                        conn[i] = null;
                    }
                    w++;
                }
            }
            int dropped = count - live;
            count = live;
            cursor.restart();
            return dropped;
        }

        private void grow() {
            int n = at.length, mask = n - 1, mask2 = 2 * n - 1;
            long[] at2 = new long[n * 2];
            long[] seq2 = new long[n * 2];
            Connection[] conn2 = new Connection[n * 2];
            int[] gen2 = new int[n * 2];
            for (int k = 0; k < count; k++) {
                long position = headPosition + k;
                int i = (int) position & mask, j = (int) position & mask2;
                at2[j] = at[i];
                seq2[j] = seq[i];
                conn2[j] = conn[i];
                gen2[j] = gen[i];
            }
            at = at2;
            seq = seq2;
            conn = conn2;
            gen = gen2;
            first = (int) headPosition & mask2;
        }
    }

    /** A binary min-heap on (deadline, sequence) over parallel arrays. */
    private static final class Heap {
        long[] at = new long[16];
        long[] seq = new long[16];
        Connection[] conn = new Connection[16];
        int[] gen = new int[16];
        int size;

        private static boolean before(long at1, long seq1, long at2, long seq2) {
            return at1 < at2 || at1 == at2 && seq1 < seq2;
        }

        void add(long deadline, long s, Connection c) {
            int k = size;
            if (k == at.length) {
                at = Arrays.copyOf(at, k * 2);
                seq = Arrays.copyOf(seq, k * 2);
                conn = Arrays.copyOf(conn, k * 2);
                gen = Arrays.copyOf(gen, k * 2);
            }
            int g = c.generation;
            size = k + 1;
            while (k > 0) {
                int parent = (k - 1) >>> 1;
                if (!before(deadline, s, at[parent], seq[parent])) {
                    break;
                }
                move(parent, k);
                k = parent;
            }
            set(k, deadline, s, c, g);
        }

        void poll() {
            int n = --size;
            long x = at[n], xs = seq[n];
            Connection xc = conn[n];
            int xg = gen[n];
            conn[n] = null;
            if (n == 0) {
                return;
            }
            int k = 0;
            int half = n >>> 1;
            while (k < half) {
                int child = (k << 1) + 1;
                int right = child + 1;
                if (right < n && before(at[right], seq[right], at[child], seq[child])) {
                    child = right;
                }
                if (!before(at[child], seq[child], x, xs)) {
                    break;
                }
                move(child, k);
                k = child;
            }
            set(k, x, xs, xc, xg);
        }

        private void move(int from, int to) {
            set(to, at[from], seq[from], conn[from], gen[from]);
        }

        private void set(int k, long deadline, long s, Connection c, int g) {
            at[k] = deadline;
            seq[k] = s;
            conn[k] = c;
            gen[k] = g;
        }

        void clear() {
            Arrays.fill(conn, 0, size, null);
            size = 0;
        }
    }
}
