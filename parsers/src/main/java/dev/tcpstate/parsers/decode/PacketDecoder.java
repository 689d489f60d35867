package dev.tcpstate.parsers.decode;

import dev.tcpstate.parsers.capture.PacketRecord;
import dev.tcpstate.parsers.ksy.Ipv4Header;
import dev.tcpstate.parsers.ksy.Ipv6Header;
import dev.tcpstate.parsers.ksy.TcpHeader;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Decodes capture records down to TCP: link layer, IPv4/IPv6 (with options, extension headers and fragment
 * reassembly), TCP header and options, TCP checksum.
 *
 * <p>Link types: Ethernet (1) with any mix of 802.1Q/802.1ad/QinQ tags and MPLS label stacks, Linux cooked SLL (113)
 * and SLL2 (276), raw IP (101, 228, 229), BSD loopback NULL (0, either byte order) and LOOP (108), PPP (9, 50) and
 * NFLOG (239). Other link types give {@link DecodeResult#UNSUPPORTED_LINK}.
 *
 * <p>Headers are parsed by the generated Kaitai Struct classes in {@code dev.tcpstate.parsers.ksy}, one object per
 * header type reused for every record; each length is checked here before the header is read, so a parser never
 * reads past the captured bytes and a record that contradicts itself comes back {@link DecodeResult#MALFORMED} with
 * {@link #lastProblemMessage()} saying what was expected. Decoding a record that is not a fragment allocates nothing.
 *
 * <p>Segment lengths come from the IP header, never from the record: Ethernet padding is not payload, and a segment
 * cut by the snap length keeps its real {@link TcpPacket#payloadLength}. The TCP checksum is verified only when the
 * whole segment was captured and {@link DecoderOptions#verifyChecksums()} is on; a bad checksum is counted and marked
 * ({@link TcpPacket#CHECKSUM_OFFLOADED} when the field holds what checksum offload leaves there, else
 * {@link TcpPacket#CHECKSUM_BAD}), and the segment is still delivered.
 *
 * <p>Not thread-safe: one decoder per capture being read.
 */
public final class PacketDecoder {
    /** VLAN tags followed before the frame is called malformed. */
    static final int MAX_VLAN_TAGS = 8;
    /** MPLS label stack entries followed before the frame is called malformed. */
    static final int MAX_MPLS_LABELS = 16;
    /** IPv6 extension headers followed before the packet is called malformed. */
    static final int MAX_IPV6_EXTENSIONS = 16;

    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_IPV6 = 0x86dd;
    private static final int ETHERTYPE_VLAN = 0x8100;
    private static final int ETHERTYPE_QINQ = 0x88a8;
    private static final int ETHERTYPE_QINQ_LEGACY = 0x9100;
    private static final int ETHERTYPE_MPLS = 0x8847;
    private static final int ETHERTYPE_MPLS_MULTICAST = 0x8848;

    private static final int PROTO_TCP = 6;
    private static final int PROTO_UDP = 17;
    private static final int NFULA_PAYLOAD = 9;

    private final DecoderOptions options;
    private final boolean verifyChecksums;
    private final boolean parseTcpOptions;
    private final DecodeStats stats = new DecodeStats();
    private final FragmentReassembler reassembler;
    private final HeaderSet main = new HeaderSet();
    private final HeaderSet reassembly = new HeaderSet();
    private final byte[] reassembled = new byte[FragmentReassembler.MAX_DATAGRAM];
    private int boundGeneration;
    private ProblemListener problemListener;

    // State of the record being decoded.
    private PacketRecord record;
    private TcpPacket out;
    /** End of the captured bytes in the buffer. */
    private int capEnd;
    /** End of the packet on the wire, in buffer coordinates (may lie beyond the buffer). */
    private long wireEnd;
    private int ipVersion;
    private long srcHi, srcLo, dstHi, dstLo;

    // Last problem, kept as a template and arguments so that reporting allocates only when a message is asked for.
    private MalformedReason problem;
    private String problemTemplate;
    private long problemArg0, problemArg1, problemArg2;

    public PacketDecoder() {
        this(DecoderOptions.defaults());
    }

    public PacketDecoder(DecoderOptions options) {
        this.options = options;
        this.verifyChecksums = options.verifyChecksums();
        this.parseTcpOptions = options.parseTcpOptions();
        this.reassembler = new FragmentReassembler(options.maxFragmentDatagrams(), options.maxFragmentBytes(),
                options.fragmentTimeoutNanos(), stats);
        reassembly.bind(ByteBuffer.wrap(reassembled));
    }

    /** IP version of the last record decoded: 4, 6, or 0 when it carried no IP header the decoder reached. */
    public int lastIpVersion() {
        return ipVersion;
    }

    public DecoderOptions options() {
        return options;
    }

    public DecodeStats stats() {
        return stats;
    }

    /** Called for every {@link DecodeResult#MALFORMED} record; {@code null} to stop. */
    public void setProblemListener(ProblemListener listener) {
        this.problemListener = listener;
    }

    /** Datagrams waiting for more fragments. */
    public int pendingFragmentDatagrams() {
        return reassembler.pendingDatagrams();
    }

    /** Reason of the last {@link DecodeResult#MALFORMED} result, or {@code null} if the last record was not one. */
    public MalformedReason lastProblem() {
        return problem;
    }

    /** What the last {@link DecodeResult#MALFORMED} record got wrong, or {@code null} if the last was not one. */
    public String lastProblemMessage() {
        if (problem == null) return null;
        StringBuilder sb = new StringBuilder(problemTemplate.length() + 24);
        int arg = 0;
        for (int i = 0; i < problemTemplate.length(); i++) {
            char c = problemTemplate.charAt(i);
            if (c == '{' && i + 1 < problemTemplate.length() && problemTemplate.charAt(i + 1) == '}') {
                sb.append(arg == 0 ? problemArg0 : arg == 1 ? problemArg1 : problemArg2);
                arg++;
                i++;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /**
     * Decodes one record. For {@link DecodeResult#TCP} every field of {@code out} is set; for any other result the
     * contents of {@code out} are unspecified.
     */
    public DecodeResult decode(PacketRecord rec, TcpPacket segment) {
        record = rec;
        out = segment;
        problem = null;
        ipVersion = 0;
        stats.countPacket(rec.linkType);
        reassembler.expire(rec.timestampNanos);
        DecodeResult result = decodeLink(rec);
        stats.countResult(result);
        if (result == DecodeResult.MALFORMED) {
            stats.countMalformed(problem);
            if (problemListener != null) problemListener.problem(rec, problem, lastProblemMessage());
        }
        return result;
    }

    private DecodeResult decodeLink(PacketRecord rec) {
        ByteBuffer buffer = rec.buffer;
        if (buffer != main.source || rec.bufferGeneration != boundGeneration) {
            main.bind(buffer);
            boundGeneration = rec.bufferGeneration;
        }
        int pos = rec.offset;
        long end = (long) pos + rec.capturedLength;
        if (pos < 0 || rec.capturedLength < 0 || end > buffer.capacity()) {
            return fail(MalformedReason.RECORD_BOUNDS, "record of {} bytes at buffer offset {} exceeds the buffer ({} bytes)",
                    rec.capturedLength, pos, buffer.capacity());
        }
        capEnd = (int) end;
        wireEnd = pos + Math.max(rec.originalLength, rec.capturedLength);
        main.limit(capEnd);

        switch (rec.linkType) {
            case LinkType.ETHERNET:
                return ethernet(pos);
            case LinkType.RAW:
                return ipByVersion(pos, true);
            case LinkType.IPV4:
                return ipv4(pos);
            case LinkType.IPV6:
                return ipv6(pos);
            case LinkType.LINUX_SLL:
                return linuxSll(pos);
            case LinkType.LINUX_SLL2:
                return linuxSll2(pos);
            case LinkType.NULL:
            case LinkType.LOOP:
                return loopback(pos, rec.linkType == LinkType.NULL);
            case LinkType.PPP:
            case LinkType.PPP_HDLC:
                return ppp(pos);
            case LinkType.NFLOG:
                return nflog(pos);
            default:
                stats.countUnsupported(rec.linkType);
                return DecodeResult.UNSUPPORTED_LINK;
        }
    }

    // ---- link layer ------------------------------------------------------------------------------------------------

    private DecodeResult ethernet(int pos) {
        int avail = capEnd - pos;
        if (avail < 14) {
            return fail(MalformedReason.LINK_TRUNCATED, "Ethernet header truncated: {} of 14 bytes captured", avail);
        }
        main.seek(pos);
        main.ethernet._read();
        return etherType(main.ethernet.etherType(), pos + 14);
    }

    private DecodeResult linuxSll(int pos) {
        int avail = capEnd - pos;
        if (avail < 16) {
            return fail(MalformedReason.LINK_TRUNCATED, "Linux SLL header truncated: {} of 16 bytes captured", avail);
        }
        main.seek(pos);
        main.sll._read();
        return etherType(main.sll.protocol(), pos + 16);
    }

    private DecodeResult linuxSll2(int pos) {
        int avail = capEnd - pos;
        if (avail < 20) {
            return fail(MalformedReason.LINK_TRUNCATED, "Linux SLL2 header truncated: {} of 20 bytes captured", avail);
        }
        main.seek(pos);
        main.sll2._read();
        return etherType(main.sll2.protocol(), pos + 20);
    }

    /** Follows VLAN tags and MPLS labels to the network layer. */
    private DecodeResult etherType(int type, int pos) {
        for (int tags = 0; ; tags++) {
            switch (type) {
                case ETHERTYPE_IPV4:
                    return ipv4(pos);
                case ETHERTYPE_IPV6:
                    return ipv6(pos);
                case ETHERTYPE_VLAN:
                case ETHERTYPE_QINQ:
                case ETHERTYPE_QINQ_LEGACY: {
                    if (tags == MAX_VLAN_TAGS) {
                        return fail(MalformedReason.TOO_MANY_TAGS, "more than {} VLAN tags", MAX_VLAN_TAGS);
                    }
                    int avail = capEnd - pos;
                    if (avail < 4) {
                        return fail(MalformedReason.LINK_TRUNCATED, "VLAN tag truncated: {} of 4 bytes captured", avail);
                    }
                    main.seek(pos);
                    main.vlan._read();
                    type = main.vlan.etherType();
                    pos += 4;
                    break;
                }
                case ETHERTYPE_MPLS:
                case ETHERTYPE_MPLS_MULTICAST:
                    return mpls(pos);
                default:
                    return DecodeResult.NON_IP;
            }
        }
    }

    private DecodeResult mpls(int pos) {
        for (int labels = 0; ; labels++) {
            if (labels == MAX_MPLS_LABELS) {
                return fail(MalformedReason.TOO_MANY_TAGS, "more than {} MPLS labels without bottom of stack",
                        MAX_MPLS_LABELS);
            }
            int avail = capEnd - pos;
            if (avail < 4) {
                return fail(MalformedReason.LINK_TRUNCATED, "MPLS label truncated: {} of 4 bytes captured", avail);
            }
            main.seek(pos);
            main.mpls._read();
            pos += 4;
            if ((main.mpls.entry() & 0x100) != 0) break;
        }
        // The stack does not say what it carries; IP is recognised by its version nibble, anything else
        // (pseudowires, control words) is not IP.
        return ipByVersion(pos, false);
    }

    /** IPv4 or IPv6 by the version nibble; any other version is malformed if {@code strict}, else not IP. */
    private DecodeResult ipByVersion(int pos, boolean strict) {
        if (pos >= capEnd) {
            return strict ? fail(MalformedReason.IP_VERSION, "no IP header: {} bytes captured", capEnd - record.offset)
                    : DecodeResult.NON_IP;
        }
        int version = main.u8(pos) >>> 4;
        if (version == 4) return ipv4(pos);
        if (version == 6) return ipv6(pos);
        return strict ? fail(MalformedReason.IP_VERSION, "IP version {} (expected 4 or 6)", version)
                : DecodeResult.NON_IP;
    }

    private DecodeResult loopback(int pos, boolean hostByteOrder) {
        int avail = capEnd - pos;
        if (avail < 4) {
            return fail(MalformedReason.LINK_TRUNCATED, "loopback header truncated: {} of 4 bytes captured", avail);
        }
        main.seek(pos);
        main.loopback._read();
        int family = (int) main.loopback.family();
        // Families are small numbers: a value with high bytes set was written little-endian.
        if (hostByteOrder && (family & 0xffff0000) != 0) family = Integer.reverseBytes(family);
        switch (family) {
            case 2:
                return ipv4(pos + 4);
            case 10:
            case 24:
            case 28:
            case 30:
                return ipv6(pos + 4);
            default:
                return DecodeResult.NON_IP;
        }
    }

    private DecodeResult ppp(int pos) {
        int avail = capEnd - pos;
        if (avail < 2) {
            return fail(MalformedReason.LINK_TRUNCATED, "PPP header truncated: {} of 2 bytes captured", avail);
        }
        int protocol;
        if (main.u8(pos) == 0xff && main.u8(pos + 1) == 0x03) {
            if (avail < 4) {
                return fail(MalformedReason.LINK_TRUNCATED, "PPP header truncated: {} of 4 bytes captured", avail);
            }
            main.seek(pos);
            main.pppFramed._read();
            protocol = main.pppFramed.protocol();
            pos += 4;
        } else if ((main.u8(pos) & 1) != 0) {
            // Protocol-field compression: a one-byte protocol, recognisable by its odd value.
            protocol = main.u8(pos);
            pos += 1;
        } else {
            main.seek(pos);
            main.pppUnframed._read();
            protocol = main.pppUnframed.protocol();
            pos += 2;
        }
        switch (protocol) {
            case 0x21:
                return ipv4(pos);
            case 0x57:
                return ipv6(pos);
            case 0x281:
                return mpls(pos);
            default:
                return DecodeResult.NON_IP;
        }
    }

    private DecodeResult nflog(int pos) {
        int avail = capEnd - pos;
        if (avail < 4) {
            return fail(MalformedReason.LINK_TRUNCATED, "NFLOG header truncated: {} of 4 bytes captured", avail);
        }
        main.seek(pos);
        main.nflog._read();
        int family = main.nflog.family();
        int p = pos + 4;
        while (capEnd - p >= 4) {
            main.seek(p);
            main.nflogTlv._read();
            int length = main.nflogTlv.length();
            if (length < 4) {
                return fail(MalformedReason.NFLOG_TLV, "NFLOG TLV length {} (expected >= 4)", length);
            }
            if ((main.nflogTlv.type() & 0x3fff) == NFULA_PAYLOAD) {
                long valueEnd = (long) p + length;
                if (valueEnd > wireEnd) {
                    return fail(MalformedReason.NFLOG_TLV, "NFLOG payload TLV length {} exceeds the {} bytes left in the record",
                            length, wireEnd - p);
                }
                wireEnd = valueEnd;
                capEnd = (int) Math.min(capEnd, valueEnd);
                if (family == 2) return ipv4(p + 4);
                if (family == 10) return ipv6(p + 4);
                return ipByVersion(p + 4, true);
            }
            p += (length + 3) & ~3;
        }
        return fail(MalformedReason.NFLOG_TLV, "no NFLOG payload TLV (type 9) in the {} bytes captured", avail);
    }

    // ---- network layer ---------------------------------------------------------------------------------------------

    private DecodeResult ipv4(int pos) {
        int avail = capEnd - pos;
        if (avail < 20) {
            return fail(MalformedReason.IPV4_TRUNCATED, "IPv4 header truncated: {} of 20 bytes captured", avail);
        }
        main.seek(pos);
        Ipv4Header ip = main.ipv4;
        ip._read();
        long w0 = ip.versionToFragment();
        int versionIhl = (int) (w0 >>> 56);
        if (versionIhl >>> 4 != 4) {
            return fail(MalformedReason.IP_VERSION, "IP version {} where IPv4 was expected", versionIhl >>> 4);
        }
        int ihl = versionIhl & 0xf;
        if (ihl < 5) return fail(MalformedReason.IPV4_HEADER_LENGTH, "IPv4 header length {} (expected >= 5)", ihl);
        int headerLength = ihl << 2;
        int total = (int) (w0 >>> 32) & 0xffff;
        int flagsOffset = (int) w0 & 0xffff;
        if (total == 0 && (flagsOffset & 0x3fff) == 0) {
            // Segmentation offload on the capturing host: the stack hands the NIC one large segment with the total
            // length left for the NIC to fill in per segment (Linux BIG TCP does so above 64 KiB), and the capture
            // records it as such. The frame holds the whole datagram (Zeek copes the same way).
            total = (int) Math.min(Integer.MAX_VALUE, wireEnd - pos);
            stats.ipv4ZeroLength++;
        }
        if (total < headerLength) {
            return fail(MalformedReason.IPV4_TOTAL_LENGTH, "IPv4 total length {} shorter than its header ({})",
                    total, headerLength);
        }
        if (avail < headerLength) {
            return fail(MalformedReason.IPV4_TRUNCATED, "IPv4 header with options truncated: {} of {} bytes captured",
                    avail, headerLength);
        }
        if (pos + total > wireEnd) {
            return fail(MalformedReason.IPV4_TOTAL_LENGTH, "IPv4 total length {} exceeds the {} bytes left in the frame",
                    total, wireEnd - pos);
        }
        long w1 = ip.ttlToSrc();
        stats.ipv4++;
        ipVersion = 4;
        srcHi = 0;
        srcLo = w1 & 0xffff_ffffL;
        dstHi = 0;
        dstLo = ip.dstAddr();
        int protocol = (int) (w1 >>> 48) & 0xff;
        int ipEnd = pos + total;
        if ((flagsOffset & 0x3fff) != 0) {
            return fragment(protocol, (w0 >>> 16) & 0xffff, (flagsOffset & 0x1fff) << 3, (flagsOffset & 0x2000) != 0,
                    pos + headerLength, ipEnd);
        }
        return transport(main, protocol, pos + headerLength, ipEnd, capEnd, false);
    }

    private DecodeResult ipv6(int pos) {
        int avail = capEnd - pos;
        if (avail < 40) {
            return fail(MalformedReason.IPV6_TRUNCATED, "IPv6 header truncated: {} of 40 bytes captured", avail);
        }
        main.seek(pos);
        Ipv6Header ip = main.ipv6;
        ip._read();
        int version = (int) (ip.versionClassFlow() >>> 28);
        if (version != 6) return fail(MalformedReason.IP_VERSION, "IP version {} where IPv6 was expected", version);
        int payloadLength = ip.payloadLength();
        if (pos + 40 + payloadLength > wireEnd) {
            return fail(MalformedReason.IPV6_PAYLOAD_LENGTH, "IPv6 payload length {} exceeds the {} bytes left in the frame",
                    payloadLength, wireEnd - pos - 40);
        }
        stats.ipv6++;
        ipVersion = 6;
        srcHi = ip.srcAddrHi();
        srcLo = ip.srcAddrLo();
        dstHi = ip.dstAddrHi();
        dstLo = ip.dstAddrLo();
        return ipv6Chain(main, ip.nextHeader(), pos + 40, pos + 40 + payloadLength, capEnd, false);
    }

    /** Walks IPv6 extension headers from {@code p} to the upper-layer protocol. */
    private DecodeResult ipv6Chain(HeaderSet h, int nextHeader, int p, int ipEnd, int capturedEnd, boolean reassembled) {
        int limit = Math.min(capturedEnd, ipEnd);
        for (int extensions = 0; ; extensions++) {
            switch (nextHeader) {
                case 0:
                case 43:
                case 60:
                case 51: {
                    if (extensions == MAX_IPV6_EXTENSIONS) {
                        return fail(MalformedReason.IPV6_EXTENSION, "more than {} IPv6 extension headers",
                                MAX_IPV6_EXTENSIONS);
                    }
                    if (ipEnd - p < 2) {
                        return fail(MalformedReason.IPV6_EXTENSION,
                                "IPv6 extension header {} needs 2 bytes, {} left in the payload", nextHeader, ipEnd - p);
                    }
                    if (limit - p < 2) {
                        return fail(MalformedReason.IPV6_EXTENSION,
                                "IPv6 extension header {} truncated: {} of 2 bytes captured", nextHeader, limit - p);
                    }
                    h.seek(p);
                    int length;
                    int next;
                    if (nextHeader == 51) {
                        h.ipv6Auth._read();
                        length = (h.ipv6Auth.payloadLen() + 2) << 2;
                        next = h.ipv6Auth.nextHeader();
                    } else {
                        h.ipv6Ext._read();
                        length = (h.ipv6Ext.hdrExtLen() + 1) << 3;
                        next = h.ipv6Ext.nextHeader();
                    }
                    if (ipEnd - p < length) {
                        return fail(MalformedReason.IPV6_EXTENSION,
                                "IPv6 extension header {} of {} bytes runs past the payload ({} bytes left)",
                                nextHeader, length, ipEnd - p);
                    }
                    nextHeader = next;
                    p += length;
                    break;
                }
                case 44: {
                    if (reassembled) return DecodeResult.OTHER_IP; // a fragment inside a fragment: not followed
                    if (extensions == MAX_IPV6_EXTENSIONS) {
                        return fail(MalformedReason.IPV6_EXTENSION, "more than {} IPv6 extension headers",
                                MAX_IPV6_EXTENSIONS);
                    }
                    if (ipEnd - p < 8) {
                        return fail(MalformedReason.IPV6_EXTENSION,
                                "IPv6 fragment header needs 8 bytes, {} left in the payload", ipEnd - p);
                    }
                    if (limit - p < 8) {
                        return fail(MalformedReason.IPV6_EXTENSION,
                                "IPv6 fragment header truncated: {} of 8 bytes captured", limit - p);
                    }
                    h.seek(p);
                    Ipv6Header.FragmentHeader f = h.ipv6Fragment;
                    f._read();
                    int offsetFlags = f.offsetFlags();
                    int offset = offsetFlags & 0xfff8;
                    boolean more = (offsetFlags & 1) != 0;
                    nextHeader = f.nextHeader();
                    p += 8;
                    if (offset != 0 || more) {
                        return fragment(nextHeader, f.identification(), offset, more, p, ipEnd);
                    }
                    break; // atomic fragment (RFC 6946): the packet is whole
                }
                default:
                    return transport(h, nextHeader, p, ipEnd, capturedEnd, reassembled);
            }
        }
    }

    /** Hands a fragment to reassembly and decodes the datagram it completes. */
    private DecodeResult fragment(int protocol, long id, int offset, boolean more, int start, int ipEnd) {
        stats.fragmentsSeen++;
        if (ipEnd > capEnd) {
            stats.countFragmentsDropped(FragmentDropReason.TRUNCATED, 1);
            return DecodeResult.FRAGMENT_DROPPED;
        }
        int length = reassembler.add(ipVersion, srcHi, srcLo, dstHi, dstLo, protocol, id, offset, more, main.view(),
                start, ipEnd - start, record.timestampNanos, reassembled);
        if (length == FragmentReassembler.HELD) return DecodeResult.FRAGMENT_HELD;
        if (length == FragmentReassembler.DROPPED) return DecodeResult.FRAGMENT_DROPPED;
        reassembly.limit(length);
        if (ipVersion == 6) return ipv6Chain(reassembly, protocol, 0, length, length, true);
        return transport(reassembly, protocol, 0, length, length, true);
    }

    private DecodeResult transport(HeaderSet h, int protocol, int start, int ipEnd, int capturedEnd, boolean reassembled) {
        switch (protocol) {
            case PROTO_TCP:
                return tcp(h, start, ipEnd, capturedEnd, reassembled);
            case PROTO_UDP:
                return DecodeResult.UDP;
            default:
                return DecodeResult.OTHER_IP;
        }
    }

    // ---- TCP -------------------------------------------------------------------------------------------------------

    private DecodeResult tcp(HeaderSet h, int start, int ipEnd, int capturedEnd, boolean reassembled) {
        int segmentLength = ipEnd - start;
        int segmentCapturedEnd = Math.min(capturedEnd, ipEnd);
        int avail = segmentCapturedEnd - start;
        if (segmentLength < 20) {
            return fail(MalformedReason.TCP_TRUNCATED, "IP payload of {} bytes is shorter than a TCP header (20)",
                    segmentLength);
        }
        if (avail < 20) {
            return fail(MalformedReason.TCP_TRUNCATED, "TCP header truncated: {} of 20 bytes captured", avail);
        }
        h.seek(start);
        TcpHeader t = h.tcp;
        t._read();
        long w1 = t.ackOffsetWindow();
        int offsetFlags = (int) (w1 >>> 16) & 0xffff;
        int dataOffset = offsetFlags >>> 12;
        if (dataOffset < 5) return fail(MalformedReason.TCP_DATA_OFFSET, "TCP data offset {} (expected >= 5)", dataOffset);
        int headerLength = dataOffset << 2;
        if (headerLength > segmentLength) {
            return fail(MalformedReason.TCP_DATA_OFFSET, "TCP data offset {} ({} bytes) exceeds the {}-byte IP payload",
                    dataOffset, headerLength, segmentLength);
        }

        long w0 = t.portsSeq();
        int w2 = (int) t.checksumUrgent();
        TcpPacket o = out;
        o.packetNumber = record.packetNumber;
        o.timestampNanos = record.timestampNanos;
        o.ipVersion = ipVersion;
        o.srcHi = srcHi;
        o.srcLo = srcLo;
        o.dstHi = dstHi;
        o.dstLo = dstLo;
        o.srcPort = (int) (w0 >>> 48);
        o.dstPort = (int) (w0 >>> 32) & 0xffff;
        o.seq = (int) w0;
        o.ack = (int) (w1 >>> 32);
        o.flags = offsetFlags & 0x1ff;
        o.window = (int) w1 & 0xffff;
        o.urgentPointer = w2 & 0xffff;
        int payloadStart = start + headerLength;
        o.payloadLength = segmentLength - headerLength;
        o.capturedPayloadLength = Math.max(0, segmentCapturedEnd - payloadStart);
        o.reassembled = reassembled;
        o.clearOptions();
        o.optionsTruncated = segmentCapturedEnd < payloadStart;
        if (headerLength > 20 && parseTcpOptions) {
            int optionsEnd = Math.min(payloadStart, segmentCapturedEnd);
            long nopNopTs;
            if (headerLength == 32 && optionsEnd == payloadStart
                    && ((nopNopTs = (long) BE_LONG.get(h.array, h.arrayOffset + start + 20)) >>> 32) == 0x0101080aL) {
                // NOP, NOP, Timestamps: the options of nearly every segment after the handshake between stacks that
                // use timestamps (RFC 7323 appendix A's layout), read in two steps without walking them.
                o.hasTimestamps = true;
                o.tsVal = (int) nopNopTs;
                o.tsEcr = (int) BE_INT.get(h.array, h.arrayOffset + start + 28);
            } else {
                options(h.array, h.arrayOffset, start + 20, payloadStart, optionsEnd);
            }
        }
        if (o.optionsTruncated) stats.truncatedOptions++;
        if (o.capturedPayloadLength < o.payloadLength) stats.truncatedSegments++;

        if (verifyChecksums && capturedEnd >= ipEnd) {
            if (checksum(h.array, h.arrayOffset + start, segmentLength) == 0xffff) {
                o.checksumStatus = TcpPacket.CHECKSUM_GOOD;
                stats.goodChecksums++;
            } else {
                stats.badChecksums++;
                if (offloadPattern(w2 >>> 16, segmentLength)) {
                    o.checksumStatus = TcpPacket.CHECKSUM_OFFLOADED;
                    stats.offloadedChecksums++;
                } else {
                    o.checksumStatus = TcpPacket.CHECKSUM_BAD;
                }
            }
        } else {
            o.checksumStatus = TcpPacket.CHECKSUM_UNVERIFIED;
            stats.unverifiedChecksums++;
        }
        return DecodeResult.TCP;
    }

    /**
     * Walks the options in {@code [p, headerEnd)}, reading only below {@code capturedEnd}. A length that is below 2 or
     * runs past the header stops the walk (counted); a known kind with a wrong length is ignored (counted).
     *
     * <p>Positions are buffer indexes; {@code a[base + i]} is the byte at index {@code i}. Every read is below
     * {@code capturedEnd}, which the caller keeps within the captured bytes.
     */
    private void options(byte[] a, int base, int p, int headerEnd, int capturedEnd) {
        TcpPacket o = out;
        if (headerEnd - p == 20 && capturedEnd == headerEnd) {
            // MSS, SACK permitted, Timestamps, NOP, window scale: the options of a SYN or SYN-ACK from Linux with
            // its defaults (tcp_options_write's order), read in four steps without walking them.
            long v = (long) BE_LONG.get(a, base + p);
            int w = (int) BE_INT.get(a, base + p + 16);
            if ((v & 0xffff_0000_ffff_ffffL) == 0x0204_0000_0402_080aL && w >>> 8 == 0x010303) {
                o.mss = (int) (v >>> 32) & 0xffff;
                o.sackPermitted = true;
                o.hasTimestamps = true;
                o.tsVal = (int) BE_INT.get(a, base + p + 8);
                o.tsEcr = (int) BE_INT.get(a, base + p + 12);
                o.windowScale = w & 0xff;
                return;
            }
        }
        while (p < capturedEnd) {
            int kind = a[base + p] & 0xff;
            if (kind == 0) return;
            if (kind == 1) {
                p++;
                continue;
            }
            if (headerEnd - p < 2) {
                stats.badTcpOptions++;
                return;
            }
            if (capturedEnd - p < 2) return;
            int length = a[base + p + 1] & 0xff;
            if (length < 2 || length > headerEnd - p) {
                stats.badTcpOptions++;
                return;
            }
            if (length > capturedEnd - p) return;
            boolean ok = true;
            switch (kind) {
                case 2:
                    if (ok = length == 4) o.mss = ((a[base + p + 2] & 0xff) << 8) | (a[base + p + 3] & 0xff);
                    break;
                case 3:
                    if (ok = length == 3) o.windowScale = a[base + p + 2] & 0xff;
                    break;
                case 4:
                    if (ok = length == 2) o.sackPermitted = true;
                    break;
                case 5:
                    if (ok = length >= 10 && (length - 2) % 8 == 0) o.sackBlocks = (length - 2) >>> 3;
                    break;
                case 8:
                    if (ok = length == 10) {
                        o.hasTimestamps = true;
                        o.tsVal = (int) BE_INT.get(a, base + p + 2);
                        o.tsEcr = (int) BE_INT.get(a, base + p + 6);
                    }
                    break;
                case 34:
                    o.fastOpenCookieLength = length - 2;
                    break;
                case 254:
                    if (length >= 4 && (((a[base + p + 2] & 0xff) << 8) | (a[base + p + 3] & 0xff)) == 0xf989) {
                        o.fastOpenCookieLength = length - 4;
                    }
                    break;
                default:
                    break;
            }
            if (!ok) stats.badTcpOptions++;
            p += length;
        }
    }

    private static final java.lang.invoke.VarHandle BE_INT =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final java.lang.invoke.VarHandle BE_LONG =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /**
     * Whether a wrong checksum field holds what checksum offload leaves there for the NIC to complete: the
     * pseudo-header sum, folded and not complemented (Linux with {@code CHECKSUM_PARTIAL}: {@code __tcp_v4_send_check}
     * and its IPv6 twin on transmit, {@code tcp4_gro_complete}/{@code tcp6_gro_complete} on the aggregates GRO
     * builds), the same sum without the TCP length (large send offload that leaves each segment's length to the
     * NIC), or zero (stacks that leave the field empty). A corrupted segment shows one of these by chance once in
     * 21845.
     */
    private boolean offloadPattern(int field, int length) {
        if (field == 0) return true;
        return field == fold(pseudoHeaderSum(length)) || field == fold(pseudoHeaderSum(0));
    }

    private static int fold(long sum) {
        while ((sum >>> 16) != 0) sum = (sum & 0xffff) + (sum >>> 16);
        return (int) sum;
    }

    /** One's complement sum of the TCP pseudo-header for a segment of {@code length} bytes, not folded. */
    private long pseudoHeaderSum(int length) {
        long sum;
        if (ipVersion == 4) {
            sum = (srcLo >>> 16) + (srcLo & 0xffff) + (dstLo >>> 16) + (dstLo & 0xffff);
        } else {
            sum = fold64(srcHi) + fold64(srcLo) + fold64(dstHi) + fold64(dstLo);
        }
        return sum + PROTO_TCP + (length >>> 16) + (length & 0xffff);
    }

    /**
     * One's complement sum of the pseudo-header and the {@code length} bytes of the segment at index {@code i} of
     * {@code a}, folded to 16 bits. 0xffff means correct.
     */
    private int checksum(byte[] a, int i, int length) {
        long sum = pseudoHeaderSum(length);
        // Read the backing array directly (the buffers are heap buffers): two 32-bit halves per 8 bytes, at most
        // 2^33 per step and 8192 steps, so the long cannot overflow and the carries are folded once at the end.
        int end = i + length;
        for (; end - i >= 8; i += 8) {
            long v = (long) BE_LONG.get(a, i);
            sum += (v >>> 32) + (v & 0xffffffffL);
        }
        sum = (sum >>> 32) + (sum & 0xffffffffL);
        for (; end - i >= 2; i += 2) sum += ((a[i] & 0xff) << 8) | (a[i + 1] & 0xff);
        if (i < end) sum += (a[i] & 0xff) << 8;
        while ((sum >>> 16) != 0) sum = (sum & 0xffff) + (sum >>> 16);
        return (int) sum;
    }

    /** Sum of the four 16-bit words of {@code v}, not yet folded. */
    private static long fold64(long v) {
        return (v >>> 48) + ((v >>> 32) & 0xffff) + ((v >>> 16) & 0xffff) + (v & 0xffff);
    }

    // ---- problems --------------------------------------------------------------------------------------------------

    private DecodeResult fail(MalformedReason reason, String template) {
        return fail(reason, template, 0, 0, 0);
    }

    private DecodeResult fail(MalformedReason reason, String template, long a0) {
        return fail(reason, template, a0, 0, 0);
    }

    private DecodeResult fail(MalformedReason reason, String template, long a0, long a1) {
        return fail(reason, template, a0, a1, 0);
    }

    private DecodeResult fail(MalformedReason reason, String template, long a0, long a1, long a2) {
        problem = reason;
        problemTemplate = template;
        problemArg0 = a0;
        problemArg1 = a1;
        problemArg2 = a2;
        return DecodeResult.MALFORMED;
    }
}
