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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `connections` formats and writes its records on a thread of its own and reuses the connection objects it gets back;
 * `analyze --connections` writes them on the analysing thread. Both must give the same records, in the same order,
 * over enough connections that objects are handed back and reused many times over.
 */
class ConnectionRecordsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CONNECTIONS = 3000;

    @TempDir
    Path dir;

    /** A raw-IPv4 TCP segment from 10.0.0.1:sport to 10.0.0.2:80 or back (checksums left zero). */
    private static byte[] segment(boolean fromClient, int clientPort, int flags, int seq, int ack) {
        ByteBuffer b = ByteBuffer.allocate(40);
        b.put((byte) 0x45).put((byte) 0).putShort((short) 40).putShort((short) 0).putShort((short) 0x4000)
                .put((byte) 64).put((byte) 6).putShort((short) 0);
        b.putInt(fromClient ? 0x0a000001 : 0x0a000002).putInt(fromClient ? 0x0a000002 : 0x0a000001);
        b.putShort((short) (fromClient ? clientPort : 80)).putShort((short) (fromClient ? 80 : clientPort));
        b.putInt(seq).putInt(ack).put((byte) 0x50).put((byte) flags).putShort((short) 65535).putShort((short) 0)
                .putShort((short) 0);
        return b.array();
    }

    private static void write(PcapWriter w, long number, long timeNanos, byte[] frame) throws IOException {
        PacketRecord r = new PacketRecord();
        r.packetNumber = number;
        r.timestampNanos = timeNanos;
        r.capturedLength = frame.length;
        r.originalLength = frame.length;
        r.buffer = ByteBuffer.wrap(frame);
        r.offset = 0;
        w.write(r);
    }

    @Test
    void recordsWrittenOnTheirOwnThreadMatchThoseWrittenInline() throws IOException {
        // Connection i: SYN at 5i ms, refused by RST-ACK 0.5 ms later; every tenth one is instead answered and reset
        // by the client after the handshake. Ended connections leave the table 5 s (the linger) after their last
        // packet, so most leave while later ones are still arriving.
        Path capture = dir.resolve("many.pcap");
        long t0 = 1_700_000_000_000_000_000L;
        long n = 0;
        long[] firstPacket = new long[CONNECTIONS];
        try (PcapWriter w = new PcapWriter(capture, 101, 65535)) {
            for (int i = 0; i < CONNECTIONS; i++) {
                int port = 20000 + i;
                long t = t0 + i * 5_000_000L;
                firstPacket[i] = n + 1;
                write(w, ++n, t, segment(true, port, 0x02, 1000, 0));
                if (i % 10 == 0) {
                    write(w, ++n, t + 200_000, segment(false, port, 0x12, 5000, 1001));
                    write(w, ++n, t + 400_000, segment(true, port, 0x10, 1001, 5001));
                    write(w, ++n, t + 600_000, segment(true, port, 0x14, 1001, 5001));
                } else {
                    write(w, ++n, t + 500_000, segment(false, port, 0x14, 0, 1001));
                }
            }
        }
        Cli connections = Cli.run("connections", "--format", "jsonl", "--checksums", "ignore", capture.toString());
        assertThat(connections.exitCode()).isZero();
        Path inline = dir.resolve("inline.jsonl");
        Cli analyze = Cli.run("analyze", "--checksums", "ignore", "--connections", inline.toString(),
                capture.toString());
        assertThat(analyze.exitCode()).isZero();

        List<String> lines = connections.out().lines().toList();
        assertThat(lines).hasSize(CONNECTIONS);
        assertThat(lines).isEqualTo(Files.readAllLines(inline));
        for (int i = 0; i < CONNECTIONS; i++) {
            JsonNode c = JSON.readTree(lines.get(i));
            assertThat(c.get("orig_port").asInt()).isEqualTo(20000 + i);
            assertThat(c.get("orig_state").asText()).isEqualTo("CLOSED");
            assertThat(c.get("resp_state").asText()).isEqualTo("CLOSED");
            assertThat(c.get("zeek_conn_state").asText()).isEqualTo(i % 10 == 0 ? "RSTO" : "REJ");
            assertThat(c.get("first_packet").asLong()).isEqualTo(firstPacket[i]);
        }
    }
}
