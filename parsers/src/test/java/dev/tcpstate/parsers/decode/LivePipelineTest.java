package dev.tcpstate.parsers.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tcpstate.parsers.capture.CaptureReader;
import dev.tcpstate.parsers.capture.Captures;
import dev.tcpstate.parsers.capture.PacketRecord;
import dev.tcpstate.parsers.live.LiveCapture;
import dev.tcpstate.parsers.live.LiveCaptureException;
import dev.tcpstate.parsers.live.PcapWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The live pipeline over libpcap's offline reader ({@link LiveCapture#replay}) against the file pipeline over
 * tcpstate's own reader: the same packets, decoded the same, in the same order. Needs libpcap: skipped without it.
 */
class LivePipelineTest {
    @TempDir
    Path dir;

    static Path samples() {
        String prop = System.getProperty("tcpstate.repo");
        Path root = prop != null ? Path.of(prop) : Path.of("").toAbsolutePath();
        while (root != null && !Files.isDirectory(root.resolve("sample-captures"))) {
            root = root.getParent();
        }
        assertThat(root).as("repository root with sample-captures").isNotNull();
        return root.resolve("sample-captures");
    }

    static Stream<String> captures() throws IOException {
        try (Stream<Path> files = Files.list(samples())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".pcap")).sorted().toList()
                    .stream();
        }
    }

    static LiveCapture replay(String name, String filter, int snaplen) throws LiveCaptureException {
        try {
            return LiveCapture.replay(samples().resolve(name).toString(), filter, snaplen);
        } catch (LiveCaptureException e) {
            assumeTrue(e.kind() != LiveCaptureException.Kind.LIBPCAP_MISSING, "libpcap missing: " + e.getMessage());
            throw e;
        }
    }

    /** One line per packet: its facts and what the decoder made of it. */
    static String describe(PacketRecord r, DecodeResult result, TcpPacket tcp) {
        String s = r.packetNumber + " " + r.timestampNanos + " " + r.linkType + " " + r.capturedLength + "/"
                + r.originalLength + " @" + r.fileOffset + " " + result;
        if (tcp != null) {
            s += " " + tcp.srcHi + ":" + tcp.srcLo + ":" + tcp.srcPort + " > " + tcp.dstHi + ":" + tcp.dstLo + ":"
                    + tcp.dstPort + " " + TcpPacket.flagString(tcp.flags) + " seq " + tcp.seq + " ack " + tcp.ack
                    + " win " + tcp.window + " len " + tcp.payloadLength + " ts " + tcp.timestampNanos + " #"
                    + tcp.packetNumber + " checksum " + tcp.checksumStatus;
        }
        return s;
    }

    static List<String> viaFilePipeline(String name) throws IOException {
        List<String> out = new ArrayList<>();
        try (CaptureReader reader = Captures.open(samples().resolve(name).toString(), p -> { })) {
            new DecodePipeline(reader, new PacketDecoder(DecoderOptions.defaults()))
                    .run((r, result, tcp) -> out.add(describe(r, result, tcp)));
        }
        return out;
    }

    static List<String> viaLivePipeline(LivePipeline pipeline) throws IOException {
        List<String> out = new ArrayList<>();
        pipeline.run(new LivePipeline.Sink() {
            @Override
            public void accept(PacketRecord r, DecodeResult result, TcpPacket tcp) {
                out.add(describe(r, result, tcp));
            }

            @Override
            public long tick(boolean quiet) {
                return 100;
            }
        });
        return out;
    }

    @ParameterizedTest
    @MethodSource("captures")
    void sameRecordsAndSegmentsAsTheFilePipeline(String name) throws IOException {
        List<String> expected = viaFilePipeline(name);
        try (LiveCapture cap = replay(name, null, 0)) {
            assertThat(cap.isReplay()).isTrue();
            assertThat(cap.stats()).isNull();
            List<String> got = viaLivePipeline(new LivePipeline(cap, new PacketDecoder(DecoderOptions.defaults())));
            assertThat(got).isNotEmpty().isEqualTo(expected);
            assertThat(cap.stopped()).isTrue();
        }
    }

    /**
     * A capture of {@code copies} copies of syn-flood.pcap one after the other (timestamps moved on), for runs of many
     * batches: more than the pipeline holds at once.
     */
    Path repeated(int copies) throws IOException {
        Path out = dir.resolve("repeated.pcap");
        List<PacketRecord> records = new ArrayList<>();
        List<byte[]> bytes = new ArrayList<>();
        try (CaptureReader reader = Captures.open(samples().resolve("syn-flood.pcap").toString(), p -> { })) {
            PacketRecord r = new PacketRecord();
            while (reader.next(r)) {
                PacketRecord copy = new PacketRecord();
                copy.timestampNanos = r.timestampNanos;
                copy.capturedLength = r.capturedLength;
                copy.originalLength = r.originalLength;
                records.add(copy);
                byte[] b = new byte[r.capturedLength];
                System.arraycopy(r.buffer.array(), r.buffer.arrayOffset() + r.offset, b, 0, b.length);
                bytes.add(b);
            }
        }
        long span = records.get(records.size() - 1).timestampNanos - records.get(0).timestampNanos + 1_000_000L;
        try (PcapWriter w = new PcapWriter(out, 1, 262_144)) {
            for (int c = 0; c < copies; c++) {
                for (int i = 0; i < records.size(); i++) {
                    PacketRecord r = records.get(i);
                    PacketRecord o = new PacketRecord();
                    o.timestampNanos = r.timestampNanos + c * span;
                    o.capturedLength = r.capturedLength;
                    o.originalLength = r.originalLength;
                    o.buffer = ByteBuffer.wrap(bytes.get(i));
                    w.write(o);
                }
            }
        }
        return out;
    }

    static List<String> viaFilePipeline(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        try (CaptureReader reader = Captures.open(file.toString(), p -> { })) {
            new DecodePipeline(reader, new PacketDecoder(DecoderOptions.defaults()))
                    .run((r, result, tcp) -> out.add(describe(r, result, tcp)));
        }
        return out;
    }

    static LiveCapture replay(Path file) throws LiveCaptureException {
        try {
            return LiveCapture.replay(file.toString(), null, 0);
        } catch (LiveCaptureException e) {
            assumeTrue(e.kind() != LiveCaptureException.Kind.LIBPCAP_MISSING, "libpcap missing: " + e.getMessage());
            throw e;
        }
    }

    /** Many batches, and the limits end the capture where they say. */
    @Test
    void manyBatches_maxPackets_captureTimeLimit() throws IOException {
        Path file = repeated(10);
        List<String> all = viaFilePipeline(file);
        assertThat(all).hasSize(8010);
        try (LiveCapture cap = replay(file)) {
            assertThat(viaLivePipeline(new LivePipeline(cap, new PacketDecoder(DecoderOptions.defaults()))))
                    .isEqualTo(all);
        }
        try (LiveCapture cap = replay(file)) {
            List<String> got = viaLivePipeline(new LivePipeline(cap, new PacketDecoder(DecoderOptions.defaults()))
                    .maxPackets(Batch.RECORDS + 5));
            assertThat(got).isEqualTo(all.subList(0, Batch.RECORDS + 5));
        }
        long first = Long.parseLong(all.get(0).split(" ")[1]);
        long limit = Long.parseLong(all.get(3000).split(" ")[1]) - first; // past the first batch
        int within = (int) all.stream().filter(l -> Long.parseLong(l.split(" ")[1]) <= first + limit).count();
        assertThat(within).isBetween(Batch.RECORDS, all.size() - 1);
        try (LiveCapture cap = replay(file)) {
            List<String> got = viaLivePipeline(new LivePipeline(cap, new PacketDecoder(DecoderOptions.defaults()))
                    .captureTimeLimit(limit));
            assertThat(got).isEqualTo(all.subList(0, within));
        }
    }

    /** stop() on a replay ends it at once: what was delivered is where the file begins, and not the whole file. */
    @Test
    void stopEndsAReplayAtOnce() throws IOException {
        Path file = repeated(40);
        List<String> all = viaFilePipeline(file);
        try (LiveCapture cap = replay(file)) {
            LivePipeline pipeline = new LivePipeline(cap, new PacketDecoder(DecoderOptions.defaults()));
            List<String> got = new ArrayList<>();
            pipeline.run(new LivePipeline.Sink() {
                @Override
                public void accept(PacketRecord r, DecodeResult result, TcpPacket tcp) {
                    got.add(describe(r, result, tcp));
                    if (got.size() == 10) {
                        pipeline.stop();
                    }
                }

                @Override
                public long tick(boolean quiet) {
                    return 100;
                }
            });
            // The batches read before the stop are still delivered: at most all the pipeline holds, and one more.
            assertThat(got.size()).isGreaterThanOrEqualTo(10).isLessThanOrEqualTo(10 * Batch.RECORDS);
            assertThat(got).isEqualTo(all.subList(0, got.size()));
        }
    }

    /**
     * Each of the three ways of reading libpcap's packets ({@value LiveCapture#READ_PROPERTY}) gives the same packets:
     * over every sample capture, a capture of several batches, and a cut-off capture, whose packets before the cut
     * are delivered before the read error.
     */
    @ParameterizedTest
    @ValueSource(strings = {"block", "packet", "pcap4j"})
    void everyReadPathGivesTheSamePackets(String path) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String name : captures().toList()) {
            files.add(samples().resolve(name));
        }
        files.add(repeated(3));
        String before = System.getProperty(LiveCapture.READ_PROPERTY);
        System.setProperty(LiveCapture.READ_PROPERTY, path);
        try {
            for (Path file : files) {
                List<String> expected = viaFilePipeline(file);
                try (LiveCapture cap = replay(file)) {
                    assertThat(viaLivePipeline(new LivePipeline(cap, new PacketDecoder(DecoderOptions.defaults()))))
                            .as(file.toString()).isEqualTo(expected);
                }
            }
            byte[] whole = Files.readAllBytes(samples().resolve("many-short-connections.pcap"));
            Path cut = dir.resolve("cut.pcap");
            Files.write(cut, Arrays.copyOf(whole, whole.length / 2)); // 249 packets and part of the 250th
            List<String> got = new ArrayList<>();
            try (LiveCapture cap = replay(cut)) {
                assertThatThrownBy(() -> new LivePipeline(cap, new PacketDecoder(DecoderOptions.defaults()))
                        .run(new LivePipeline.Sink() {
                            @Override
                            public void accept(PacketRecord r, DecodeResult result, TcpPacket tcp) {
                                got.add(describe(r, result, tcp));
                            }

                            @Override
                            public long tick(boolean quiet) {
                                return 100;
                            }
                        })).isInstanceOf(IOException.class).hasMessageContaining(cut + ": read failed: ");
            }
            assertThat(got).hasSize(249).isEqualTo(viaFilePipeline(cut));
        } finally {
            if (before == null) {
                System.clearProperty(LiveCapture.READ_PROPERTY);
            } else {
                System.setProperty(LiveCapture.READ_PROPERTY, before);
            }
        }
    }

    /** The filter and the snap length apply; -w gets exactly the packets taken. */
    @Test
    void filterSnaplenAndWriter() throws IOException {
        Path out = dir.resolve("w.pcap");
        try (LiveCapture cap = replay("many-short-connections.pcap", "tcp port 41003", 64);
             PcapWriter w = new PcapWriter(out, cap.linkType(), cap.snaplen())) {
            assertThat(cap.snaplen()).isEqualTo(64);
            List<String> got = viaLivePipeline(new LivePipeline(cap, new PacketDecoder(DecoderOptions.defaults()))
                    .writeTo(w));
            assertThat(got).hasSize(10).allSatisfy(l -> assertThat(l).contains(":41003 "));
            assertThat(w.records()).isEqualTo(10);
        }
        List<String> written = new ArrayList<>();
        try (CaptureReader reader = Captures.open(out.toString(), p -> { })) {
            PacketRecord r = new PacketRecord();
            while (reader.next(r)) {
                written.add(r.packetNumber + " " + r.capturedLength + "/" + r.originalLength);
            }
        }
        assertThat(written).hasSize(10).allSatisfy(l -> {
            String[] len = l.split(" ")[1].split("/");
            assertThat(Integer.parseInt(len[0])).isEqualTo(Math.min(64, Integer.parseInt(len[1])));
        });
    }
}
