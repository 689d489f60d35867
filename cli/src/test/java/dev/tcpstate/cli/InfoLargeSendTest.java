package dev.tcpstate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tcpstate.parsers.capture.PacketRecord;
import dev.tcpstate.parsers.live.PcapWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A large send captured on the sending host (IPv4 total length 0) is counted and said by info. */
class InfoLargeSendTest {
    @TempDir
    Path dir;

    private static byte[] segment(int ipTotalLength, int flags, int payload) {
        ByteBuffer b = ByteBuffer.allocate(40 + payload);
        b.put((byte) 0x45).put((byte) 0).putShort((short) ipTotalLength).putShort((short) 0).putShort((short) 0x4000)
                .put((byte) 64).put((byte) 6).putShort((short) 0);
        b.putInt(0x0a000001).putInt(0x0a000002);
        b.putShort((short) 40000).putShort((short) 80).putInt(1000).putInt(5001).put((byte) 0x50).put((byte) flags)
                .putShort((short) 65535).putShort((short) 0).putShort((short) 0);
        return b.array();
    }

    private static void write(PcapWriter w, long n, byte[] frame) throws IOException {
        PacketRecord r = new PacketRecord();
        r.packetNumber = n;
        r.timestampNanos = 1_700_000_000_000_000_000L + n * 1_000_000L;
        r.capturedLength = frame.length;
        r.originalLength = frame.length;
        r.buffer = ByteBuffer.wrap(frame);
        w.write(r);
    }

    @Test
    void infoCountsIpv4PacketsWithTotalLengthZero() throws IOException {
        Path capture = dir.resolve("lso.pcap");
        try (PcapWriter w = new PcapWriter(capture, 101, 65535)) {
            write(w, 1, segment(40, 0x10, 0));        // an ACK with its real length
            write(w, 2, segment(0, 0x18, 4000));      // a 4000-byte send before segmentation: total length 0
        }
        Cli json = Cli.run("info", "--format", "json", capture.toString());
        assertThat(json.exitCode()).isZero();
        JsonNode n = new ObjectMapper().readTree(json.out());
        assertThat(n.get("ipv4_zero_length_packets").asLong()).isEqualTo(1);
        assertThat(n.get("tcp_segments").asLong()).isEqualTo(2);
        assertThat(n.get("socket_pairs").asLong()).isEqualTo(1);

        Cli text = Cli.run("info", capture.toString());
        assertThat(text.out()).contains("large sends     1 IPv4 packets with total length 0 (segmentation offload on"
                + " the capturing host): length taken from the frame");
    }
}
