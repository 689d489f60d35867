package dev.tcpstate.parsers.decode;

/**
 * Settings of a {@link PacketDecoder}.
 *
 * @param verifyChecksums        verify TCP checksums of fully captured segments; turn off for captures taken on the
 *                               sending host, whose checksums the NIC fills in after capture (checksum offload)
 * @param maxFragmentDatagrams   datagrams in reassembly at once; fragments of further datagrams are dropped
 * @param maxFragmentBytes       bytes buffered for reassembly at once; fragments that would exceed it are dropped
 * @param fragmentTimeoutNanos   capture time after a datagram's first fragment at which an incomplete datagram is
 *                               dropped (Linux {@code ipfrag_time} is 30 s)
 * @param parseTcpOptions       parse TCP header options into the segment (see {@link #withTcpOptions})
 */
public record DecoderOptions(boolean verifyChecksums, int maxFragmentDatagrams, long maxFragmentBytes,
                             long fragmentTimeoutNanos, boolean parseTcpOptions) {

    public static final int DEFAULT_MAX_FRAGMENT_DATAGRAMS = 1024;
    public static final long DEFAULT_MAX_FRAGMENT_BYTES = 8L << 20;
    public static final long DEFAULT_FRAGMENT_TIMEOUT_NANOS = 30_000_000_000L;

    public DecoderOptions {
        if (maxFragmentDatagrams < 0) throw new IllegalArgumentException("maxFragmentDatagrams < 0");
        if (maxFragmentBytes < 0) throw new IllegalArgumentException("maxFragmentBytes < 0");
        if (fragmentTimeoutNanos <= 0) throw new IllegalArgumentException("fragmentTimeoutNanos <= 0");
    }

    public static DecoderOptions defaults() {
        return new DecoderOptions(true, DEFAULT_MAX_FRAGMENT_DATAGRAMS, DEFAULT_MAX_FRAGMENT_BYTES,
                DEFAULT_FRAGMENT_TIMEOUT_NANOS, true);
    }

    public DecoderOptions withVerifyChecksums(boolean verify) {
        return new DecoderOptions(verify, maxFragmentDatagrams, maxFragmentBytes, fragmentTimeoutNanos, parseTcpOptions);
    }

    public DecoderOptions withFragmentLimits(int maxDatagrams, long maxBytes, long timeoutNanos) {
        return new DecoderOptions(verifyChecksums, maxDatagrams, maxBytes, timeoutNanos, parseTcpOptions);
    }

    /**
     * Whether TCP header options are parsed into the {@link TcpPacket}. A caller that needs only addresses, ports,
     * lengths and checksums (a capture summary) turns this off; the option fields then stay at their "absent" values.
     */
    public DecoderOptions withTcpOptions(boolean parse) {
        return new DecoderOptions(verifyChecksums, maxFragmentDatagrams, maxFragmentBytes, fragmentTimeoutNanos, parse);
    }
}
