package dev.tcpstate.parsers.decode;

import static dev.tcpstate.parsers.decode.PacketBuilder.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tcpstate.parsers.capture.PacketRecord;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** Decoding records that are not fragments, from one capture buffer, must not allocate. */
class AllocationTest {
    @Test
    void decodingAllocatesNothingPerPacket() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertThat(threads.isThreadAllocatedMemorySupported()).isTrue();
        PacketRecord[] records = inOneBuffer(
                record(LinkType.ETHERNET, ethernet(0x0800, ipv4Tcp(tcp().options(nop(), nop(), timestamps(1, 2)).payload(200)))),
                record(LinkType.ETHERNET, ethernet(0x8100, vlan(3, 0x86dd, ipv6(0, concat(extensionHeader(6, 1),
                        tcp().flags(TcpPacket.SYN).options(mss(1460), sackPermitted(), windowScale(7)).build6()))))),
                record(LinkType.NFLOG, nflog(2, ipv4Tcp(tcp().corruptChecksum()))),
                record(LinkType.ETHERNET, ethernet(0x0800, ipv4().ihl(3).build(new byte[20]))),
                record(LinkType.ETHERNET, ethernet(0x0806, new byte[28])),
                record(LinkType.ETHERNET, ethernet(0x0800, ipv4Tcp(tcp().payload(1000))), 200));
        PacketDecoder decoder = new PacketDecoder();
        TcpPacket out = new TcpPacket();
        for (int i = 0; i < 20_000; i++) decoder.decode(records[i % records.length], out);

        long tid = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(tid);
        int tcp = 0;
        for (int i = 0; i < 120_000; i++) {
            if (decoder.decode(records[i % records.length], out) == DecodeResult.TCP) tcp++;
        }
        long allocated = threads.getThreadAllocatedBytes(tid) - before;

        assertThat(tcp).isEqualTo(80_000);
        // The measurement itself may allocate a little; 120 000 packets allocating even 8 bytes each would be ~1 MB.
        assertThat(allocated).isLessThan(16_384);
    }
}
