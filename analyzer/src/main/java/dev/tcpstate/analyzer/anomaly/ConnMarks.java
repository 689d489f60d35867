package dev.tcpstate.analyzer.anomaly;

import dev.tcpstate.analyzer.tcp.TcpState;

/**
 * What the detector keeps per connection, attached to it: the states before the current packet, counters already
 * seen, what was reported, and links to the aggregate entries the connection counts in. Indexes: 0 originator,
 * 1 responder.
 */
final class ConnMarks {
    // Per endpoint, as pairs of fields (0 originator, 1 responder) rather than arrays: one object per connection.
    /** Packet of the first transition an endpoint made for the current packet, its from-state and since-time. */
    private long transPacket0, transPacket1;
    private TcpState transFrom0, transFrom1;
    private long transFromSince0, transFromSince1;
    /** When the endpoint entered its current state (as far as the detector has seen). */
    private long since0, since1;
    /** Receiver counters seen after the previous packet. */
    private long outOfWindowSeen0, outOfWindowSeen1;
    private long unseenAckedSeen0, unseenAckedSeen1;
    /** FIN segments sent with the endpoint's current FIN sequence number. */
    private int finSegments0, finSegments1;
    /** Direction of the previous packet: 0 originator, 1 responder, -1 none. */
    int lastDir = -1;
    /**
     * Per-code report counts, a byte each, eight codes to a field: kept in the marks themselves rather than in an
     * array of their own, which recycled marks would have to clear with a cache miss on every new connection.
     */
    private long reported0, reported1, reported2, reported3;
    /** The connection has been seen in {@link AnomalyDetector#onPacket}. */
    boolean seen;

    // --- handshake
    int synCount;
    long[] synPackets;
    long[] synTimes;
    /** The time of the last SYN counted, kept or not. */
    long lastSynTime;
    boolean completed;
    boolean respEverEstablished;
    int synAckCount;
    boolean unsolicitedSynAck;

    // --- aggregates
    Aggregates.Listener listener;
    boolean halfOpen;
    Aggregates.ScanPair scan;
    /**
     * While the connection's SYN is its pair's only one: the hash of the pair's record in {@link OneSynPairs} (which
     * names these marks), else 0.
     */
    long oneSynPair;
    Aggregates.Victim victim;

    // --- time_wait_reuse carried from the old incarnation
    boolean endedByReuse;

    ConnMarks(long firstTime) {
        since0 = firstTime;
        since1 = firstTime;
    }

    /**
     * Back to the marks of a new connection, keeping the arrays (the detector recycles marks). The links to aggregate
     * entries are handed to {@code links}, which lets go of them ({@link Aggregates#release}).
     */
    void reset(long firstTime, Aggregates links) {
        transPacket0 = transPacket1 = 0;
        transFrom0 = transFrom1 = null;
        transFromSince0 = transFromSince1 = 0;
        since0 = since1 = firstTime;
        outOfWindowSeen0 = outOfWindowSeen1 = 0;
        unseenAckedSeen0 = unseenAckedSeen1 = 0;
        finSegments0 = finSegments1 = 0;
        lastDir = -1;
        reported0 = reported1 = reported2 = reported3 = 0;
        seen = false;
        synCount = 0;
        lastSynTime = 0;
        completed = false;
        respEverEstablished = false;
        synAckCount = 0;
        unsolicitedSynAck = false;
        links.release(listener, scan, victim);
        listener = null;
        halfOpen = false;
        scan = null;
        oneSynPair = 0;
        victim = null;
        endedByReuse = false;
    }

    /** Points this connection at its listener entry (or at none), keeping the entries' reference counts. */
    void pointAt(Aggregates.Listener l) {
        if (listener != null) listener.refs--;
        listener = l;
        if (l != null) l.refs++;
    }

    void pointAt(Aggregates.ScanPair s) {
        if (scan != null) scan.refs--;
        scan = s;
        if (s != null) s.refs++;
    }

    void pointAt(Aggregates.Victim v) {
        if (victim != null) victim.refs--;
        victim = v;
        if (v != null) v.refs++;
    }

    /** Reports made of the code with ordinal {@code code} (a byte: counts wrap past 127). */
    byte reports(int code) {
        return (byte) (reportedWord(code >>> 3) >>> ((code & 7) * 8));
    }

    /** Counts one more report of the code with ordinal {@code code}. */
    void countReport(int code) {
        int shift = (code & 7) * 8;
        long word = reportedWord(code >>> 3);
        long next = (word & ~(0xFFL << shift)) | (((word >>> shift) + 1 & 0xFF) << shift);
        switch (code >>> 3) {
            case 0 -> reported0 = next;
            case 1 -> reported1 = next;
            case 2 -> reported2 = next;
            default -> reported3 = next;
        }
    }

    private long reportedWord(int w) {
        return switch (w) {
            case 0 -> reported0;
            case 1 -> reported1;
            case 2 -> reported2;
            default -> reported3;
        };
    }

    /** The codes {@link #reports} can count. */
    static final int COUNTED_CODES = 32;

    long transPacket(int i) {
        return i == 0 ? transPacket0 : transPacket1;
    }

    /** Records the first transition endpoint {@code i} made for {@code packet}. */
    void setTransition(int i, long packet, TcpState from, long fromSince) {
        if (i == 0) {
            transPacket0 = packet;
            transFrom0 = from;
            transFromSince0 = fromSince;
        } else {
            transPacket1 = packet;
            transFrom1 = from;
            transFromSince1 = fromSince;
        }
    }

    long since(int i) {
        return i == 0 ? since0 : since1;
    }

    void setSince(int i, long t) {
        if (i == 0) since0 = t; else since1 = t;
    }

    long outOfWindowSeen(int i) {
        return i == 0 ? outOfWindowSeen0 : outOfWindowSeen1;
    }

    void setOutOfWindowSeen(int i, long v) {
        if (i == 0) outOfWindowSeen0 = v; else outOfWindowSeen1 = v;
    }

    long unseenAckedSeen(int i) {
        return i == 0 ? unseenAckedSeen0 : unseenAckedSeen1;
    }

    void setUnseenAckedSeen(int i, long v) {
        if (i == 0) unseenAckedSeen0 = v; else unseenAckedSeen1 = v;
    }

    /** Counts one more FIN segment of endpoint {@code i}; returns the new count. */
    int addFinSegment(int i) {
        return i == 0 ? ++finSegments0 : ++finSegments1;
    }

    TcpState before(int i, long packet, TcpState now) {
        return i == 0 ? (transPacket0 == packet ? transFrom0 : now) : (transPacket1 == packet ? transFrom1 : now);
    }

    long sinceBefore(int i, long packet) {
        return i == 0 ? (transPacket0 == packet ? transFromSince0 : since0)
                : (transPacket1 == packet ? transFromSince1 : since1);
    }

    /** SYNs whose packet and time are kept; later ones are only counted. */
    static final int SYNS_KEPT = 32;

    /** Counts a SYN of the originator, keeping the packet and time of the first {@link #SYNS_KEPT}. */
    void addSyn(long packet, long time) {
        lastSynTime = time;
        if (synPackets == null) {
            synPackets = new long[4];
            synTimes = new long[4];
        }
        if (synCount >= synPackets.length) {
            if (synCount >= SYNS_KEPT) {
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
