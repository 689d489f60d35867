package dev.tcpstate.parsers.decode;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Counters kept by one {@link PacketDecoder}: what the records were, what was wrong with them, what reassembly did.
 * Counting allocates nothing except the first time a link type above {@value #SMALL_LINK_TYPES} is seen.
 */
public final class DecodeStats {
    private static final int SMALL_LINK_TYPES = 1024;
    private static final DecodeResult[] RESULTS = DecodeResult.values();
    private static final MalformedReason[] MALFORMED = MalformedReason.values();
    private static final FragmentDropReason[] DROPS = FragmentDropReason.values();

    private long packets;
    private final long[] byResult = new long[RESULTS.length];
    private final long[] byLinkType = new long[SMALL_LINK_TYPES];
    private final TreeMap<Integer, long[]> byLargeLinkType = new TreeMap<>();
    private final TreeSet<Integer> unsupportedLinkTypes = new TreeSet<>();
    private final long[] malformed = new long[MALFORMED.length];
    private final long[] fragmentsDropped = new long[DROPS.length];

    long ipv4;
    long ipv4ZeroLength;
    long ipv6;
    long goodChecksums;
    long badChecksums;
    long offloadedChecksums;
    long unverifiedChecksums;
    long truncatedSegments;
    long truncatedOptions;
    long badTcpOptions;
    long fragmentsSeen;
    long datagramsReassembled;
    long overlappingFragments;

    void countPacket(int linkType) {
        packets++;
        if (linkType >= 0 && linkType < SMALL_LINK_TYPES) {
            byLinkType[linkType]++;
        } else {
            byLargeLinkType.computeIfAbsent(linkType, k -> new long[1])[0]++;
        }
    }

    void countResult(DecodeResult result) {
        byResult[result.ordinal()]++;
    }

    void countUnsupported(int linkType) {
        // The set holds each type once; the check below avoids boxing on every record of a known-bad type.
        if (linkType >= 0 && linkType < SMALL_LINK_TYPES && byLinkType[linkType] > 1) return;
        unsupportedLinkTypes.add(linkType);
    }

    void countMalformed(MalformedReason reason) {
        malformed[reason.ordinal()]++;
    }

    void countFragmentsDropped(FragmentDropReason reason, long n) {
        fragmentsDropped[reason.ordinal()] += n;
    }

    /**
     * Counts one packet a caller keeps after decoding it (a summary of a filtered view of a capture): its link type,
     * what the decoder found, the IP version, and for a TCP segment its checksum and truncation.
     *
     * @param ipVersion 4, 6, or 0 when the packet was not IP ({@link PacketDecoder#lastIpVersion()})
     * @param tcp       the segment when {@code result} is {@link DecodeResult#TCP}, else null
     * @param reason    the reason when {@code result} is {@link DecodeResult#MALFORMED}, else null
     */
    public void countKept(int linkType, DecodeResult result, int ipVersion, TcpPacket tcp, MalformedReason reason) {
        countPacket(linkType);
        countResult(result);
        if (ipVersion == 4) ipv4++;
        else if (ipVersion == 6) ipv6++;
        if (result == DecodeResult.UNSUPPORTED_LINK) unsupportedLinkTypes.add(linkType);
        if (result == DecodeResult.MALFORMED && reason != null) countMalformed(reason);
        if (tcp != null) {
            if (tcp.checksumStatus == TcpPacket.CHECKSUM_GOOD) {
                goodChecksums++;
            } else if (tcp.checksumStatus == TcpPacket.CHECKSUM_BAD) {
                badChecksums++;
            } else if (tcp.checksumStatus == TcpPacket.CHECKSUM_OFFLOADED) {
                badChecksums++;
                offloadedChecksums++;
            } else {
                unverifiedChecksums++;
            }
            if (tcp.capturedPayloadLength < tcp.payloadLength) truncatedSegments++;
            if (tcp.optionsTruncated) truncatedOptions++;
        }
    }

    /** Adds another decoder's counts to these (for captures decoded in parts). */
    public void add(DecodeStats o) {
        packets += o.packets;
        for (int i = 0; i < byResult.length; i++) byResult[i] += o.byResult[i];
        for (int i = 0; i < byLinkType.length; i++) byLinkType[i] += o.byLinkType[i];
        o.byLargeLinkType.forEach((k, v) -> byLargeLinkType.computeIfAbsent(k, x -> new long[1])[0] += v[0]);
        unsupportedLinkTypes.addAll(o.unsupportedLinkTypes);
        for (int i = 0; i < malformed.length; i++) malformed[i] += o.malformed[i];
        for (int i = 0; i < fragmentsDropped.length; i++) fragmentsDropped[i] += o.fragmentsDropped[i];
        ipv4 += o.ipv4;
        ipv4ZeroLength += o.ipv4ZeroLength;
        ipv6 += o.ipv6;
        goodChecksums += o.goodChecksums;
        badChecksums += o.badChecksums;
        offloadedChecksums += o.offloadedChecksums;
        unverifiedChecksums += o.unverifiedChecksums;
        truncatedSegments += o.truncatedSegments;
        truncatedOptions += o.truncatedOptions;
        badTcpOptions += o.badTcpOptions;
        fragmentsSeen += o.fragmentsSeen;
        datagramsReassembled += o.datagramsReassembled;
        overlappingFragments += o.overlappingFragments;
    }

    public long packets() { return packets; }
    public long count(DecodeResult result) { return byResult[result.ordinal()]; }
    public long malformed(MalformedReason reason) { return malformed[reason.ordinal()]; }
    public long fragmentsDropped(FragmentDropReason reason) { return fragmentsDropped[reason.ordinal()]; }

    public long fragmentsDropped() {
        long n = 0;
        for (long c : fragmentsDropped) n += c;
        return n;
    }

    public long ipv4Packets() { return ipv4; }
    public long ipv6Packets() { return ipv6; }
    /**
     * IPv4 packets whose total length was zero, decoded with the length of the frame: segments handed to the NIC for
     * segmentation offload, captured on the sending host.
     */
    public long ipv4ZeroLengthPackets() { return ipv4ZeroLength; }
    public long goodChecksums() { return goodChecksums; }
    /** Segments whose checksum was wrong, offload pattern included. */
    public long badChecksums() { return badChecksums; }
    /**
     * Of {@link #badChecksums()}, those whose field holds what checksum offload leaves there (the pseudo-header sum,
     * with or without the TCP length, or zero): {@link TcpPacket#CHECKSUM_OFFLOADED}.
     */
    public long offloadedChecksums() { return offloadedChecksums; }
    /** Segments whose checksum was not checked: partly captured, or verification turned off. */
    public long unverifiedChecksums() { return unverifiedChecksums; }
    /** Segments with fewer payload bytes captured than the IP header says they carry. */
    public long truncatedSegments() { return truncatedSegments; }
    /** Segments whose TCP options were cut off by the snap length. */
    public long truncatedOptions() { return truncatedOptions; }
    /** TCP options with an impossible length (option walk stopped) or a wrong length for their kind (ignored). */
    public long badTcpOptions() { return badTcpOptions; }
    public long fragmentsSeen() { return fragmentsSeen; }
    public long datagramsReassembled() { return datagramsReassembled; }
    /** Fragments that overlapped data already buffered; the earlier bytes were kept. */
    public long overlappingFragments() { return overlappingFragments; }

    /** Records per link type, by LINKTYPE_ value. */
    public SortedMap<Integer, Long> linkTypeCounts() {
        TreeMap<Integer, Long> m = new TreeMap<>();
        for (int i = 0; i < SMALL_LINK_TYPES; i++) {
            if (byLinkType[i] != 0) m.put(i, byLinkType[i]);
        }
        for (Map.Entry<Integer, long[]> e : byLargeLinkType.entrySet()) m.put(e.getKey(), e.getValue()[0]);
        return m;
    }

    /** Each link type that was not decoded, once. */
    public SortedSet<Integer> unsupportedLinkTypes() {
        return Collections.unmodifiableSortedSet(unsupportedLinkTypes);
    }

    /** A human-readable report, one fact per line, zero counters left out except the totals. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(512);
        sb.append("packets: ").append(packets).append('\n');
        for (DecodeResult r : RESULTS) {
            long n = byResult[r.ordinal()];
            if (n != 0) sb.append("  ").append(r.name().toLowerCase()).append(": ").append(n).append('\n');
        }
        sb.append("link types:\n");
        for (Map.Entry<Integer, Long> e : linkTypeCounts().entrySet()) {
            sb.append("  ").append(LinkType.name(e.getKey())).append(" (").append(e.getKey()).append("): ")
                    .append(e.getValue()).append('\n');
        }
        Set<Integer> unsupported = unsupportedLinkTypes();
        if (!unsupported.isEmpty()) {
            sb.append("unsupported link types:");
            for (int lt : unsupported) sb.append(' ').append(LinkType.name(lt));
            sb.append('\n');
        }
        sb.append("ipv4: ").append(ipv4).append(", ipv6: ").append(ipv6).append('\n');
        if (ipv4ZeroLength != 0) {
            sb.append("ipv4 with total length 0 (segmentation offload): ").append(ipv4ZeroLength).append('\n');
        }
        sb.append("tcp checksums: good ").append(goodChecksums).append(", bad ").append(badChecksums)
                .append(" (offload pattern ").append(offloadedChecksums).append("), unverified ")
                .append(unverifiedChecksums).append('\n');
        sb.append("truncated segments: ").append(truncatedSegments).append(" (options cut: ").append(truncatedOptions)
                .append("), bad tcp options: ").append(badTcpOptions).append('\n');
        sb.append("fragments: seen ").append(fragmentsSeen).append(", datagrams reassembled ")
                .append(datagramsReassembled).append(", overlapping ").append(overlappingFragments)
                .append(", dropped ").append(fragmentsDropped()).append('\n');
        for (FragmentDropReason r : DROPS) {
            long n = fragmentsDropped[r.ordinal()];
            if (n != 0) sb.append("  dropped, ").append(r.label()).append(": ").append(n).append('\n');
        }
        long m = count(DecodeResult.MALFORMED);
        if (m != 0) {
            sb.append("malformed: ").append(m).append('\n');
            for (MalformedReason r : MALFORMED) {
                long n = malformed[r.ordinal()];
                if (n != 0) sb.append("  ").append(r.label()).append(": ").append(n).append('\n');
            }
        }
        return sb.toString();
    }
}
