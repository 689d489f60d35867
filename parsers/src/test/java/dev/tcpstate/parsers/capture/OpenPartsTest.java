package dev.tcpstate.parsers.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenPartsTest {
    private static byte[] data(int i) {
        byte[] b = new byte[30 + (i * 53) % 400];
        Arrays.fill(b, (byte) i);
        return b;
    }

    private static Path file(Path dir, int records) throws IOException {
        CaptureBytes c = CaptureBytes.pcap(ByteOrder.LITTLE_ENDIAN, false, 65535, 1);
        for (int i = 0; i < records; i++) {
            c.record(1_700_000_000L + i, 0, data(i), 1500);
        }
        Path f = dir.resolve("parts.pcap");
        Files.write(f, c.bytes());
        return f;
    }

    private static List<Consumer<CaptureProblem>> listeners(int n) {
        return new ArrayList<>(Collections.nCopies(n, p -> { }));
    }

    @Test
    void partsStartAtRecordsAndTogetherHoldEveryRecordOnce(@TempDir Path dir) throws IOException {
        Path f = file(dir, 1000);
        long size = Files.size(f);
        List<CaptureReader> readers = Captures.openParts(f.toString(), 16, size / 20, listeners(16));
        assertThat(readers).hasSize(16);
        List<Long> seconds = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        PacketRecord r = new PacketRecord();
        for (CaptureReader reader : readers) {
            long n = 0;
            while (reader.next(r)) {
                assertThat(r.packetNumber).isEqualTo(++n);
                int i = (int) (r.timestampNanos / 1_000_000_000L - 1_700_000_000L);
                assertThat(Arrays.copyOfRange(r.buffer.array(), r.offset, r.offset + r.capturedLength)).isEqualTo(data(i));
                seconds.add((long) i);
            }
            assertThat(n).isPositive();
            counts.add(n);
            assertThat(reader.damaged()).isFalse();
            reader.close();
        }
        List<Long> all = new ArrayList<>();
        for (long i = 0; i < 1000; i++) {
            all.add(i);
        }
        assertThat(seconds).isEqualTo(all);
        // the first part is an eighth the size of the others (1000 records over 1 + 15 * 8 eighths: about 8, then 66)
        assertThat(counts.get(0)).isBetween(5L, 12L);
        assertThat(counts.subList(1, 16)).allSatisfy(n -> assertThat(n).isBetween(60L, 72L));
    }

    @Test
    void aSmallerFileGetsFewerPartsAndOneUnderTwoPartsIsReadWhole(@TempDir Path dir) throws IOException {
        Path f = file(dir, 1000);
        long size = Files.size(f);
        List<CaptureReader> three = Captures.openParts(f.toString(), 16, size / 3, listeners(16));
        assertThat(three).hasSize(3);
        for (CaptureReader reader : three) {
            reader.close();
        }
        List<CaptureReader> one = Captures.openParts(f.toString(), 16, size / 2 + 1, listeners(16));
        assertThat(one).hasSize(1);
        one.get(0).close();
    }
}
