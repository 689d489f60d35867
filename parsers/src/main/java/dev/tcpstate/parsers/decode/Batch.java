package dev.tcpstate.parsers.decode;

import dev.tcpstate.parsers.capture.PacketRecord;
import java.nio.ByteBuffer;

/**
 * A run of records on their way through a pipeline ({@link DecodePipeline}, {@link LivePipeline}): their bytes back
 * to back, their facts in parallel arrays, and after decoding, the results. Batches are recycled, so a pipeline in
 * its steady state allocates nothing per packet.
 */
final class Batch {
    /** Most records in one batch. */
    static final int RECORDS = 2048;

    byte[] data = new byte[1 << 18];
    ByteBuffer buffer = ByteBuffer.wrap(data);
    int used;
    int count;
    boolean last;
    final int[] offset = new int[RECORDS];
    final int[] capLen = new int[RECORDS];
    final long[] origLen = new long[RECORDS];
    final long[] ts = new long[RECORDS];
    final long[] number = new long[RECORDS];
    final long[] fileOffset = new long[RECORDS];
    final int[] linkType = new int[RECORDS];
    final int[] iface = new int[RECORDS];
    final byte[] result = new byte[RECORDS];
    final TcpPacket[] tcp = new TcpPacket[RECORDS];

    Batch() {
        for (int i = 0; i < RECORDS; i++) {
            tcp[i] = new TcpPacket();
        }
    }

    boolean fits(int n) {
        return count < RECORDS && used + n <= data.length;
    }

    void add(PacketRecord r) {
        if (used + r.capturedLength > data.length) {
            // A single record larger than the batch's bytes: grow (bounded by the reader's own limits).
            byte[] bigger = new byte[Math.max(data.length * 2, used + r.capturedLength)];
            System.arraycopy(data, 0, bigger, 0, used);
            data = bigger;
            buffer = ByteBuffer.wrap(data);
        }
        int i = count++;
        System.arraycopy(r.buffer.array(), r.buffer.arrayOffset() + r.offset, data, used, r.capturedLength);
        offset[i] = used;
        capLen[i] = r.capturedLength;
        origLen[i] = r.originalLength;
        ts[i] = r.timestampNanos;
        number[i] = r.packetNumber;
        fileOffset[i] = r.fileOffset;
        linkType[i] = r.linkType;
        iface[i] = r.interfaceId;
        used += r.capturedLength;
    }

    void view(int i, PacketRecord r) {
        r.packetNumber = number[i];
        r.timestampNanos = ts[i];
        r.linkType = linkType[i];
        r.interfaceId = iface[i];
        r.originalLength = origLen[i];
        r.capturedLength = capLen[i];
        r.fileOffset = fileOffset[i];
        r.offset = offset[i];
        if (r.buffer != buffer) {
            r.buffer = buffer;
            r.bufferGeneration++;
        }
    }

    void clear() {
        used = 0;
        count = 0;
        last = false;
    }
}
