package dev.tcpstate.parsers.decode;

import static dev.tcpstate.parsers.decode.PacketBuilder.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tcpstate.parsers.capture.PacketRecord;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ReassemblyTest {
    static final long SECOND = 1_000_000_000L;

    PacketDecoder decoder = new PacketDecoder();
    final TcpPacket out = new TcpPacket();

    /** A SYN with 20 bytes of options and 100 bytes of data (TCP Fast Open): 140 bytes of IP payload. */
    static byte[] synSegment4() {
        return tcp().flags(TcpPacket.SYN).seq(0xfffffffaL).options(mss(1460), sackPermitted(), timestamps(7, 0), nop(),
                windowScale(9)).payload(100).build4();
    }

    static byte[] part(byte[] b, int from, int to) {
        return Arrays.copyOfRange(b, from, to);
    }

    static byte[] v4Fragment(int id, byte[] segment, int from, int to, boolean more) {
        return ipv4().id(id).fragment(from, more).build(part(segment, from, to));
    }

    DecodeResult decode(byte[] ipPacket, long packetNumber, long timeNanos) {
        PacketRecord r = record(LinkType.ETHERNET, ethernet(ipPacket[0] >>> 4 == 6 ? 0x86dd : 0x0800, ipPacket));
        r.packetNumber = packetNumber;
        r.timestampNanos = timeNanos;
        return decoder.decode(r, out);
    }

    void assertReassembledSyn(long packetNumber) {
        assertThat(out.reassembled).isTrue();
        assertThat(out.packetNumber).isEqualTo(packetNumber);
        assertThat(out.flags).isEqualTo(TcpPacket.SYN);
        assertThat(Integer.toUnsignedLong(out.seq)).isEqualTo(0xfffffffaL);
        assertThat(out.mss).isEqualTo(1460);
        assertThat(out.windowScale).isEqualTo(9);
        assertThat(out.sackPermitted).isTrue();
        assertThat(out.hasTimestamps).isTrue();
        assertThat(out.payloadLength).isEqualTo(100);
        assertThat(out.capturedPayloadLength).isEqualTo(100);
        assertThat(out.checksumStatus).isEqualTo(TcpPacket.CHECKSUM_GOOD);
    }

    @Test
    void ipv4InOrder() {
        byte[] s = synSegment4();
        assertThat(s.length).isEqualTo(140);
        assertThat(decode(v4Fragment(1, s, 0, 16, true), 10, 0)).isEqualTo(DecodeResult.FRAGMENT_HELD);
        assertThat(decode(v4Fragment(1, s, 16, 80, true), 11, 0)).isEqualTo(DecodeResult.FRAGMENT_HELD);
        assertThat(decoder.pendingFragmentDatagrams()).isEqualTo(1);
        assertThat(decode(v4Fragment(1, s, 80, 140, false), 12, 5)).isEqualTo(DecodeResult.TCP);
        assertReassembledSyn(12);
        assertThat(out.timestampNanos).isEqualTo(5);
        assertThat(out.ipVersion).isEqualTo(4);
        assertThat(out.srcLo).isEqualTo(PacketDecoderTest.SRC4_LO);
        assertThat(out.dstLo).isEqualTo(PacketDecoderTest.DST4_LO);
        assertThat(decoder.pendingFragmentDatagrams()).isZero();
        DecodeStats st = decoder.stats();
        assertThat(st.fragmentsSeen()).isEqualTo(3);
        assertThat(st.datagramsReassembled()).isEqualTo(1);
        assertThat(st.fragmentsDropped()).isZero();
        assertThat(st.count(DecodeResult.FRAGMENT_HELD)).isEqualTo(2);
        assertThat(st.count(DecodeResult.TCP)).isEqualTo(1);
    }

    @Test
    void ipv4OutOfOrder() {
        byte[] s = synSegment4();
        assertThat(decode(v4Fragment(2, s, 80, 140, false), 1, 0)).isEqualTo(DecodeResult.FRAGMENT_HELD);
        assertThat(decode(v4Fragment(2, s, 16, 80, true), 2, 0)).isEqualTo(DecodeResult.FRAGMENT_HELD);
        assertThat(decode(v4Fragment(2, s, 0, 16, true), 3, 0)).isEqualTo(DecodeResult.TCP);
        assertReassembledSyn(3);
    }

    @Test
    void overlappingFragmentsKeepTheFirstArrival() {
        byte[] s = synSegment4();
        byte[] garbage = s.clone();
        Arrays.fill(garbage, 8, 64, (byte) 0x55);   // would break ports, seq, options and checksum if it won
        assertThat(decode(v4Fragment(3, s, 0, 48, true), 1, 0)).isEqualTo(DecodeResult.FRAGMENT_HELD);
        assertThat(decode(v4Fragment(3, garbage, 8, 64, true), 2, 0)).isEqualTo(DecodeResult.FRAGMENT_HELD);
        assertThat(decode(v4Fragment(3, s, 0, 48, true), 3, 0)).isEqualTo(DecodeResult.FRAGMENT_HELD);
        assertThat(decode(v4Fragment(3, s, 64, 140, false), 4, 0)).isEqualTo(DecodeResult.TCP);
        // Bytes 48..64 came only from the garbage fragment.
        assertThat(out.checksumStatus).isEqualTo(TcpPacket.CHECKSUM_BAD);
        assertThat(out.mss).isEqualTo(1460);
        assertThat(Integer.toUnsignedLong(out.seq)).isEqualTo(0xfffffffaL);
        assertThat(decoder.stats().overlappingFragments()).isEqualTo(2);

        // Same again with the overlap fully covered by earlier data: the result is the original segment.
        decode(v4Fragment(4, s, 0, 64, true), 5, 0);
        decode(v4Fragment(4, garbage, 8, 56, true), 6, 0);
        assertThat(decode(v4Fragment(4, s, 64, 140, false), 7, 0)).isEqualTo(DecodeResult.TCP);
        assertReassembledSyn(7);
    }

    @Test
    void ipv6FragmentsWithExtensionHeaders() {
        byte[] segment = tcp().flags(TcpPacket.SYN).seq(0xfffffffaL).options(mss(1460), sackPermitted(),
                timestamps(7, 0), nop(), windowScale(9)).payload(100).build6();
        // The fragmentable part: a destination options header, then TCP.
        byte[] fragmentable = concat(extensionHeader(6, 1), segment);
        int split = 48;
        byte[] second = ipv6(0, concat(extensionHeader(44, 1),
                fragmentHeader(60, split, false, 0xdeadbeefL), part(fragmentable, split, fragmentable.length)));
        byte[] first = ipv6(0, concat(extensionHeader(44, 1),
                fragmentHeader(60, 0, true, 0xdeadbeefL), part(fragmentable, 0, split)));
        assertThat(decode(second, 20, 0)).isEqualTo(DecodeResult.FRAGMENT_HELD);
        assertThat(decode(first, 21, 0)).isEqualTo(DecodeResult.TCP);
        assertReassembledSyn(21);
        assertThat(out.ipVersion).isEqualTo(6);
        assertThat(out.srcHi).isEqualTo(PacketDecoderTest.SRC6_HI);
        assertThat(out.dstLo).isEqualTo(PacketDecoderTest.DST6_LO);
    }

    @Test
    void fragmentsOfDifferentDatagramsDoNotMix() {
        byte[] s = synSegment4();
        decode(v4Fragment(5, s, 0, 80, true), 1, 0);
        decode(v4Fragment(6, s, 0, 80, true), 2, 0);
        byte[] otherProtocol = ipv4().id(5).protocol(17).fragment(80, false).build(part(s, 80, 140));
        assertThat(decode(otherProtocol, 3, 0)).isEqualTo(DecodeResult.FRAGMENT_HELD);
        assertThat(decoder.pendingFragmentDatagrams()).isEqualTo(3);
        assertThat(decode(v4Fragment(6, s, 80, 140, false), 4, 0)).isEqualTo(DecodeResult.TCP);
        assertThat(decoder.pendingFragmentDatagrams()).isEqualTo(2);
    }

    @Test
    void reassembledUdpIsCountedNotDecoded() {
        byte[] udp = new byte[64];
        decode(ipv4().protocol(17).id(9).fragment(0, true).build(part(udp, 0, 32)), 1, 0);
        assertThat(decode(ipv4().protocol(17).id(9).fragment(32, false).build(part(udp, 32, 64)), 2, 0))
                .isEqualTo(DecodeResult.UDP);
        assertThat(decoder.stats().datagramsReassembled()).isEqualTo(1);
    }

    @Test
    void timeoutInCaptureTime() {
        byte[] s = synSegment4();
        assertThat(decode(v4Fragment(7, s, 0, 80, true), 1, 100 * SECOND)).isEqualTo(DecodeResult.FRAGMENT_HELD);
        // An unrelated packet 30 s later: not yet expired (Linux expires after ipfrag_time, strictly later).
        decode(ipv4Tcp(tcp()), 2, 130 * SECOND);
        assertThat(decoder.pendingFragmentDatagrams()).isEqualTo(1);
        decode(ipv4Tcp(tcp()), 3, 130 * SECOND + 1);
        assertThat(decoder.pendingFragmentDatagrams()).isZero();
        assertThat(decoder.stats().fragmentsDropped(FragmentDropReason.TIMEOUT)).isEqualTo(1);
        // The rest arrives too late: it starts a new datagram that never completes.
        assertThat(decode(v4Fragment(7, s, 80, 140, false), 4, 131 * SECOND)).isEqualTo(DecodeResult.FRAGMENT_HELD);
        assertThat(decoder.pendingFragmentDatagrams()).isEqualTo(1);
    }

    @Test
    void capOnConcurrentDatagrams() {
        decoder = new PacketDecoder(DecoderOptions.defaults().withFragmentLimits(2, 1 << 20, 30 * SECOND));
        byte[] s = synSegment4();
        assertThat(decode(v4Fragment(1, s, 0, 80, true), 1, 0)).isEqualTo(DecodeResult.FRAGMENT_HELD);
        assertThat(decode(v4Fragment(2, s, 0, 80, true), 2, 0)).isEqualTo(DecodeResult.FRAGMENT_HELD);
        assertThat(decode(v4Fragment(3, s, 0, 80, true), 3, 0)).isEqualTo(DecodeResult.FRAGMENT_DROPPED);
        assertThat(decoder.stats().fragmentsDropped(FragmentDropReason.TOO_MANY_DATAGRAMS)).isEqualTo(1);
        // Datagrams already in progress still complete.
        assertThat(decode(v4Fragment(2, s, 80, 140, false), 4, 0)).isEqualTo(DecodeResult.TCP);
        assertThat(decode(v4Fragment(3, s, 80, 140, false), 5, 0)).isEqualTo(DecodeResult.FRAGMENT_HELD);
        assertThat(decoder.pendingFragmentDatagrams()).isEqualTo(2);
    }

    @Test
    void capOnBufferedBytes() {
        // The first datagram's buffer (1 KiB, then 2 KiB) fits in 3000 bytes, another 1 KiB does not.
        decoder = new PacketDecoder(DecoderOptions.defaults().withFragmentLimits(16, 3000, 30 * SECOND));
        byte[] big = new byte[2000];
        assertThat(decode(ipv4().protocol(17).id(1).fragment(0, true).build(part(big, 0, 1000)), 1, 0))
                .isEqualTo(DecodeResult.FRAGMENT_HELD);
        assertThat(decode(ipv4().protocol(17).id(1).fragment(1000, true).build(part(big, 1000, 1800)), 2, 0))
                .isEqualTo(DecodeResult.FRAGMENT_HELD);
        assertThat(decode(ipv4().protocol(17).id(2).fragment(0, true).build(part(big, 0, 1000)), 3, 0))
                .isEqualTo(DecodeResult.FRAGMENT_DROPPED);
        assertThat(decoder.stats().fragmentsDropped(FragmentDropReason.BUFFER_FULL)).isEqualTo(1);
        // Completing the first frees its buffer for the next.
        assertThat(decode(ipv4().protocol(17).id(1).fragment(1800, false).build(part(big, 1800, 2000)), 4, 0))
                .isEqualTo(DecodeResult.UDP);
        assertThat(decode(ipv4().protocol(17).id(2).fragment(0, true).build(part(big, 0, 1000)), 5, 0))
                .isEqualTo(DecodeResult.FRAGMENT_HELD);
    }

    @Test
    void badFragmentsAreDropped() {
        byte[] s = synSegment4();
        // Not the last, and 20 bytes long.
        assertThat(decode(v4Fragment(8, s, 0, 20, true), 1, 0)).isEqualTo(DecodeResult.FRAGMENT_DROPPED);
        assertThat(decoder.stats().fragmentsDropped(FragmentDropReason.BAD_LENGTH)).isEqualTo(1);
        // Ends beyond 65535 bytes.
        assertThat(decode(ipv4().id(8).fragment(65528, false).build(new byte[16]), 2, 0))
                .isEqualTo(DecodeResult.FRAGMENT_DROPPED);
        assertThat(decoder.stats().fragmentsDropped(FragmentDropReason.TOO_LARGE)).isEqualTo(1);
        // Two different ends.
        decode(v4Fragment(9, s, 80, 140, false), 3, 0);
        assertThat(decode(v4Fragment(9, s, 8, 120, false), 4, 0)).isEqualTo(DecodeResult.FRAGMENT_DROPPED);
        // Data beyond the known end.
        assertThat(decode(ipv4().id(9).fragment(144, true).build(new byte[8]), 5, 0))
                .isEqualTo(DecodeResult.FRAGMENT_DROPPED);
        assertThat(decoder.stats().fragmentsDropped(FragmentDropReason.INCONSISTENT_END)).isEqualTo(2);
        // Cut by the snap length.
        PacketRecord r = record(LinkType.RAW, v4Fragment(10, s, 0, 80, true), 60);
        r.timestampNanos = 0;
        assertThat(decoder.decode(r, out)).isEqualTo(DecodeResult.FRAGMENT_DROPPED);
        assertThat(decoder.stats().fragmentsDropped(FragmentDropReason.TRUNCATED)).isEqualTo(1);
        assertThat(decoder.stats().fragmentsDropped()).isEqualTo(5);
        assertThat(decoder.stats().fragmentsSeen()).isEqualTo(6);
        assertThat(decoder.pendingFragmentDatagrams()).isEqualTo(1);
    }
}
