package dev.tcpstate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tcpstate.parsers.capture.PacketRecord;
import dev.tcpstate.parsers.live.PcapWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** info reads a large pcap file in parts on several threads and reports exactly what one pass would. */
class InfoPartsTest {
    private static final int PACKETS = 3000;
    private static final int PAIRS = 500;
    private static final int MALFORMED = 2222;

    @TempDir
    Path dir;

    private static final int THREADS = InfoCommand.threads;

    @AfterEach
    void restore() {
        InfoCommand.minPartBytes = InfoCommand.MIN_PART_BYTES;
        InfoCommand.threads = THREADS;
    }

    /** Raw IPv4 + TCP, checksum field left 0 (not the right sum); packet {@link #MALFORMED} has data offset 4. */
    private static byte[] segment(int n) {
        int payload = n % 7 == 0 ? 100 : 0;
        ByteBuffer b = ByteBuffer.allocate(40 + payload);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (40 + payload)).putShort((short) n).putShort((short) 0x4000)
                .put((byte) 64).put((byte) 6).putShort((short) 0);
        b.putInt(0x0a000001 + n % 3).putInt(0x0a000100);
        b.putShort((short) (20000 + n % PAIRS)).putShort((short) 443).putInt(n).putInt(0)
                .put((byte) (n == MALFORMED ? 0x40 : 0x50)).put((byte) 0x10)
                .putShort((short) 65535).putShort((short) 0).putShort((short) 0);
        return b.array();
    }

    private Path capture() throws IOException {
        Path capture = dir.resolve("many.pcap");
        try (PcapWriter w = new PcapWriter(capture, 101, 65535)) {
            PacketRecord r = new PacketRecord();
            for (int n = 1; n <= PACKETS; n++) {
                byte[] frame = segment(n);
                r.packetNumber = n;
                r.timestampNanos = 1_700_000_000_000_000_000L + n * 1_000_000L;
                r.capturedLength = frame.length;
                r.originalLength = frame.length;
                r.buffer = ByteBuffer.wrap(frame);
                r.offset = 0;
                w.write(r);
            }
        }
        return capture;
    }

    @Test
    void aFileReadInPartsGivesTheSameSummaryAsOnePass() throws IOException {
        Path capture = capture();
        Cli wholeJson = Cli.run("info", "--format", "json", capture.toString());
        Cli wholeText = Cli.run("info", capture.toString());

        InfoCommand.minPartBytes = Files.size(capture) / 40;    // 16 parts, a few hundred packets each
        Cli partsJson = Cli.run("info", "--format", "json", capture.toString());
        Cli partsText = Cli.run("info", capture.toString());

        JsonNode n = new ObjectMapper().readTree(partsJson.out());
        assertThat(n.get("packets").asLong()).isEqualTo(PACKETS);
        // Source address repeats every 3 packets and source port every 500: 1500 pairs, each seen twice (the
        // malformed packet's pair is also packet 722's).
        assertThat(n.get("socket_pairs").asLong()).isEqualTo(1500);
        assertThat(n.get("tcp_segments").asLong()).isEqualTo(PACKETS - 1);
        assertThat(partsJson.err()).contains("packet " + MALFORMED + ":").contains("TCP data offset 4");

        assertThat(partsJson.out()).isEqualTo(wholeJson.out());
        assertThat(partsJson.err()).isEqualTo(wholeJson.err());
        assertThat(partsText.out()).isEqualTo(wholeText.out());
        assertThat(partsJson.exitCode()).isEqualTo(wholeJson.exitCode()).isZero();

        // One thread, and three (whose pair sets are merged rather than counted two by two), give the same.
        for (int threads : new int[] {1, 3}) {
            InfoCommand.threads = threads;
            Cli json = Cli.run("info", "--format", "json", capture.toString());
            assertThat(json.out()).isEqualTo(wholeJson.out());
            assertThat(json.err()).isEqualTo(wholeJson.err());
        }
    }
}
