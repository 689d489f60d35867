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
            assertThat(reader.damaged()).isFalse();
            reader.close();
        }
        List<Long> all = new ArrayList<>();
        for (long i = 0; i < 1000; i++) {
            all.add(i);
        }
        assertThat(seconds).isEqualTo(all);
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
