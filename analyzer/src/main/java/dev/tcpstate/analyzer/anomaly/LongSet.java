package dev.tcpstate.analyzer.anomaly;

/**
 * A set of longs with open addressing and an upper bound on its size; past the bound it only says so. The first
 * {@link #INLINE} values are kept in fields, so the many sets that only ever hold one or two values allocate no
 * table.
 */
final class LongSet {
    private static final long EMPTY = 0;
    private static final int INLINE = 2;
    /** Null while the set holds at most {@link #INLINE} values other than {@link #EMPTY} (in v0, v1). */
    private long[] table;
    private long v0, v1;
    private int inline;
    private boolean hasEmptyValue;
    private int size;
    private final int cap;
    private final int initialLength;
    private boolean saturated;

    LongSet(int initialCapacity, int cap) {
        int n = 16;
        while (n < initialCapacity * 2) n <<= 1;
        initialLength = n;
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
        if (table == null) {
            if ((inline > 0 && v0 == v) || (inline > 1 && v1 == v)) return false;
            if (inline < INLINE) {
                if (size >= cap) { saturated = true; return false; }
                if (inline == 0) v0 = v; else v1 = v;
                inline++;
                size++;
                return true;
            }
            table = new long[initialLength];
            insertNew(v0);
            insertNew(v1);
            inline = 0;
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
        if (o.table == null) {
            if (o.inline > 0) add(o.v0);
            if (o.inline > 1) add(o.v1);
        } else {
            for (long v : o.table) {
                if (v != EMPTY) add(v);
            }
        }
        saturated |= o.saturated;
    }

    /** Puts a value known to be absent into the table (no size or cap bookkeeping). */
    private void insertNew(long v) {
        int mask = table.length - 1;
        int i = mix(v) & mask;
        while (table[i] != EMPTY) i = (i + 1) & mask;
        table[i] = v;
    }

    int size() { return size; }

    /** Values were refused because the set was full: {@link #size()} is a lower bound. */
    boolean saturated() { return saturated; }

    void clear() {
        if (size > 0 && table != null) {
            if (table.length > 64) table = null;
            else java.util.Arrays.fill(table, EMPTY);
        }
        inline = 0;
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
