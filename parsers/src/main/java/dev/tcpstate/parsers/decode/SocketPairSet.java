package dev.tcpstate.parsers.decode;

/**
 * The set of distinct TCP socket pairs (unordered: A:a-B:b is B:b-A:a) seen in a capture.
 *
 * <p>Open addressing over primitive arrays: an IPv4 entry costs two longs and an IPv6 entry five, and adding allocates
 * nothing except when a table doubles. IPv4 and IPv6 pairs live in separate tables so the common IPv4 case
 * stays small.
 */
public final class SocketPairSet {
    private final Table v4;
    private final Table v6 = new Table(5, 1 << 10);
    private final long[] key = new long[5];

    public SocketPairSet() {
        this(1 << 10);
    }

    /** A set sized for about {@code expected} IPv4 pairs, so it need not grow while they arrive. */
    public SocketPairSet(long expected) {
        long slots = Long.highestOneBit(Math.max(1024, Math.min(expected * 2, 1L << 26)) - 1) << 1;
        v4 = new Table(2, (int) slots);
    }

    /** Adds the socket pair of a segment; returns true when it was not in the set. */
    public boolean add(TcpPacket p) {
        boolean aFirst = compare(p.srcHi, p.srcLo, p.srcPort, p.dstHi, p.dstLo, p.dstPort) <= 0;
        long aHi = aFirst ? p.srcHi : p.dstHi, aLo = aFirst ? p.srcLo : p.dstLo;
        long bHi = aFirst ? p.dstHi : p.srcHi, bLo = aFirst ? p.dstLo : p.srcLo;
        int aPort = aFirst ? p.srcPort : p.dstPort, bPort = aFirst ? p.dstPort : p.srcPort;
        long ports = ((long) aPort << 16) | bPort;
        if (p.ipVersion == 4) {
            return v4.add2((aLo << 32) | (bLo & 0xffff_ffffL), ports);
        }
        key[0] = aHi;
        key[1] = aLo;
        key[2] = bHi;
        key[3] = bLo;
        key[4] = ports;
        return v6.add(key);
    }

    /**
     * Adds the socket pair of a segment, like {@link #add} but without saying whether it was new, for a caller that
     * only wants the count: an IPv4 pair that is not among the recently seen ones waits in a short queue, and the
     * queue's table slots are all read in one pass before its pairs are inserted. A pair new to the capture is a
     * cache miss in a table of tens of megabytes; read one at a time, each miss waits for the one before, read in a
     * pass over the queue they overlap.
     */
    public void offer(TcpPacket p) {
        if (p.ipVersion != 4) {
            add(p);
            return;
        }
        boolean aFirst = Long.compareUnsigned(p.srcLo, p.dstLo) < 0
                || p.srcLo == p.dstLo && p.srcPort <= p.dstPort;
        long aLo = aFirst ? p.srcLo : p.dstLo, bLo = aFirst ? p.dstLo : p.srcLo;
        int aPort = aFirst ? p.srcPort : p.dstPort, bPort = aFirst ? p.dstPort : p.srcPort;
        v4.offer2((aLo << 32) | (bLo & 0xffff_ffffL), ((long) aPort << 16) | bPort);
    }

    public long size() {
        v4.flush();
        return v4.size + v6.size;
    }

    /** Adds every pair of {@code other} to this set. */
    public void addAll(SocketPairSet other) {
        other.v4.flush();
        v4.flush();
        v4.addAll(other.v4);
        v6.addAll(other.v6);
    }

    /**
     * The size of the union of two sets, without building it: |a| plus the pairs of {@code b} missing from
     * {@code a}. Neither set changes; the lookups are spread over the common fork-join pool.
     */
    public static long unionSize(SocketPairSet a, SocketPairSet b) {
        b.v4.flush();
        return a.size() + b.v4.countMissingFrom(a.v4) + b.v6.countMissingFrom(a.v6);
    }

    private static int compare(long aHi, long aLo, int aPort, long bHi, long bLo, int bPort) {
        int c = Long.compareUnsigned(aHi, bHi);
        if (c == 0) {
            c = Long.compareUnsigned(aLo, bLo);
        }
        return c != 0 ? c : Integer.compare(aPort, bPort);
    }

    /**
     * Open addressing with linear probing over one long array, {@code width} longs a slot. The all-zero key marks
     * an empty slot (so one probe touches one cache line, not a key array and a separate flag array); a real
     * all-zero key is remembered in a flag of its own.
     */
    private static final class Table {
        /** Slots of the small direct-mapped cache of recently added keys (a power of two). */
        private static final int RECENT = 1 << 14;
        /** Keys queued by {@link #offer2} before their slots are read together. */
        private static final int PENDING = 64;
        private final int width;
        /** Recently added keys: most packets belong to a connection seen moments ago, so most adds stop here. */
        private final long[] recent;
        private long[] slots;
        private int mask;
        private long size;
        private boolean zeroKey;
        /** Two-long keys waiting to be inserted ({@link #offer2}), with their hashes. */
        private final long[] pending = new long[PENDING * 2];
        private final int[] pendingHash = new int[PENDING];
        private int pendingCount;
        /** What the first pass of {@link #flush} read, kept so that its loads are not dropped as unused. */
        private long touched;

        Table(int width, int capacity) {
            this.width = width;
            this.recent = new long[RECENT * width];
            init(capacity);
        }

        private void init(int capacity) {
            slots = new long[capacity * width];
            mask = capacity - 1;
        }

        private boolean isZero(long[] key) {
            for (int k = 0; k < width; k++) {
                if (key[k] != 0) {
                    return false;
                }
            }
            return true;
        }

        boolean add(long[] key) {
            if (isZero(key)) {
                boolean added = !zeroKey;
                zeroKey = true;
                size += added ? 1 : 0;
                return added;
            }
            int h = hash(key);
            int r = (h >>> 7) & (RECENT - 1);
            if (equalsIn(recent, r, key)) {
                return false;
            }
            System.arraycopy(key, 0, recent, r * width, width);
            if (size * 3 >= (long) (mask + 1) * 2) {
                grow();
            }
            int i = h & mask;
            while (!emptyAt(slots, i)) {
                if (equalsIn(slots, i, key)) {
                    return false;
                }
                i = (i + 1) & mask;
            }
            System.arraycopy(key, 0, slots, i * width, width);
            size++;
            return true;
        }

        /** {@link #hash} of a two-long key. */
        private static int hash2(long k0, long k1) {
            long h = ((0x9E3779B97F4A7C15L ^ k0) * 0xBF58476D1CE4E5B9L ^ k1) * 0xBF58476D1CE4E5B9L;
            h ^= h >>> 29;
            return (int) (h ^ (h >>> 32));
        }

        /** Whether a two-long key is in the cache of recent keys; if not, it takes its place there. */
        private boolean recentlySeen(long k0, long k1, int hash) {
            int r = ((hash >>> 7) & (RECENT - 1)) << 1;
            if (recent[r] == k0 && recent[r + 1] == k1) {
                return true;
            }
            recent[r] = k0;
            recent[r + 1] = k1;
            return false;
        }

        /** {@link #add} for a two-long key (IPv4), without the key array: the common case, once per packet. */
        boolean add2(long k0, long k1) {
            flush();
            if (k0 == 0 && k1 == 0) {
                boolean added = !zeroKey;
                zeroKey = true;
                size += added ? 1 : 0;
                return added;
            }
            int hash = hash2(k0, k1);
            return !recentlySeen(k0, k1, hash) && insert2(k0, k1, hash);
        }

        /** {@link #add2} without the answer: a key not seen recently is queued, and the queue flushed when full. */
        void offer2(long k0, long k1) {
            if (k0 == 0 && k1 == 0) {
                add2(0, 0);
                return;
            }
            int hash = hash2(k0, k1);
            if (recentlySeen(k0, k1, hash)) {
                return;
            }
            int j = pendingCount;
            pending[j << 1] = k0;
            pending[(j << 1) + 1] = k1;
            pendingHash[j] = hash;
            if ((pendingCount = j + 1) == PENDING) {
                flush();
            }
        }

        /**
         * Inserts the queued keys. A first pass only reads the slot each key starts its probe at: the reads do not
         * depend on one another, so the processor has many of them in flight at once, and the second pass, which
         * probes and inserts one key after the other, finds those slots in the cache.
         */
        void flush() {
            int n = pendingCount;
            if (n == 0) {
                return;
            }
            pendingCount = 0;
            long[] a = slots;
            int m = mask;
            long t = 0;
            for (int j = 0; j < n; j++) {
                t += a[(pendingHash[j] & m) << 1];
            }
            touched += t;
            for (int j = 0; j < n; j++) {
                insert2(pending[j << 1], pending[(j << 1) + 1], pendingHash[j]);
            }
        }

        /** Inserts a two-long key (not all zero) unless the table holds it; true if it was new. */
        private boolean insert2(long k0, long k1, int hash) {
            if (size * 3 >= (long) (mask + 1) * 2) {
                grow();
            }
            long[] a = slots;
            int i = hash & mask;
            while (true) {
                long s0 = a[i << 1], s1 = a[(i << 1) + 1];
                if (s0 == 0 && s1 == 0) {
                    break;
                }
                if (s0 == k0 && s1 == k1) {
                    return false;
                }
                i = (i + 1) & mask;
            }
            a[i << 1] = k0;
            a[(i << 1) + 1] = k1;
            size++;
            return true;
        }

        void addAll(Table other) {
            long[] k = new long[width];
            for (int i = 0; i <= other.mask; i++) {
                if (!emptyAt(other.slots, i)) {
                    System.arraycopy(other.slots, i * width, k, 0, width);
                    add(k);
                }
            }
            if (other.zeroKey) {
                add(new long[width]);
            }
        }

        /** Keys of this table not in {@code other} (read only; both tables may be read by several threads). */
        long countMissingFrom(Table other) {
            int chunks = 64;
            int capacity = mask + 1;
            int step = Math.max(1, capacity / chunks);
            long missing = java.util.stream.IntStream.range(0, (capacity + step - 1) / step).parallel().mapToLong(c -> {
                long[] k = new long[width];
                int[] at = new int[PENDING];
                int[] hashes = new int[PENDING];
                long n = 0;
                long t = 0;
                for (int i = c * step, end = Math.min(capacity, i + step); i < end; ) {
                    // Up to PENDING keys at a time: their slots in the other table are read in one pass first, as
                    // in flush(), so the misses overlap.
                    int g = 0;
                    for (; i < end && g < PENDING; i++) {
                        if (!emptyAt(slots, i)) {
                            at[g] = i;
                            hashes[g++] = hashAt(slots, i * width);
                        }
                    }
                    long[] o = other.slots;
                    for (int j = 0; j < g; j++) {
                        t += o[(hashes[j] & other.mask) * width];
                    }
                    for (int j = 0; j < g; j++) {
                        System.arraycopy(slots, at[j] * width, k, 0, width);
                        n += other.contains(k, hashes[j]) ? 0 : 1;
                    }
                }
                touched = t;
                return n;
            }).sum();
            return missing + (zeroKey && !other.zeroKey ? 1 : 0);
        }

        private boolean contains(long[] key, int hash) {
            int i = hash & mask;
            while (!emptyAt(slots, i)) {
                if (equalsIn(slots, i, key)) {
                    return true;
                }
                i = (i + 1) & mask;
            }
            return false;
        }

        private boolean emptyAt(long[] array, int i) {
            int base = i * width;
            for (int k = 0; k < width; k++) {
                if (array[base + k] != 0) {
                    return false;
                }
            }
            return true;
        }

        private boolean equalsIn(long[] array, int i, long[] key) {
            int base = i * width;
            for (int k = 0; k < width; k++) {
                if (array[base + k] != key[k]) {
                    return false;
                }
            }
            return true;
        }

        private int hash(long[] key) {
            long h = 0x9E3779B97F4A7C15L;
            for (int k = 0; k < width; k++) {
                h = (h ^ key[k]) * 0xBF58476D1CE4E5B9L;
            }
            h ^= h >>> 29;
            return (int) (h ^ (h >>> 32));
        }

        private void grow() {
            long[] old = slots;
            int oldCapacity = mask + 1;
            init(oldCapacity * 2);
            for (int i = 0; i < oldCapacity; i++) {
                if (!emptyAt(old, i)) {
                    int base = i * width;
                    int h = hashAt(old, base);
                    int j = h & mask;
                    while (!emptyAt(slots, j)) {
                        j = (j + 1) & mask;
                    }
                    System.arraycopy(old, base, slots, j * width, width);
                }
            }
        }

        private int hashAt(long[] array, int base) {
            long h = 0x9E3779B97F4A7C15L;
            for (int k = 0; k < width; k++) {
                h = (h ^ array[base + k]) * 0xBF58476D1CE4E5B9L;
            }
            h ^= h >>> 29;
            return (int) (h ^ (h >>> 32));
        }
    }
}
