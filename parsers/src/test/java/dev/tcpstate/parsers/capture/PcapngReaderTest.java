package dev.tcpstate.parsers.capture;

import static dev.tcpstate.parsers.capture.CaptureBytes.payload;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PcapngReaderTest {

    @Test
    void sectionsOfBothByteOrdersWithSeveralInterfaces() throws IOException {
        byte[] file = CaptureBytes.pcapng()
                .section(ByteOrder.LITTLE_ENDIAN)
                .interfaceBlock(1, 65535, null, null)
                .interfaceBlock(113, 262144, 9, null)
                .enhancedPacket(0, 1_700_000_000_000_001L, payload(60, 1), 60)
                .enhancedPacket(1, 1_700_000_000_123_456_789L, payload(50, 2), 80)
                .block(0x00000BAD, new byte[20])
                .section(ByteOrder.BIG_ENDIAN)
                .interfaceBlock(101, 0, 0x80 | 20, 1000L)
                .enhancedPacket(0, 3L << 20 | 1L << 19, payload(44, 3), 44)
                .bytes();
        ReadAll all = new ReadAll("two.pcapng", file);
        assertThat(all.reader.formatDescription()).isEqualTo("pcapng (2 sections, mixed byte order)");
        assertThat(all.reader.interfaces()).containsExactly(new CaptureInterface(1, 65535, "eth0"),
                new CaptureInterface(113, 262144, "eth0"), new CaptureInterface(101, 0, "eth0"));
        assertThat(all.packets).hasSize(3);
        assertThat(all.packets.get(0)).satisfies(p -> {
            assertThat(p.nanos()).isEqualTo(1_700_000_000_000_001_000L);
            assertThat(p.linkType()).isEqualTo(1);
            assertThat(p.iface()).isZero();
            assertThat(p.data()).isEqualTo(payload(60, 1));
        });
        assertThat(all.packets.get(1)).satisfies(p -> {
            assertThat(p.nanos()).isEqualTo(1_700_000_000_123_456_789L);
            assertThat(p.linkType()).isEqualTo(113);
            assertThat(p.iface()).isEqualTo(1);
            assertThat(p.origLen()).isEqualTo(80);
        });
        assertThat(all.packets.get(2)).satisfies(p -> {
            // 2^-20 s units: 3.5 s, plus if_tsoffset 1000 s
            assertThat(p.nanos()).isEqualTo(1_003_500_000_000L);
            assertThat(p.linkType()).isEqualTo(101);
            assertThat(p.iface()).isEqualTo(2);
            assertThat(p.number()).isEqualTo(3);
            assertThat(p.data()).isEqualTo(payload(44, 3));
        });
        assertThat(all.problems).isEmpty();
    }

    @Test
    void simpleAndObsoletePacketBlocks() throws IOException {
        byte[] file = CaptureBytes.pcapng()
                .section(ByteOrder.BIG_ENDIAN)
                .interfaceBlock(1, 64, null, null)
                .simplePacket(payload(64, 5), 100)
                .obsoletePacket(0, 2_000_000L, payload(30, 6), 30)
                .bytes();
        ReadAll all = new ReadAll("old.pcapng", file);
        assertThat(all.reader.formatDescription()).isEqualTo("pcapng (1 section, big-endian)");
        assertThat(all.packets).hasSize(2);
        assertThat(all.packets.get(0).data()).isEqualTo(payload(64, 5));
        assertThat(all.packets.get(0).origLen()).isEqualTo(100);
        assertThat(all.packets.get(1).nanos()).isEqualTo(2_000_000_000L);
        assertThat(all.packets.get(1).data()).isEqualTo(payload(30, 6));
    }

    @Test
    void blockRunningPastTheEndOfTheFileKeepsEarlierPackets() throws IOException {
        byte[] whole = CaptureBytes.pcapng().section(ByteOrder.LITTLE_ENDIAN).interfaceBlock(1, 65535, null, null)
                .enhancedPacket(0, 1, payload(60, 1), 60).enhancedPacket(0, 2, payload(60, 2), 60).bytes();
        byte[] cut = Arrays.copyOf(whole, whole.length - 30);
        ReadAll all = new ReadAll("cut.pcapng", cut);
        assertThat(all.packets).hasSize(1);
        assertThat(all.reader.damaged()).isTrue();
        int secondBlock = whole.length - 92;
        assertThat(all.problemLines()).containsExactly("cut.pcapng: offset " + secondBlock
                + ", packet 2: block type 0x00000006 says 92 bytes but the file ends after 62 (capture cut off?)");
    }

    @Test
    void absurdBlockLengthStopsReadingWithoutAllocating() throws IOException {
        byte[] good = CaptureBytes.pcapng().section(ByteOrder.LITTLE_ENDIAN).interfaceBlock(1, 65535, null, null)
                .enhancedPacket(0, 1, payload(60, 1), 60).bytes();
        byte[] bad = {6, 0, 0, 0, (byte) 0xfc, (byte) 0xff, (byte) 0xff, (byte) 0x7f, 0, 0, 0, 0};
        byte[] file = new byte[good.length + bad.length];
        System.arraycopy(good, 0, file, 0, good.length);
        System.arraycopy(bad, 0, file, good.length, bad.length);
        ReadAll all = new ReadAll("huge.pcapng", file);
        assertThat(all.packets).hasSize(1);
        assertThat(all.problemLines()).containsExactly("huge.pcapng: offset " + good.length
                + ", packet 2: block type 0x00000006 has length 2147483644 (expected a multiple of 4 from 12 to 16777216); reading stops");
    }

    @Test
    void packetOnAnUndescribedInterfaceIsSkipped() throws IOException {
        byte[] file = CaptureBytes.pcapng().section(ByteOrder.LITTLE_ENDIAN).interfaceBlock(1, 65535, null, null)
                .enhancedPacket(3, 1, payload(60, 1), 60).enhancedPacket(0, 2, payload(60, 2), 60).bytes();
        ReadAll all = new ReadAll("iface.pcapng", file);
        assertThat(all.packets).extracting(ReadAll.Packet::data).containsExactly(payload(60, 2));
        assertThat(all.problemLines()).containsExactly("iface.pcapng: offset 60, packet 1: packet on interface 3 but"
                + " the section describes 1 interface(s); packet skipped");
    }

    @Test
    void capturedLengthBeyondItsBlockIsSkipped() throws IOException {
        CaptureBytes c = CaptureBytes.pcapng().section(ByteOrder.LITTLE_ENDIAN).interfaceBlock(1, 65535, null, null);
        byte[] body = java.nio.ByteBuffer.allocate(20 + 8).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(0).putInt(0).putInt(1).putInt(500).putInt(500).array();
        byte[] file = c.block(6, body).enhancedPacket(0, 2, payload(60, 2), 60).bytes();
        ReadAll all = new ReadAll("len.pcapng", file);
        assertThat(all.packets).hasSize(1);
        assertThat(all.problemLines()).containsExactly("len.pcapng: offset 60, packet 1: enhanced packet block says 500"
                + " captured bytes but holds only 8; packet skipped");
    }
}
