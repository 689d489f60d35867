package dev.tcpstate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Several captures given together are one analysis, merged in timestamp order. */
class MergeTest {

    @TempDir
    Path tmp;

    /** The records of a classic pcap file, each with its 16-byte header. */
    static List<byte[]> records(byte[] pcap) {
        ByteBuffer b = ByteBuffer.wrap(pcap);
        int magic = b.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
            b.order(ByteOrder.BIG_ENDIAN);
        }
        List<byte[]> out = new ArrayList<>();
        int pos = 24;
        while (pos + 16 <= pcap.length) {
            int caplen = b.getInt(pos + 8);
            byte[] rec = new byte[16 + caplen];
            System.arraycopy(pcap, pos, rec, 0, rec.length);
            out.add(rec);
            pos += rec.length;
        }
        return out;
    }

    /** Writes the records whose index {@code keep} accepts, after the original file header. */
    static Path write(Path file, byte[] pcap, List<byte[]> recs, java.util.function.IntPredicate keep)
            throws IOException {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(pcap, 0, 24);
        for (int i = 0; i < recs.size(); i++) {
            if (keep.test(i)) {
                o.write(recs.get(i));
            }
        }
        Files.write(file, o.toByteArray());
        return file;
    }

    @ParameterizedTest
    @ValueSource(strings = {"time-wait-reuse-client.pcap", "orphaned-fin-wait-2-expired.pcap", "syn-flood.pcap",
            "accept-queue-overflow.pcap"})
    void aCaptureSplitInTwoGivesTheSameResultAsTheWhole(String name) throws IOException {
        Path whole = Repo.sample(name);
        byte[] pcap = Files.readAllBytes(whole);
        List<byte[]> recs = records(pcap);
        int half = recs.size() / 2;
        Path first = write(tmp.resolve("first.pcap"), pcap, recs, i -> i < half);
        Path second = write(tmp.resolve("second.pcap"), pcap, recs, i -> i >= half);
        for (String command : List.of("connections", "anomalies")) {
            Cli expected = Cli.run(command, "--format=jsonl", whole.toString());
            // Given in the wrong order on purpose: the merge goes by timestamp, not by the order of the arguments.
            Cli merged = Cli.run(command, "--format=jsonl", second.toString(), first.toString());
            assertThat(merged.exitCode()).isZero();
            assertThat(merged.err()).isEmpty();
            assertThat(merged.out()).as(command).isEqualTo(expected.out());
        }
        Cli expected = Cli.run("analyze", "--format", "json", whole.toString());
        Cli merged = Cli.run("analyze", "--format", "json", first.toString(), second.toString());
        assertThat(merged.out().replaceAll("\"captures\" : \\[[^]]*]", ""))
                .isEqualTo(expected.out().replaceAll("\"captures\" : \\[[^]]*]", ""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"time-wait-reuse-server.pcap", "half-close.pcap"})
    void interleavedFilesAreMergedPacketByPacket(String name) throws IOException {
        Path whole = Repo.sample(name);
        byte[] pcap = Files.readAllBytes(whole);
        List<byte[]> recs = records(pcap);
        Path odd = write(tmp.resolve("odd.pcap"), pcap, recs, i -> i % 2 == 1);
        Path even = write(tmp.resolve("even.pcap"), pcap, recs, i -> i % 2 == 0);
        Cli expected = Cli.run("connections", "--transitions", whole.toString());
        Cli merged = Cli.run("connections", "--transitions", even.toString(), odd.toString());
        assertThat(merged.out()).isEqualTo(expected.out());
    }
}
