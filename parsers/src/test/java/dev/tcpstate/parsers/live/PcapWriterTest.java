package dev.tcpstate.parsers.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcpstate.parsers.capture.CaptureReader;
import dev.tcpstate.parsers.capture.Captures;
import dev.tcpstate.parsers.capture.PacketRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PcapWriterTest {

    @Test
    void recordsReadBackWithNanosecondTimestampsAndBothLengths() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PacketRecord r = new PacketRecord();
        byte[] data = new byte[300];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        r.buffer = ByteBuffer.wrap(data);
        try (PcapWriter w = new PcapWriter(bytes, 1, 256)) {
            r.offset = 10;
            r.capturedLength = 60;
            r.originalLength = 1514;
            r.timestampNanos = 1_700_000_000_123_456_789L;
            w.write(r);
            r.offset = 0;
            r.capturedLength = 256;
            r.originalLength = 256;
            r.timestampNanos = 1_700_000_001_000_000_001L;
            w.write(r);
            assertThat(w.records()).isEqualTo(2);
            assertThat(w.bytes()).isEqualTo(24 + 16 + 60 + 16 + 256);
        }
        byte[] file = bytes.toByteArray();
        assertThat(Arrays.copyOf(file, 4)).containsExactly(0x4d, 0x3c, 0xb2, 0xa1);

        List<String> seen = new ArrayList<>();
        try (CaptureReader reader = Captures.open("t.pcap", new ByteArrayInputStream(file), p -> seen.add(p.toString()))) {
            assertThat(reader.interfaces()).singleElement().satisfies(i -> {
                assertThat(i.linkType()).isEqualTo(1);
                assertThat(i.snapLength()).isEqualTo(256);
            });
            PacketRecord in = new PacketRecord();
            assertThat(reader.next(in)).isTrue();
            assertThat(in.timestampNanos).isEqualTo(1_700_000_000_123_456_789L);
            assertThat(in.capturedLength).isEqualTo(60);
            assertThat(in.originalLength).isEqualTo(1514);
            assertThat(in.buffer.get(in.offset)).isEqualTo((byte) 10);
            assertThat(reader.next(in)).isTrue();
            assertThat(in.timestampNanos).isEqualTo(1_700_000_001_000_000_001L);
            assertThat(in.capturedLength).isEqualTo(256);
            assertThat(reader.next(in)).isFalse();
            assertThat(reader.damaged()).isFalse();
        }
        assertThat(seen).isEmpty();
    }

    @Test
    void ipv6AddressesInShortestForm() {
        assertThat(LiveCapture.compress("fe80:0:0:0:fc:ff:fe00:1")).isEqualTo("fe80::fc:ff:fe00:1");
        assertThat(LiveCapture.compress("0:0:0:0:0:0:0:1")).isEqualTo("::1");
        assertThat(LiveCapture.compress("fd00:0:0:0:0:0:0:2")).isEqualTo("fd00::2");
        assertThat(LiveCapture.compress("2001:db8:0:1:1:1:1:1")).isEqualTo("2001:db8:0:1:1:1:1:1");
    }

    @Test
    void dltRawMapsToLinktypeRaw() {
        assertThat(LiveCapture.linkTypeOf(12)).isEqualTo(101);
        assertThat(LiveCapture.linkTypeOf(1)).isEqualTo(1);
        assertThat(LiveCapture.linkTypeOf(113)).isEqualTo(113);
    }
}
