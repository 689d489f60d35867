package dev.tcpstate.benchmarks;

import dev.tcpstate.parsers.capture.CaptureReader;
import dev.tcpstate.parsers.capture.Captures;
import dev.tcpstate.parsers.capture.PacketRecord;
import dev.tcpstate.parsers.decode.PacketDecoder;
import dev.tcpstate.parsers.decode.TcpPacket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Decoding alone, in nanoseconds per record: link layer, IPv4/IPv6, TCP header and options, checksum, as the reading
 * thread of a run does for every record it reads. The records of a capture (its first {@code records}, 0 for all) are
 * read into memory beforehand and decoded over and over; reading the file is not measured.
 */
@State(Scope.Thread)
@OperationsPerInvocation(DecodeBenchmark.RECORDS_PER_CALL)
public class DecodeBenchmark extends StageBenchmark {
    static final int RECORDS_PER_CALL = 1 << 16;

    /** The capture: a path, or a sample of the repository's sample-captures directory by name. */
    @Param("many-short-connections")
    public String capture;

    /** Records of the capture decoded: 0 for all, else its first {@code records}. */
    @Param("1000000")
    public int records;

    private byte[] bytes;
    /** Per record: where its bytes start in {@link #bytes}, and how many were captured. */
    private int[] offsets, lengths;
    private long[] originalLengths;
    private int linkType;
    private int count;
    private int next;
    private final PacketDecoder decoder = new PacketDecoder();
    private final PacketRecord record = new PacketRecord();
    private final TcpPacket segment = new TcpPacket();

    @Setup(Level.Trial)
    public void load() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        int max = records > 0 ? records : Integer.MAX_VALUE;
        offsets = new int[1024];
        lengths = new int[1024];
        originalLengths = new long[1024];
        try (CaptureReader reader = Captures.open(CapturePaths.resolve(capture), problem -> { })) {
            PacketRecord r = new PacketRecord();
            while (count < max && reader.next(r)) {
                if (count == offsets.length) {
                    offsets = Arrays.copyOf(offsets, count * 2);
                    lengths = Arrays.copyOf(lengths, count * 2);
                    originalLengths = Arrays.copyOf(originalLengths, count * 2);
                }
                offsets[count] = all.size();
                lengths[count] = r.capturedLength;
                originalLengths[count] = r.originalLength;
                linkType = r.linkType;
                all.write(r.buffer.array(), r.buffer.arrayOffset() + r.offset, r.capturedLength);
                count++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        bytes = all.toByteArray();
        record.buffer = ByteBuffer.wrap(bytes);
        record.linkType = linkType;
    }

    @Benchmark
    public int decode() {
        int sum = 0;
        PacketRecord r = record;
        for (int n = 0; n < RECORDS_PER_CALL; n++) {
            int i = next;
            next = i + 1 == count ? 0 : i + 1;
            r.packetNumber = i + 1;
            r.offset = offsets[i];
            r.capturedLength = lengths[i];
            r.originalLength = originalLengths[i];
            sum += decoder.decode(r, segment).ordinal() + segment.seq;
        }
        return sum;
    }
}
