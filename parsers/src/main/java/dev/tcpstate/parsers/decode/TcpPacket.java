package dev.tcpstate.parsers.decode;

/**
 * One decoded TCP segment with the facts the analyzer needs: who sent it, when, its sequence space and its options.
 *
 * <p>The decoder fills one instance per packet and reuses it for the next, so consumers copy what they keep.
 * Addresses are held as two longs each: an IPv4 address sits in the low 32 bits of {@code lo} with {@code hi == 0};
 * an IPv6 address is {@code hi:lo}, big-endian halves.
 */
public final class TcpPacket {
    public static final int FIN = 0x001;
    public static final int SYN = 0x002;
    public static final int RST = 0x004;
    public static final int PSH = 0x008;
    public static final int ACK = 0x010;
    public static final int URG = 0x020;
    public static final int ECE = 0x040;
    public static final int CWR = 0x080;
    /** AE (RFC 9768 AccECN, formerly NS of RFC 3540): bit 8 of the flags. */
    public static final int AE = 0x100;

    /** The checksum was not checked because part of the segment was not captured. */
    public static final byte CHECKSUM_UNVERIFIED = 0;
    public static final byte CHECKSUM_GOOD = 1;
    /** The checksum was wrong, and the field does not hold what checksum offload leaves there: corruption. */
    public static final byte CHECKSUM_BAD = 2;
    /**
     * The checksum was wrong in the way checksum offload on the capturing host leaves it, not corrupted. The decoder
     * sets it when the field holds the pseudo-header sum (folded, not complemented; with or without the TCP length)
     * or zero, the values a stack puts there for the NIC to complete. The analyzer takes a segment's checksum status as its verdict: under its
     * {@code auto} policy it also sets this on other bad checksums it takes for offload, and under {@code verify}
     * (every bad checksum is corruption) it turns this back into {@link #CHECKSUM_BAD}.
     */
    public static final byte CHECKSUM_OFFLOADED = 3;

    /** 1-based number of the capture record that carried this segment (the last fragment when reassembled). */
    public long packetNumber;
    /** Capture timestamp, nanoseconds since the Unix epoch. */
    public long timestampNanos;

    /** 4 or 6. */
    public int ipVersion;
    public long srcHi, srcLo, dstHi, dstLo;
    public int srcPort, dstPort;

    /** Raw 32-bit sequence and acknowledgment numbers, unsigned in an int. */
    public int seq, ack;
    /** Flag bits: {@link #FIN} ... {@link #AE}. */
    public int flags;
    /** Raw window field, before any window scaling. */
    public int window;
    /** Payload length from the IP header: correct even when the capture was cut by a snap length. */
    public int payloadLength;
    /** Payload bytes present in the capture. */
    public int capturedPayloadLength;
    /** Urgent pointer. */
    public int urgentPointer;

    /** MSS option value, or -1 when absent. */
    public int mss;
    /** Window-scale shift count, or -1 when absent. */
    public int windowScale;
    public boolean sackPermitted;
    /** Number of SACK blocks carried (0 when none). */
    public int sackBlocks;
    public boolean hasTimestamps;
    /** Timestamp value and echo reply, unsigned in an int; valid when {@link #hasTimestamps}. */
    public int tsVal, tsEcr;
    /** A TCP Fast Open option (kind 34, or the experimental 254/0xF989) was present; its cookie length. -1 when absent. */
    public int fastOpenCookieLength;

    /** One of {@link #CHECKSUM_UNVERIFIED}, {@link #CHECKSUM_GOOD}, {@link #CHECKSUM_BAD}, {@link #CHECKSUM_OFFLOADED}. */
    public byte checksumStatus;
    /** The segment came from reassembled IP fragments. */
    public boolean reassembled;
    /** The snap length cut the TCP options short: option fields not found may still have been on the wire. */
    public boolean optionsTruncated;

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /** Sequence space the segment occupies: payload plus one for SYN and one for FIN. */
    public long sequenceLength() {
        return payloadLength + ((flags & SYN) != 0 ? 1 : 0) + ((flags & FIN) != 0 ? 1 : 0);
    }

    /** Resets the option fields before decoding a new segment. */
    public void clearOptions() {
        mss = -1;
        windowScale = -1;
        sackPermitted = false;
        sackBlocks = 0;
        hasTimestamps = false;
        tsVal = 0;
        tsEcr = 0;
        fastOpenCookieLength = -1;
    }

    /** Copies every field of {@code other} into this instance. */
    public void copyFrom(TcpPacket other) {
        packetNumber = other.packetNumber;
        timestampNanos = other.timestampNanos;
        ipVersion = other.ipVersion;
        srcHi = other.srcHi;
        srcLo = other.srcLo;
        dstHi = other.dstHi;
        dstLo = other.dstLo;
        srcPort = other.srcPort;
        dstPort = other.dstPort;
        seq = other.seq;
        ack = other.ack;
        flags = other.flags;
        window = other.window;
        payloadLength = other.payloadLength;
        capturedPayloadLength = other.capturedPayloadLength;
        urgentPointer = other.urgentPointer;
        mss = other.mss;
        windowScale = other.windowScale;
        sackPermitted = other.sackPermitted;
        sackBlocks = other.sackBlocks;
        hasTimestamps = other.hasTimestamps;
        tsVal = other.tsVal;
        tsEcr = other.tsEcr;
        fastOpenCookieLength = other.fastOpenCookieLength;
        checksumStatus = other.checksumStatus;
        reassembled = other.reassembled;
        optionsTruncated = other.optionsTruncated;
    }

    /** Flags in tcpdump's letters: S, F, R, P, U, E, W, A as '.', N for AE. */
    public static String flagString(int flags) {
        StringBuilder sb = new StringBuilder(9);
        if ((flags & SYN) != 0) sb.append('S');
        if ((flags & FIN) != 0) sb.append('F');
        if ((flags & RST) != 0) sb.append('R');
        if ((flags & PSH) != 0) sb.append('P');
        if ((flags & URG) != 0) sb.append('U');
        if ((flags & ECE) != 0) sb.append('E');
        if ((flags & CWR) != 0) sb.append('W');
        if ((flags & AE) != 0) sb.append('N');
        if ((flags & ACK) != 0) sb.append('.');
        return sb.length() == 0 ? "none" : sb.toString();
    }
}
