package dev.tcpstate.analyzer.anomaly;

import java.time.Duration;

/**
 * Thresholds of the anomaly detectors. Durations are capture time in nanoseconds. Each default names its source;
 * where no standard or implementation gives a number, the default is tcpstate's own choice and says why.
 *
 * @param repeatLimit how many occurrences of one code are reported per connection; later ones are only counted
 *     ({@link AnomalyDetector#suppressedCounts()}). Default 3: enough to show a pattern, few enough that one broken
 *     connection cannot flood a report. Zeek rate-limits its "weird" notices the same way
 *     ({@code Weird::sampling_threshold}, 25 per name and connection).
 * @param unacknowledgedFinRetransmissions FIN retransmissions after which {@code unacknowledged_fin} is reported while
 *     the sender is still in FIN-WAIT-1, CLOSING or LAST-ACK. Default 3: with Linux's 200 ms minimum RTO
 *     ({@code TCP_RTO_MIN}) and doubling back-off the FIN has then gone unanswered for at least 1.4 s, far beyond
 *     any round trip of a working path.
 * @param minSynRetransmissions SYN retransmissions before an unanswered handshake is a {@code handshake_timeout}.
 *     Default 1: one retransmission means the sender's initial RTO (1 s, RFC 6298 section 2.1) passed without an
 *     answer; a single lost SYN that was never retried is not reported (nmap-style probes).
 * @param floodWindowNanos window over which a listener's SYN rate and half-open count are evaluated. Default 1 s,
 *     the initial retransmission timeout of RFC 6298 (and Linux's {@code TCP_TIMEOUT_INIT}): a legitimate client
 *     waits at least that long before its SYN is retried.
 * @param floodMinSynRate SYNs per second to one listening address and port for a window to count as a flood.
 *     Default 100/s: at that rate Linux's smallest default SYN queue ({@code tcp_max_syn_backlog} = 128) fills within
 *     the 1 s before the first SYN-ACK retransmission plus the 0.28 s a client takes to retry.
 * @param floodMinHalfOpen half-open connections (SYN seen, handshake neither completed nor reset) the listener must
 *     have had during the window. Default 64: half of Linux's smallest default {@code tcp_max_syn_backlog} (128).
 * @param floodMaxCompletedRatio largest share of the window's SYNs whose handshake completed for the window to count
 *     as a flood. Default 0.25: tcpstate's choice; a busy but healthy server completes nearly all of them.
 * @param floodQuietWindows consecutive non-flood windows that end a flood interval. Default 3 (3 s): bursts separated
 *     by a second or two are one attack.
 * @param scanWindowNanos window over which one source's SYNs to one host are counted. Default 5 min, Zeek's
 *     {@code Scan::scan_interval}.
 * @param scanMinPorts distinct destination ports of one host one source must try in a window for a {@code syn_scan}.
 *     Default 15, Zeek's {@code Scan::port_scan_threshold}.
 * @param scanMaxCompletedRatio largest share of those attempts whose handshake completed. Default 0.5: a SYN
 *     ("half-open") scan completes none; a client of a service using many ports completes most.
 * @param backscatterWindowNanos window over which unsolicited SYN-ACKs to one address are counted. Default 10 s,
 *     tcpstate's choice (backscatter reaches a single address at low rates).
 * @param backscatterMinSynAcks unsolicited SYN-ACKs (connection seen starting with a SYN-ACK) in a window.
 *     Default 20: tcpstate's choice.
 * @param backscatterMinSources distinct sources of those SYN-ACKs. Default 10: tcpstate's choice; one or two hosts
 *     answering a SYN the capture missed are not backscatter.
 * @param reportBadChecksums report {@code bad_checksum}. Default true; turn it off for captures taken on a sending
 *     host with checksum offload, where every outgoing segment shows a bad checksum.
 * @param maxTrackedKeys upper bound on each aggregate table (listeners, source/target pairs, SYN-ACK targets).
 *     Default 200 000 entries (some tens of MB at most); when full, new keys are not tracked and are counted in
 *     {@link AnomalyDetector#untrackedAggregateKeys()}. Idle entries are dropped after two windows. Source/target
 *     pairs that have sent one SYN are kept apart, in records a fraction of an entry's size, up to
 *     {@link #maxOneSynPairs()}.
 */
public record AnomalySettings(int repeatLimit, int unacknowledgedFinRetransmissions, int minSynRetransmissions,
                              long floodWindowNanos, double floodMinSynRate, int floodMinHalfOpen,
                              double floodMaxCompletedRatio, int floodQuietWindows,
                              long scanWindowNanos, int scanMinPorts, double scanMaxCompletedRatio,
                              long backscatterWindowNanos, int backscatterMinSynAcks, int backscatterMinSources,
                              boolean reportBadChecksums, int maxTrackedKeys) {

    /** The defaults documented on each component. */
    public static final AnomalySettings DEFAULTS = new AnomalySettings(3, 3, 1,
            Duration.ofSeconds(1).toNanos(), 100, 64, 0.25, 3,
            Duration.ofMinutes(5).toNanos(), 15, 0.5,
            Duration.ofSeconds(10).toNanos(), 20, 10,
            true, 200_000);

    public AnomalySettings {
        if (repeatLimit < 1 || unacknowledgedFinRetransmissions < 1 || minSynRetransmissions < 1) {
            throw new IllegalArgumentException("repeat limit and retransmission counts must be at least 1");
        }
        if (floodWindowNanos <= 0 || scanWindowNanos <= 0 || backscatterWindowNanos <= 0) {
            throw new IllegalArgumentException("windows must be positive");
        }
        if (floodQuietWindows < 1 || scanMinPorts < 2 || maxTrackedKeys < 1) {
            throw new IllegalArgumentException("floodQuietWindows >= 1, scanMinPorts >= 2, maxTrackedKeys >= 1");
        }
    }

    /** How many more pairs that have sent one SYN are kept than scan pairs proper. */
    public static final int ONE_SYN_PAIRS_PER_KEY = 8;

    /**
     * Upper bound on the source/target pairs that have sent one SYN so far ({@value #ONE_SYN_PAIRS_PER_KEY} times
     * {@link #maxTrackedKeys}): a busy capture has far more of them than of pairs that send several, and each takes
     * about 60 bytes, where a scan pair's entry takes some hundreds.
     */
    public int maxOneSynPairs() {
        return maxOneSynPairs(maxTrackedKeys);
    }

    /** {@link #maxOneSynPairs()} for a given {@link #maxTrackedKeys}. */
    public static int maxOneSynPairs(int maxTrackedKeys) {
        return (int) Math.min(Integer.MAX_VALUE, (long) ONE_SYN_PAIRS_PER_KEY * maxTrackedKeys);
    }

    /** SYNs in one flood window that reach {@link #floodMinSynRate}. */
    long floodMinSynsPerWindow() {
        return Math.max(1, (long) Math.ceil(floodMinSynRate * floodWindowNanos / 1e9));
    }

    public AnomalySettings withRepeatLimit(int n) {
        return new AnomalySettings(n, unacknowledgedFinRetransmissions, minSynRetransmissions, floodWindowNanos,
                floodMinSynRate, floodMinHalfOpen, floodMaxCompletedRatio, floodQuietWindows, scanWindowNanos,
                scanMinPorts, scanMaxCompletedRatio, backscatterWindowNanos, backscatterMinSynAcks,
                backscatterMinSources, reportBadChecksums, maxTrackedKeys);
    }

    public AnomalySettings withFlood(double minSynRate, int minHalfOpen) {
        return new AnomalySettings(repeatLimit, unacknowledgedFinRetransmissions, minSynRetransmissions,
                floodWindowNanos, minSynRate, minHalfOpen, floodMaxCompletedRatio, floodQuietWindows,
                scanWindowNanos, scanMinPorts, scanMaxCompletedRatio, backscatterWindowNanos, backscatterMinSynAcks,
                backscatterMinSources, reportBadChecksums, maxTrackedKeys);
    }

    public AnomalySettings withReportBadChecksums(boolean v) {
        return new AnomalySettings(repeatLimit, unacknowledgedFinRetransmissions, minSynRetransmissions,
                floodWindowNanos, floodMinSynRate, floodMinHalfOpen, floodMaxCompletedRatio, floodQuietWindows,
                scanWindowNanos, scanMinPorts, scanMaxCompletedRatio, backscatterWindowNanos, backscatterMinSynAcks,
                backscatterMinSources, v, maxTrackedKeys);
    }

    public AnomalySettings withMaxTrackedKeys(int n) {
        return new AnomalySettings(repeatLimit, unacknowledgedFinRetransmissions, minSynRetransmissions,
                floodWindowNanos, floodMinSynRate, floodMinHalfOpen, floodMaxCompletedRatio, floodQuietWindows,
                scanWindowNanos, scanMinPorts, scanMaxCompletedRatio, backscatterWindowNanos, backscatterMinSynAcks,
                backscatterMinSources, reportBadChecksums, n);
    }
}
