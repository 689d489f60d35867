package dev.tcpstate.analyzer.anomaly;

/** A set of longs with open addressing and an upper bound on its size; past the bound it only says so. */
final class LongSet {
    private static final long EMPTY = 0;
    private long[] table;
    private boolean hasEmptyValue;
    private int size;
    private final int cap;
    private boolean saturated;

    LongSet(int initialCapacity, int cap) {
        int n = 16;
        while (n < initialCapacity * 2) n <<= 1;
        table = new long[n];
        this.cap = cap;
    }

    /** Adds {@code v}; returns true if it was new. */
    boolean add(long v) {
        if (v == EMPTY) {
            if (hasEmptyValue) return false;
            if (size >= cap) { saturated = true; return false; }
            hasEmptyValue = true;
            size++;
            return true;
        }
        int mask = table.length - 1;
        int i = mix(v) & mask;
        while (true) {
            long t = table[i];
            if (t == v) return false;
            if (t == EMPTY) break;
            i = (i + 1) & mask;
        }
        if (size >= cap) {
            saturated = true;
            return false;
        }
        table[i] = v;
        size++;
        if (size * 2 > table.length) grow();
        return true;
    }

    void addAll(LongSet o) {
        if (o.hasEmptyValue) add(EMPTY);
        for (long v : o.table) {
            if (v != EMPTY) add(v);
        }
        saturated |= o.saturated;
    }

    int size() { return size; }

    /** Values were refused because the set was full: {@link #size()} is a lower bound. */
    boolean saturated() { return saturated; }

    void clear() {
        if (size > 0) {
            if (table.length > 64) table = new long[16];
            else java.util.Arrays.fill(table, EMPTY);
        }
        size = 0;
        hasEmptyValue = false;
        saturated = false;
    }

    private void grow() {
        long[] old = table;
        table = new long[old.length * 2];
        int mask = table.length - 1;
        for (long v : old) {
            if (v == EMPTY) continue;
            int i = mix(v) & mask;
            while (table[i] != EMPTY) i = (i + 1) & mask;
            table[i] = v;
        }
    }

    private static int mix(long v) {
        long h = v * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    /** One long standing for an address (exact for IPv4). */
    static long addressKey(long hi, long lo) {
        return hi == 0 ? lo : (hi * 0x9E3779B97F4A7C15L) ^ lo ^ 0x5555_0000_0000_0000L;
    }
}
