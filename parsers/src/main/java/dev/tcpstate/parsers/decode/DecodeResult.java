package dev.tcpstate.parsers.decode;

/** What {@link PacketDecoder#decode} found in a capture record. Only {@link #TCP} fills the {@link TcpPacket}. */
public enum DecodeResult {
    /** A TCP segment; the {@link TcpPacket} holds it (possibly reassembled from IP fragments). */
    TCP,
    /** A UDP datagram (counted, not decoded further). */
    UDP,
    /** Another IP payload: ICMP, ICMPv6, ESP, no next header, other protocols. */
    OTHER_IP,
    /** Not IP: ARP, LLC, MPLS carrying something other than IP, other EtherTypes or PPP protocols. */
    NON_IP,
    /** An IP fragment, buffered until the rest of its datagram arrives. */
    FRAGMENT_HELD,
    /** An IP fragment that was discarded; {@link DecodeStats#fragmentsDropped(FragmentDropReason)} says why. */
    FRAGMENT_DROPPED,
    /** The record's link type is not one the decoder knows. */
    UNSUPPORTED_LINK,
    /** A header contradicts itself or its record; {@link PacketDecoder#lastProblemMessage()} says how. */
    MALFORMED
}
