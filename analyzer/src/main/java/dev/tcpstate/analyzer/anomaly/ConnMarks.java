package dev.tcpstate.analyzer.anomaly;

import dev.tcpstate.analyzer.tcp.TcpState;

/**
 * What the detector keeps per connection, attached to it: the states before the current packet, counters already
 * seen, what was reported, and links to the aggregate entries the connection counts in. Indexes: 0 originator,
 * 1 responder.
 */
final class ConnMarks {
    /** Packet of the first transition an endpoint made for the current packet, its from-state and since-time. */
    final long[] transPacket = new long[2];
    final TcpState[] transFrom = new TcpState[2];
    final long[] transFromSince = new long[2];
    /** When the endpoint entered its current state (as far as the detector has seen). */
    final long[] since = new long[2];
    /** Receiver counters seen after the previous packet. */
    final long[] outOfWindowSeen = new long[2];
    final long[] unseenAckedSeen = new long[2];
    /** FIN segments sent with the endpoint's current FIN sequence number. */
    final int[] finSegments = new int[2];
    /** Direction of the previous packet: 0 originator, 1 responder, -1 none. */
    int lastDir = -1;
    /** Per-code report counts (lazy). */
    byte[] reported;
    /** The connection has been seen in {@link AnomalyDetector#onPacket}. */
    boolean seen;

    // --- handshake
    int synCount;
    long[] synPackets;
    long[] synTimes;
    boolean completed;
    boolean respEverEstablished;
    int synAckCount;
    boolean unsolicitedSynAck;

    // --- aggregates
    Aggregates.Listener listener;
    boolean halfOpen;
    Aggregates.ScanPair scan;
    Aggregates.Victim victim;

    // --- time_wait_reuse carried from the old incarnation
    boolean endedByReuse;

    ConnMarks(long firstTime) {
        since[0] = firstTime;
        since[1] = firstTime;
    }

    TcpState before(int i, long packet, TcpState now) {
        return transPacket[i] == packet ? transFrom[i] : now;
    }

    long sinceBefore(int i, long packet) {
        return transPacket[i] == packet ? transFromSince[i] : since[i];
    }

    void addSyn(long packet, long time) {
        if (synPackets == null) {
            synPackets = new long[4];
            synTimes = new long[4];
        }
        if (synCount == synPackets.length) {
            if (synCount >= 32) {
                synCount++;
                return;
            }
            synPackets = java.util.Arrays.copyOf(synPackets, synCount * 2);
            synTimes = java.util.Arrays.copyOf(synTimes, synCount * 2);
        }
        synPackets[synCount] = packet;
        synTimes[synCount] = time;
        synCount++;
    }
}
