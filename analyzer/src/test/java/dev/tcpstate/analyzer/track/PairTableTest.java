package dev.tcpstate.analyzer.track;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcpstate.parsers.decode.TcpPacket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PairTableTest {

    private static PairKey key(int client, int port) {
        TcpPacket p = new TcpPacket();
        p.ipVersion = 4;
        p.srcLo = 0x0a000000L | client;
        p.srcPort = port;
        p.dstLo = 0x0a0000feL;
        p.dstPort = 80;
        PairKey k = new PairKey();
        k.set(p);
        return k;
    }

    @Test
    void removedEntriesAreNotFoundAgainThroughTheRecentCache() {
        PairTable<PairKey> table = new PairTable<>(16);
        List<PairKey> keys = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            PairKey k = key(i, 40000 + (i & 0xff));
            keys.add(k);
            table.put(k);
            assertThat(table.get(key(i, 40000 + (i & 0xff)))).isSameAs(k);
        }
        assertThat(table.size()).isEqualTo(50_000);
        for (int i = 0; i < 50_000; i += 2) {
            assertThat(table.removeExact(keys.get(i))).isTrue();
        }
        for (int i = 0; i < 50_000; i++) {
            PairKey found = table.get(key(i, 40000 + (i & 0xff)));
            assertThat(found).isSameAs(i % 2 == 0 ? null : keys.get(i));
        }
        assertThat(table.size()).isEqualTo(25_000);
        assertThat(table.removeExact(keys.get(0))).isFalse();
    }

    @Test
    void putReplacesTheEntryOfTheSamePairAndTheCacheFollows() {
        PairTable<PairKey> table = new PairTable<>(16);
        PairKey first = key(1, 40000);
        table.put(first);
        assertThat(table.get(key(1, 40000))).isSameAs(first);
        PairKey second = key(1, 40000);
        table.put(second);
        assertThat(table.size()).isEqualTo(1);
        assertThat(table.get(key(1, 40000))).isSameAs(second);
        assertThat(table.removeExact(first)).isFalse();
        assertThat(table.removeExact(second)).isTrue();
        assertThat(table.get(key(1, 40000))).isNull();
    }

    @Test
    void replaceSwapsTheEntryInItsSlotAndFailsForAnAbsentOne() {
        PairTable<PairKey> table = new PairTable<>(16);
        List<PairKey> keys = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            PairKey k = key(i, 50000);
            keys.add(k);
            table.put(k);
        }
        for (int i = 0; i < 1000; i += 3) {
            PairKey replacement = key(i, 50000);
            table.replace(keys.get(i), replacement);
            keys.set(i, replacement);
        }
        assertThat(table.size()).isEqualTo(1000);
        for (int i = 0; i < 1000; i++) {
            assertThat(table.get(key(i, 50000))).isSameAs(keys.get(i));
        }
        PairKey absent = key(5000, 50000);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> table.replace(absent, key(5000, 50000)))
                .isInstanceOf(IllegalStateException.class);
    }
}
