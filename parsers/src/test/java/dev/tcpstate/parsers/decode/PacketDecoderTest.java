package dev.tcpstate.parsers.decode;

import static dev.tcpstate.parsers.decode.PacketBuilder.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tcpstate.parsers.capture.PacketRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PacketDecoderTest {
    static final long SRC4_LO = 0x0a000001L;
    static final long DST4_LO = 0xc0a801c8L;
    static final long SRC6_HI = 0x20010db800000000L, SRC6_LO = 1L;
    static final long DST6_HI = 0xfe80000000000000L, DST6_LO = 0x1234567890abcdefL;

    final PacketDecoder decoder = new PacketDecoder();
    final TcpPacket out = new TcpPacket();

    DecodeResult decode(PacketRecord r) {
        return decoder.decode(r, out);
    }

    DecodeResult decode(int linkType, byte[] frame) {
        return decode(record(linkType, frame));
    }

    static void assertIpv4Addresses(TcpPacket p) {
        assertThat(p.ipVersion).isEqualTo(4);
        assertThat(p.srcHi).isZero();
        assertThat(p.srcLo).isEqualTo(SRC4_LO);
        assertThat(p.dstHi).isZero();
        assertThat(p.dstLo).isEqualTo(DST4_LO);
    }

    static void assertIpv6Addresses(TcpPacket p) {
        assertThat(p.ipVersion).isEqualTo(6);
        assertThat(p.srcHi).isEqualTo(SRC6_HI);
        assertThat(p.srcLo).isEqualTo(SRC6_LO);
        assertThat(p.dstHi).isEqualTo(DST6_HI);
        assertThat(p.dstLo).isEqualTo(DST6_LO);
    }

    @Test
    void ethernetIpv4TcpFillsEveryField() {
        Tcp t = tcp().ports(49152, 443).seq(0xfffffff0L).ack(0xffffffffL)
                .flags(TcpPacket.ACK | TcpPacket.PSH | TcpPacket.ECE | TcpPacket.CWR | TcpPacket.AE)
                .window(0xfedc).urgent(0x1234).payload(100);
        out.reassembled = true;          // stale values from a previous segment must be overwritten
        out.optionsTruncated = true;
        out.mss = 1;

        PacketRecord r = record(LinkType.ETHERNET, ethernet(0x0800, ipv4Tcp(t)));
        assertThat(decode(r)).isEqualTo(DecodeResult.TCP);

        assertThat(out.packetNumber).isEqualTo(42);
        assertThat(out.timestampNanos).isEqualTo(1_700_000_000_123_456_789L);
        assertIpv4Addresses(out);
        assertThat(out.srcPort).isEqualTo(49152);
        assertThat(out.dstPort).isEqualTo(443);
        assertThat(Integer.toUnsignedLong(out.seq)).isEqualTo(0xfffffff0L);
        assertThat(Integer.toUnsignedLong(out.ack)).isEqualTo(0xffffffffL);
        assertThat(out.flags).isEqualTo(TcpPacket.ACK | TcpPacket.PSH | TcpPacket.ECE | TcpPacket.CWR | TcpPacket.AE);
        assertThat(TcpPacket.flagString(out.flags)).isEqualTo("PEWN.");
        assertThat(out.window).isEqualTo(0xfedc);
        assertThat(out.urgentPointer).isEqualTo(0x1234);
        assertThat(out.payloadLength).isEqualTo(100);
        assertThat(out.capturedPayloadLength).isEqualTo(100);
        assertThat(out.checksumStatus).isEqualTo(TcpPacket.CHECKSUM_GOOD);
        assertThat(out.reassembled).isFalse();
        assertThat(out.optionsTruncated).isFalse();
        assertThat(out.mss).isEqualTo(-1);
        assertThat(out.windowScale).isEqualTo(-1);
        assertThat(out.sackPermitted).isFalse();
        assertThat(out.sackBlocks).isZero();
        assertThat(out.hasTimestamps).isFalse();
        assertThat(out.fastOpenCookieLength).isEqualTo(-1);

        DecodeStats s = decoder.stats();
        assertThat(s.packets()).isEqualTo(1);
        assertThat(s.count(DecodeResult.TCP)).isEqualTo(1);
        assertThat(s.ipv4Packets()).isEqualTo(1);
        assertThat(s.goodChecksums()).isEqualTo(1);
        assertThat(s.linkTypeCounts()).containsExactly(org.assertj.core.api.Assertions.entry(1, 1L));
    }

    @Test
    void synFinAndEachFlagBit() {
        for (int flag : new int[] {TcpPacket.FIN, TcpPacket.SYN, TcpPacket.RST, TcpPacket.PSH, TcpPacket.ACK,
                TcpPacket.URG, TcpPacket.ECE, TcpPacket.CWR, TcpPacket.AE}) {
            assertThat(decode(LinkType.RAW, ipv4Tcp(tcp().flags(flag)))).isEqualTo(DecodeResult.TCP);
            assertThat(out.flags).as("flag %x", flag).isEqualTo(flag);
        }
        decode(LinkType.RAW, ipv4Tcp(tcp().flags(0x1ff)));
        assertThat(out.flags).isEqualTo(0x1ff);
        assertThat(out.sequenceLength()).isEqualTo(2);
    }

    /** The usual options after the handshake (NOP, NOP, Timestamps) and other 12-byte layouts give the same fields. */
    @Test
    void twelveByteOptionLayouts() {
        Tcp t = tcp().flags(TcpPacket.ACK).options(nop(), nop(), timestamps(0xffffffffL, 0x80000000L));
        assertThat(decode(LinkType.ETHERNET, ethernet(0x0800, ipv4Tcp(t)))).isEqualTo(DecodeResult.TCP);
        assertThat(out.hasTimestamps).isTrue();
        assertThat(Integer.toUnsignedLong(out.tsVal)).isEqualTo(0xffffffffL);
        assertThat(Integer.toUnsignedLong(out.tsEcr)).isEqualTo(0x80000000L);
        assertThat(out.mss).isEqualTo(-1);
        assertThat(out.sackBlocks).isZero();

        t = tcp().flags(TcpPacket.ACK).options(timestamps(7, 8), nop(), nop());
        assertThat(decode(LinkType.ETHERNET, ethernet(0x0800, ipv4Tcp(t)))).isEqualTo(DecodeResult.TCP);
        assertThat(out.hasTimestamps).isTrue();
        assertThat(out.tsVal).isEqualTo(7);
        assertThat(out.tsEcr).isEqualTo(8);

        t = tcp().flags(TcpPacket.ACK).options(nop(), nop(), sack(100, 200));
        assertThat(decode(LinkType.ETHERNET, ethernet(0x0800, ipv4Tcp(t)))).isEqualTo(DecodeResult.TCP);
        assertThat(out.hasTimestamps).isFalse();
        assertThat(out.sackBlocks).isEqualTo(1);

        // A timestamps option whose length byte is wrong is not taken for one: it is bad, and so is the 1-byte rest
        // that its length leaves (kind 2 with no room for a length).
        t = tcp().flags(TcpPacket.ACK).options(nop(), nop(), bytes(8, 9, 0, 0, 0, 1, 0, 0, 0, 2));
        assertThat(decode(LinkType.ETHERNET, ethernet(0x0800, ipv4Tcp(t)))).isEqualTo(DecodeResult.TCP);
        assertThat(out.hasTimestamps).isFalse();
        assertThat(decoder.stats().badTcpOptions()).isEqualTo(2);
    }

    @Test
    void everyOption() {
        Tcp t = tcp().flags(TcpPacket.SYN).options(mss(1460), sackPermitted(), timestamps(0xfffffffeL, 0x80000001L),
                nop(), windowScale(14), fastOpen(hex("0102030405060708")));
        assertThat(decode(LinkType.ETHERNET, ethernet(0x0800, ipv4Tcp(t)))).isEqualTo(DecodeResult.TCP);
        assertThat(out.mss).isEqualTo(1460);
        assertThat(out.sackPermitted).isTrue();
        assertThat(out.hasTimestamps).isTrue();
        assertThat(Integer.toUnsignedLong(out.tsVal)).isEqualTo(0xfffffffeL);
        assertThat(Integer.toUnsignedLong(out.tsEcr)).isEqualTo(0x80000001L);
        assertThat(out.windowScale).isEqualTo(14);
        assertThat(out.fastOpenCookieLength).isEqualTo(8);
        assertThat(out.sackBlocks).isZero();
        assertThat(out.checksumStatus).isEqualTo(TcpPacket.CHECKSUM_GOOD);
        assertThat(decoder.stats().badTcpOptions()).isZero();
    }

    @Test
    void linuxSynOptionsAndNearMisses() {
        // MSS, SACK permitted, Timestamps, NOP, window scale: the 20-byte block Linux puts on a SYN.
        Tcp syn = tcp().flags(TcpPacket.SYN).options(mss(0xffff), sackPermitted(), timestamps(0xfffffffeL, 0x80000001L),
                nop(), windowScale(14));
        assertThat(decode(LinkType.ETHERNET, ethernet(0x0800, ipv4Tcp(syn)))).isEqualTo(DecodeResult.TCP);
        assertThat(out.mss).isEqualTo(0xffff);
        assertThat(out.sackPermitted).isTrue();
        assertThat(out.hasTimestamps).isTrue();
        assertThat(Integer.toUnsignedLong(out.tsVal)).isEqualTo(0xfffffffeL);
        assertThat(Integer.toUnsignedLong(out.tsEcr)).isEqualTo(0x80000001L);
        assertThat(out.windowScale).isEqualTo(14);
        assertThat(out.sackBlocks).isZero();
        assertThat(out.fastOpenCookieLength).isEqualTo(-1);
        assertThat(out.optionsTruncated).isFalse();

        // The same 20 bytes with the NOP and window scale replaced by four NOPs: no window scale.
        decode(LinkType.ETHERNET, ethernet(0x0800, ipv4Tcp(tcp().flags(TcpPacket.SYN).options(mss(1460),
                sackPermitted(), timestamps(5, 6), nop(), nop(), nop(), nop()))));
        assertThat(out.mss).isEqualTo(1460);
        assertThat(out.sackPermitted).isTrue();
        assertThat(out.tsVal).isEqualTo(5);
        assertThat(out.tsEcr).isEqualTo(6);
        assertThat(out.windowScale).isEqualTo(-1);

        // Another order in 20 bytes: walked.
        decode(LinkType.ETHERNET, ethernet(0x0800, ipv4Tcp(tcp().flags(TcpPacket.SYN).options(mss(536), nop(),
                nop(), timestamps(7, 0), nop(), windowScale(2)))));
        assertThat(out.mss).isEqualTo(536);
        assertThat(out.sackPermitted).isFalse();
        assertThat(out.tsVal).isEqualTo(7);
        assertThat(out.windowScale).isEqualTo(2);

        // The Linux block cut by the snap length inside the window scale option: walked, the window scale not seen.
        byte[] frame = ethernet(0x0800, ipv4Tcp(tcp().flags(TcpPacket.SYN).options(mss(1460), sackPermitted(),
                timestamps(9, 0), nop(), windowScale(7))));
        assertThat(decode(record(LinkType.ETHERNET, frame, frame.length - 1))).isEqualTo(DecodeResult.TCP);
        assertThat(out.mss).isEqualTo(1460);
        assertThat(out.tsVal).isEqualTo(9);
        assertThat(out.windowScale).isEqualTo(-1);
        assertThat(out.optionsTruncated).isTrue();
        assertThat(decoder.stats().badTcpOptions()).isZero();
    }

    @Test
    void sackBlocksAndExperimentalFastOpen() {
        Tcp t = tcp().options(nop(), nop(), sack(0xfffffff0L, 0x10L, 0x20L, 0x30L, 0x40L, 0x50L));
        decode(LinkType.RAW, ipv4Tcp(t));
        assertThat(out.sackBlocks).isEqualTo(3);

        decode(LinkType.RAW, ipv4Tcp(tcp().options(fastOpenExperimental(hex("a1a2a3a4a5a6")))));
        assertThat(out.fastOpenCookieLength).isEqualTo(6);
        assertThat(out.sackBlocks).isZero();

        // A cookie request carries no cookie.
        decode(LinkType.RAW, ipv4Tcp(tcp().options(fastOpen(new byte[0]))));
        assertThat(out.fastOpenCookieLength).isZero();

        // Kind 254 with another magic is some other experiment.
        decode(LinkType.RAW, ipv4Tcp(tcp().options(bytes(254, 6, 0x12, 0x34, 0, 0))));
        assertThat(out.fastOpenCookieLength).isEqualTo(-1);
    }

    @Test
    void optionsAfterEndOfListAreIgnored() {
        decode(LinkType.RAW, ipv4Tcp(tcp().options(mss(536), eol(), windowScale(7))));
        assertThat(out.mss).isEqualTo(536);
        assertThat(out.windowScale).isEqualTo(-1);
    }

    @Test
    void malformedOptionLengthStopsTheWalk() {
        // Length 0 would loop forever if trusted; length 1 is shorter than kind + length.
        for (int badLength : new int[] {0, 1}) {
            decode(LinkType.RAW, ipv4Tcp(tcp().options(mss(1400), bytes(3, badLength, 7), timestamps(1, 2))));
            assertThat(out.mss).isEqualTo(1400);
            assertThat(out.windowScale).isEqualTo(-1);
            assertThat(out.hasTimestamps).isFalse();
        }
        // Runs past the header: 12 option bytes, the SACK claims 34.
        decode(LinkType.RAW, ipv4Tcp(tcp().options(mss(1400), bytes(5, 34, 0, 0, 0, 0, 0, 0))));
        assertThat(out.mss).isEqualTo(1400);
        assertThat(out.sackBlocks).isZero();
        // A known kind with a wrong length is skipped and the walk goes on.
        decode(LinkType.RAW, ipv4Tcp(tcp().options(bytes(2, 3, 5), windowScale(3))));
        assertThat(out.mss).isEqualTo(-1);
        assertThat(out.windowScale).isEqualTo(3);
        // The last option's length byte lies outside the header.
        decode(LinkType.RAW, ipv4Tcp(tcp().options(nop(), nop(), nop(), bytes(2))));
        assertThat(out.mss).isEqualTo(-1);
        assertThat(decoder.stats().badTcpOptions()).isEqualTo(5);
        assertThat(decoder.stats().count(DecodeResult.TCP)).isEqualTo(5);
    }

    @Test
    void paddedMinimumFrameDoesNotCountPaddingAsPayload() {
        byte[] frame = ethernet(0x0800, ipv4Tcp(tcp().flags(TcpPacket.ACK).payload(2)));
        assertThat(frame.length).isEqualTo(56);
        assertThat(decode(LinkType.ETHERNET, pad(frame, 60))).isEqualTo(DecodeResult.TCP);
        assertThat(out.payloadLength).isEqualTo(2);
        assertThat(out.capturedPayloadLength).isEqualTo(2);
        assertThat(out.checksumStatus).isEqualTo(TcpPacket.CHECKSUM_GOOD);
        assertThat(decoder.stats().truncatedSegments()).isZero();
    }

    @Test
    void snapLengthTruncationKeepsTheRealPayloadLength() {
        byte[] frame = ethernet(0x0800, ipv4Tcp(tcp().options(mss(1460)).payload(1400)));
        assertThat(decode(record(LinkType.ETHERNET, frame, 96))).isEqualTo(DecodeResult.TCP);
        assertThat(out.payloadLength).isEqualTo(1400);
        assertThat(out.capturedPayloadLength).isEqualTo(96 - 14 - 20 - 24);
        assertThat(out.mss).isEqualTo(1460);
        assertThat(out.optionsTruncated).isFalse();
        assertThat(out.checksumStatus).isEqualTo(TcpPacket.CHECKSUM_UNVERIFIED);
        assertThat(decoder.stats().truncatedSegments()).isEqualTo(1);
        assertThat(decoder.stats().unverifiedChecksums()).isEqualTo(1);
    }

    @Test
    void snapLengthInsideTheOptions() {
        byte[] frame = ethernet(0x0800, ipv4Tcp(tcp().flags(TcpPacket.SYN).options(mss(1460), sackPermitted(),
                timestamps(5, 0), nop(), windowScale(7))));
        // 14 + 20 + 20 + 8 bytes: MSS and SACK-permitted captured, the timestamps cut in the middle.
        assertThat(decode(record(LinkType.ETHERNET, frame, 62))).isEqualTo(DecodeResult.TCP);
        assertThat(out.mss).isEqualTo(1460);
        assertThat(out.sackPermitted).isTrue();
        assertThat(out.hasTimestamps).isFalse();
        assertThat(out.windowScale).isEqualTo(-1);
        assertThat(out.optionsTruncated).isTrue();
        assertThat(out.payloadLength).isZero();
        assertThat(out.checksumStatus).isEqualTo(TcpPacket.CHECKSUM_UNVERIFIED);
        assertThat(decoder.stats().truncatedOptions()).isEqualTo(1);
        assertThat(decoder.stats().badTcpOptions()).isZero();
    }

    @Test
    void badChecksumIsMarkedCountedAndDelivered() {
        assertThat(decode(LinkType.ETHERNET, ethernet(0x0800, ipv4Tcp(tcp().payload(33).corruptChecksum()))))
                .isEqualTo(DecodeResult.TCP);
        assertThat(out.checksumStatus).isEqualTo(TcpPacket.CHECKSUM_BAD);
        assertThat(out.payloadLength).isEqualTo(33);
        assertThat(decoder.stats().badChecksums()).isEqualTo(1);

        assertThat(decode(LinkType.IPV6, ipv6Tcp(tcp().payload(7).corruptChecksum()))).isEqualTo(DecodeResult.TCP);
        assertThat(out.checksumStatus).isEqualTo(TcpPacket.CHECKSUM_BAD);
        assertThat(decoder.stats().badChecksums()).isEqualTo(2);
    }

    @Test
    void checksumIsVerifiedForEverySegmentLength() {
        java.util.Random random = new java.util.Random(7);
        for (int length = 0; length <= 40; length++) {
            byte[] payload = new byte[length];
            random.nextBytes(payload);
            byte[] frame = ethernet(0x0800, ipv4Tcp(tcp().ports(40000 + length, 443).payload(payload)));
            assertThat(decode(LinkType.ETHERNET, frame)).isEqualTo(DecodeResult.TCP);
            assertThat(out.checksumStatus).as("length %d", length).isEqualTo(TcpPacket.CHECKSUM_GOOD);
            // A changed last byte (the odd byte when the length is odd) and a changed first byte of the header.
            frame[frame.length - 1] ^= 0x10;
            assertThat(decode(LinkType.ETHERNET, frame)).isEqualTo(DecodeResult.TCP);
            assertThat(out.checksumStatus).as("length %d, last byte", length).isEqualTo(TcpPacket.CHECKSUM_BAD);
            frame[frame.length - 1] ^= 0x10;
            frame[14 + 20] ^= 0x01;
            assertThat(decode(LinkType.ETHERNET, frame)).isEqualTo(DecodeResult.TCP);
            assertThat(out.checksumStatus).as("length %d, first byte", length).isEqualTo(TcpPacket.CHECKSUM_BAD);

            byte[] frame6 = ethernet(0x86dd, ipv6Tcp(tcp().ports(40000 + length, 443).payload(payload)));
            assertThat(decode(LinkType.ETHERNET, frame6)).isEqualTo(DecodeResult.TCP);
            assertThat(out.checksumStatus).as("IPv6, length %d", length).isEqualTo(TcpPacket.CHECKSUM_GOOD);
            frame6[frame6.length - 1] ^= 0x01;
            assertThat(decode(LinkType.ETHERNET, frame6)).isEqualTo(DecodeResult.TCP);
            assertThat(out.checksumStatus).as("IPv6, length %d, last byte", length).isEqualTo(TcpPacket.CHECKSUM_BAD);
        }
    }

    @Test
    void pseudoHeaderSumInTheFieldIsTheOffloadPattern() {
        // What Linux leaves for the NIC (CHECKSUM_PARTIAL): the pseudo-header sum, folded, not complemented.
        Tcp syn = tcp().flags(TcpPacket.SYN).options(mss(1460)).offloadChecksum();
        assertThat(decode(LinkType.ETHERNET, ethernet(0x0800, ipv4Tcp(syn)))).isEqualTo(DecodeResult.TCP);
        assertThat(out.checksumStatus).isEqualTo(TcpPacket.CHECKSUM_OFFLOADED);
        assertThat(decode(LinkType.IPV6, ipv6Tcp(tcp().payload(1201).offloadChecksum()))).isEqualTo(DecodeResult.TCP);
        assertThat(out.checksumStatus).isEqualTo(TcpPacket.CHECKSUM_OFFLOADED);
        // Counted as bad, and as offload among them.
        assertThat(decoder.stats().badChecksums()).isEqualTo(2);
        assertThat(decoder.stats().offloadedChecksums()).isEqualTo(2);
        assertThat(decoder.stats().goodChecksums()).isZero();
    }

    @Test
    void pseudoHeaderSumOfIpv4Segment() {
        // 10.0.0.1 > 192.168.1.200, TCP, 20 bytes: 0x0a00 + 0x0001 + 0xc0a8 + 0x01c8 + 6 + 20 = 0xcc8b
        decode(LinkType.RAW, ipv4Tcp(tcp().checksumField(0xcc8b)));
        assertThat(out.checksumStatus).isEqualTo(TcpPacket.CHECKSUM_OFFLOADED);
        // the complemented value (a checksum of the pseudo-header alone) is not the pattern
        decode(LinkType.RAW, ipv4Tcp(tcp().checksumField(~0xcc8b & 0xffff)));
        assertThat(out.checksumStatus).isEqualTo(TcpPacket.CHECKSUM_BAD);
        // nor is the pseudo-header sum of another length
        decode(LinkType.RAW, ipv4Tcp(tcp().payload(1).checksumField(0xcc8b)));
        assertThat(out.checksumStatus).isEqualTo(TcpPacket.CHECKSUM_BAD);
    }

    @Test
    void pseudoHeaderSumWithoutTheLengthIsTheOffloadPattern() {
        // large send offload may leave the pseudo-header sum without the TCP length (the NIC adds each segment's):
        // 0x0a00 + 0x0001 + 0xc0a8 + 0x01c8 + 6 = 0xcc77
        decode(LinkType.RAW, ipv4Tcp(tcp().payload(1845).checksumField(0xcc77)));
        assertThat(out.checksumStatus).isEqualTo(TcpPacket.CHECKSUM_OFFLOADED);
    }

    @Test
    void zeroIpv4TotalLengthTakesTheFrameLength() {
        // zeek_ldap_missing_krbtgt_ldap_request.pcapng packet 8: a large send captured on the sending host, IPv4
        // total length 0; the frame holds the whole segment.
        byte[] frame = ethernet(0x0800, ipv4().totalLength(0).build(tcp().payload(1845).build4()));
        assertThat(decode(LinkType.ETHERNET, frame)).isEqualTo(DecodeResult.TCP);
        assertThat(out.payloadLength).isEqualTo(1845);
        assertThat(out.capturedPayloadLength).isEqualTo(1845);
        assertThat(out.checksumStatus).isEqualTo(TcpPacket.CHECKSUM_GOOD);
        assertThat(decoder.stats().ipv4ZeroLengthPackets()).isEqualTo(1);

        // a fragment with total length 0 is still malformed
        byte[] fragment = ethernet(0x0800, ipv4().totalLength(0).fragment(8, true).build(new byte[16]));
        assertThat(decode(LinkType.ETHERNET, fragment)).isEqualTo(DecodeResult.MALFORMED);
        assertThat(decoder.lastProblem()).isEqualTo(MalformedReason.IPV4_TOTAL_LENGTH);
    }

    @Test
    void zeroChecksumFieldIsTheOffloadPattern() {
        decode(LinkType.ETHERNET, ethernet(0x0800, ipv4Tcp(tcp().payload(40).checksumField(0))));
        assertThat(out.checksumStatus).isEqualTo(TcpPacket.CHECKSUM_OFFLOADED);
        decode(LinkType.IPV6, ipv6Tcp(tcp().checksumField(0)));
        assertThat(out.checksumStatus).isEqualTo(TcpPacket.CHECKSUM_OFFLOADED);
        assertThat(decoder.stats().offloadedChecksums()).isEqualTo(2);
    }

    @Test
    void corruptChecksumIsNotTheOffloadPattern() {
        // zeek_tcp_syn-bad.pcap: a SYN whose checksum field says 0x9999 (right: 0x3bc0, pseudo-header sum: 0xed88)
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 200; i++) {
            decode(LinkType.RAW, ipv4Tcp(tcp().payload(random.nextInt(64)).seq(random.nextInt()).corruptChecksum()));
            assertThat(out.checksumStatus).isEqualTo(TcpPacket.CHECKSUM_BAD);
        }
        assertThat(decoder.stats().badChecksums()).isEqualTo(200);
        assertThat(decoder.stats().offloadedChecksums()).isZero();
    }

    @Test
    void checksumCoversOddLengthsAndEveryByte() {
        for (int length = 0; length < 20; length++) {
            decode(LinkType.RAW, ipv4Tcp(tcp().payload(length)));
            assertThat(out.checksumStatus).as("payload %d", length).isEqualTo(TcpPacket.CHECKSUM_GOOD);
            byte[] packet = ipv4Tcp(tcp().payload(length));
            packet[packet.length - 1] ^= 0x01;
            decode(LinkType.RAW, packet);
            assertThat(out.checksumStatus).as("payload %d, last byte changed", length).isEqualTo(TcpPacket.CHECKSUM_BAD);
        }
    }

    @Test
    void checksumVerificationCanBeTurnedOff() {
        PacketDecoder d = new PacketDecoder(DecoderOptions.defaults().withVerifyChecksums(false));
        assertThat(d.decode(record(LinkType.RAW, ipv4Tcp(tcp().corruptChecksum())), out)).isEqualTo(DecodeResult.TCP);
        assertThat(out.checksumStatus).isEqualTo(TcpPacket.CHECKSUM_UNVERIFIED);
        assertThat(d.stats().badChecksums()).isZero();
        assertThat(d.stats().unverifiedChecksums()).isEqualTo(1);
    }

    @Test
    void tcpOptionParsingCanBeTurnedOff() {
        PacketDecoder d = new PacketDecoder(DecoderOptions.defaults().withTcpOptions(false));
        Tcp t = tcp().flags(TcpPacket.SYN).ports(40000, 80).options(mss(1460), sackPermitted(), windowScale(7)).payload(5);
        assertThat(d.decode(record(LinkType.RAW, ipv4Tcp(t)), out)).isEqualTo(DecodeResult.TCP);
        assertThat(out.mss).isEqualTo(-1);
        assertThat(out.windowScale).isEqualTo(-1);
        assertThat(out.sackPermitted).isFalse();
        assertThat(out.srcPort).isEqualTo(40000);
        assertThat(out.payloadLength).isEqualTo(5);
        assertThat(out.checksumStatus).isEqualTo(TcpPacket.CHECKSUM_GOOD);
    }

    @Test
    void ipv4Options() {
        // Record route (7) with room for two addresses, then EOL: IHL 8.
        byte[] options = concat(bytes(7, 11, 4), new byte[8], bytes(0));
        byte[] packet = ipv4().options(options).build(tcp().options(mss(1200)).payload(10).build4());
        assertThat(packet[0]).isEqualTo((byte) 0x48);
        assertThat(decode(LinkType.ETHERNET, ethernet(0x0800, packet))).isEqualTo(DecodeResult.TCP);
        assertIpv4Addresses(out);
        assertThat(out.dstPort).isEqualTo(443);
        assertThat(out.mss).isEqualTo(1200);
        assertThat(out.payloadLength).isEqualTo(10);
        assertThat(out.checksumStatus).isEqualTo(TcpPacket.CHECKSUM_GOOD);
    }

    @Test
    void ipv6WithHopByHopAndDestinationOptions() {
        byte[] rest = concat(extensionHeader(60, 1), extensionHeader(6, 2),
                tcp().seq(0xffffffffL).payload(50).build6());
        assertThat(decode(LinkType.ETHERNET, ethernet(0x86dd, ipv6(0, rest)))).isEqualTo(DecodeResult.TCP);
        assertIpv6Addresses(out);
        assertThat(Integer.toUnsignedLong(out.seq)).isEqualTo(0xffffffffL);
        assertThat(out.payloadLength).isEqualTo(50);
        assertThat(out.checksumStatus).isEqualTo(TcpPacket.CHECKSUM_GOOD);
        assertThat(decoder.stats().ipv6Packets()).isEqualTo(1);
    }

    @Test
    void ipv6RoutingAuthAndAtomicFragmentHeaders() {
        byte[] rest = concat(extensionHeader(51, 1), authHeader(44, 3), fragmentHeader(6, 0, false, 77),
                tcp().payload(5).build6());
        assertThat(decode(LinkType.IPV6, ipv6(43, rest))).isEqualTo(DecodeResult.TCP);
        assertThat(out.payloadLength).isEqualTo(5);
        assertThat(out.checksumStatus).isEqualTo(TcpPacket.CHECKSUM_GOOD);
        assertThat(out.reassembled).isFalse();
        assertThat(decoder.stats().fragmentsSeen()).isZero();
    }

    @Test
    void ipv6PayloadLengthBoundsTheSegment() {
        byte[] frame = pad(ethernet(0x86dd, ipv6Tcp(tcp().payload(1))), 100);
        assertThat(decode(LinkType.ETHERNET, frame)).isEqualTo(DecodeResult.TCP);
        assertThat(out.payloadLength).isEqualTo(1);
        assertThat(out.checksumStatus).isEqualTo(TcpPacket.CHECKSUM_GOOD);
    }

    @Test
    void otherProtocols() {
        assertThat(decode(LinkType.RAW, ipv4().protocol(17).build(new byte[8]))).isEqualTo(DecodeResult.UDP);
        assertThat(decode(LinkType.RAW, ipv4().protocol(1).build(new byte[8]))).isEqualTo(DecodeResult.OTHER_IP);
        assertThat(decode(LinkType.RAW, ipv6(58, new byte[8]))).isEqualTo(DecodeResult.OTHER_IP);
        assertThat(decode(LinkType.RAW, ipv6(17, new byte[8]))).isEqualTo(DecodeResult.UDP);
        assertThat(decode(LinkType.RAW, ipv6(0, concat(extensionHeader(59, 1))))).isEqualTo(DecodeResult.OTHER_IP);
        assertThat(decode(LinkType.RAW, ipv6(60, concat(extensionHeader(50, 1), new byte[16]))))
                .isEqualTo(DecodeResult.OTHER_IP);
        assertThat(decode(LinkType.ETHERNET, ethernet(0x0806, new byte[28]))).isEqualTo(DecodeResult.NON_IP);
        assertThat(decode(LinkType.ETHERNET, ethernet(0x0026, new byte[38]))).isEqualTo(DecodeResult.NON_IP);
        DecodeStats s = decoder.stats();
        assertThat(s.count(DecodeResult.UDP)).isEqualTo(2);
        assertThat(s.count(DecodeResult.OTHER_IP)).isEqualTo(4);
        assertThat(s.count(DecodeResult.NON_IP)).isEqualTo(2);
        assertThat(s.ipv4Packets()).isEqualTo(2);
        assertThat(s.ipv6Packets()).isEqualTo(4);
    }

    // ---- link types ------------------------------------------------------------------------------------------------

    @Test
    void qinqVlanAndMplsStack() {
        byte[] inner = ipv4Tcp(tcp().payload(3));
        byte[] frame = ethernet(0x88a8, vlan(100, 0x8100, vlan(200, 0x8847,
                mpls(16, false, mpls(17, false, mpls(18, true, inner))))));
        assertThat(decode(LinkType.ETHERNET, frame)).isEqualTo(DecodeResult.TCP);
        assertIpv4Addresses(out);
        assertThat(out.payloadLength).isEqualTo(3);
        assertThat(out.checksumStatus).isEqualTo(TcpPacket.CHECKSUM_GOOD);

        byte[] legacy = ethernet(0x9100, vlan(7, 0x8100, vlan(8, 0x8848, mpls(3, true, ipv6Tcp(tcp())))));
        assertThat(decode(LinkType.ETHERNET, legacy)).isEqualTo(DecodeResult.TCP);
        assertIpv6Addresses(out);

        // MPLS carrying an Ethernet pseudowire (first nibble 0) is not IP.
        assertThat(decode(LinkType.ETHERNET, ethernet(0x8847, mpls(5, true, ethernet(0x0800, inner)))))
                .isEqualTo(DecodeResult.NON_IP);
    }

    @Test
    void linuxCookedV1AndV2() {
        assertThat(decode(LinkType.LINUX_SLL, linuxSll(0x0800, ipv4Tcp(tcp().payload(4))))).isEqualTo(DecodeResult.TCP);
        assertIpv4Addresses(out);
        assertThat(out.payloadLength).isEqualTo(4);
        assertThat(decode(LinkType.LINUX_SLL2, linuxSll2(0x86dd, ipv6Tcp(tcp().payload(9))))).isEqualTo(DecodeResult.TCP);
        assertIpv6Addresses(out);
        assertThat(out.payloadLength).isEqualTo(9);
        assertThat(decode(LinkType.LINUX_SLL, linuxSll(0x8100, vlan(5, 0x0800, ipv4Tcp(tcp())))))
                .isEqualTo(DecodeResult.TCP);
        assertThat(decode(LinkType.LINUX_SLL2, linuxSll2(0x0806, new byte[28]))).isEqualTo(DecodeResult.NON_IP);
    }

    @ParameterizedTest
    @ValueSource(ints = {10, 24, 28, 30})
    void nullLoopbackIpv6FamiliesInEitherByteOrder(int family) {
        assertThat(decode(LinkType.NULL, loopback(family, true, ipv6Tcp(tcp())))).isEqualTo(DecodeResult.TCP);
        assertIpv6Addresses(out);
        assertThat(decode(LinkType.NULL, loopback(family, false, ipv6Tcp(tcp())))).isEqualTo(DecodeResult.TCP);
        assertIpv6Addresses(out);
    }

    @Test
    void nullAndLoopLoopback() {
        assertThat(decode(LinkType.NULL, loopback(2, true, ipv4Tcp(tcp())))).isEqualTo(DecodeResult.TCP);
        assertThat(decode(LinkType.NULL, loopback(2, false, ipv4Tcp(tcp())))).isEqualTo(DecodeResult.TCP);
        assertIpv4Addresses(out);
        assertThat(decode(LinkType.LOOP, loopback(2, false, ipv4Tcp(tcp())))).isEqualTo(DecodeResult.TCP);
        assertThat(decode(LinkType.LOOP, loopback(24, false, ipv6Tcp(tcp())))).isEqualTo(DecodeResult.TCP);
        // LOOP is network order only.
        assertThat(decode(LinkType.LOOP, loopback(2, true, ipv4Tcp(tcp())))).isEqualTo(DecodeResult.NON_IP);
        assertThat(decode(LinkType.NULL, loopback(7, true, ipv4Tcp(tcp())))).isEqualTo(DecodeResult.NON_IP);
    }

    @Test
    void rawIpLinkTypes() {
        assertThat(decode(LinkType.RAW, ipv4Tcp(tcp()))).isEqualTo(DecodeResult.TCP);
        assertIpv4Addresses(out);
        assertThat(decode(LinkType.RAW, ipv6Tcp(tcp()))).isEqualTo(DecodeResult.TCP);
        assertIpv6Addresses(out);
        assertThat(decode(LinkType.IPV4, ipv4Tcp(tcp()))).isEqualTo(DecodeResult.TCP);
        assertIpv4Addresses(out);
        assertThat(decode(LinkType.IPV6, ipv6Tcp(tcp()))).isEqualTo(DecodeResult.TCP);
        assertIpv6Addresses(out);
    }

    @Test
    void ppp() {
        assertThat(decode(LinkType.PPP, pppFramed(0x0021, ipv4Tcp(tcp().payload(2))))).isEqualTo(DecodeResult.TCP);
        assertIpv4Addresses(out);
        assertThat(out.payloadLength).isEqualTo(2);
        assertThat(decode(LinkType.PPP, PacketBuilder.ppp(0x0057, ipv6Tcp(tcp())))).isEqualTo(DecodeResult.TCP);
        assertIpv6Addresses(out);
        assertThat(decode(LinkType.PPP, concat(bytes(0x21), ipv4Tcp(tcp())))).isEqualTo(DecodeResult.TCP);
        assertThat(decode(LinkType.PPP_HDLC, pppFramed(0x0057, ipv6Tcp(tcp())))).isEqualTo(DecodeResult.TCP);
        assertThat(decode(LinkType.PPP, pppFramed(0xc021, new byte[8]))).isEqualTo(DecodeResult.NON_IP);
    }

    @Test
    void nflog() {
        assertThat(decode(LinkType.NFLOG, PacketBuilder.nflog(2, ipv4Tcp(tcp().payload(13))))).isEqualTo(DecodeResult.TCP);
        assertIpv4Addresses(out);
        assertThat(out.payloadLength).isEqualTo(13);
        assertThat(out.capturedPayloadLength).isEqualTo(13);
        assertThat(out.checksumStatus).isEqualTo(TcpPacket.CHECKSUM_GOOD);
        assertThat(decode(LinkType.NFLOG, PacketBuilder.nflog(10, ipv6Tcp(tcp())))).isEqualTo(DecodeResult.TCP);
        assertIpv6Addresses(out);
    }

    @Test
    void unsupportedLinkTypesAreCountedAndListedOnce() {
        byte[] frame = ipv4Tcp(tcp());
        assertThat(decode(127, frame)).isEqualTo(DecodeResult.UNSUPPORTED_LINK);
        assertThat(decode(127, frame)).isEqualTo(DecodeResult.UNSUPPORTED_LINK);
        assertThat(decode(147, frame)).isEqualTo(DecodeResult.UNSUPPORTED_LINK);
        assertThat(decode(65000, frame)).isEqualTo(DecodeResult.UNSUPPORTED_LINK);
        assertThat(decode(65000, frame)).isEqualTo(DecodeResult.UNSUPPORTED_LINK);
        DecodeStats s = decoder.stats();
        assertThat(s.unsupportedLinkTypes()).containsExactly(127, 147, 65000);
        assertThat(s.count(DecodeResult.UNSUPPORTED_LINK)).isEqualTo(5);
        assertThat(s.linkTypeCounts()).containsEntry(127, 2L).containsEntry(147, 1L).containsEntry(65000, 2L);
        assertThat(s.toString()).contains("unsupported link types: IEEE802_11_RADIOTAP USER0 65000");
    }

    @Test
    void rebindsWhenTheBufferChangesAndNeverTouchesTheCallersBuffer() {
        PacketRecord a = record(LinkType.RAW, ipv4Tcp(tcp().ports(1, 2)));
        PacketRecord b = record(LinkType.RAW, ipv6Tcp(tcp().ports(3, 4)));
        a.buffer.position(3).limit(a.buffer.capacity() - 1);
        decode(a);
        assertThat(out.srcPort).isEqualTo(1);
        decode(b);
        assertThat(out.srcPort).isEqualTo(3);
        decode(a);
        assertThat(out.srcPort).isEqualTo(1);
        assertThat(a.buffer.position()).isEqualTo(3);
        assertThat(a.buffer.limit()).isEqualTo(a.buffer.capacity() - 1);
    }

    @Test
    void statsReport() {
        decode(LinkType.ETHERNET, ethernet(0x0800, ipv4Tcp(tcp())));
        decode(LinkType.ETHERNET, ethernet(0x0800, ipv4Tcp(tcp().corruptChecksum())));
        decode(LinkType.ETHERNET, ethernet(0x0800, ipv4().ihl(3).build(new byte[20])));
        String report = decoder.stats().toString();
        assertThat(report).contains("packets: 3", "tcp: 2", "malformed: 1", "ETHERNET (1): 3",
                "tcp checksums: good 1, bad 1 (offload pattern 0), unverified 0", "IPv4 header length < 5: 1");
    }
}
