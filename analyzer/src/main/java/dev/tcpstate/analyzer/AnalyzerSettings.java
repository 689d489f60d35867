package dev.tcpstate.analyzer;

import java.time.Duration;

/**
 * Tunables of the analyzer. All durations are in capture time, never wall-clock time.
 *
 * @param mslNanos Maximum Segment Lifetime. Default 30 s: Linux holds TIME-WAIT for a fixed 60 s
 *     ({@code TCP_TIMEWAIT_LEN} in {@code include/net/tcp.h}), i.e. 2*MSL with MSL = 30 s. RFC 793 section 3.3 and
 *     RFC 9293 section 3.4.2 specify MSL = 2 minutes; set it to 120 s for the RFC's 4-minute TIME-WAIT.
 * @param finWait2TimeoutNanos how long an endpoint stays in FIN-WAIT-2 before it goes CLOSED. Default 60 s, Linux
 *     {@code net.ipv4.tcp_fin_timeout}, which Linux applies to a socket the application has closed.
 * @param synSentTimeoutNanos how long an endpoint stays in SYN-SENT, counted from its first SYN, before it gives up and
 *     goes CLOSED: the connection attempt timed out. Default 127 s, when Linux gives up with its default
 *     {@code net.ipv4.tcp_syn_retries} of 6: the SYN is sent at 0 s and retransmitted with exponential back-off from a
 *     1 s timeout (RFC 6298 section 2.1) at 1, 3, 7, 15, 31 and 63 s, and the last wait ends at 127 s.
 * @param synReceivedTimeoutNanos how long an endpoint stays in SYN-RECEIVED, counted from its answer to the SYN (the
 *     SYN-ACK, or whatever segment first shows the state) or from the last segment other than a SYN-ACK it sent since
 *     (data on a TCP Fast Open handshake; a capture of one direction only), before it gives up: a passive endpoint
 *     returns to LISTEN (the listener drops the half-open connection and keeps listening), any other goes CLOSED.
 *     Default 63 s, when Linux drops a half-open connection with its default {@code net.ipv4.tcp_synack_retries} of 5:
 *     SYN-ACKs at 0, 1, 3, 7, 15 and 31 s, and the last wait ends at 63 s.
 * @param closedLingerNanos how long a connection whose two endpoints became final (CLOSED or LISTEN) through a
 *     packet stays in the table to absorb stray packets (a retransmitted RST, data in flight) before it is emitted.
 *     Default 5 s, the delay Zeek applies before removing a closed connection ({@code tcp_close_delay}). Zero emits
 *     at once. No linger follows a close by timer (TIME-WAIT or FIN-WAIT-2 expiry).
 * @param incarnationSlackNanos how long the incarnation number of a socket pair is remembered beyond 2*MSL after its
 *     last connection left the table. Default 60 s; the memory is 2*MSL + slack (120 s with the defaults).
 * @param checksums what a segment with a bad TCP checksum does (see {@link ChecksumPolicy}); a segment treated as
 *     dropped has no effect on arrival and the Zeek history records {@code c}. Default {@link ChecksumPolicy#AUTO}:
 *     captures taken on a sending host with checksum offload show bad checksums (the field left for the NIC to fill
 *     in) on that host's segments, which must not be taken for corruption, while a corrupted segment is dropped.
 */
public record AnalyzerSettings(long mslNanos, long finWait2TimeoutNanos, long synSentTimeoutNanos,
                               long synReceivedTimeoutNanos, long closedLingerNanos, long incarnationSlackNanos,
                               ChecksumPolicy checksums) {

    /** The defaults documented on each component. */
    public static final AnalyzerSettings DEFAULTS = new AnalyzerSettings(
            Duration.ofSeconds(30).toNanos(),
            Duration.ofSeconds(60).toNanos(),
            Duration.ofSeconds(127).toNanos(),
            Duration.ofSeconds(63).toNanos(),
            Duration.ofSeconds(5).toNanos(),
            Duration.ofSeconds(60).toNanos(),
            ChecksumPolicy.AUTO);

    public AnalyzerSettings {
        java.util.Objects.requireNonNull(checksums, "checksums");
        if (mslNanos <= 0 || finWait2TimeoutNanos <= 0 || synSentTimeoutNanos <= 0 || synReceivedTimeoutNanos <= 0
                || closedLingerNanos < 0 || incarnationSlackNanos < 0) {
            throw new IllegalArgumentException("durations must be positive (linger and slack may be zero)");
        }
    }

    /** TIME-WAIT duration: 2*MSL (RFC 9293 section 3.10.8, "Time-Wait Timeout"). */
    public long timeWaitNanos() {
        return 2 * mslNanos;
    }

    /** How long a socket pair's last incarnation number is remembered after its connection left the table. */
    public long incarnationMemoryNanos() {
        return 2 * mslNanos + incarnationSlackNanos;
    }

    public AnalyzerSettings withMsl(Duration msl) {
        return new AnalyzerSettings(msl.toNanos(), finWait2TimeoutNanos, synSentTimeoutNanos,
                synReceivedTimeoutNanos, closedLingerNanos, incarnationSlackNanos, checksums);
    }

    public AnalyzerSettings withFinWait2Timeout(Duration d) {
        return new AnalyzerSettings(mslNanos, d.toNanos(), synSentTimeoutNanos, synReceivedTimeoutNanos,
                closedLingerNanos, incarnationSlackNanos, checksums);
    }

    public AnalyzerSettings withSynSentTimeout(Duration d) {
        return new AnalyzerSettings(mslNanos, finWait2TimeoutNanos, d.toNanos(), synReceivedTimeoutNanos,
                closedLingerNanos, incarnationSlackNanos, checksums);
    }

    public AnalyzerSettings withSynReceivedTimeout(Duration d) {
        return new AnalyzerSettings(mslNanos, finWait2TimeoutNanos, synSentTimeoutNanos, d.toNanos(),
                closedLingerNanos, incarnationSlackNanos, checksums);
    }

    public AnalyzerSettings withClosedLinger(Duration d) {
        return new AnalyzerSettings(mslNanos, finWait2TimeoutNanos, synSentTimeoutNanos, synReceivedTimeoutNanos,
                d.toNanos(), incarnationSlackNanos, checksums);
    }

    /** {@code true}: {@link ChecksumPolicy#VERIFY}; {@code false}: {@link ChecksumPolicy#IGNORE}. */
    public AnalyzerSettings withVerifyChecksums(boolean v) {
        return withChecksums(v ? ChecksumPolicy.VERIFY : ChecksumPolicy.IGNORE);
    }

    public AnalyzerSettings withChecksums(ChecksumPolicy policy) {
        return new AnalyzerSettings(mslNanos, finWait2TimeoutNanos, synSentTimeoutNanos, synReceivedTimeoutNanos,
                closedLingerNanos, incarnationSlackNanos, policy);
    }

    /** Whether segments with bad checksums are looked at at all. */
    public boolean verifyChecksums() {
        return checksums != ChecksumPolicy.IGNORE;
    }
}
