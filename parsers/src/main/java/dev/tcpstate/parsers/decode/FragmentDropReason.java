package dev.tcpstate.parsers.decode;

/** Why an IP fragment was discarded instead of reassembled; each is counted in {@link DecodeStats}. */
public enum FragmentDropReason {
    /** Offset plus length beyond 65535 bytes. */
    TOO_LARGE("datagram larger than 65535 bytes"),
    /** A fragment other than the last whose length is not a multiple of 8. */
    BAD_LENGTH("non-last fragment length not a multiple of 8"),
    /** Part of the fragment was not captured (snap length), so the datagram could not be rebuilt. */
    TRUNCATED("fragment not fully captured"),
    /** A second, different end of datagram, or data beyond the end the last fragment set. */
    INCONSISTENT_END("conflicting end of datagram"),
    /** The datagram was still incomplete when the timeout passed (its buffered fragments are counted). */
    TIMEOUT("reassembly timeout"),
    /** The cap on datagrams in reassembly was reached. */
    TOO_MANY_DATAGRAMS("too many datagrams in reassembly"),
    /** The cap on buffered bytes was reached. */
    BUFFER_FULL("reassembly buffer full");

    private final String label;

    FragmentDropReason(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
