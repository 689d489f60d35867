package dev.tcpstate.analyzer.track;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link ConnectionTracker#byFirstPacket}: the order in which the live connections are reported and emitted. */
class LiveOrderTest {

    private static List<Connection> connections(long... firstPackets) {
        List<Connection> out = new ArrayList<>();
        for (int i = 0; i < firstPackets.length; i++) {
            Connection c = new Connection(new PairKey(), i + 1, true, false); // the incarnation tells them apart
            c.firstPacket = firstPackets[i];
            out.add(c);
        }
        return out;
    }

    private static List<Integer> order(List<Connection> sorted) {
        return sorted.stream().map(Connection::incarnation).toList();
    }

    @Test
    void byFirstPacket_tiesKeepListOrder() {
        assertThat(order(ConnectionTracker.byFirstPacket(connections(5, 3, 9, 3, 1)))).containsExactly(5, 2, 4, 1, 3);
    }

    @Test
    void numbersTooLargeToPackWithTheIndex_sortedAllTheSame() {
        long big = 1L << 62;
        assertThat(order(ConnectionTracker.byFirstPacket(connections(big, 7, 1L << 40, big - 1, 7))))
                .containsExactly(2, 5, 3, 4, 1);
    }

    @Test
    void empty() {
        assertThat(ConnectionTracker.byFirstPacket(new ArrayList<>())).isEmpty();
    }

    @Test
    void manyConnections_sameAsAStableSort() {
        Random r = new Random(7);
        long[] firsts = new long[100_000];
        for (int i = 0; i < firsts.length; i++) {
            firsts[i] = r.nextInt(50_000);
        }
        List<Connection> list = connections(firsts);
        List<Connection> expected = new ArrayList<>(list);
        expected.sort((a, b) -> Long.compare(a.firstPacket, b.firstPacket));
        assertThat(order(ConnectionTracker.byFirstPacket(list))).isEqualTo(order(expected));
    }
}
