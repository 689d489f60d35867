package dev.tcpstate.analyzer.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * A reused flood, scan or backscatter entry must be indistinguishable from a new one: every field, including any
 * added later, is compared by reflection between a fresh entry and a used entry given the same key.
 */
class AggregateEntryReuseTest {

    private static List<Field> fields(Class<?> c) {
        List<Field> out = new ArrayList<>();
        for (Class<?> k = c; k != Object.class; k = k.getSuperclass()) {
            for (Field f : k.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers())) {
                    f.setAccessible(true);
                    out.add(f);
                }
            }
        }
        return out;
    }

    /** Sets every primitive field to a non-default value and fills every set, as a long use would leave them. */
    private static void scribble(Object e) throws IllegalAccessException {
        long v = 7;
        for (Field f : fields(e.getClass())) {
            Class<?> t = f.getType();
            if (Modifier.isFinal(f.getModifiers()) && t != LongSet.class) {
                continue;
            }
            if (t == long.class) f.setLong(e, v++);
            else if (t == int.class) f.setInt(e, (int) v++);
            else if (t == boolean.class) f.setBoolean(e, true);
            else if (t == LongSet.class) {
                LongSet s = (LongSet) f.get(e);
                if (s == null) {
                    s = new LongSet(4, 1 << 16);
                    f.set(e, s);
                }
                for (int i = 1; i <= 100; i++) {
                    s.add(i * 31L);
                }
            }
        }
    }

    private static void assertSameState(Object fresh, Object reused) throws IllegalAccessException {
        for (Field f : fields(fresh.getClass())) {
            Object a = f.get(fresh), b = f.get(reused);
            if (f.getType() == LongSet.class) {
                assertThat(b == null).as(f.getName() + " null").isEqualTo(a == null);
                if (a != null) {
                    assertThat(((LongSet) b).size()).as(f.getName() + " size").isEqualTo(((LongSet) a).size());
                    assertThat(((LongSet) b).saturated()).as(f.getName()).isEqualTo(((LongSet) a).saturated());
                }
            } else {
                assertThat(b).as(f.getName()).isEqualTo(a);
            }
        }
    }

    private static <E extends Aggregates.Entry> void check(BiFunction<Aggregates.Key, Long, E> create)
            throws IllegalAccessException {
        Aggregates.Key oldKey = new Aggregates.Key().set(4, 0, 0x0a000001L, 0, 0x0a000002L, 80);
        Aggregates.Key newKey = new Aggregates.Key().set(6, 0x20010db8L << 32, 5, 0, 0, 443);
        E used = create.apply(oldKey, 1_000L);
        scribble(used);
        used.refs = 0;
        used.reinit(newKey, 2_000L);
        assertSameState(create.apply(newKey, 2_000L), used);
    }

    /** A dropped entry goes to the free list once no connection points at it, and not before; the order holds. */
    @Test
    void droppedEntriesAreFreedOnceNoConnectionPointsAtThem() {
        Aggregates.Key k = new Aggregates.Key().set(4, 0, 0x0a000001L, 0, 0, 80);
        Aggregates.Listener a = new Aggregates.Listener(k, 1), b = new Aggregates.Listener(k, 2),
                c = new Aggregates.Listener(k, 3), d = new Aggregates.Listener(k, 4);
        b.refs = 2;
        d.refs = 1;
        Aggregates.Dropped<Aggregates.Listener> dropped = new Aggregates.Dropped<>();
        for (Aggregates.Listener l : List.of(a, b, c, d)) {
            dropped.add(l);
        }
        java.util.ArrayDeque<Aggregates.Listener> free = new java.util.ArrayDeque<>();
        dropped.releaseTo(free);
        assertThat(free).containsExactly(a, c);
        assertThat(dropped.size()).isEqualTo(2);
        assertThat(dropped.get(0)).isSameAs(b);
        assertThat(dropped.get(1)).isSameAs(d);

        b.refs = 0;
        dropped.releaseTo(free);
        assertThat(free).containsExactly(a, c, b);
        assertThat(dropped.size()).isEqualTo(1);
        assertThat(dropped.get(0)).isSameAs(d);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> dropped.get(1))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    /** The dropped list grows past its first array and keeps every entry in order. */
    @Test
    void droppedEntriesKeepTheirOrderAcrossGrowth() {
        Aggregates.Key k = new Aggregates.Key().set(4, 0, 0x0a000001L, 0, 0, 80);
        Aggregates.Dropped<Aggregates.Victim> dropped = new Aggregates.Dropped<>();
        List<Aggregates.Victim> all = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Aggregates.Victim v = new Aggregates.Victim(k, i);
            v.refs = i % 3 == 0 ? 0 : 1;
            all.add(v);
            dropped.add(v);
        }
        java.util.ArrayDeque<Aggregates.Victim> free = new java.util.ArrayDeque<>();
        dropped.releaseTo(free);
        assertThat(free).containsExactlyElementsOf(all.stream().filter(v -> v.refs == 0).toList());
        List<Aggregates.Victim> kept = all.stream().filter(v -> v.refs != 0).toList();
        assertThat(dropped.size()).isEqualTo(66).isEqualTo(kept.size());
        for (int i = 0; i < kept.size(); i++) {
            assertThat(dropped.get(i)).isSameAs(kept.get(i));
        }
    }

    @Test
    void aReusedListenerIsANewOne() throws IllegalAccessException {
        check(Aggregates.Listener::new);
    }

    @Test
    void aReusedScanPairIsANewOne() throws IllegalAccessException {
        check(Aggregates.ScanPair::new);
    }

    @Test
    void aReusedVictimIsANewOne() throws IllegalAccessException {
        check(Aggregates.Victim::new);
    }
}
