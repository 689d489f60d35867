package dev.tcpstate.analyzer;

/** What the analyzer does with a segment whose TCP checksum the decoder found wrong. */
public enum ChecksumPolicy {
    /**
     * Every such segment is treated as dropped by its receiver: it counts for its sender (which did send it) but has
     * no effect on arrival. What a receiving stack does, and what Zeek does without {@code -C}.
     */
    VERIFY,
    /**
     * Tells checksum offload from corruption. A host that captures its own traffic while its NIC computes checksums
     * records the segments it sends with the checksum unfilled: the field holds what the stack leaves for the NIC,
     * the pseudo-header sum (with or without the TCP length) or zero, which the decoder recognizes; a segment
     * corrupted on the way has a checksum that is merely wrong. So a bad checksum counts as offload (the
     * segment is applied as sent, and marked {@link dev.tcpstate.parsers.decode.TcpPacket#CHECKSUM_OFFLOADED}) when
     * it has that pattern, when its sender has sent no segment with a good checksum on that connection (every
     * checksum of a host wrong from its first segment on, whatever the field holds), or when the segment is larger
     * than the receiver's MSS (an offload aggregate); any other bad checksum is corruption (dropped, as
     * {@link #VERIFY}).
     */
    AUTO,
    /** Checksums are not looked at: every segment is applied. */
    IGNORE
}
