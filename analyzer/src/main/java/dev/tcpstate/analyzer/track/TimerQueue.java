package dev.tcpstate.analyzer.track;

import java.util.Arrays;

/**
 * The tracker's timer entries: a binary min-heap on the deadline over two parallel arrays, so scheduling allocates
 * nothing. Sifting follows {@link java.util.PriorityQueue} step for step, so entries with equal deadlines come out
 * in the same order as they would from a {@code PriorityQueue} ordered by deadline. Not thread-safe.
 */
final class TimerQueue {
    private long[] at = new long[1024];
    private Connection[] conn = new Connection[1024];
    /** The connection's generation when the entry was queued (a recycled connection ignores older entries). */
    private int[] gen = new int[1024];
    private int size;

    boolean isEmpty() {
        return size == 0;
    }

    /** Deadline of the head; valid when not empty. */
    long peekAt() {
        return at[0];
    }

    Connection peekConnection() {
        return conn[0];
    }

    int peekGeneration() {
        return gen[0];
    }

    void add(long deadline, Connection c) {
        int k = size;
        if (k == at.length) {
            at = Arrays.copyOf(at, k * 2);
            conn = Arrays.copyOf(conn, k * 2);
            gen = Arrays.copyOf(gen, k * 2);
        }
        int g = c.generation;
        size = k + 1;
        // siftUp
        while (k > 0) {
            int parent = (k - 1) >>> 1;
            long p = at[parent];
            if (deadline >= p) {
                break;
            }
            at[k] = p;
            conn[k] = conn[parent];
            gen[k] = gen[parent];
            k = parent;
        }
        at[k] = deadline;
        conn[k] = c;
        gen[k] = g;
    }

    /** Removes the head. */
    void poll() {
        int n = --size;
        long x = at[n];
        Connection xc = conn[n];
        int xg = gen[n];
        conn[n] = null;
        if (n > 0) {
            // siftDown
            int k = 0;
            int half = n >>> 1;
            while (k < half) {
                int child = (k << 1) + 1;
                long c = at[child];
                int right = child + 1;
                if (right < n && c > at[right]) {
                    c = at[child = right];
                }
                if (x <= c) {
                    break;
                }
                at[k] = c;
                conn[k] = conn[child];
                gen[k] = gen[child];
                k = child;
            }
            at[k] = x;
            conn[k] = xc;
            gen[k] = xg;
        }
    }

    void clear() {
        Arrays.fill(conn, 0, size, null);
        size = 0;
    }
}
