package dev.tcpstate.analyzer.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The table of source/target pairs that sent one SYN, against a map that holds the same pairs. */
class OneSynPairsTest {
    private static Aggregates.Key key(int source, int target) {
        return new Aggregates.Key().set(4, 0, source, 0, target, 0);
    }

    @Test
    void findsWhatWasAddedUntilItIsRemoved_acrossGrowthAndRemovalsOfRunsThatWrap() {
        Random random = new Random(7);
        OneSynPairs table = new OneSynPairs();
        Map<Long, Long> expected = new HashMap<>(); // hash -> SYN time
        long t = 0;
        for (int round = 0; round < 40; round++) {
            for (int i = 0; i < 500; i++) {
                // few targets and sources: many pairs again, and hashes that share home slots
                Aggregates.Key k = key(random.nextInt(3000), random.nextInt(4));
                if (table.find(k.hash, k.check(), k.tag) < 0) {
                    ConnMarks m = new ConnMarks(t);
                    table.add(k.hash, k.check(), k.tag, ++t, t * 10, 80, m);
                    m.oneSynPair = k.hash;
                    expected.put(k.hash, t);
                }
            }
            long idleBefore = t - 300 + random.nextInt(100);
            int removed = table.removeIdle(idleBefore);
            int before = expected.size();
            expected.values().removeIf(time -> time < idleBefore);
            assertThat(removed).isEqualTo(before - expected.size());
            assertThat(table.size()).isEqualTo(expected.size());
        }
        int found = 0;
        for (int source = 0; source < 3000; source++) {
            for (int target = 0; target < 4; target++) {
                Aggregates.Key k = key(source, target);
                int slot = table.find(k.hash, k.check(), k.tag);
                Long time = expected.get(k.hash);
                if (time == null) {
                    assertThat(slot).isNegative();
                } else {
                    found++;
                    assertThat(slot).isNotNegative();
                    assertThat(table.synTime(slot)).isEqualTo(time);
                    assertThat(table.packet(slot)).isEqualTo(time * 10);
                    assertThat(table.marks(slot)).isNotNull();
                    assertThat(table.find(table.marks(slot))).isEqualTo(slot);
                }
            }
        }
        assertThat(found).isEqualTo(expected.size()).isPositive();
    }

    @Test
    void aRecordKeepsItsWindowAndCountsAndNamesOnlyTheMarksOfItsConnection() {
        OneSynPairs table = new OneSynPairs();
        Aggregates.Key k = key(1, 2);
        ConnMarks m = new ConnMarks(0);
        table.add(k.hash, k.check(), k.tag, 1_000, 7, 443, m);
        m.oneSynPair = k.hash;
        int slot = table.find(m);
        table.countOne(slot, OneSynPairs.OPEN);
        table.countOne(slot, OneSynPairs.COMPLETED);
        assertThat(table.count(slot, OneSynPairs.OPEN)).isEqualTo(1);
        assertThat(table.count(slot, OneSynPairs.CLOSED)).isZero();
        assertThat(table.count(slot, OneSynPairs.COMPLETED)).isEqualTo(1);
        assertThat(table.port(slot)).isEqualTo(443);
        assertThat(table.synInWindow(slot)).isTrue();

        table.roll(slot, 1_099, 100); // still the first window
        assertThat(table.windowStart(slot)).isEqualTo(1_000);
        assertThat(table.count(slot, OneSynPairs.OPEN)).isEqualTo(1);

        table.roll(slot, 1_350, 100); // three windows on: the SYN and the counts stay behind
        assertThat(table.windowStart(slot)).isEqualTo(1_300);
        assertThat(table.synInWindow(slot)).isFalse();
        assertThat(table.count(slot, OneSynPairs.OPEN)).isZero();
        assertThat(table.count(slot, OneSynPairs.COMPLETED)).isZero();
        assertThat(table.port(slot)).isEqualTo(443);
        assertThat(table.marks(slot)).isSameAs(m);

        m.reset(0, new Aggregates(AnomalySettings.DEFAULTS, null)); // the connection's marks go to another
        assertThat(m.oneSynPair).isZero();
        assertThat(table.marks(slot)).isNull();
        assertThat(table.find(m)).isNegative();
    }
}
