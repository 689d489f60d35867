package dev.tcpstate.parsers.decode;

/** Why a record was {@link DecodeResult#MALFORMED}; each is counted in {@link DecodeStats}. */
public enum MalformedReason {
    /** The record does not fit in the buffer it was handed in. */
    RECORD_BOUNDS("record outside its buffer"),
    /** Fewer bytes were captured than the link-layer header needs. */
    LINK_TRUNCATED("link-layer header truncated"),
    /** More VLAN tags or MPLS labels than the decoder follows. */
    TOO_MANY_TAGS("too many VLAN tags or MPLS labels"),
    /** An NFLOG TLV with an impossible length, or no payload TLV. */
    NFLOG_TLV("bad NFLOG TLV"),
    /** The IP version field does not match the link layer's protocol. */
    IP_VERSION("wrong IP version"),
    IPV4_TRUNCATED("IPv4 header truncated"),
    /** IHL below 5. */
    IPV4_HEADER_LENGTH("IPv4 header length < 5"),
    /** Total length shorter than the header or longer than the frame. */
    IPV4_TOTAL_LENGTH("bad IPv4 total length"),
    IPV6_TRUNCATED("IPv6 header truncated"),
    /** Payload length longer than the frame. */
    IPV6_PAYLOAD_LENGTH("bad IPv6 payload length"),
    /** An extension header truncated, past the payload length, or too many of them. */
    IPV6_EXTENSION("bad IPv6 extension header"),
    /** Fewer than 20 bytes of TCP header captured, or an IP payload too short for one. */
    TCP_TRUNCATED("TCP header truncated"),
    /** Data offset below 5 or beyond the IP payload. */
    TCP_DATA_OFFSET("bad TCP data offset");

    private final String label;

    MalformedReason(String label) {
        this.label = label;
    }

    /** Short description for reports. */
    public String label() {
        return label;
    }
}
