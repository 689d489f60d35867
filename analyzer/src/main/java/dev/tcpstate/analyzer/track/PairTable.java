package dev.tcpstate.analyzer.track;

import java.util.function.Consumer;

/**
 * A hash table of socket pairs: open addressing with linear probing over an array of entries (each entry carries its
 * hash), so a lookup with a probe key allocates nothing and a hit touches one slot and the entry it needs anyway.
 * Deletion shifts the following run back (no tombstones). At most one entry per socket pair. Not thread-safe.
 */
final class PairTable<E extends PairKey> {
    private PairKey[] slots;
    private int shift;
    private int size;

    PairTable(int initialCapacity) {
        int n = 16;
        while (n < initialCapacity * 2) {
            n <<= 1;
        }
        allocate(n);
    }

    private void allocate(int n) {
        slots = new PairKey[n];
        shift = 32 - Integer.numberOfTrailingZeros(n);
    }

    int size() {
        return size;
    }

    private int home(int hash) {
        return (hash * 0x9E3779B9) >>> shift;
    }

    private int indexOf(PairKey k) {
        int mask = slots.length - 1;
        int h = k.hash;
        for (int i = home(h); ; i = (i + 1) & mask) {
            PairKey e = slots[i];
            if (e == null) {
                return -1;
            }
            if (e.samePair(k)) {
                return i;
            }
        }
    }

    /** The entry for {@code k}'s socket pair, or null. */
    @SuppressWarnings("unchecked")
    E get(PairKey k) {
        int i = indexOf(k);
        return i < 0 ? null : (E) slots[i];
    }

    /** Adds {@code e}, replacing the entry of the same socket pair if there is one. */
    void put(E e) {
        int mask = slots.length - 1;
        int h = e.hash;
        int i = home(h);
        for (PairKey x; (x = slots[i]) != null; i = (i + 1) & mask) {
            if (x.samePair(e)) {
                slots[i] = e;
                return;
            }
        }
        slots[i] = e;
        if (++size * 2 > slots.length) {
            grow();
        }
    }

    /** Removes and returns the entry for {@code k}'s socket pair, or null. */
    @SuppressWarnings("unchecked")
    E remove(PairKey k) {
        int i = indexOf(k);
        if (i < 0) {
            return null;
        }
        E e = (E) slots[i];
        removeAt(i);
        return e;
    }

    /** Removes {@code e} itself if it is the entry of its socket pair. */
    boolean removeExact(E e) {
        int i = indexOf(e);
        if (i < 0 || slots[i] != e) {
            return false;
        }
        removeAt(i);
        return true;
    }

    @SuppressWarnings("unchecked")
    void forEach(Consumer<? super E> action) {
        for (PairKey e : slots) {
            if (e != null) {
                action.accept((E) e);
            }
        }
    }

    private void removeAt(int i) {
        int mask = slots.length - 1;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            PairKey e = slots[j];
            if (e == null) {
                break;
            }
            int home = home(e.hash);
            // Move e back into the hole unless its home lies cyclically in (i, j].
            boolean stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
            if (!stays) {
                slots[i] = e;
                i = j;
            }
        }
        slots[i] = null;
        size--;
    }

    private void grow() {
        PairKey[] old = slots;
        allocate(old.length * 2);
        int mask = slots.length - 1;
        for (int k = 0; k < old.length; k++) {
            PairKey e = old[k];
            if (e == null) {
                continue;
            }
            int i = home(e.hash);
            while (slots[i] != null) {
                i = (i + 1) & mask;
            }
            slots[i] = e;
        }
    }
}
