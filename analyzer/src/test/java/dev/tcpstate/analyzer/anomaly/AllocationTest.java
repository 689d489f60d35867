package dev.tcpstate.analyzer.anomaly;

import static dev.tcpstate.analyzer.anomaly.Wire.A;
import static dev.tcpstate.analyzer.anomaly.Wire.P;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

/** The common path (segments that show nothing unusual) allocates nothing in the detector. */
class AllocationTest {

    @Test
    void steadyDataExchange_noAllocationPerPacket() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Wire w = new Wire();
        Wire.Conv c = w.conv().established();
        for (int i = 0; i < 20_000; i++) c.client(P | A, 100).server(A); // warm-up (JIT)
        long tid = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(tid);
        int n = 100_000;
        for (int i = 0; i < n; i++) c.client(P | A, 100).server(A);
        long bytes = mx.getThreadAllocatedBytes(tid) - before;
        assertThat(w.out).isEmpty();
        assertThat(bytes / (2.0 * n)).as("bytes allocated per packet").isLessThan(1.0);
    }
}
