package dev.tcpstate.analyzer.anomaly;

import java.util.Arrays;

/**
 * A table of aggregate entries, each its own key: open addressing with linear probing over an array of entries and
 * parallel arrays holding, per slot, a one-byte tag of the entry's hash, and its 64-bit hash and when its key was
 * last seen. A lookup reads only the tags until one matches (an empty slot has tag 0, which no key has), so looking
 * up a key that is not there (the first SYN from a source to a host, nearly all of them in a busy capture) touches
 * one line of an array small enough to stay in cache (a byte per slot), not the entries; and finding the idle
 * entries reads the array of hashes and times from start to end, not every entry. Iteration follows the slots,
 * which is deterministic for a given sequence of operations. Deletion shifts the following run back (no
 * tombstones). Not thread-safe.
 *
 * <p>The caller walks the table itself ({@link #capacity()}, {@link #slot}), one loop per entry type: a walk shared
 * by the three tables (through a lambda) would see all three entry types and lambdas at each of its call and cast
 * sites, and the compiled walk would be thrown away whenever another table's turn came.
 */
final class KeyTable<E extends Aggregates.Entry> {
    private Aggregates.Entry[] slots;
    /** Per slot: {@link Aggregates.Key#tag} of its entry, 0 if empty. */
    private byte[] tags;
    /** Per slot {@code i}: at {@code 2 * i} the hash of its entry (0: empty), at {@code 2 * i + 1} when last seen. */
    private long[] meta;
    private int shift;
    private int size;
    /** The entries the last {@link #removeIdle} took out, in slot order, and their hashes. */
    private Aggregates.Entry[] removed = new Aggregates.Entry[16];
    private long[] removedHashes = new long[16];

    KeyTable() {
        allocate(64);
    }

    private void allocate(int n) {
        slots = new Aggregates.Entry[n];
        tags = new byte[n];
        meta = new long[2 * n];
        shift = 32 - Integer.numberOfTrailingZeros(n);
    }

    int size() {
        return size;
    }

    /** The number of slots: {@link #slot} takes 0 up to this. */
    int capacity() {
        return slots.length;
    }

    /** The entry in slot {@code i}, or null. */
    @SuppressWarnings("unchecked")
    E slot(int i) {
        return (E) slots[i];
    }

    /** The home slot: from the 64-bit hash folded to the 32 bits keys used to have, so entries sit where they did. */
    private int home(long hash) {
        return ((int) (hash ^ (hash >>> 32)) * 0x9E3779B9) >>> shift;
    }

    /**
     * Reads the home slot of {@code probe}'s key and returns a number made of what it holds: only to bring the slot
     * into cache before a {@link #find} or {@link #add} of that key.
     */
    long readHome(Aggregates.Key probe) {
        int i = home(probe.hash);
        return tags[i] + (slots[i] == null ? 0 : 1);
    }

    /** The slot of the entry equal to {@code probe}, or -1. */
    int find(Aggregates.Key probe) {
        byte tag = probe.tag;
        int mask = slots.length - 1;
        for (int i = home(probe.hash); ; i = (i + 1) & mask) {
            byte x = tags[i];
            if (x == tag) {
                if (slots[i].sameKey(probe)) { // compares the 64-bit hashes first
                    return i;
                }
            } else if (x == 0) {
                return -1;
            }
        }
    }

    /** The slot of {@code e} itself, or -1 if it is not in the table. */
    int slotOf(E e) {
        long h = e.hash;
        int mask = slots.length - 1;
        for (int i = home(h); ; i = (i + 1) & mask) {
            long x = meta[2 * i];
            if (x == h && slots[i] == e) {
                return i;
            } else if (x == 0) {
                return -1;
            }
        }
    }

    /** The key of the entry in slot {@code i} was seen at {@code t}. */
    void seen(int i, long t) {
        meta[2 * i + 1] = t;
    }

    /** Adds an entry whose key is not in the table, seen at {@code t}; returns its slot. */
    int add(E e, long t) {
        if ((size + 1) * 2 > slots.length) {
            grow();
        }
        size++;
        return place(e, e.hash, e.tag, t);
    }

    private int place(Aggregates.Entry e, long h, byte tag, long lastSeen) {
        int mask = slots.length - 1;
        int i = home(h);
        // The free slot is found by the tags (0: empty), which the lookup that found the key missing has just read;
        // the other arrays are only written.
        while (tags[i] != 0) {
            i = (i + 1) & mask;
        }
        slots[i] = e;
        tags[i] = tag;
        meta[2 * i] = h;
        meta[2 * i + 1] = lastSeen;
        return i;
    }

    /**
     * Removes the entries last seen before {@code idleBefore} and returns how many there were; {@link #takeRemoved}
     * hands them out, in slot order.
     */
    int removeIdle(long idleBefore) {
        return removeIdle(idleBefore, false);
    }

    /** As {@link #removeIdle(long)}, leaving in the table, with {@code keepActive}, the entries inside an interval. */
    int removeIdle(long idleBefore, boolean keepActive) {
        // First the slots idle long enough, from the hashes and times alone; then, in a loop of their own, whether each
        // of those entries is inside an interval. The entries are out of cache, and a loop that reads nothing but
        // them has many of their misses under way at once, where the pass over the whole table had one or two.
        int[] idle = this.idle;
        int n = 0;
        for (int i = 0; i < slots.length; i++) {
            if (meta[2 * i] != 0 && meta[2 * i + 1] < idleBefore) {
                if (n == idle.length) {
                    idle = this.idle = Arrays.copyOf(idle, n * 2);
                }
                idle[n++] = i;
            }
        }
        if (keepActive) {
            int kept = 0;
            for (int k = 0; k < n; k++) {
                int i = idle[k];
                if (!slots[i].active) {
                    idle[kept++] = i;
                }
            }
            n = kept;
        }
        if (n > removed.length) {
            int size = Math.max(n, removed.length * 2);
            removed = Arrays.copyOf(removed, size);
            removedHashes = Arrays.copyOf(removedHashes, size);
        }
        for (int k = 0; k < n; k++) {
            int i = idle[k];
            removed[k] = slots[i];
            removedHashes[k] = meta[2 * i];
        }
        for (int k = 0; k < n; k++) {
            removeExact(removed[k], removedHashes[k]);
        }
        return n;
    }

    /** Slots found idle by the last {@link #removeIdle}, in slot order. */
    private int[] idle = new int[16];

    /**
     * A time before which about {@code n} of the entries were last seen, estimated from the last-seen times of up to
     * {@value #SAMPLE} slots spread over the table (it reads no entry): what {@link #removeIdle} takes to drop the
     * entries idle longest.
     */
    long seenCutoff(int n) {
        int step = Math.max(1, slots.length / SAMPLE);
        long[] times = sample;
        int k = 0;
        for (int i = 0; i < slots.length && k < times.length; i += step) {
            if (meta[2 * i] != 0) {
                times[k++] = meta[2 * i + 1];
            }
        }
        return cutoff(times, k, n, size);
    }

    /**
     * From the last-seen times of {@code k} sampled slots (reordered here) of a table holding {@code size} keys: a time
     * before which about {@code n} of the keys were last seen.
     */
    static long cutoff(long[] times, int k, int n, int size) {
        if (k == 0) {
            return Long.MIN_VALUE;
        }
        Arrays.sort(times, 0, k);
        int at = (int) Math.min(k - 1, Math.max(0, (long) k * n / Math.max(1, size) - 1));
        return times[at] + 1;
    }

    static final int SAMPLE = 4096;
    private final long[] sample = new long[SAMPLE];

    /** The {@code k}th entry the last {@link #removeIdle} removed (each is handed out once). */
    @SuppressWarnings("unchecked")
    E takeRemoved(int k) {
        Aggregates.Entry e = removed[k];
        removed[k] = null;
        return (E) e;
    }

    private void removeExact(Aggregates.Entry e, long h) {
        int mask = slots.length - 1;
        int i = home(h);
        while (meta[2 * i] != h || slots[i] != e) {
            if (meta[2 * i] == 0) {
                return;
            }
            i = (i + 1) & mask;
        }
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            long hj = meta[2 * j];
            if (hj == 0) {
                break;
            }
            // The entry at j moves back into the hole at i unless its home lies cyclically in (i, j], that is unless
            // it is closer to its home than the hole is. Distances modulo the table size: no branch on whether the
            // run wraps around the end of the array, which only now and then it does.
            if (((j - home(hj)) & mask) >= ((j - i) & mask)) {
                slots[i] = slots[j];
                tags[i] = tags[j];
                meta[2 * i] = hj;
                meta[2 * i + 1] = meta[2 * j + 1];
                i = j;
            }
        }
        slots[i] = null;
        tags[i] = 0;
        meta[2 * i] = 0;
        meta[2 * i + 1] = 0;
        size--;
    }

    private void grow() {
        Aggregates.Entry[] old = slots;
        byte[] oldTags = tags;
        long[] oldMeta = meta;
        allocate(old.length * 2);
        for (int k = 0; k < old.length; k++) {
            if (old[k] != null) {
                place(old[k], oldMeta[2 * k], oldTags[k], oldMeta[2 * k + 1]);
            }
        }
    }
}
