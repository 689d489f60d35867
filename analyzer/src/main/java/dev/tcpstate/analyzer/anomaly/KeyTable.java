package dev.tcpstate.analyzer.anomaly;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A table of aggregate entries, each its own key: open addressing with linear probing over an array of entries and
 * a parallel array of their hashes. A lookup reads only hashes until one matches, so looking up a key that is not
 * there (the first SYN from a source to a host, most of them in a busy capture) touches one array slot, not a chain
 * of nodes in memory. Iteration follows the slots, which is deterministic for a given sequence of operations.
 * Deletion shifts the following run back (no tombstones). Not thread-safe.
 */
final class KeyTable<E extends Aggregates.Key> {
    private Aggregates.Key[] slots = new Aggregates.Key[64];
    private int[] hashes = new int[64];
    private int size;

    int size() {
        return size;
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
            Aggregates.Key e = slots[i];
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

    private void place(Aggregates.Key e, int h) {
        int mask = slots.length - 1;
        int i = home(h);
        while (slots[i] != null) {
            i = (i + 1) & mask;
        }
        slots[i] = e;
        hashes[i] = h;
    }

    @SuppressWarnings("unchecked")
    void forEach(Consumer<? super E> action) {
        for (Aggregates.Key e : slots) {
            if (e != null) {
                action.accept((E) e);
            }
        }
    }

    /** The entries, in slot order (a copy: the table may change while the list is used). */
    @SuppressWarnings("unchecked")
    List<E> entries() {
        List<E> out = new ArrayList<>(size);
        forEach(out::add);
        return out;
    }

    /** Removes the entries {@code drop} accepts and returns them, in slot order. */
    @SuppressWarnings("unchecked")
    List<E> removeIf(Predicate<? super E> drop) {
        List<E> out = new ArrayList<>();
        forEach(e -> {
            if (drop.test(e)) {
                out.add(e);
            }
        });
        for (E e : out) {
            removeExact(e);
        }
        return out;
    }

    private void removeExact(Aggregates.Key e) {
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
            Aggregates.Key x = slots[j];
            if (x == null) {
                break;
            }
            int home = home(hashes[j]);
            // Move x back into the hole unless its home lies cyclically in (i, j].
            boolean stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
            if (!stays) {
                slots[i] = x;
                hashes[i] = hashes[j];
                i = j;
            }
        }
        slots[i] = null;
        size--;
    }

    private void grow() {
        Aggregates.Key[] old = slots;
        int[] oldHashes = hashes;
        slots = new Aggregates.Key[old.length * 2];
        hashes = new int[old.length * 2];
        for (int k = 0; k < old.length; k++) {
            if (old[k] != null) {
                place(old[k], oldHashes[k]);
            }
        }
    }
}
