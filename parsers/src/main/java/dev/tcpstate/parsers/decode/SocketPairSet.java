package dev.tcpstate.parsers.decode;

/**
 * The set of distinct TCP socket pairs (unordered: A:a-B:b is B:b-A:a) seen in a capture.
 *
 * <p>Open addressing over primitive arrays: an IPv4 entry costs two longs and an IPv6 entry five, and adding allocates
 * nothing except when a table doubles. IPv4 and IPv6 pairs live in separate tables so the common IPv4 case
 * stays small.
 */
public final class SocketPairSet {
    private final Table v4 = new Table(2);
    private final Table v6 = new Table(5);
    private final long[] key = new long[5];

    /** Adds the socket pair of a segment; returns true when it was not in the set. */
    public boolean add(TcpPacket p) {
        boolean aFirst = compare(p.srcHi, p.srcLo, p.srcPort, p.dstHi, p.dstLo, p.dstPort) <= 0;
        long aHi = aFirst ? p.srcHi : p.dstHi, aLo = aFirst ? p.srcLo : p.dstLo;
        long bHi = aFirst ? p.dstHi : p.srcHi, bLo = aFirst ? p.dstLo : p.srcLo;
        int aPort = aFirst ? p.srcPort : p.dstPort, bPort = aFirst ? p.dstPort : p.srcPort;
        long ports = ((long) aPort << 16) | bPort;
        if (p.ipVersion == 4) {
            key[0] = (aLo << 32) | (bLo & 0xffff_ffffL);
            key[1] = ports;
            return v4.add(key);
        }
        key[0] = aHi;
        key[1] = aLo;
        key[2] = bHi;
        key[3] = bLo;
        key[4] = ports;
        return v6.add(key);
    }

    public long size() {
        return v4.size + v6.size;
    }

    private static int compare(long aHi, long aLo, int aPort, long bHi, long bLo, int bPort) {
        int c = Long.compareUnsigned(aHi, bHi);
        if (c == 0) {
            c = Long.compareUnsigned(aLo, bLo);
        }
        return c != 0 ? c : Integer.compare(aPort, bPort);
    }

    private static final class Table {
        /** Slots of the small direct-mapped cache of recently added keys (a power of two). */
        private static final int RECENT = 1 << 16;
        private final int width;
        /** Recently added keys: most packets belong to a connection seen moments ago, so most adds stop here. */
        private final long[] recent;
        private final boolean[] recentUsed = new boolean[RECENT];
        private long[] slots;
        private boolean[] used;
        private int mask;
        private long size;

        Table(int width) {
            this.width = width;
            this.recent = new long[RECENT * width];
            init(1 << 10);
        }

        private void init(int capacity) {
            slots = new long[capacity * width];
            used = new boolean[capacity];
            mask = capacity - 1;
        }

        boolean add(long[] key) {
            int h = hash(key);
            int r = (h >>> 7) & (RECENT - 1);
            if (recentUsed[r] && equalsIn(recent, r, key)) {
                return false;
            }
            recentUsed[r] = true;
            System.arraycopy(key, 0, recent, r * width, width);
            if (size * 3 >= (long) used.length * 2) {
                grow();
            }
            int i = h & mask;
            while (used[i]) {
                if (equalsAt(i, key)) {
                    return false;
                }
                i = (i + 1) & mask;
            }
            used[i] = true;
            System.arraycopy(key, 0, slots, i * width, width);
            size++;
            return true;
        }

        private boolean equalsAt(int i, long[] key) {
            return equalsIn(slots, i, key);
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
                h ^= h >>> 31;
            }
            return (int) (h ^ (h >>> 32));
        }

        private void grow() {
            long[] oldSlots = slots;
            boolean[] oldUsed = used;
            init(used.length * 2);
            long[] k = new long[width];
            for (int i = 0; i < oldUsed.length; i++) {
                if (oldUsed[i]) {
                    System.arraycopy(oldSlots, i * width, k, 0, width);
                    int j = hash(k) & mask;
                    while (used[j]) {
                        j = (j + 1) & mask;
                    }
                    used[j] = true;
                    System.arraycopy(k, 0, slots, j * width, width);
                }
            }
        }
    }
}
