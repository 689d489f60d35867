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
     * records every segment it sends with an unfilled checksum, from its first segment on; a segment corrupted on the
     * way is an exception among good ones. So a bad checksum counts as offload (the segment is applied as sent, and
     * marked {@link dev.tcpstate.parsers.decode.TcpPacket#CHECKSUM_OFFLOADED}) while its sender has sent no segment
     * with a good checksum on that connection, and as corruption (dropped, as {@link #VERIFY}) once it has.
     */
    AUTO,
    /** Checksums are not looked at: every segment is applied. */
    IGNORE
}
