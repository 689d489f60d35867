package dev.tcpstate.analyzer.track;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TimerQueueTest {

    private static Connection connection(int id) {
        Connection c = new Connection(new PairKey(), 1, true, false);
        c.incarnation = id; // only used to tell entries apart here
        return c;
    }

    private record Entry(long at, int id) {
    }

    /** The entries in the order taken; a cancelled one (no connection) as id -1. */
    private static List<Entry> drain(TimerQueue q) {
        List<Entry> out = new ArrayList<>();
        while (!q.isEmpty()) {
            Connection c = q.peekConnection();
            out.add(new Entry(q.peekAt(), c == null ? -1 : c.incarnation));
            q.poll();
        }
        return out;
    }

    @Test
    void cancelledEntriesAreDroppedWhenTheEntryBeforeThemIsTaken_alsoAfterTheRunGrew() {
        TimerQueue q = new TimerQueue();
        Connection[] cs = new Connection[600];
        long[] handles = new long[600];
        for (int i = 0; i < 600; i++) {
            cs[i] = connection(i);
            handles[i] = q.add(1000 + i, cs[i]); // one run, grown twice (256, 512, 1024)
            if (i == 10) {
                q.cancel(handles[3], cs[3]); // cancelled before the run grew
            }
        }
        q.cancel(handles[300], cs[300]);
        q.cancel(handles[301], cs[5]); // another connection's handle: nothing happens
        q.cancel(TimerQueue.NO_HANDLE, cs[7]);
        List<Entry> want = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            if (i != 3 && i != 300) {
                want.add(new Entry(1000 + i, i));
            }
        }
        assertThat(drain(q)).isEqualTo(want);
    }

    @Test
    void aFullRunDropsItsCancelledEntriesInsteadOfGrowing_theOthersKeepTheirOrder() {
        TimerQueue q = new TimerQueue();
        int capacity = q.runCapacity();
        Connection[] cs = new Connection[256];
        long[] handles = new long[256];
        for (int i = 0; i < 256; i++) {
            cs[i] = connection(i);
            handles[i] = q.add(1000 + i, cs[i]); // one run, full
        }
        for (int i = 0; i < 256; i++) {
            if (i % 4 != 1) {
                q.cancel(handles[i], cs[i]); // three quarters cancelled, the head among them
            }
        }
        Connection late = connection(999);
        q.add(5000, late);
        assertThat(q.runCapacity()).isEqualTo(capacity);
        q.cancel(handles[5], cs[5]); // moved by the clean-up: cancelling it does nothing
        List<Entry> want = new ArrayList<>();
        for (int i = 1; i < 256; i += 4) {
            want.add(new Entry(1000 + i, i));
        }
        want.add(new Entry(5000, 999));
        assertThat(drain(q)).isEqualTo(want);
    }

    @Test
    void aFullRunOfMostlyLiveEntriesGrows() {
        TimerQueue q = new TimerQueue();
        int capacity = q.runCapacity();
        for (int i = 0; i < 257; i++) {
            q.add(1000 + i, connection(i));
        }
        assertThat(q.runCapacity()).isGreaterThan(capacity);
        assertThat(drain(q)).hasSize(257);
    }

    @Test
    void aCancelledHeadComesOutWithoutItsConnection() {
        TimerQueue q = new TimerQueue();
        Connection a = connection(1);
        long ha = q.add(10, a);
        q.add(20, connection(2));
        q.cancel(ha, a);
        assertThat(q.peekAt()).isEqualTo(10);
        assertThat(drain(q)).containsExactly(new Entry(10, -1), new Entry(20, 2));
    }

    @Test
    void cancellingAnEntryAlreadyTaken_leavesTheNextUseOfItsSlotAlone() {
        TimerQueue q = new TimerQueue();
        Connection a = connection(1), b = connection(2);
        long ha = q.add(10, a);
        q.poll();
        q.add(20, b);
        q.cancel(ha, a);
        for (int i = 0; i < 300; i++) {
            q.add(30 + i, connection(100 + i)); // the ring wraps over a's old slot
        }
        q.cancel(ha, a);
        assertThat(drain(q).subList(0, 2)).containsExactly(new Entry(20, 2), new Entry(30, 100));
    }

    @Test
    void entriesInTheHeapCannotBeCancelled() {
        TimerQueue q = new TimerQueue();
        for (int i = 0; i < 4; i++) {
            assertThat(q.add(100 - i, connection(i))).isNotEqualTo(TimerQueue.NO_HANDLE);
        }
        Connection late = connection(9);
        assertThat(q.add(50, late)).isEqualTo(TimerQueue.NO_HANDLE); // fits no run: the heap
    }

    @Test
    void upcomingSkipsCancelledEntries() {
        TimerQueue q = new TimerQueue();
        Connection a = connection(1), b = connection(2), c = connection(3);
        q.add(10, a);
        long hb = q.add(11, b);
        q.add(12, c);
        q.cancel(hb, b);
        Connection[] out = new Connection[16];
        assertThat(q.upcoming(out, 16)).isEqualTo(2);
        assertThat(out[0]).isSameAs(a);
        assertThat(out[1]).isSameAs(c);
    }

    @Test
    void equalDeadlinesComeOutInTheOrderTheyWereAdded() {
        TimerQueue q = new TimerQueue();
        q.add(60, connection(1));
        q.add(5, connection(2));
        q.add(60, connection(3));
        q.add(5, connection(4));
        q.add(61, connection(5));
        assertThat(drain(q)).containsExactly(new Entry(5, 2), new Entry(5, 4), new Entry(60, 1), new Entry(60, 3),
                new Entry(61, 5));
    }

    @Test
    void deadlinesOutOfOrderOverflowIntoTheHeapAndStillComeOutSorted() {
        TimerQueue q = new TimerQueue();
        // six decreasing deadlines: the runs take four, the heap the rest
        for (int i = 0; i < 6; i++) {
            q.add(100 - i, connection(i));
        }
        q.add(95, connection(6));
        q.add(200, connection(7));
        assertThat(drain(q)).containsExactly(new Entry(95, 5), new Entry(95, 6), new Entry(96, 4), new Entry(97, 3),
                new Entry(98, 2), new Entry(99, 1), new Entry(100, 0), new Entry(200, 7));
    }

    @Test
    void matchesAStableSortOfRandomDeadlinesWithInterleavedPolls() {
        Random random = new Random(7);
        TimerQueue q = new TimerQueue();
        List<Entry> pending = new ArrayList<>();
        List<Entry> got = new ArrayList<>();
        List<Entry> expected = new ArrayList<>();
        long now = 0;
        for (int i = 0; i < 20_000; i++) {
            now += random.nextInt(3);
            // mostly now + one of three fixed durations; sometimes a deadline in the past of the others
            long at = random.nextInt(20) == 0 ? now - random.nextInt(50)
                    : now + new long[] {60, 60, 5, 30}[random.nextInt(4)];
            q.add(at, connection(i));
            pending.add(new Entry(at, i));
            if (random.nextInt(3) == 0) {
                pending.sort(Comparator.comparingLong(Entry::at).thenComparingInt(Entry::id));
                expected.add(pending.remove(0));
                got.add(new Entry(q.peekAt(), q.peekConnection().incarnation));
                q.poll();
            }
        }
        pending.sort(Comparator.comparingLong(Entry::at).thenComparingInt(Entry::id));
        expected.addAll(pending);
        got.addAll(drain(q));
        assertThat(got).isEqualTo(expected);
    }

    @Test
    void rememberTheGenerationOfTheConnectionWhenQueued() {
        TimerQueue q = new TimerQueue();
        Connection c = connection(1);
        c.generation = 3;
        q.add(10, c);
        c.generation = 4;
        assertThat(q.peekGeneration()).isEqualTo(3);
        q.clear();
        assertThat(q.isEmpty()).isTrue();
    }

    private static List<Integer> ids(Connection[] out, int n) {
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(out[i].incarnation);
        }
        return ids;
    }

    @Test
    void upcomingHandsOutTheNextEntriesOfEachRunOnce_andMoreWhenFewAreLeftAhead() {
        TimerQueue q = new TimerQueue();
        for (int i = 0; i < 20; i++) {
            q.add(100 + i, connection(i)); // one run: deadlines in order
        }
        q.add(50, connection(100)); // a second run (50 is earlier than the first run's last deadline)
        q.add(51, connection(101));
        Connection[] out = new Connection[8];
        assertThat(ids(out, q.upcoming(out, 8))).as("at most eight in all").containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        assertThat(ids(out, q.upcoming(out, 8))).as("eight are ahead in the first run, none in the second")
                .containsExactly(100, 101);
        assertThat(q.upcoming(out, 8)).isZero();
        for (int i = 0; i < 6; i++) {
            q.poll(); // 50, 51, then 0..3 of the first run
        }
        assertThat(q.upcoming(out, 8)).as("4..7 ahead of the head: not fewer than half of eight").isZero();
        q.poll();
        assertThat(q.peekConnection().incarnation).isEqualTo(5);
        assertThat(ids(out, q.upcoming(out, 8))).containsExactly(8, 9, 10, 11, 12, 13, 14, 15);
        for (int i = 0; i < 12; i++) {
            q.poll(); // 5..16: one past what was handed out
        }
        assertThat(ids(out, q.upcoming(out, 8))).containsExactly(17, 18, 19);
        assertThat(q.upcoming(out, 8)).isZero();
        q.clear();
        q.add(7, connection(200));
        assertThat(ids(out, q.upcoming(out, 8))).containsExactly(200);
    }
}
