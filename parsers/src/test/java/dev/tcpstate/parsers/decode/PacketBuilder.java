package dev.tcpstate.parsers.decode;

import dev.tcpstate.parsers.capture.PacketRecord;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** Assembles link, IP and TCP headers into frames for decoder tests, with correct lengths and checksums. */
final class PacketBuilder {
    static final byte[] SRC4 = {10, 0, 0, 1};
    static final byte[] DST4 = {(byte) 192, (byte) 168, 1, (byte) 200};
    static final byte[] SRC6 = hex("20010db8000000000000000000000001");
    static final byte[] DST6 = hex("fe800000000000001234567890abcdef");

    /** Bytes put around a record in its buffer, so that reading outside the record shows. */
    static final int GUARD = 7;

    private PacketBuilder() {
    }

    // ---- bytes -----------------------------------------------------------------------------------------------------

    static byte[] hex(String s) {
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        return b;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    static byte[] u16(int v) {
        return new byte[] {(byte) (v >>> 8), (byte) v};
    }

    static byte[] u32(long v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < b.length; i++) b[i] = (byte) values[i];
        return b;
    }

    static byte[] filled(int length, int value) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) value);
        return b;
    }

    /** Pads a frame with zeros to {@code length}, as Ethernet does to 60 bytes. */
    static byte[] pad(byte[] frame, int length) {
        return frame.length >= length ? frame : Arrays.copyOf(frame, length);
    }

    /** RFC 1071 checksum of {@code data} with {@code initial} already summed. */
    static int checksum(long initial, byte[] data) {
        long sum = initial;
        for (int i = 0; i + 1 < data.length; i += 2) sum += ((data[i] & 0xff) << 8) | (data[i + 1] & 0xff);
        if ((data.length & 1) != 0) sum += (data[data.length - 1] & 0xff) << 8;
        while ((sum >>> 16) != 0) sum = (sum & 0xffff) + (sum >>> 16);
        return (int) (~sum & 0xffff);
    }

    // ---- TCP -------------------------------------------------------------------------------------------------------

    static final class Tcp {
        int srcPort = 49152;
        int dstPort = 443;
        long seq = 0xfffffff0L;
        long ack = 0xfffffffeL;
        int flags = TcpPacketFlags.ACK;
        int window = 0xfedc;
        int urgent = 0;
        byte[] options = new byte[0];
        byte[] payload = new byte[0];
        /** Data offset to write instead of the right one, or -1. */
        int dataOffset = -1;
        boolean corruptChecksum;
        /** Value to write into the checksum field instead of the right one, or -1. */
        int checksumField = -1;
        /** Write the pseudo-header sum, as checksum offload leaves it, instead of the right checksum. */
        boolean offloadChecksum;

        Tcp ports(int src, int dst) { srcPort = src; dstPort = dst; return this; }
        Tcp seq(long v) { seq = v; return this; }
        Tcp ack(long v) { ack = v; return this; }
        Tcp flags(int v) { flags = v; return this; }
        Tcp window(int v) { window = v; return this; }
        Tcp urgent(int v) { urgent = v; return this; }
        Tcp options(byte[]... v) { options = concat(v); return this; }
        Tcp payload(byte[] v) { payload = v; return this; }
        Tcp payload(int length) { payload = filled(length, 0x61); return this; }
        Tcp dataOffset(int v) { dataOffset = v; return this; }
        Tcp corruptChecksum() { corruptChecksum = true; return this; }
        Tcp checksumField(int v) { checksumField = v; return this; }
        Tcp offloadChecksum() { offloadChecksum = true; return this; }

        /** The segment with its checksum over the pseudo-header of {@code src} and {@code dst} (4 or 16 bytes). */
        byte[] build(byte[] src, byte[] dst) {
            byte[] opts = Arrays.copyOf(options, (options.length + 3) & ~3);
            int offset = dataOffset >= 0 ? dataOffset : 5 + opts.length / 4;
            byte[] header = concat(u16(srcPort), u16(dstPort), u32(seq), u32(ack),
                    bytes((offset << 4) | ((flags >>> 8) & 1), flags & 0xff), u16(window), u16(0), u16(urgent), opts);
            byte[] segment = concat(header, payload);
            int sum = checksum(pseudoHeaderSum(src, dst, 6, segment.length), segment);
            if (corruptChecksum) sum ^= 0x5a5a;
            if (checksumField >= 0) sum = checksumField;
            if (offloadChecksum) sum = (~checksum(pseudoHeaderSum(src, dst, 6, segment.length), new byte[0])) & 0xffff;
            segment[16] = (byte) (sum >>> 8);
            segment[17] = (byte) sum;
            return segment;
        }

        byte[] build4() { return build(SRC4, DST4); }

        byte[] build6() { return build(SRC6, DST6); }
    }

    /** Flag values, so the builder does not depend on the class under test. */
    static final class TcpPacketFlags {
        static final int FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10, URG = 0x20, ECE = 0x40,
                CWR = 0x80, AE = 0x100;
    }

    static long pseudoHeaderSum(byte[] src, byte[] dst, int protocol, int length) {
        long sum = 0;
        for (int i = 0; i < src.length; i += 2) sum += ((src[i] & 0xff) << 8) | (src[i + 1] & 0xff);
        for (int i = 0; i < dst.length; i += 2) sum += ((dst[i] & 0xff) << 8) | (dst[i + 1] & 0xff);
        return sum + protocol + (length >>> 16) + (length & 0xffff);
    }

    static Tcp tcp() {
        return new Tcp();
    }

    // TCP options, unpadded; Tcp.options pads the whole list to 4 bytes with EOL.
    static byte[] mss(int v) { return concat(bytes(2, 4), u16(v)); }
    static byte[] windowScale(int shift) { return bytes(3, 3, shift); }
    static byte[] sackPermitted() { return bytes(4, 2); }
    static byte[] sack(long... edges) {
        byte[] b = bytes(5, 2 + 4 * edges.length);
        for (long e : edges) b = concat(b, u32(e));
        return b;
    }
    static byte[] timestamps(long val, long ecr) { return concat(bytes(8, 10), u32(val), u32(ecr)); }
    static byte[] fastOpen(byte[] cookie) { return concat(bytes(34, 2 + cookie.length), cookie); }
    static byte[] fastOpenExperimental(byte[] cookie) { return concat(bytes(254, 4 + cookie.length, 0xf9, 0x89), cookie); }
    static byte[] nop() { return bytes(1); }
    static byte[] eol() { return bytes(0); }

    // ---- IP --------------------------------------------------------------------------------------------------------

    static final class Ipv4 {
        byte[] src = SRC4;
        byte[] dst = DST4;
        int protocol = 6;
        int id = 0xbeef;
        int ttl = 64;
        byte[] options = new byte[0];
        int ihl = -1;
        int totalLength = -1;
        int version = 4;
        boolean dontFragment = true;
        boolean moreFragments;
        int fragmentOffset;

        Ipv4 protocol(int v) { protocol = v; return this; }
        Ipv4 id(int v) { id = v; return this; }
        Ipv4 options(byte[] v) { options = v; return this; }
        Ipv4 ihl(int v) { ihl = v; return this; }
        Ipv4 totalLength(int v) { totalLength = v; return this; }
        Ipv4 version(int v) { version = v; return this; }
        /** Fragment at byte {@code offset} (a multiple of 8) of the payload. */
        Ipv4 fragment(int offset, boolean more) {
            dontFragment = false;
            fragmentOffset = offset;
            moreFragments = more;
            return this;
        }

        byte[] build(byte[] payload) {
            byte[] opts = Arrays.copyOf(options, (options.length + 3) & ~3);
            int headerWords = ihl >= 0 ? ihl : 5 + opts.length / 4;
            int total = totalLength >= 0 ? totalLength : 20 + opts.length + payload.length;
            int flagsOffset = (dontFragment ? 0x4000 : 0) | (moreFragments ? 0x2000 : 0) | (fragmentOffset >>> 3);
            byte[] header = concat(bytes((version << 4) | headerWords, 0), u16(total), u16(id), u16(flagsOffset),
                    bytes(ttl, protocol), u16(0), src, dst, opts);
            int sum = checksum(0, header);
            header[10] = (byte) (sum >>> 8);
            header[11] = (byte) sum;
            return concat(header, payload);
        }
    }

    static Ipv4 ipv4() {
        return new Ipv4();
    }

    static byte[] ipv4(byte[] payload) {
        return ipv4().build(payload);
    }

    static byte[] ipv4Tcp(Tcp tcp) {
        return ipv4(tcp.build4());
    }

    /** An IPv6 packet; {@code rest} is the extension headers (if any) and the upper-layer data. */
    static byte[] ipv6(int nextHeader, byte[] rest) {
        return ipv6(nextHeader, rest, rest.length);
    }

    static byte[] ipv6(int nextHeader, byte[] rest, int payloadLength) {
        return concat(u32(0x6_12_abcdeL), u16(payloadLength), bytes(nextHeader, 64), SRC6, DST6, rest);
    }

    static byte[] ipv6Tcp(Tcp tcp) {
        return ipv6(6, tcp.build6());
    }

    /** Hop-by-hop (0), routing (43) or destination options (60): {@code units} 8-byte units, PadN-filled. */
    static byte[] extensionHeader(int nextHeader, int units) {
        byte[] b = new byte[units * 8];
        b[0] = (byte) nextHeader;
        b[1] = (byte) (units - 1);
        b[2] = 1; // PadN
        b[3] = (byte) (b.length - 4);
        return b;
    }

    /** Authentication header with {@code icvWords} 4-byte words of ICV. */
    static byte[] authHeader(int nextHeader, int icvWords) {
        byte[] b = new byte[12 + 4 * icvWords];
        b[0] = (byte) nextHeader;
        b[1] = (byte) (b.length / 4 - 2);
        return b;
    }

    static byte[] fragmentHeader(int nextHeader, int offset, boolean more, long id) {
        return concat(bytes(nextHeader, 0), u16(offset | (more ? 1 : 0)), u32(id));
    }

    // ---- link layers -----------------------------------------------------------------------------------------------

    static byte[] ethernet(int etherType, byte[] payload) {
        return concat(hex("02000000000a"), hex("02000000000b"), u16(etherType), payload);
    }

    /** A VLAN tag: TCI with {@code vlanId} and priority 5, then the next EtherType. */
    static byte[] vlan(int vlanId, int nextType, byte[] payload) {
        return concat(u16((5 << 13) | vlanId), u16(nextType), payload);
    }

    static byte[] mpls(int label, boolean bottom, byte[] payload) {
        return concat(u32(((long) label << 12) | (bottom ? 0x100 : 0) | 64), payload);
    }

    static byte[] linuxSll(int protocol, byte[] payload) {
        return concat(u16(0), u16(1), u16(6), hex("02000000000b0000"), u16(protocol), payload);
    }

    static byte[] linuxSll2(int protocol, byte[] payload) {
        return concat(u16(protocol), u16(0), u32(3), u16(1), bytes(4, 6), hex("02000000000b0000"), payload);
    }

    static byte[] loopback(int family, boolean littleEndian, byte[] payload) {
        byte[] f = u32(family);
        if (littleEndian) f = bytes(f[3], f[2], f[1], f[0]);
        return concat(f, payload);
    }

    static byte[] pppFramed(int protocol, byte[] payload) {
        return concat(bytes(0xff, 0x03), u16(protocol), payload);
    }

    static byte[] ppp(int protocol, byte[] payload) {
        return concat(u16(protocol), payload);
    }

    /** An NFLOG record: a prefix TLV of odd length (padded), a hardware-protocol TLV, then the payload TLV. */
    static byte[] nflog(int family, byte[] payload) {
        return concat(bytes(family, 0), u16(7),
                tlv(10, "drop\0".getBytes()), tlv(1, bytes(0x08, 0x00, 3, 0)), tlv(9, payload));
    }

    /** A TLV with little-endian length and type, padded to 4 bytes. */
    static byte[] tlv(int type, byte[] value) {
        int length = 4 + value.length;
        byte[] b = concat(bytes(length, length >>> 8, type, type >>> 8), value);
        return Arrays.copyOf(b, (b.length + 3) & ~3);
    }

    /**
     * Copies the records' bytes back to back into one buffer, as a capture reader hands them out, and points the
     * records at it: one buffer object and one generation for all.
     */
    static PacketRecord[] inOneBuffer(PacketRecord... records) {
        int total = GUARD;
        for (PacketRecord r : records) total += r.capturedLength;
        ByteBuffer shared = ByteBuffer.allocate(total + GUARD);
        int at = GUARD;
        for (PacketRecord r : records) {
            shared.put(at, r.buffer, r.offset, r.capturedLength);
            r.buffer = shared;
            r.offset = at;
            r.bufferGeneration = 1;
            at += r.capturedLength;
        }
        return records;
    }

    // ---- records ---------------------------------------------------------------------------------------------------

    /** A record holding all of {@code frame}, between guard bytes in a larger buffer. */
    static PacketRecord record(int linkType, byte[] frame) {
        return record(linkType, frame, frame.length);
    }

    /** A record of {@code frame} cut to {@code captured} bytes, as a snap length does. */
    static PacketRecord record(int linkType, byte[] frame, int captured) {
        byte[] buf = new byte[GUARD + frame.length + GUARD];
        Arrays.fill(buf, (byte) 0xee);
        System.arraycopy(frame, 0, buf, GUARD, captured);
        PacketRecord r = new PacketRecord();
        r.buffer = ByteBuffer.wrap(buf);
        r.offset = GUARD;
        r.capturedLength = captured;
        r.originalLength = frame.length;
        r.linkType = linkType;
        r.packetNumber = 42;
        r.timestampNanos = 1_700_000_000_123_456_789L;
        r.bufferGeneration = System.identityHashCode(buf);
        return r;
    }
}
