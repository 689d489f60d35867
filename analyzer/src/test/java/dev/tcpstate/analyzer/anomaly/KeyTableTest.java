package dev.tcpstate.analyzer.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyTableTest {

    private static Aggregates.Key key(int n) {
        return new Aggregates.Key().set(4, 0, 0x0a000000L + n, 0, 0, 80);
    }

    private static Aggregates.Victim entry(int n) {
        return new Aggregates.Victim(key(n), 0);
    }

    /** An entry for key {@code n} whose hash is forced to {@code hash}, as if two keys shared all 64 bits. */
    private static Aggregates.Victim entryWithHash(int n, long hash) {
        Aggregates.Victim e = entry(n);
        forceHash(e, hash);
        return e;
    }

    private static Aggregates.Key probeWithHash(int n, long hash) {
        return forceHash(key(n), hash);
    }

    private static Aggregates.Key forceHash(Aggregates.Key k, long hash) {
        k.hash = hash;
        k.tag = (byte) (hash >>> 56 != 0 ? hash >>> 56 : 1);
        return k;
    }

    @Test
    void findsWhatWasAdded_acrossGrowth() {
        KeyTable<Aggregates.Victim> t = new KeyTable<>();
        List<Aggregates.Victim> added = new ArrayList<>();
        for (int n = 0; n < 1000; n++) {
            Aggregates.Victim e = entry(n);
            int slot = t.add(e, n);
            assertThat(t.slot(slot)).isSameAs(e);
            added.add(e);
        }
        assertThat(t.size()).isEqualTo(1000);
        assertThat(t.capacity()).isEqualTo(2048);
        for (int n = 0; n < 1000; n++) {
            int slot = t.find(key(n));
            assertThat(slot).isGreaterThanOrEqualTo(0);
            assertThat(t.slot(slot)).isSameAs(added.get(n));
            assertThat(t.slotOf(added.get(n))).isEqualTo(slot);
        }
        assertThat(t.find(key(1000))).isEqualTo(-1);
        assertThat(t.slotOf(entry(0))).as("an equal key that is not the entry itself").isEqualTo(-1);
        List<Aggregates.Victim> walked = new ArrayList<>();
        for (int i = 0; i < t.capacity(); i++) {
            if (t.slot(i) != null) walked.add(t.slot(i));
        }
        assertThat(walked).hasSize(1000).containsExactlyInAnyOrderElementsOf(added);
    }

    @Test
    void removeIdle_takesOutEntriesLastSeenBefore_inSlotOrder_andKeepsTheRest() {
        KeyTable<Aggregates.Victim> t = new KeyTable<>();
        for (int n = 0; n < 300; n++) {
            t.add(entry(n), n);
        }
        // Seen again later: not idle.
        for (int n = 0; n < 100; n += 2) {
            t.seen(t.find(key(n)), 1_000 + n);
        }
        List<Aggregates.Victim> idleInSlotOrder = new ArrayList<>();
        for (int i = 0; i < t.capacity(); i++) {
            Aggregates.Victim e = t.slot(i);
            long n = e == null ? -1 : e.aLo - 0x0a000000L;
            // idle: never seen again and added before 200, that is odd n below 100 and all n from 100 to 199
            if (n >= 0 && (n < 100 ? n % 2 == 1 : n < 200)) {
                idleInSlotOrder.add(e);
            }
        }
        int removed = t.removeIdle(200);
        assertThat(removed).isEqualTo(150);
        List<Aggregates.Victim> taken = new ArrayList<>();
        for (int k = 0; k < removed; k++) {
            taken.add(t.takeRemoved(k));
        }
        assertThat(t.size()).isEqualTo(150);
        for (int n = 0; n < 300; n++) {
            boolean kept = n < 100 ? n % 2 == 0 : n >= 200;
            assertThat(t.find(key(n)) >= 0).as("entry %d kept", n).isEqualTo(kept);
        }
        assertThat(taken).as("in the slot order they had before removal").isEqualTo(idleInSlotOrder);
        assertThat(t.removeIdle(200)).isZero();
    }

    @Test
    void seenCutoff_dropsTheLongestIdle_andKeepActiveSparesEntriesInAnInterval() {
        KeyTable<Aggregates.Victim> t = new KeyTable<>();
        for (int n = 0; n < 1000; n++) {
            t.add(entry(n), 10_000 + n); // entry n last seen at 10,000 + n
        }
        // 1000 entries in 2048 slots: the sample (every slot) sees them all
        long cutoff = t.seenCutoff(250);
        assertThat(cutoff).isEqualTo(10_250);
        t.slot(t.find(key(3))).active = true;
        int removed = t.removeIdle(cutoff, true);
        assertThat(removed).isEqualTo(249);
        for (int n = 0; n < 1000; n++) {
            assertThat(t.find(key(n)) >= 0).as("entry %d kept", n).isEqualTo(n >= 250 || n == 3);
        }
        assertThat(t.size()).isEqualTo(751);
        // without keepActive the active one goes too
        assertThat(t.removeIdle(cutoff, false)).isEqualTo(1);
        assertThat(t.find(key(3))).isEqualTo(-1);
        assertThat(new KeyTable<Aggregates.Victim>().seenCutoff(10)).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void seenCutoff_samplesALargeTable() {
        KeyTable<Aggregates.Victim> t = new KeyTable<>();
        for (int n = 0; n < 100_000; n++) {
            t.add(entry(n), n);
        }
        // 262,144 slots, every 64th sampled (about 1,500 of them hold an entry): an estimate, a quarter give or take
        // the sample's spread, and always the same for the same table
        int removed = t.removeIdle(t.seenCutoff(25_000), false);
        assertThat(removed).isEqualTo(26_084);
        assertThat(t.size()).isEqualTo(100_000 - removed);
    }

    @Test
    void keysSharingAll64HashBits_areToldApartByTheirKeys() {
        KeyTable<Aggregates.Victim> t = new KeyTable<>();
        long h = 0x1234_5678_9abc_def1L;
        Aggregates.Victim a = entryWithHash(1, h), b = entryWithHash(2, h), c = entryWithHash(3, h);
        t.add(a, 0);
        t.add(b, 0);
        t.add(c, 0);
        assertThat(t.slot(t.find(probeWithHash(1, h)))).isSameAs(a);
        assertThat(t.slot(t.find(probeWithHash(2, h)))).isSameAs(b);
        assertThat(t.slot(t.find(probeWithHash(3, h)))).isSameAs(c);
        assertThat(t.find(probeWithHash(4, h))).isEqualTo(-1);
        // Removing the first of the run moves the others back; both stay found.
        t.seen(t.slotOf(b), 10);
        t.seen(t.slotOf(c), 10);
        assertThat(t.removeIdle(5)).isEqualTo(1);
        assertThat(t.takeRemoved(0)).isSameAs(a);
        assertThat(t.find(probeWithHash(1, h))).isEqualTo(-1);
        assertThat(t.slot(t.find(probeWithHash(2, h)))).isSameAs(b);
        assertThat(t.slot(t.find(probeWithHash(3, h)))).isSameAs(c);
        assertThat(t.size()).isEqualTo(2);
    }

    @Test
    void aRunWrappingAroundTheEnd_survivesRemoval() {
        KeyTable<Aggregates.Victim> t = new KeyTable<>();
        // Hashes whose home is the last slot of the 64: folded to 32 bits, times the multiplier, top 6 bits all set.
        List<Long> lastSlot = new ArrayList<>();
        for (long h = 1; lastSlot.size() < 3; h++) {
            int folded = (int) (h ^ (h >>> 32));
            if ((folded * 0x9E3779B9) >>> 26 == 63) {
                lastSlot.add(h);
            }
        }
        Aggregates.Victim a = entryWithHash(1, lastSlot.get(0));
        Aggregates.Victim b = entryWithHash(2, lastSlot.get(1));
        Aggregates.Victim c = entryWithHash(3, lastSlot.get(2));
        assertThat(t.add(a, 0)).isEqualTo(63);
        assertThat(t.add(b, 10)).isEqualTo(0);
        assertThat(t.add(c, 10)).isEqualTo(1);
        assertThat(t.removeIdle(5)).isEqualTo(1);
        assertThat(t.takeRemoved(0)).isSameAs(a);
        assertThat(t.slotOf(b)).isEqualTo(63);
        assertThat(t.slotOf(c)).isEqualTo(0);
        assertThat(t.slot(1)).isNull();
        assertThat(t.slot(t.find(probeWithHash(3, lastSlot.get(2))))).isSameAs(c);
    }

    @Test
    void keysSharingOnlyTheirTag_areFoundByTheirHashes() {
        KeyTable<Aggregates.Victim> t = new KeyTable<>();
        Aggregates.Victim a = entryWithHash(1, 0x7700_0000_0000_0001L), b = entryWithHash(2, 0x7700_0000_0000_0002L);
        t.add(a, 0);
        t.add(b, 0);
        assertThat(t.slot(t.find(probeWithHash(2, 0x7700_0000_0000_0002L)))).isSameAs(b);
        assertThat(t.slot(t.find(probeWithHash(1, 0x7700_0000_0000_0001L)))).isSameAs(a);
        assertThat(t.find(probeWithHash(1, 0x7700_0000_0000_0003L))).isEqualTo(-1);
    }

    @Test
    void aKeyNeverHashesOrTagsToZero_theMarksOfAnEmptySlot() {
        assertThat(key(0).hash).isNotZero();
        // the one input the final multiplication maps to 0
        Aggregates.Key zero = new Aggregates.Key().set(0, 0, 0, 0, 0, 0);
        assertThat(zero.hash).isEqualTo(1);
        assertThat(zero.tag).isEqualTo((byte) 1);
        for (int n = 0; n < 100_000; n++) {
            Aggregates.Key k = key(n);
            assertThat(k.tag).isEqualTo((byte) (k.hash >>> 56 != 0 ? k.hash >>> 56 : 1));
        }
    }
}
