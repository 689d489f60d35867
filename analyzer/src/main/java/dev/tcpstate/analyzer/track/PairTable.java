package dev.tcpstate.analyzer.track;

import java.util.function.Consumer;

/**
 * A hash table of socket pairs: open addressing with linear probing over an array of entries and a parallel array of
 * their hashes, so a lookup with a probe key allocates nothing and reads only the hashes of the slots it passes: it
 * touches no entry but the one whose hash matches (the entry the caller needs anyway). With hundreds of thousands of
 * connections in the table the entries are out of cache, and a probe that read each entry it passed would miss on
 * every one. In front of it sits a small direct-mapped cache of entries found or added lately, which always
 * agrees with the table (an entry leaving the table leaves the cache): most segments belong to one of the few thousand
 * connections active at the moment, and the cache finds those without touching the large arrays. Deletion shifts the
 * following run back (no tombstones). At most one entry per socket pair. Not thread-safe.
 */
final class PairTable<E extends PairKey> {
    private PairKey[] slots;
    /** The hash of the entry in the same slot (meaningful only where the slot holds an entry). */
    private long[] hashes;
    private int shift;
    private int size;
    /** Recently found or added entries, each still in the table, at {@link #recentIndex} of its hash. */
    private final PairKey[] recent = new PairKey[RECENT];
    /**
     * The hash of the entry in the same place of {@link #recent}: a slot there usually holds some other connection
     * (far more are live than the cache has places), and telling that from the hash spares a miss on its entry.
     */
    private final long[] recentHashes = new long[RECENT];
    private static final int RECENT = 1 << 14;

    private static int recentIndex(long hash) {
        int h = (int) hash;
        return (h ^ (h >>> 14)) & (RECENT - 1);
    }

    PairTable(int initialCapacity) {
        int n = 16;
        while (n < initialCapacity * 2) {
            n <<= 1;
        }
        allocate(n);
    }

    private void allocate(int n) {
        slots = new PairKey[n];
        hashes = new long[n];
        shift = 32 - Integer.numberOfTrailingZeros(n);
    }

    int size() {
        return size;
    }

    private int home(long hash) {
        return ((int) hash * 0x9E3779B9) >>> shift;
    }

    private int indexOf(PairKey k) {
        int mask = slots.length - 1;
        long h = k.hash;
        for (int i = home(h); ; i = (i + 1) & mask) {
            PairKey e = slots[i];
            if (e == null) {
                return -1;
            }
            if (hashes[i] == h && e.samePair(k)) {
                return i;
            }
        }
    }

    /**
     * Reads the home slot of {@code hash} and returns a number made of what it holds: only to bring the slot into
     * cache before a lookup or change of an entry with that hash.
     */
    long readHome(long hash) {
        int i = home(hash);
        return hashes[i] + (slots[i] == null ? 0 : 1);
    }

    /** The entry for {@code k}'s socket pair, or null. */
    @SuppressWarnings("unchecked")
    E get(PairKey k) {
        int r = recentIndex(k.hash);
        PairKey e;
        if (recentHashes[r] == k.hash && (e = recent[r]) != null && e.samePair(k)) {
            return (E) e;
        }
        int i = indexOf(k);
        if (i < 0) {
            return null;
        }
        e = slots[i];
        recent[r] = e;
        recentHashes[r] = k.hash;
        return (E) e;
    }

    /** Adds {@code e}, replacing the entry of the same socket pair if there is one. */
    void put(E e) {
        int mask = slots.length - 1;
        long h = e.hash;
        int i = home(h);
        for (PairKey x; (x = slots[i]) != null; i = (i + 1) & mask) {
            if (hashes[i] == h && x.samePair(e)) {
                slots[i] = e;
                remember(e, h);
                return;
            }
        }
        slots[i] = e;
        hashes[i] = h;
        remember(e, h);
        if (++size * 2 > slots.length) {
            grow();
        }
    }

    private void remember(PairKey e, long hash) {
        int r = recentIndex(hash);
        recent[r] = e;
        recentHashes[r] = hash;
    }

    /**
     * Puts {@code replacement} (an entry of the same socket pair) in the place of {@code e}, which must be in the
     * table. The slot is found by identity, from the slots alone: a replacement comes long after the pair's last
     * lookup, when the table's arrays are out of cache, and a probe that also read the hashes would miss twice.
     */
    void replace(E e, E replacement) {
        int mask = slots.length - 1;
        int i = home(e.hash);
        for (PairKey x; (x = slots[i]) != e; i = (i + 1) & mask) {
            if (x == null) {
                throw new IllegalStateException("replace: the entry is not in the table");
            }
        }
        slots[i] = replacement;
        remember(replacement, e.hash);
    }

    /** Removes {@code e} itself if it is the entry of its socket pair. */
    boolean removeExact(E e) {
        int mask = slots.length - 1;
        for (int i = home(e.hash); ; i = (i + 1) & mask) {
            PairKey x = slots[i];
            if (x == null) {
                return false;
            }
            if (x == e) {
                removeAt(i);
                return true;
            }
        }
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
        int r = recentIndex(hashes[i]);
        if (recent[r] == slots[i]) {
            recent[r] = null;
        }
        int mask = slots.length - 1;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            PairKey e = slots[j];
            if (e == null) {
                break;
            }
            // e moves back into the hole at i unless its home lies cyclically in (i, j], that is unless it is closer
            // to its home than the hole is. Distances modulo the table size: no branch on whether the run wraps
            // around the end of the array, which only now and then it does.
            if (((j - home(hashes[j])) & mask) >= ((j - i) & mask)) {
                slots[i] = e;
                hashes[i] = hashes[j];
                i = j;
            }
        }
        slots[i] = null;
        size--;
    }

    private void grow() {
        PairKey[] old = slots;
        long[] oldHashes = hashes;
        allocate(old.length * 2);
        int mask = slots.length - 1;
        for (int k = 0; k < old.length; k++) {
            PairKey e = old[k];
            if (e == null) {
                continue;
            }
            long h = oldHashes[k];
            int i = home(h);
            while (slots[i] != null) {
                i = (i + 1) & mask;
            }
            slots[i] = e;
            hashes[i] = h;
        }
    }
}
