package dev.tcpstate.parsers.decode;

import static dev.tcpstate.parsers.decode.PacketBuilder.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tcpstate.parsers.capture.PacketRecord;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MalformedTest {
    final PacketDecoder decoder = new PacketDecoder();
    final TcpPacket out = new TcpPacket();
    final List<String> reported = new ArrayList<>();

    MalformedTest() {
        decoder.setProblemListener((record, reason, message) ->
                reported.add("#" + record.packetNumber + " " + reason + ": " + message));
    }

    /** Decodes and expects MALFORMED with this reason and message, reported to the listener and counted. */
    void assertMalformed(PacketRecord r, MalformedReason reason, String message) {
        long before = decoder.stats().malformed(reason);
        assertThat(decoder.decode(r, out)).isEqualTo(DecodeResult.MALFORMED);
        assertThat(decoder.lastProblem()).isEqualTo(reason);
        assertThat(decoder.lastProblemMessage()).isEqualTo(message);
        assertThat(reported).last().isEqualTo("#42 " + reason + ": " + message);
        assertThat(decoder.stats().malformed(reason)).isEqualTo(before + 1);
    }

    void assertMalformed(int linkType, byte[] frame, MalformedReason reason, String message) {
        assertMalformed(record(linkType, frame), reason, message);
    }

    @Test
    void tcpDataOffsetBelowFive() {
        assertMalformed(LinkType.ETHERNET, ethernet(0x0800, ipv4Tcp(tcp().dataOffset(3))),
                MalformedReason.TCP_DATA_OFFSET, "TCP data offset 3 (expected >= 5)");
    }

    @Test
    void tcpDataOffsetBeyondTheIpPayload() {
        assertMalformed(LinkType.RAW, ipv4Tcp(tcp().dataOffset(15).payload(4)),
                MalformedReason.TCP_DATA_OFFSET, "TCP data offset 15 (60 bytes) exceeds the 24-byte IP payload");
    }

    @Test
    void ipv4HeaderLengthBelowFive() {
        assertMalformed(LinkType.ETHERNET, ethernet(0x0800, ipv4().ihl(4).build(tcp().build4())),
                MalformedReason.IPV4_HEADER_LENGTH, "IPv4 header length 4 (expected >= 5)");
    }

    @Test
    void ipv4TotalLengthShorterThanItsHeader() {
        assertMalformed(LinkType.ETHERNET, ethernet(0x0800, ipv4().totalLength(12).build(tcp().build4())),
                MalformedReason.IPV4_TOTAL_LENGTH, "IPv4 total length 12 shorter than its header (20)");
    }

    @Test
    void ipv4TotalLengthBeyondTheFrame() {
        assertMalformed(LinkType.ETHERNET, ethernet(0x0800, ipv4().totalLength(1500).build(tcp().build4())),
                MalformedReason.IPV4_TOTAL_LENGTH, "IPv4 total length 1500 exceeds the 40 bytes left in the frame");
    }

    @Test
    void wrongIpVersion() {
        assertMalformed(LinkType.ETHERNET, ethernet(0x0800, ipv6Tcp(tcp())),
                MalformedReason.IP_VERSION, "IP version 6 where IPv4 was expected");
        assertMalformed(LinkType.RAW, concat(bytes(0x50), new byte[39]),
                MalformedReason.IP_VERSION, "IP version 5 (expected 4 or 6)");
    }

    @Test
    void truncatedHeaders() {
        byte[] v4 = ethernet(0x0800, ipv4Tcp(tcp()));
        assertMalformed(record(LinkType.ETHERNET, v4, 10), MalformedReason.LINK_TRUNCATED,
                "Ethernet header truncated: 10 of 14 bytes captured");
        assertMalformed(record(LinkType.ETHERNET, v4, 30), MalformedReason.IPV4_TRUNCATED,
                "IPv4 header truncated: 16 of 20 bytes captured");
        assertMalformed(record(LinkType.ETHERNET, v4, 40), MalformedReason.TCP_TRUNCATED,
                "TCP header truncated: 6 of 20 bytes captured");
        byte[] withOptions = ethernet(0x0800, ipv4().options(new byte[8]).build(tcp().build4()));
        assertMalformed(record(LinkType.ETHERNET, withOptions, 38), MalformedReason.IPV4_TRUNCATED,
                "IPv4 header with options truncated: 24 of 28 bytes captured");
        byte[] v6 = ethernet(0x86dd, ipv6Tcp(tcp()));
        assertMalformed(record(LinkType.ETHERNET, v6, 50), MalformedReason.IPV6_TRUNCATED,
                "IPv6 header truncated: 36 of 40 bytes captured");
        assertMalformed(record(LinkType.LINUX_SLL, linuxSll(0x0800, ipv4Tcp(tcp())), 15),
                MalformedReason.LINK_TRUNCATED, "Linux SLL header truncated: 15 of 16 bytes captured");
        assertMalformed(record(LinkType.LINUX_SLL2, linuxSll2(0x0800, ipv4Tcp(tcp())), 19),
                MalformedReason.LINK_TRUNCATED, "Linux SLL2 header truncated: 19 of 20 bytes captured");
        assertMalformed(record(LinkType.NULL, loopback(2, true, ipv4Tcp(tcp())), 3),
                MalformedReason.LINK_TRUNCATED, "loopback header truncated: 3 of 4 bytes captured");
        assertMalformed(record(LinkType.PPP, pppFramed(0x21, ipv4Tcp(tcp())), 3),
                MalformedReason.LINK_TRUNCATED, "PPP header truncated: 3 of 4 bytes captured");
        assertMalformed(record(LinkType.ETHERNET, ethernet(0x8100, vlan(1, 0x0800, ipv4Tcp(tcp()))), 16),
                MalformedReason.LINK_TRUNCATED, "VLAN tag truncated: 2 of 4 bytes captured");
        assertMalformed(record(LinkType.ETHERNET, ethernet(0x8847, mpls(1, true, ipv4Tcp(tcp()))), 17),
                MalformedReason.LINK_TRUNCATED, "MPLS label truncated: 3 of 4 bytes captured");
        assertThat(decoder.stats().count(DecodeResult.MALFORMED)).isEqualTo(11);
    }

    @Test
    void ipPayloadTooShortForTcp() {
        assertMalformed(LinkType.RAW, ipv4(new byte[12]), MalformedReason.TCP_TRUNCATED,
                "IP payload of 12 bytes is shorter than a TCP header (20)");
    }

    @Test
    void ipv6PayloadLengthBeyondTheFrame() {
        assertMalformed(LinkType.RAW, ipv6(6, tcp().build6(), 400), MalformedReason.IPV6_PAYLOAD_LENGTH,
                "IPv6 payload length 400 exceeds the 20 bytes left in the frame");
    }

    @Test
    void ipv6ExtensionHeaderPastThePayload() {
        // A destination options header claiming 24 bytes where 16 are left.
        byte[] bad = extensionHeader(6, 3);
        assertMalformed(LinkType.RAW, ipv6(60, java.util.Arrays.copyOf(bad, 16)), MalformedReason.IPV6_EXTENSION,
                "IPv6 extension header 60 of 24 bytes runs past the payload (16 bytes left)");
        assertMalformed(record(LinkType.RAW, ipv6(0, concat(extensionHeader(6, 1), tcp().build6())), 41),
                MalformedReason.IPV6_EXTENSION, "IPv6 extension header 0 truncated: 1 of 2 bytes captured");
        assertMalformed(LinkType.RAW, ipv6(44, new byte[6]), MalformedReason.IPV6_EXTENSION,
                "IPv6 fragment header needs 8 bytes, 6 left in the payload");
        byte[] chain = new byte[0];
        for (int i = 0; i < 17; i++) chain = concat(chain, extensionHeader(60, 1));
        assertMalformed(LinkType.RAW, ipv6(60, chain), MalformedReason.IPV6_EXTENSION,
                "more than 16 IPv6 extension headers");
    }

    @Test
    void tooManyVlanTags() {
        byte[] payload = ipv4Tcp(tcp());
        for (int i = 0; i < 9; i++) payload = vlan(i, 0x8100, payload);
        assertMalformed(LinkType.ETHERNET, ethernet(0x8100, payload), MalformedReason.TOO_MANY_TAGS,
                "more than 8 VLAN tags");
    }

    @Test
    void nflogWithoutPayloadOrWithABadTlv() {
        assertMalformed(LinkType.NFLOG, concat(bytes(2, 0, 0, 1), tlv(10, bytes(1, 2, 3))), MalformedReason.NFLOG_TLV,
                "no NFLOG payload TLV (type 9) in the 12 bytes captured");
        assertMalformed(LinkType.NFLOG, concat(bytes(2, 0, 0, 1), bytes(2, 0, 9, 0), ipv4Tcp(tcp())),
                MalformedReason.NFLOG_TLV, "NFLOG TLV length 2 (expected >= 4)");
    }

    @Test
    void recordOutsideItsBuffer() {
        PacketRecord r = record(LinkType.RAW, ipv4Tcp(tcp()));
        r.capturedLength = 1000;
        assertMalformed(r, MalformedReason.RECORD_BOUNDS,
                "record of 1000 bytes at buffer offset 7 exceeds the buffer (54 bytes)");
    }

    @Test
    void aGoodPacketAfterAMalformedOneClearsTheProblem() {
        assertMalformed(LinkType.RAW, ipv4Tcp(tcp().dataOffset(2)), MalformedReason.TCP_DATA_OFFSET,
                "TCP data offset 2 (expected >= 5)");
        assertThat(decoder.decode(record(LinkType.RAW, ipv4Tcp(tcp())), out)).isEqualTo(DecodeResult.TCP);
        assertThat(decoder.lastProblem()).isNull();
        assertThat(decoder.lastProblemMessage()).isNull();
        assertThat(reported).hasSize(1);
    }
}
