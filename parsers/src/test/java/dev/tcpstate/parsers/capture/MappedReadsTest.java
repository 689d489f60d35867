package dev.tcpstate.parsers.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappedReadsTest {
    private static byte[] counting(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + i / 251);
        }
        return b;
    }

    /** Everything {@code ch} gives, read into buffers of the given sizes in turn. */
    private static byte[] drain(ReadableByteChannel ch, int... sizes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int k = 0; ; k++) {
            ByteBuffer b = ByteBuffer.allocate(sizes[k % sizes.length]);
            int n = ch.read(b);
            if (n < 0) {
                return out.toByteArray();
            }
            out.write(b.array(), 0, b.position());
        }
    }

    @Test
    void readsTheFileFromTheChannelsPositionAcrossWindows(@TempDir Path dir) throws IOException {
        byte[] content = counting(10_000);
        Path f = dir.resolve("bytes.bin");
        Files.write(f, content);
        try (FileChannel fc = FileChannel.open(f, StandardOpenOption.READ)) {
            fc.position(37);
            ReadableByteChannel ch = MappedReads.of(fc, 300);
            assertThat(ch).isInstanceOf(MappedReads.class);
            assertThat(drain(ch, 1, 64, 1000, 7, 4096)).isEqualTo(Arrays.copyOfRange(content, 37, content.length));
            assertThat(ch.read(ByteBuffer.allocate(10))).isEqualTo(-1);
        }
    }

    @Test
    void aFileThatGrowsIsReadOnToItsNewEnd(@TempDir Path dir) throws IOException {
        byte[] content = counting(5_000);
        Path f = dir.resolve("growing.bin");
        Files.write(f, Arrays.copyOf(content, 2_000));
        try (FileChannel fc = FileChannel.open(f, StandardOpenOption.READ)) {
            ReadableByteChannel ch = MappedReads.of(fc, 512);
            assertThat(drain(ch, 300)).isEqualTo(Arrays.copyOf(content, 2_000));
            Files.write(f, Arrays.copyOfRange(content, 2_000, content.length), StandardOpenOption.APPEND);
            assertThat(drain(ch, 300)).isEqualTo(Arrays.copyOfRange(content, 2_000, content.length));
        }
    }

    @Test
    void anEmptyFileIsReadThroughTheChannel(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("empty.bin");
        Files.write(f, new byte[0]);
        try (FileChannel fc = FileChannel.open(f, StandardOpenOption.READ)) {
            assertThat(MappedReads.of(fc)).isSameAs(fc);
        }
    }

    @Test
    void closingClosesTheFile(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("bytes.bin");
        Files.write(f, counting(100));
        FileChannel fc = FileChannel.open(f, StandardOpenOption.READ);
        ReadableByteChannel ch = MappedReads.of(fc, 64);
        ch.read(ByteBuffer.allocate(10));
        ch.close();
        assertThat(fc.isOpen()).isFalse();
        assertThat(ch.isOpen()).isFalse();
        assertThatThrownBy(() -> ch.read(ByteBuffer.allocate(10))).isInstanceOf(ClosedChannelException.class);
    }

    @Test
    void pcapRecordsThatStraddleWindowsReadTheSameAsFromAStream(@TempDir Path dir) throws IOException {
        CaptureBytes c = CaptureBytes.pcap(ByteOrder.LITTLE_ENDIAN, false, 65535, 1);
        for (int i = 0; i < 200; i++) {
            byte[] data = Arrays.copyOfRange(counting(2000), i, i + 40 + (i * 37) % 900);
            c.record(1_700_000_000L + i, i * 1000L, data, data.length + (i % 3));
        }
        byte[] file = c.bytes();
        Path f = dir.resolve("many.pcap");
        Files.write(f, file);
        ReadAll expected = new ReadAll("many.pcap", file);
        List<ReadAll.Packet> got = new ArrayList<>();
        try (PcapReader reader = new PcapReader("many.pcap",
                MappedReads.of(FileChannel.open(f, StandardOpenOption.READ), 1000), p -> { })) {
            PacketRecord r = new PacketRecord();
            while (reader.next(r)) {
                got.add(new ReadAll.Packet(r.packetNumber, r.timestampNanos, r.linkType, r.interfaceId,
                        r.originalLength, Arrays.copyOfRange(r.buffer.array(), r.offset, r.offset + r.capturedLength),
                        r.fileOffset));
            }
            assertThat(reader.damaged()).isFalse();
        }
        assertThat(got).hasSize(200);
        assertThat(got).usingRecursiveFieldByFieldElementComparator().isEqualTo(expected.packets);
    }
}
