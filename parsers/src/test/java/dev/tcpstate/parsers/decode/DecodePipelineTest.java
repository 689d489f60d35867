package dev.tcpstate.parsers.decode;

import static dev.tcpstate.parsers.decode.PacketBuilder.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.tcpstate.parsers.capture.CaptureReader;
import dev.tcpstate.parsers.capture.Captures;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DecodePipelineTest {
    private static final int RECORDS = 5000;
    private static final int FAIL_AT = 200_000;

    /** A pcap of raw-IPv4 TCP segments, each to its own destination port (the port says which record it is). */
    private static byte[] capture() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putInt(0xa1b2c3d4).putShort((short) 2)
                .putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(101).array());
        for (int i = 0; i < RECORDS; i++) {
            byte[] packet = ipv4Tcp(tcp().ports(40000, 1 + i).seq(i));
            out.writeBytes(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(1_700_000_000 + i).putInt(0)
                    .putInt(packet.length).putInt(packet.length).array());
            out.writeBytes(packet);
        }
        return out.toByteArray();
    }

    /** Gives the bytes up to {@code limit}, then fails as a disk or network read would. */
    private static InputStream failingAfter(byte[] bytes, int limit) {
        return new FilterInputStream(new ByteArrayInputStream(bytes)) {
            private int given;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (given >= limit) {
                    throw new IOException("device error");
                }
                int n = super.read(b, off, Math.min(len, limit - given));
                given += Math.max(n, 0);
                return n;
            }

            @Override
            public int read() throws IOException {
                throw new UnsupportedOperationException();
            }

            /** Nothing said to be ready, so the buffers above return what they have instead of asking for more. */
            @Override
            public int available() {
                return 0;
            }
        };
    }

    @Test
    void aReadFailureDeliversEveryRecordReadBeforeItThenRethrows() throws IOException {
        byte[] bytes = capture();
        int recordBytes = (bytes.length - 24) / RECORDS;
        CaptureReader reader = Captures.open("failing.pcap", failingAfter(bytes, FAIL_AT), p -> { });
        List<Long> numbers = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        DecodePipeline pipeline = new DecodePipeline(reader, new PacketDecoder(DecoderOptions.defaults()));
        assertThatThrownBy(() -> pipeline.run((r, result, tcp) -> {
            numbers.add(r.packetNumber);
            assertThat(result).isEqualTo(DecodeResult.TCP);
            ports.add(tcp.dstPort);
        })).isInstanceOf(IOException.class).hasMessageContaining("device error");

        // Every record wholly before the failure arrives: a full batch, then the batch being filled when the read
        // failed, which is handed on marked last.
        int before = (FAIL_AT - 24) / recordBytes;
        assertThat(before).isGreaterThan(Batch.RECORDS).isNotEqualTo(2 * Batch.RECORDS);
        assertThat(numbers).hasSize(before);
        for (int i = 0; i < numbers.size(); i++) {
            assertThat(numbers.get(i)).isEqualTo(i + 1);
            assertThat(ports.get(i)).isEqualTo(1 + i);
        }
    }

    @Test
    void stopFromTheSink_endsTheRunAfterTheBatchBeingDelivered_withoutReadingTheRest() {
        // The reading thread, ahead of the sink, is waiting for an empty batch the sink will not hand back: stop()
        // must not leave either thread waiting for the other.
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            CaptureReader reader = Captures.open("stop.pcap", new ByteArrayInputStream(capture()), p -> { });
            List<Integer> ports = new ArrayList<>();
            DecodePipeline pipeline = new DecodePipeline(reader, new PacketDecoder(DecoderOptions.defaults()));
            pipeline.run((r, result, tcp) -> {
                ports.add(tcp.dstPort);
                if (tcp.dstPort == 700) {
                    pipeline.stop();
                }
            });
            // record 700 is in the second batch, which is delivered whole; nothing after it
            assertThat(ports).hasSize(2 * Batch.RECORDS);
            assertThat(ports.get(ports.size() - 1)).isEqualTo(2 * Batch.RECORDS);
        });
    }

    @Test
    void lookAheadSeesEverySegmentOfABatchOnceBeforeTheSinkGetsAnyOfThem() throws IOException {
        byte[] bytes = capture();
        CaptureReader reader = Captures.open("ahead.pcap", new ByteArrayInputStream(bytes), p -> { });
        List<Integer> seenAhead = new ArrayList<>();
        List<Integer> delivered = new ArrayList<>();
        new DecodePipeline(reader, new PacketDecoder(DecoderOptions.defaults()))
                .lookingAhead(tcp -> seenAhead.add(tcp.dstPort))
                .run((r, result, tcp) -> {
                    int port = tcp.dstPort;
                    // this record's batch was looked at whole: up to the end of the batch, or of the capture
                    int batchEnd = Math.min(RECORDS, ((port - 1) / Batch.RECORDS + 1) * Batch.RECORDS);
                    assertThat(seenAhead).hasSize(batchEnd);
                    delivered.add(port);
                });
        assertThat(seenAhead).hasSize(RECORDS);
        for (int i = 0; i < RECORDS; i++) {
            assertThat(seenAhead.get(i)).isEqualTo(1 + i);
        }
        assertThat(delivered).isEqualTo(seenAhead);
    }
}
