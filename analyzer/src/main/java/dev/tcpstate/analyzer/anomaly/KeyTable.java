package dev.tcpstate.analyzer.anomaly;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A table of aggregate entries, each its own key: open addressing with linear probing over an array of entries and
 * a parallel array of their hashes. A lookup reads only hashes until one matches, so looking up a key that is not
 * there (the first SYN from a source to a host, most of them in a busy capture) touches one array slot, not a chain
 * of nodes in memory. Iteration follows the slots, which is deterministic for a given sequence of operations.
 * Deletion shifts the following run back (no tombstones). Not thread-safe.
 *
 * <p>The caller walks the table itself ({@link #capacity()}, {@link #slot}), one loop per entry type: a walk shared
 * by the three tables (through a lambda) would see all three entry types and lambdas at each of its call and cast
 * sites, and the compiled walk would be thrown away whenever another table's turn came.
 */
final class KeyTable<E extends Aggregates.Entry> {
    private Aggregates.Entry[] slots = new Aggregates.Entry[64];
    private int[] hashes = new int[64];
    private int size;
    /** The entries the last {@link #removeIdle} took out, in slot order. */
    private Aggregates.Entry[] removed = new Aggregates.Entry[16];

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

    private int home(int hash) {
        return (hash * 0x9E3779B9) >>> (32 - Integer.numberOfTrailingZeros(slots.length));
    }

    /** The entry equal to {@code probe}, or null. */
    @SuppressWarnings("unchecked")
    E get(Aggregates.Key probe) {
        int h = probe.hash;
        int mask = slots.length - 1;
        for (int i = home(h); ; i = (i + 1) & mask) {
            Aggregates.Entry e = slots[i];
            if (e == null) {
                return null;
            }
            if (hashes[i] == h && e.equals(probe)) {
                return (E) e;
            }
        }
    }

    /** Adds an entry whose key is not in the table. */
    void add(E e) {
        if ((size + 1) * 2 > slots.length) {
            grow();
        }
        place(e, e.hash);
        size++;
    }

    private void place(Aggregates.Entry e, int h) {
        int mask = slots.length - 1;
        int i = home(h);
        while (slots[i] != null) {
            i = (i + 1) & mask;
        }
        slots[i] = e;
        hashes[i] = h;
    }

    /** The entries, in slot order (a copy: the table may change while the list is used). */
    List<E> entries() {
        List<E> out = new ArrayList<>(size);
        for (int i = 0; i < slots.length; i++) {
            E e = slot(i);
            if (e != null) {
                out.add(e);
            }
        }
        return out;
    }

    /**
     * Removes the entries last seen before {@code idleBefore} and returns how many there were; {@link #takeRemoved}
     * hands them out, in slot order.
     */
    int removeIdle(long idleBefore) {
        int n = 0;
        for (Aggregates.Entry e : slots) {
            if (e != null && e.lastSeen < idleBefore) {
                if (n == removed.length) {
                    removed = Arrays.copyOf(removed, n * 2);
                }
                removed[n++] = e;
            }
        }
        for (int k = 0; k < n; k++) {
            removeExact(removed[k]);
        }
        return n;
    }

    /** The {@code k}th entry the last {@link #removeIdle} removed (each is handed out once). */
    @SuppressWarnings("unchecked")
    E takeRemoved(int k) {
        Aggregates.Entry e = removed[k];
        removed[k] = null;
        return (E) e;
    }

    private void removeExact(Aggregates.Entry e) {
        int mask = slots.length - 1;
        int i = home(e.hash);
        while (slots[i] != e) {
            if (slots[i] == null) {
                return;
            }
            i = (i + 1) & mask;
        }
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            Aggregates.Entry x = slots[j];
            if (x == null) {
                break;
            }
            // x moves back into the hole at i unless its home lies cyclically in (i, j], that is unless it is closer
            // to its home than the hole is. Distances modulo the table size: no branch on whether the run wraps
            // around the end of the array, which only now and then it does.
            if (((j - home(hashes[j])) & mask) >= ((j - i) & mask)) {
                slots[i] = x;
                hashes[i] = hashes[j];
                i = j;
            }
        }
        slots[i] = null;
        size--;
    }

    private void grow() {
        Aggregates.Entry[] old = slots;
        int[] oldHashes = hashes;
        slots = new Aggregates.Entry[old.length * 2];
        hashes = new int[old.length * 2];
        for (int k = 0; k < old.length; k++) {
            if (old[k] != null) {
                place(old[k], oldHashes[k]);
            }
        }
    }
}
