package dev.tcpstate.parsers.capture;

import java.nio.ByteBuffer;

/**
 * One capture record as a reader hands it out: where its bytes are, when it was captured, on which link type.
 *
 * <p>Readers reuse one instance and one buffer for every record, so the bytes are valid only until the next call to
 * {@link CaptureReader#next(PacketRecord)}. The bytes are {@code buffer[offset, offset + capturedLength)}; the buffer's
 * limit is at or beyond their end. {@link #bufferGeneration} changes whenever {@link #buffer} is replaced by another
 * object, so a consumer that binds parser objects to the buffer knows when to bind them again.
 */
public final class PacketRecord {
    /** 1-based record number in the capture (every record counts, whatever it carries). */
    public long packetNumber;
    /** Capture timestamp, nanoseconds since the Unix epoch. */
    public long timestampNanos;
    /** LINKTYPE_ value of the interface the packet was captured on. */
    public int linkType;
    /** Interface index within the capture (always 0 for classic pcap). */
    public int interfaceId;
    /** Length of the packet on the wire. */
    public long originalLength;
    /** Bytes of the packet present in the capture. */
    public int capturedLength;
    /** Byte offset of the record's header in the (decompressed) capture stream. */
    public long fileOffset;

    public ByteBuffer buffer;
    public int offset;
    public int bufferGeneration;

    /** True when fewer bytes were captured than the packet had on the wire. */
    public boolean isTruncated() {
        return capturedLength < originalLength;
    }
}
