package dev.tcpstate.analyzer.anomaly;

import java.util.Arrays;

/**
 * Source/target pairs that have sent one SYN so far, each in a record of six longs instead of a
 * {@link Aggregates.ScanPair}: nearly every SYN of a busy capture comes from a pair the scan detector has not seen (a
 * client's first connection to a server), and nearly every such pair sends no second SYN before it goes idle. A pair
 * moves to the scan table proper with its second SYN ({@link Aggregates#onSyn}), carrying what its record holds: the
 * window its first SYN opened and what that SYN's connection has done in it since (answered, refused, completed).
 *
 * <p>A record: the pair's 64-bit hash (never 0), a second, independent 64-bit hash of the pair (so that a match of
 * both is the pair), the time of the SYN (also when the pair was last seen), the start of the pair's current window,
 * the SYN's packet number, and a long of small fields: the SYN's destination port, whether the SYN lies in the
 * current window, and the current window's counts of the connection's answered, refused and completed handshakes (at
 * most one each: they are one connection's). The connection's marks sit in an array beside the records, so that the
 * move to the scan table points the connection at its new entry; while the marks hold the record's hash
 * ({@link ConnMarks#oneSynPair}, cleared when they are reset for another connection) they are that connection's.
 *
 * <p>Open addressing with linear probing; a byte of each hash in an array of its own, so that looking up a pair that
 * is not there reads one slot of that array. Deletion shifts the following run back (no tombstones). Not
 * thread-safe.
 */
final class OneSynPairs {
    private static final int STRIDE = 6;
    private static final int HASH = 0, CHECK = 1, SYN_TIME = 2, WIN_START = 3, PACKET = 4, FIELDS = 5;

    private static final long PORT_MASK = 0xFFFF;
    private static final long SYN_IN_WINDOW = 1L << 16;
    /** Bit positions of the three counts, four bits each. */
    static final int OPEN = 20, CLOSED = 24, COMPLETED = 28;

    private long[] records;
    private byte[] tags;
    private ConnMarks[] marks;
    private int shift;
    private int size;

    OneSynPairs() {
        allocate(64);
    }

    private void allocate(int n) {
        records = new long[n * STRIDE];
        tags = new byte[n];
        marks = new ConnMarks[n];
        shift = 32 - Integer.numberOfTrailingZeros(n);
    }

    int size() {
        return size;
    }

    private int home(long hash) {
        return ((int) (hash ^ (hash >>> 32)) * 0x9E3779B9) >>> shift;
    }

    /** Reads the home slot of a hash: only to bring it into cache before a lookup (see {@link KeyTable#readHome}). */
    long readHome(long hash) {
        int i = home(hash);
        return tags[i] + records[i * STRIDE];
    }

    /** The slot of the pair with these hashes, or -1. */
    int find(long hash, long check, byte tag) {
        int mask = tags.length - 1;
        for (int i = home(hash); ; i = (i + 1) & mask) {
            byte x = tags[i];
            if (x == tag) {
                int r = i * STRIDE;
                if (records[r + HASH] == hash && records[r + CHECK] == check) {
                    return i;
                }
            } else if (x == 0) {
                return -1;
            }
        }
    }

    /** The slot of the record of connection marks {@code m} (its pair's hash in {@link ConnMarks#oneSynPair}), or -1. */
    int find(ConnMarks m) {
        long hash = m.oneSynPair;
        byte tag = Aggregates.Key.tagOf(hash);
        int mask = tags.length - 1;
        for (int i = home(hash); ; i = (i + 1) & mask) {
            byte x = tags[i];
            if (x == tag) {
                if (records[i * STRIDE + HASH] == hash && marks(i) == m) {
                    return i;
                }
            } else if (x == 0) {
                return -1;
            }
        }
    }

    /** Adds the pair of a first SYN, sent at {@code t} by the connection of {@code m} to {@code port}. */
    void add(long hash, long check, byte tag, long t, long packet, int port, ConnMarks m) {
        if ((size + 1) * 4 > tags.length * 3) {
            grow();
        }
        size++;
        int i = place(hash, tag);
        int r = i * STRIDE;
        records[r + HASH] = hash;
        records[r + CHECK] = check;
        records[r + SYN_TIME] = t;
        records[r + WIN_START] = t;
        records[r + PACKET] = packet;
        records[r + FIELDS] = SYN_IN_WINDOW | (port & PORT_MASK);
        marks[i] = m;
    }

    /** A free slot for the hash (the tags of its run were just read by the lookup that missed). */
    private int place(long hash, byte tag) {
        int mask = tags.length - 1;
        int i = home(hash);
        while (tags[i] != 0) {
            i = (i + 1) & mask;
        }
        tags[i] = tag;
        return i;
    }

    long synTime(int i) {
        return records[i * STRIDE + SYN_TIME];
    }

    long windowStart(int i) {
        return records[i * STRIDE + WIN_START];
    }

    long packet(int i) {
        return records[i * STRIDE + PACKET];
    }

    int port(int i) {
        return (int) (records[i * STRIDE + FIELDS] & PORT_MASK);
    }

    /** Whether the pair's SYN lies in its current window (it does until the window rolls on). */
    boolean synInWindow(int i) {
        return (records[i * STRIDE + FIELDS] & SYN_IN_WINDOW) != 0;
    }

    /** One of the counts of the current window: {@link #OPEN}, {@link #CLOSED} or {@link #COMPLETED}. */
    int count(int i, int which) {
        return (int) (records[i * STRIDE + FIELDS] >>> which) & 0xF;
    }

    /** The connection marks of the pair's SYN, if they are still that connection's (else null). */
    ConnMarks marks(int i) {
        ConnMarks m = marks[i];
        return m != null && m.oneSynPair == records[i * STRIDE + HASH] ? m : null;
    }

    /**
     * Rolls the pair's window on to the one holding {@code t} (windows of {@code window} nanoseconds from the SYN), as
     * {@link Aggregates} rolls a scan pair's: a window that ends holds one port at most, never a scan, and the counts
     * start again.
     */
    void roll(int i, long t, long window) {
        int r = i * STRIDE;
        long start = records[r + WIN_START];
        if (t < start + window) {
            return;
        }
        records[r + WIN_START] = start + (t - start) / window * window;
        records[r + FIELDS] &= PORT_MASK;
    }

    /** Counts one event of the current window ({@link #OPEN}, {@link #CLOSED} or {@link #COMPLETED}). */
    void countOne(int i, int which) {
        int r = i * STRIDE;
        if (count(i, which) < 0xF) {
            records[r + FIELDS] += 1L << which;
        }
    }

    /** Removes the record in slot {@code i}; the following run shifts back. */
    void removeAt(int i) {
        int mask = tags.length - 1;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            if (tags[j] == 0) {
                break;
            }
            // As in KeyTable: the record at j moves back into the hole at i unless its home lies cyclically in (i, j].
            if (((j - home(records[j * STRIDE + HASH])) & mask) >= ((j - i) & mask)) {
                System.arraycopy(records, j * STRIDE, records, i * STRIDE, STRIDE);
                tags[i] = tags[j];
                marks[i] = marks[j];
                i = j;
            }
        }
        Arrays.fill(records, i * STRIDE, i * STRIDE + STRIDE, 0);
        tags[i] = 0;
        marks[i] = null;
        size--;
    }

    /** Removes the pairs whose SYN came before {@code idleBefore}; returns how many. */
    int removeIdle(long idleBefore) {
        int removedCount = 0;
        for (int i = 0; i < tags.length; i++) {
            // A record that moves into the hole at i is looked at again; one that moves here from the start of the
            // array (a run that wraps around) was looked at, and kept, when the walk passed it.
            while (tags[i] != 0 && records[i * STRIDE + SYN_TIME] < idleBefore) {
                removeAt(i);
                removedCount++;
            }
        }
        return removedCount;
    }

    /** A time before which about {@code n} of the pairs sent their SYN (see {@link KeyTable#seenCutoff}). */
    long seenCutoff(int n) {
        int step = Math.max(1, tags.length / KeyTable.SAMPLE);
        long[] times = sample;
        int k = 0;
        for (int i = 0; i < tags.length && k < times.length; i += step) {
            if (tags[i] != 0) {
                times[k++] = records[i * STRIDE + SYN_TIME];
            }
        }
        return KeyTable.cutoff(times, k, n, size);
    }

    private final long[] sample = new long[KeyTable.SAMPLE];

    private void grow() {
        long[] oldRecords = records;
        byte[] oldTags = tags;
        ConnMarks[] oldMarks = marks;
        allocate(oldTags.length * 2);
        for (int k = 0; k < oldTags.length; k++) {
            if (oldTags[k] != 0) {
                int i = place(oldRecords[k * STRIDE + HASH], oldTags[k]);
                System.arraycopy(oldRecords, k * STRIDE, records, i * STRIDE, STRIDE);
                marks[i] = oldMarks[k];
            }
        }
    }
}
