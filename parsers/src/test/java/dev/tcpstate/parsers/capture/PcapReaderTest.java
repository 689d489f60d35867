package dev.tcpstate.parsers.capture;

import static dev.tcpstate.parsers.capture.CaptureBytes.payload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapReaderTest {

    @Test
    void littleEndianMicroseconds() throws IOException {
        byte[] file = CaptureBytes.pcap(ByteOrder.LITTLE_ENDIAN, false, 65535, 1)
                .record(1_700_000_000L, 123_456, payload(60, 1), 60)
                .record(1_700_000_001L, 999_999, payload(54, 2), 1514)
                .bytes();
        ReadAll all = new ReadAll("le.pcap", file);
        assertThat(all.reader.formatDescription()).isEqualTo("pcap 2.4 (little-endian, microsecond timestamps)");
        assertThat(all.reader.interfaces()).containsExactly(new CaptureInterface(1, 65535, null));
        assertThat(all.packets).hasSize(2);
        assertThat(all.packets.get(0).nanos()).isEqualTo(1_700_000_000_123_456_000L);
        assertThat(all.packets.get(0).data()).isEqualTo(payload(60, 1));
        assertThat(all.packets.get(0).fileOffset()).isEqualTo(24);
        assertThat(all.packets.get(1).number()).isEqualTo(2);
        assertThat(all.packets.get(1).nanos()).isEqualTo(1_700_000_001_999_999_000L);
        assertThat(all.packets.get(1).origLen()).isEqualTo(1514);
        assertThat(all.packets.get(1).data()).isEqualTo(payload(54, 2));
        assertThat(all.problems).isEmpty();
        assertThat(all.reader.damaged()).isFalse();
    }

    @Test
    void bigEndianNanoseconds() throws IOException {
        byte[] file = CaptureBytes.pcap(ByteOrder.BIG_ENDIAN, true, 262144, 101)
                .record(1_600_000_000L, 987_654_321L, payload(40, 7), 1500)
                .bytes();
        ReadAll all = new ReadAll("be.pcap", file);
        assertThat(all.reader.formatDescription()).isEqualTo("pcap 2.4 (big-endian, nanosecond timestamps)");
        assertThat(all.packets).singleElement().satisfies(p -> {
            assertThat(p.nanos()).isEqualTo(1_600_000_000_987_654_321L);
            assertThat(p.origLen()).isEqualTo(1500);
            assertThat(p.linkType()).isEqualTo(101);
            assertThat(p.data()).isEqualTo(payload(40, 7));
        });
    }

    @Test
    void gzipCompressedFileIsReadTransparently(@TempDir Path dir) throws IOException {
        byte[] file = CaptureBytes.pcap(ByteOrder.LITTLE_ENDIAN, false, 65535, 1)
                .record(10, 1, payload(60, 3), 60).record(11, 2, payload(70, 4), 70).bytes();
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
            z.write(file);
        }
        Path path = dir.resolve("capture.bin");
        Files.write(path, gz.toByteArray());
        try (CaptureReader reader = Captures.open(path.toString(), p -> { })) {
            PacketRecord r = new PacketRecord();
            assertThat(reader.next(r)).isTrue();
            assertThat(r.capturedLength).isEqualTo(60);
            assertThat(reader.next(r)).isTrue();
            assertThat(Arrays.copyOfRange(r.buffer.array(), r.offset, r.offset + 70)).isEqualTo(payload(70, 4));
            assertThat(reader.next(r)).isFalse();
        }
    }

    @Test
    void gzipStreamCutOff_theRecordsBeforeTheCutAreRead_thenTheFailure() throws IOException {
        // 300 records of 100 bytes (37 KB), compressed, the compressed stream cut in half: the reader's first read
        // gets part of the data and then the end of the stream. What was decompressed comes out record by record;
        // the failure follows, where the reader needed more.
        CaptureBytes c = CaptureBytes.pcap(ByteOrder.LITTLE_ENDIAN, false, 65535, 1);
        for (int i = 0; i < 300; i++) {
            c.record(10 + i, 0, payload(100, i), 100);
        }
        byte[] file = c.bytes();
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
            z.write(file);
        }
        byte[] cut = Arrays.copyOf(gz.toByteArray(), gz.size() / 2);
        try (CaptureReader reader = Captures.open("cut.pcap.gz", new java.io.ByteArrayInputStream(cut), p -> { })) {
            PacketRecord r = new PacketRecord();
            int read = 0;
            IOException failure = null;
            try {
                while (reader.next(r)) {
                    assertThat(Arrays.copyOfRange(r.buffer.array(), r.offset, r.offset + 100))
                            .isEqualTo(payload(100, read));
                    read++;
                }
            } catch (IOException e) {
                failure = e;
            }
            assertThat(failure).isInstanceOf(java.io.EOFException.class)
                    .hasMessage("Unexpected end of ZLIB input stream");
            assertThat(read).isBetween(1, 299);
            // the failure comes where the decompressed data ends: inside the record after the last one read
            assertThat(reader.bytesRead()).isEqualTo(24 + read * 116L);
        }
    }

    @Test
    void plainFileIsRecognisedByMagicNotExtension(@TempDir Path dir) throws IOException {
        Path path = dir.resolve("capture.pcapng");
        Files.write(path, CaptureBytes.pcap(ByteOrder.LITTLE_ENDIAN, false, 65535, 1).record(1, 0, payload(60, 0), 60).bytes());
        try (CaptureReader reader = Captures.open(path.toString(), p -> { })) {
            assertThat(reader.formatDescription()).startsWith("pcap 2.4");
            assertThat(reader.next(new PacketRecord())).isTrue();
        }
    }

    @Test
    void fileCutOffInsideRecordDataKeepsEarlierPackets() throws IOException {
        byte[] whole = CaptureBytes.pcap(ByteOrder.LITTLE_ENDIAN, false, 65535, 1)
                .record(1, 0, payload(60, 1), 60).record(2, 0, payload(60, 2), 60).bytes();
        byte[] cut = Arrays.copyOf(whole, whole.length - 20);
        ReadAll all = new ReadAll("cut.pcap", cut);
        assertThat(all.packets).hasSize(1);
        assertThat(all.reader.damaged()).isTrue();
        assertThat(all.problemLines()).containsExactly(
                "cut.pcap: offset 100, packet 2: file ends after 40 of 60 captured bytes of the packet (capture cut off?)");
    }

    @Test
    void fileCutOffInsideRecordHeader() throws IOException {
        byte[] whole = CaptureBytes.pcap(ByteOrder.LITTLE_ENDIAN, false, 65535, 1)
                .record(1, 0, payload(60, 1), 60).recordHeader(2, 0, 60, 60).bytes();
        ReadAll all = new ReadAll("cut.pcap", Arrays.copyOf(whole, whole.length - 9));
        assertThat(all.packets).hasSize(1);
        assertThat(all.problemLines()).containsExactly(
                "cut.pcap: offset 100, packet 2: file ends 7 bytes into a 16-byte record header (capture cut off?)");
    }

    @Test
    void capturedLengthAboveSnapLengthIsReportedAndRead() throws IOException {
        byte[] file = CaptureBytes.pcap(ByteOrder.LITTLE_ENDIAN, false, 64, 1)
                .record(1, 0, payload(100, 1), 100).bytes();
        ReadAll all = new ReadAll("snap.pcap", file);
        assertThat(all.packets).hasSize(1);
        assertThat(all.reader.damaged()).isFalse();
        assertThat(all.problemLines()).containsExactly(
                "snap.pcap: offset 24, packet 1: captured length 100 exceeds the file's snap length 64 (read anyway)");
    }

    @Test
    void absurdCapturedLengthIsSkippedToTheNextPlausibleRecord() throws IOException {
        byte[] file = CaptureBytes.pcap(ByteOrder.LITTLE_ENDIAN, false, 65535, 1)
                .record(100, 0, payload(60, 1), 60)
                .recordHeader(101, 0, 0x7fff_0000L, 60).raw(payload(60, 2))
                .record(102, 0, payload(60, 3), 60)
                .record(103, 0, payload(60, 4), 60)
                .bytes();
        ReadAll all = new ReadAll("corrupt.pcap", file);
        assertThat(all.packets).extracting(ReadAll.Packet::nanos)
                .containsExactly(100_000_000_000L, 102_000_000_000L, 103_000_000_000L);
        assertThat(all.packets.get(1).data()).isEqualTo(payload(60, 3));
        assertThat(all.reader.damaged()).isTrue();
        assertThat(all.problemLines()).containsExactly(
                "corrupt.pcap: offset 100, packet 2: corrupt record header: 2147418112 captured bytes (expected at most 262144);"
                        + " skipped 76 bytes to the next plausible record at offset 176");
    }

    @Test
    void corruptHeaderWithNothingPlausibleAfterItStopsReading() throws IOException {
        byte[] file = CaptureBytes.pcap(ByteOrder.LITTLE_ENDIAN, false, 65535, 1)
                .record(100, 0, payload(60, 1), 60)
                .recordHeader(101, 0, 0xffff_ffffL, 0xffff_ffffL).raw(new byte[10])
                .bytes();
        ReadAll all = new ReadAll("corrupt.pcap", file);
        assertThat(all.packets).hasSize(1);
        assertThat(all.problemLines()).containsExactly("corrupt.pcap: offset 100, packet 2: corrupt record header:"
                + " 4294967295 captured bytes (expected at most 262144); no plausible record follows, reading stops");
    }

    @Test
    void notACaptureIsRejectedWithItsMagic() {
        assertThatThrownBy(() -> new ReadAll("notes.txt", "hello world".getBytes()))
                .isInstanceOf(CaptureFormatException.class)
                .hasMessage("notes.txt: offset 0: not a capture: magic number 68656c6c (expected pcap a1b2c3d4/a1b23c4d"
                        + " in either byte order, pcapng 0a0d0d0a, or gzip 1f8b)");
    }

    @Test
    void headerCutShortIsRejected() {
        byte[] file = Arrays.copyOf(CaptureBytes.pcap(ByteOrder.LITTLE_ENDIAN, false, 65535, 1).bytes(), 10);
        assertThatThrownBy(() -> new ReadAll("short.pcap", file))
                .isInstanceOf(CaptureFormatException.class)
                .hasMessage("short.pcap: offset 0: file ends after 10 bytes, inside the 24-byte pcap file header");
    }

    @Test
    void recordsLargerThanTheInitialWindowAreRead() throws IOException {
        CaptureBytes c = CaptureBytes.pcap(ByteOrder.LITTLE_ENDIAN, false, 262144, 1);
        for (int i = 0; i < 40; i++) {
            c.record(i, 0, payload(200_000, i), 200_000);
        }
        ReadAll all = new ReadAll("big.pcap", c.bytes());
        assertThat(all.packets).hasSize(40);
        assertThat(all.packets.get(39).data()).isEqualTo(payload(200_000, 39));
        assertThat(all.problems).isEmpty();
    }
}
