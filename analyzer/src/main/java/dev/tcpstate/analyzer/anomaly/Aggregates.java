package dev.tcpstate.analyzer.anomaly;

import dev.tcpstate.parsers.decode.TcpPacket;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The aggregate detectors: SYN flood per listening address and port, SYN scan per source and target host, SYN-ACK
 * backscatter per target address. Each keeps a few counters per key over back-to-back windows of capture time and
 * reports one anomaly per interval of consecutive qualifying windows. Tables are bounded
 * ({@link AnomalySettings#maxTrackedKeys()}) and idle keys are dropped.
 */
final class Aggregates {
    private static final int SOURCE_CAP = 1 << 16;
    private static final int PORT_CAP = 1 << 16;
    private static final long SWEEP_EVERY_NANOS = 60_000_000_000L;

    /** Lookup key: an address pair plus a port (unused parts zero). Mutable as a probe; copied on insert. */
    static class Key {
        int ipVersion;
        long aHi, aLo, bHi, bLo;
        int port;
        /**
         * 64 bits, never 0 ({@link KeyTable}'s mark of an empty slot). Among the hundreds of thousands of keys a busy
         * capture keeps in a table at once, some share a 32-bit hash, and a lookup that matched a hash and then found
         * another key took a path the compiled SYN handling had never seen (and had it compiled anew). With 64 bits
         * a hash match is, in practice, always the key.
         */
        long hash;
        /** The top 8 bits of {@link #hash}, never 0 ({@link KeyTable}'s tag of an empty slot). */
        byte tag;

        Key set(int ipVersion, long aHi, long aLo, long bHi, long bLo, int port) {
            this.ipVersion = ipVersion;
            this.aHi = aHi; this.aLo = aLo; this.bHi = bHi; this.bLo = bLo;
            this.port = port;
            long h = (aHi * 0x9E3779B97F4A7C15L) ^ aLo;
            h = (h * 0x9E3779B97F4A7C15L) ^ bHi;
            h = (h * 0x9E3779B97F4A7C15L) ^ bLo;
            h = (h * 0x9E3779B97F4A7C15L) ^ (port | ((long) ipVersion << 20));
            h *= 0x9E3779B97F4A7C15L;
            hash = h != 0 ? h : 1;
            tag = tagOf(hash);
            return this;
        }

        /** The tag of a hash: its top 8 bits, 1 if they are 0. */
        static byte tagOf(long hash) {
            int top = (int) (hash >>> 56);
            return (byte) (top != 0 ? top : 1);
        }

        /**
         * A second 64-bit hash of the key, independent of {@link #hash}: the two together tell keys apart where only
         * the hashes are kept ({@link OneSynPairs}).
         */
        long check() {
            long h = (bLo * 0xC2B2AE3D27D4EB4FL) ^ bHi;
            h = (h * 0xC2B2AE3D27D4EB4FL) ^ aLo;
            h = (h * 0xC2B2AE3D27D4EB4FL) ^ aHi;
            h = (h * 0xC2B2AE3D27D4EB4FL) ^ (port | ((long) ipVersion << 20));
            h *= 0xC2B2AE3D27D4EB4FL;
            return h ^ (h >>> 31);
        }

        /** Same key. */
        final boolean sameKey(Key k) {
            return k.hash == hash && k.aLo == aLo && k.bLo == bLo && k.port == port
                    && k.aHi == aHi && k.bHi == bHi && k.ipVersion == ipVersion;
        }

        @Override
        public int hashCode() {
            return (int) (hash ^ (hash >>> 32));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && sameKey(k);
        }
    }

    /** Common window bookkeeping; an entry is its own key in its table (no separate key object). */
    abstract static class Entry extends Key {
        long winStart;
        boolean active;
        int quiet;
        /**
         * Connection marks that point at this entry ({@link ConnMarks#listener} and the like). An entry dropped from
         * its table is reused for a new key only when none does, so a late event of an old connection never counts
         * towards another key.
         */
        int refs;

        Entry(Key key, long t) {
            set(key.ipVersion, key.aHi, key.aLo, key.bHi, key.bLo, key.port);
            this.winStart = t;
        }

        /** Makes this entry a fresh one for {@code key}, as the constructor leaves it. */
        void reinit(Key key, long t) {
            set(key.ipVersion, key.aHi, key.aLo, key.bHi, key.bLo, key.port);
            this.winStart = t;
            this.active = false;
            this.quiet = 0;
            this.refs = 0;
        }
    }

    /** A listening address and port receiving SYNs. */
    static final class Listener extends Entry {
        long winFirstSyn, winLastSyn, winFirstPacket;
        int winSyns, winCompleted, winSynAckRexmit, winPeakHalfOpen;
        int halfOpen;
        final LongSet winSources = new LongSet(8, SOURCE_CAP);
        // the flood interval
        long fStart, fEnd, fFirstPacket, fSyns, fCompleted, fSynAckRexmit, fSuppressed;
        int fPeakHalfOpen, fPeakSyns;
        LongSet fSources;
        long lastFloodStart = Long.MAX_VALUE, lastFloodEnd = Long.MIN_VALUE;

        Listener(Key key, long t) {
            super(key, t);
        }

        @Override
        void reinit(Key key, long t) {
            super.reinit(key, t);
            winFirstSyn = winLastSyn = winFirstPacket = 0;
            winSyns = winCompleted = winSynAckRexmit = winPeakHalfOpen = 0;
            halfOpen = 0;
            winSources.clear();
            fStart = fEnd = fFirstPacket = fSyns = fCompleted = fSynAckRexmit = fSuppressed = 0;
            fPeakHalfOpen = fPeakSyns = 0;
            fSources = null;
            lastFloodStart = Long.MAX_VALUE;
            lastFloodEnd = Long.MIN_VALUE;
        }

        /** A connection whose SYN arrived at {@code t} belongs to a flood of this listener. */
        boolean floodCovers(long t) {
            return (active && t >= fStart) || (t >= lastFloodStart && t <= lastFloodEnd);
        }

        void halfOpenUp() {
            halfOpen++;
            if (halfOpen > winPeakHalfOpen) winPeakHalfOpen = halfOpen;
        }
    }

    /** One source sending SYNs to one target host. */
    static final class ScanPair extends Entry {
        final LongSet winPorts = new LongSet(4, PORT_CAP);
        long winFirstSyn, winLastSyn, winFirstPacket;
        int winSyns, winCompleted, winOpen, winClosed;
        long sStart, sEnd, sFirstPacket, sSyns, sCompleted, sOpen, sClosed, sSuppressed;
        LongSet sPorts;
        long lastScanStart = Long.MAX_VALUE, lastScanEnd = Long.MIN_VALUE;

        ScanPair(Key key, long t) {
            super(key, t);
        }

        @Override
        void reinit(Key key, long t) {
            super.reinit(key, t);
            winPorts.clear();
            winFirstSyn = winLastSyn = winFirstPacket = 0;
            winSyns = winCompleted = winOpen = winClosed = 0;
            sStart = sEnd = sFirstPacket = sSyns = sCompleted = sOpen = sClosed = sSuppressed = 0;
            sPorts = null;
            lastScanStart = Long.MAX_VALUE;
            lastScanEnd = Long.MIN_VALUE;
        }

        boolean scanCovers(long t) {
            return (active && t >= sStart) || (t >= lastScanStart && t <= lastScanEnd);
        }
    }

    /** An address receiving SYN-ACKs for connections the capture never saw it open. */
    static final class Victim extends Entry {
        final LongSet winSources = new LongSet(4, SOURCE_CAP);
        long winFirst, winLast, winFirstPacket;
        int winSynAcks;
        long bStart, bEnd, bFirstPacket, bSynAcks;
        LongSet bSources;

        Victim(Key key, long t) {
            super(key, t);
        }

        @Override
        void reinit(Key key, long t) {
            super.reinit(key, t);
            winSources.clear();
            winFirst = winLast = winFirstPacket = 0;
            winSynAcks = 0;
            bStart = bEnd = bFirstPacket = bSynAcks = 0;
            bSources = null;
        }
    }

    private final AnomalySettings settings;
    private final AnomalyDetector out;
    private final KeyTable<Listener> listeners = new KeyTable<>();
    private final KeyTable<ScanPair> pairs = new KeyTable<>();
    /** Source/target pairs that have sent one SYN: the scan table's first stage. */
    private final OneSynPairs oneSyn = new OneSynPairs();
    private final KeyTable<Victim> victims = new KeyTable<>();
    private final Key probe = new Key();
    /**
     * Entries dropped from their tables that no connection points at, for reuse: entries live seconds to minutes, so
     * allocating each anew fills the old generation and costs full collections.
     */
    private final java.util.ArrayDeque<Listener> freeListeners = new java.util.ArrayDeque<>();
    private final java.util.ArrayDeque<ScanPair> freePairs = new java.util.ArrayDeque<>();
    private final java.util.ArrayDeque<Victim> freeVictims = new java.util.ArrayDeque<>();
    /**
     * Entries dropped from their tables while some connection still pointed at them: each goes to its free list at a
     * sweep that finds no connection pointing at it any more. On a busy capture most listeners are dropped that way
     * (a connection in TIME-WAIT keeps pointing at its listener for a minute after the listener went idle), and
     * leaving them to the collector had every new listener allocated anew.
     */
    private final Dropped<Listener> droppedListeners = new Dropped<>();
    private final Dropped<ScanPair> droppedPairs = new Dropped<>();
    private final Dropped<Victim> droppedVictims = new Dropped<>();
    private long nextSweep = Long.MIN_VALUE;
    /** Indexes of the tables (listeners, source/target pairs, SYN-ACK targets) in the counters below. */
    static final int LISTENERS = 0, PAIRS = 1, VICTIMS = 2;
    /** Per table: SYNs (SYN-ACKs for the targets) not counted because the table was full of keys in an interval. */
    final long[] untracked = new long[3];
    /** Per table: keys that left it full before two idle windows, to make room ({@link #makeRoom}). */
    final long[] droppedEarly = new long[3];
    /**
     * Per table: no key that left it early had been idle less than this (capture time; {@code Long.MAX_VALUE} while
     * none did). A key whose events come at most this far apart never left early.
     */
    final long[] shortestIdleDropped = {Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE};

    /**
     * Entries that recycled connection marks pointed at, whose reference counts are still to be decremented
     * ({@link #release}); null where none.
     */
    private final Entry[] released = new Entry[RELEASE_BATCH];
    private int releasedCount;
    /**
     * Marks are recycled a minute or more after their connection began, when the entries they point at are long out of
     * cache: decremented one at a time, as each connection starts, each count is a cache miss the packet waits for;
     * decremented in a batch, in a loop that does nothing else, the misses overlap.
     */
    private static final int RELEASE_BATCH = 96;

    Aggregates(AnomalySettings settings, AnomalyDetector out) {
        this.settings = settings;
        this.out = out;
    }

    // ------------------------------------------------------------------------------------------------ events

    /** The first SYN of a connection, from its originator. */
    void onSyn(ConnMarks m, TcpPacket p) {
        long t = p.timestampNanos;
        sweep(t);
        int li = listeners.find(probe.set(p.ipVersion, p.dstHi, p.dstLo, 0, 0, p.dstPort));
        Listener l = null;
        if (li >= 0) {
            l = listeners.slot(li);
            listeners.seen(li, t);
        } else if (listeners.size() < settings.maxTrackedKeys() || makeRoom(listeners, t) > 0) {
            l = freeListeners.pollLast();
            if (l == null) {
                l = new Listener(probe, t);
            } else {
                l.reinit(probe, t);
            }
            l.winFirstSyn = t;
            listeners.add(l, t);
        } else {
            untracked[LISTENERS]++;
        }
        if (l != null) {
            rollListener(l, t);
            if (l.winSyns == 0) {
                l.winFirstSyn = t;
                l.winFirstPacket = p.packetNumber;
            }
            l.winSyns++;
            l.winLastSyn = t;
            l.winSources.add(LongSet.addressKey(p.srcHi, p.srcLo));
            l.halfOpenUp();
            m.pointAt(l);
            m.halfOpen = true;
        }

        int si = pairs.find(probe.set(p.ipVersion, p.srcHi, p.srcLo, p.dstHi, p.dstLo, 0));
        ScanPair s = null;
        if (si >= 0) {
            s = pairs.slot(si);
            pairs.seen(si, t);
        } else {
            long check = probe.check();
            int oi = oneSyn.find(probe.hash, check, probe.tag);
            if (oi < 0) {
                // The pair's first SYN (or its first since it went idle): a record of its own, no scan table entry.
                if (oneSyn.size() < settings.maxOneSynPairs() || makeRoomForOneSynPairs(t) > 0) {
                    oneSyn.add(probe.hash, check, probe.tag, t, p.packetNumber, p.dstPort, m);
                    m.oneSynPair = probe.hash;
                } else {
                    untracked[PAIRS]++;
                }
                return;
            }
            if (pairs.size() < settings.maxTrackedKeys() || makeRoom(pairs, t) > 0) {
                s = fromOneSyn(oi);
                si = pairs.add(s, oneSyn.synTime(oi));
                pairs.seen(si, t);
                oneSyn.removeAt(oi);
            } else {
                untracked[PAIRS]++;
            }
        }
        if (s != null) {
            rollScan(s, t);
            if (s.winSyns == 0) {
                s.winFirstSyn = t;
                s.winFirstPacket = p.packetNumber;
            }
            s.winSyns++;
            s.winLastSyn = t;
            s.winPorts.add(p.dstPort);
            m.pointAt(s);
        }
    }

    /**
     * A pair's second SYN: the scan table entry the pair's first SYN would have made, had it been given one then,
     * with the window that SYN opened (rolled on as the pair's events rolled it) and what the SYN's connection has
     * done in it; that connection now points at the entry. The probe holds the pair's key.
     */
    private ScanPair fromOneSyn(int oi) {
        ScanPair s = freePairs.pollLast();
        long start = oneSyn.windowStart(oi);
        if (s == null) {
            s = new ScanPair(probe, start);
        } else {
            s.reinit(probe, start);
        }
        if (oneSyn.synInWindow(oi)) {
            s.winSyns = 1;
            s.winFirstSyn = s.winLastSyn = oneSyn.synTime(oi);
            s.winFirstPacket = oneSyn.packet(oi);
            s.winPorts.add(oneSyn.port(oi));
        }
        s.winOpen = oneSyn.count(oi, OneSynPairs.OPEN);
        s.winClosed = oneSyn.count(oi, OneSynPairs.CLOSED);
        s.winCompleted = oneSyn.count(oi, OneSynPairs.COMPLETED);
        ConnMarks first = oneSyn.marks(oi);
        if (first != null) {
            first.oneSynPair = 0;
            first.pointAt(s);
        }
        return s;
    }

    /**
     * An event of a connection whose SYN is its pair's only one: counted in the pair's record, in the window of
     * {@code t} ({@link OneSynPairs#OPEN}, {@link OneSynPairs#CLOSED} or {@link OneSynPairs#COMPLETED}). Nothing
     * when the record has left.
     */
    private void countOneSyn(ConnMarks m, long t, int which) {
        int oi = oneSyn.find(m);
        if (oi < 0) {
            m.oneSynPair = 0; // the record left its table
            return;
        }
        oneSyn.roll(oi, t, settings.scanWindowNanos());
        oneSyn.countOne(oi, which);
    }

    private final Key aheadProbe = new Key();
    private long lookAheadSink;

    /**
     * A segment {@link #onSyn} may be given soon (see {@link AnomalyDetector#lookAhead}): for a SYN, reads the slots
     * of its listener and of its source/target pair in their tables.
     */
    void lookAhead(TcpPacket p) {
        if ((p.flags & (TcpPacket.SYN | TcpPacket.ACK | TcpPacket.RST)) == TcpPacket.SYN) {
            long s = listeners.readHome(aheadProbe.set(p.ipVersion, p.dstHi, p.dstLo, 0, 0, p.dstPort));
            s += pairs.readHome(aheadProbe.set(p.ipVersion, p.srcHi, p.srcLo, p.dstHi, p.dstLo, 0));
            s += oneSyn.readHome(aheadProbe.hash);
            lookAheadSink += s;
        }
    }

    /** A SYN-ACK; {@code first}: the responder's first one on this connection. */
    void onSynAck(ConnMarks m, TcpPacket p, boolean first, boolean unsolicited) {
        long t = p.timestampNanos;
        if (m.listener != null && !first) {
            Listener l = m.listener;
            rollListener(l, t);
            l.winSynAckRexmit++;
        }
        if (m.scan != null && first) {
            rollScan(m.scan, t);
            m.scan.winOpen++;
        } else if (m.oneSynPair != 0 && first) {
            countOneSyn(m, t, OneSynPairs.OPEN);
        }
        if (unsolicited) {
            Victim v = m.victim;
            if (v != null) {
                int vi = victims.slotOf(v); // not in the table any more if it was dropped while idle
                if (vi >= 0) victims.seen(vi, t);
            } else {
                int vi = victims.find(probe.set(p.ipVersion, p.dstHi, p.dstLo, 0, 0, 0));
                if (vi >= 0) {
                    v = victims.slot(vi);
                    victims.seen(vi, t);
                } else if (victims.size() < settings.maxTrackedKeys() || makeRoom(victims, t) > 0) {
                    v = freeVictims.pollLast();
                    if (v == null) {
                        v = new Victim(probe, t);
                    } else {
                        v.reinit(probe, t);
                    }
                    victims.add(v, t);
                } else {
                    untracked[VICTIMS]++;
                    return;
                }
                m.pointAt(v);
            }
            rollVictim(v, t);
            if (v.winSynAcks == 0) {
                v.winFirst = t;
                v.winFirstPacket = p.packetNumber;
            }
            v.winSynAcks++;
            v.winLast = t;
            v.winSources.add(LongSet.addressKey(p.srcHi, p.srcLo));
        }
    }

    /** The responder refused the connection with a RST. */
    void onRefused(ConnMarks m, long t) {
        if (m.scan != null) {
            rollScan(m.scan, t);
            m.scan.winClosed++;
        } else if (m.oneSynPair != 0) {
            countOneSyn(m, t, OneSynPairs.CLOSED);
        }
    }

    /** The originator completed the handshake. */
    void onCompleted(ConnMarks m, long t) {
        if (m.listener != null) {
            rollListener(m.listener, t);
            m.listener.winCompleted++;
        }
        if (m.scan != null) {
            rollScan(m.scan, t);
            m.scan.winCompleted++;
        } else if (m.oneSynPair != 0) {
            countOneSyn(m, t, OneSynPairs.COMPLETED);
        }
        halfOpenEnded(m);
    }

    /**
     * Recycled connection marks let go of the entries they pointed at (each may be null). Their reference counts go
     * down at the next {@link #settleReleases}, which comes before anything reads a count.
     */
    void release(Entry listener, Entry scan, Entry victim) {
        if (releasedCount + 3 > RELEASE_BATCH) {
            settleReleases();
        }
        Entry[] r = released;
        int n = releasedCount;
        r[n] = listener;
        r[n + 1] = scan;
        r[n + 2] = victim;
        releasedCount = n + 3;
    }

    /** Applies the releases not yet counted ({@link #release}). */
    void settleReleases() {
        Entry[] r = released;
        for (int i = 0, n = releasedCount; i < n; i++) {
            Entry e = r[i];
            if (e != null) {
                e.refs--;
                r[i] = null;
            }
        }
        releasedCount = 0;
    }

    /** The connection stopped being half-open (completed, reset or gone). */
    void halfOpenEnded(ConnMarks m) {
        if (m.halfOpen) {
            m.halfOpen = false;
            if (m.listener != null) m.listener.halfOpen--;
        }
    }

    /** Rolls every window forward to {@code t}, as a packet at {@code t} would roll its own key's windows. */
    void advanceTime(long t) {
        // A loop per table (not one walk with a lambda per table): see KeyTable.
        for (int i = 0, n = listeners.capacity(); i < n; i++) {
            Listener l = listeners.slot(i);
            if (l != null) rollListener(l, t);
        }
        for (int i = 0, n = pairs.capacity(); i < n; i++) {
            ScanPair s = pairs.slot(i);
            if (s != null) rollScan(s, t);
        }
        for (int i = 0, n = victims.capacity(); i < n; i++) {
            Victim v = victims.slot(i);
            if (v != null) rollVictim(v, t);
        }
        sweep(t);
    }

    /** Evaluates every open window as of {@code t}: called before the end-of-capture per-connection checks. */
    void closeWindows(long t) {
        for (int i = 0, n = listeners.capacity(); i < n; i++) {
            Listener l = listeners.slot(i);
            if (l != null) {
                evaluateListener(l);
                resetListenerWindow(l, t);
            }
        }
        for (int i = 0, n = pairs.capacity(); i < n; i++) {
            ScanPair s = pairs.slot(i);
            if (s != null) {
                evaluateScan(s);
                resetScanWindow(s, t);
            }
        }
        for (int i = 0, n = victims.capacity(); i < n; i++) {
            Victim v = victims.slot(i);
            if (v != null) {
                evaluateVictim(v);
                resetVictimWindow(v, t);
            }
        }
    }

    /** Reports every interval still open, per table in order of window start. */
    void finish() {
        // Only the active entries are sorted (stable: ties stay in slot order), few of the hundreds of thousands.
        // A comparator per entry type: one shared by the three would cast each type in turn.
        List<Listener> ls = new ArrayList<>();
        for (int i = 0, n = listeners.capacity(); i < n; i++) {
            Listener l = listeners.slot(i);
            if (l != null && l.active) ls.add(l);
        }
        ls.sort((a, b) -> Long.compare(a.winStart, b.winStart));
        for (Listener l : ls) endFlood(l);
        List<ScanPair> ss = new ArrayList<>();
        for (int i = 0, n = pairs.capacity(); i < n; i++) {
            ScanPair s = pairs.slot(i);
            if (s != null && s.active) ss.add(s);
        }
        ss.sort((a, b) -> Long.compare(a.winStart, b.winStart));
        for (ScanPair s : ss) endScan(s);
        List<Victim> vs = new ArrayList<>();
        for (int i = 0, n = victims.capacity(); i < n; i++) {
            Victim v = victims.slot(i);
            if (v != null && v.active) vs.add(v);
        }
        vs.sort((a, b) -> Long.compare(a.winStart, b.winStart));
        for (Victim v : vs) endBackscatter(v);
    }

    // ------------------------------------------------------------------------------------------------ flood

    private void rollListener(Listener l, long t) {
        long w = settings.floodWindowNanos();
        if (t < l.winStart + w) return;
        evaluateListener(l);
        long skipped = (t - l.winStart) / w - 1;
        if (skipped > 0 && l.active) {
            l.quiet += (int) Math.min(skipped, Integer.MAX_VALUE - l.quiet);
            if (l.quiet >= settings.floodQuietWindows()) endFlood(l);
        }
        l.winStart += (skipped + 1) * w;
        resetListenerWindow(l, l.winStart);
    }

    private void resetListenerWindow(Listener l, long start) {
        l.winStart = Math.max(l.winStart, start);
        l.winSyns = 0;
        l.winCompleted = 0;
        l.winSynAckRexmit = 0;
        l.winPeakHalfOpen = l.halfOpen;
        l.winSources.clear();
    }

    private void evaluateListener(Listener l) {
        boolean flood = l.winSyns >= settings.floodMinSynsPerWindow()
                && l.winPeakHalfOpen >= settings.floodMinHalfOpen()
                && l.winCompleted <= settings.floodMaxCompletedRatio() * l.winSyns;
        if (flood) {
            if (!l.active) {
                l.active = true;
                l.fStart = l.winFirstSyn;
                l.fFirstPacket = l.winFirstPacket;
                l.fSyns = l.fCompleted = l.fSynAckRexmit = l.fSuppressed = 0;
                l.fPeakHalfOpen = 0;
                l.fPeakSyns = 0;
                l.fSources = new LongSet(256, SOURCE_CAP);
            }
            l.quiet = 0;
            l.fEnd = l.winLastSyn;
            l.fPeakSyns = Math.max(l.fPeakSyns, l.winSyns);
            l.fPeakHalfOpen = Math.max(l.fPeakHalfOpen, l.winPeakHalfOpen);
            l.fSources.addAll(l.winSources);
        } else if (l.active) {
            l.quiet++;
        }
        if (l.active) {
            l.fSyns += l.winSyns;
            l.fCompleted += l.winCompleted;
            l.fSynAckRexmit += l.winSynAckRexmit;
            if (!flood && l.quiet >= settings.floodQuietWindows()) endFlood(l);
        }
    }

    private void endFlood(Listener l) {
        l.active = false;
        l.lastFloodStart = l.fStart;
        l.lastFloodEnd = l.fEnd;
        Map<String, Object> ev = new LinkedHashMap<>();
        double secs = (l.fEnd - l.fStart) / 1e9;
        double windowSecs = settings.floodWindowNanos() / 1e9;
        ev.put("start_nanos", l.fStart);
        ev.put("end_nanos", l.fEnd);
        ev.put("duration_seconds", round3(secs));
        ev.put("syns", l.fSyns);
        ev.put("peak_syn_rate", round3(l.fPeakSyns / windowSecs));
        ev.put("peak_half_open", l.fPeakHalfOpen);
        ev.put("sources", l.fSources.size());
        ev.put("sources_capped", l.fSources.saturated());
        ev.put("synack_retransmissions", l.fSynAckRexmit);
        ev.put("completed_handshakes", l.fCompleted);
        ev.put("completed_ratio", l.fSyns == 0 ? 0.0 : round3((double) l.fCompleted / l.fSyns));
        ev.put("suppressed_connection_reports", l.fSuppressed);
        String target = Anomaly.address(l.ipVersion, l.aHi, l.aLo) + ":" + l.port;
        String msg = "SYN flood against " + target + ": " + l.fSyns + " SYNs from " + l.fSources.size()
                + (l.fSources.saturated() ? "+" : "") + " sources over " + round3(secs) + " s (peak "
                + round3(l.fPeakSyns / windowSecs) + "/s) left up to " + l.fPeakHalfOpen
                + " connections half-open while " + l.fCompleted + " handshakes completed.";
        out.emitAggregate(AnomalyType.SYN_FLOOD, Severity.ERROR, l.fStart, l.fFirstPacket, l.ipVersion, 0, 0, 0,
                l.aHi, l.aLo, l.port, msg, ev);
        l.fSources = null;
    }

    // ------------------------------------------------------------------------------------------------ scan

    private void rollScan(ScanPair s, long t) {
        long w = settings.scanWindowNanos();
        if (t < s.winStart + w) return;
        evaluateScan(s);
        long skipped = (t - s.winStart) / w - 1;
        if (skipped > 0 && s.active) endScan(s);
        s.winStart += (skipped + 1) * w;
        resetScanWindow(s, s.winStart);
    }

    private void resetScanWindow(ScanPair s, long start) {
        s.winStart = Math.max(s.winStart, start);
        s.winSyns = s.winCompleted = s.winOpen = s.winClosed = 0;
        s.winPorts.clear();
    }

    private void evaluateScan(ScanPair s) {
        boolean scan = s.winPorts.size() >= settings.scanMinPorts()
                && s.winCompleted <= settings.scanMaxCompletedRatio() * s.winSyns;
        if (scan) {
            if (!s.active) {
                s.active = true;
                s.sStart = s.winFirstSyn;
                s.sFirstPacket = s.winFirstPacket;
                s.sSyns = s.sCompleted = s.sOpen = s.sClosed = s.sSuppressed = 0;
                s.sPorts = new LongSet(256, PORT_CAP);
            }
            s.sEnd = s.winLastSyn;
            s.sSyns += s.winSyns;
            s.sCompleted += s.winCompleted;
            s.sOpen += s.winOpen;
            s.sClosed += s.winClosed;
            s.sPorts.addAll(s.winPorts);
        } else if (s.active) {
            s.sOpen += s.winOpen;
            s.sClosed += s.winClosed;
            endScan(s);
        }
    }

    private void endScan(ScanPair s) {
        s.active = false;
        s.lastScanStart = s.sStart;
        s.lastScanEnd = s.sEnd;
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("start_nanos", s.sStart);
        ev.put("end_nanos", s.sEnd);
        ev.put("duration_seconds", round3((s.sEnd - s.sStart) / 1e9));
        ev.put("ports", s.sPorts.size());
        ev.put("syns", s.sSyns);
        ev.put("open_ports", s.sOpen);
        ev.put("closed_ports", s.sClosed);
        ev.put("completed_handshakes", s.sCompleted);
        ev.put("suppressed_connection_reports", s.sSuppressed);
        String src = Anomaly.address(s.ipVersion, s.aHi, s.aLo);
        String dst = Anomaly.address(s.ipVersion, s.bHi, s.bLo);
        String msg = src + " probed " + s.sPorts.size() + " ports of " + dst + " with SYNs in "
                + round3((s.sEnd - s.sStart) / 1e9) + " s: " + s.sOpen + " answered as open, " + s.sClosed
                + " refused.";
        out.emitAggregate(AnomalyType.SYN_SCAN, Severity.WARNING, s.sStart, s.sFirstPacket, s.ipVersion,
                s.aHi, s.aLo, 0, s.bHi, s.bLo, 0, msg, ev);
        s.sPorts = null;
    }

    // ------------------------------------------------------------------------------------------------ backscatter

    private void rollVictim(Victim v, long t) {
        long w = settings.backscatterWindowNanos();
        if (t < v.winStart + w) return;
        evaluateVictim(v);
        long skipped = (t - v.winStart) / w - 1;
        if (skipped > 0 && v.active) endBackscatter(v);
        v.winStart += (skipped + 1) * w;
        resetVictimWindow(v, v.winStart);
    }

    private void resetVictimWindow(Victim v, long start) {
        v.winStart = Math.max(v.winStart, start);
        v.winSynAcks = 0;
        v.winSources.clear();
    }

    private void evaluateVictim(Victim v) {
        boolean hit = v.winSynAcks >= settings.backscatterMinSynAcks()
                && v.winSources.size() >= settings.backscatterMinSources();
        if (hit) {
            if (!v.active) {
                v.active = true;
                v.bStart = v.winFirst;
                v.bFirstPacket = v.winFirstPacket;
                v.bSynAcks = 0;
                v.bSources = new LongSet(64, SOURCE_CAP);
            }
            v.bEnd = v.winLast;
            v.bSynAcks += v.winSynAcks;
            v.bSources.addAll(v.winSources);
        } else if (v.active) {
            endBackscatter(v);
        }
    }

    private void endBackscatter(Victim v) {
        v.active = false;
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("start_nanos", v.bStart);
        ev.put("end_nanos", v.bEnd);
        ev.put("duration_seconds", round3((v.bEnd - v.bStart) / 1e9));
        ev.put("synacks", v.bSynAcks);
        ev.put("sources", v.bSources.size());
        String dst = Anomaly.address(v.ipVersion, v.aHi, v.aLo);
        String msg = dst + " received " + v.bSynAcks + " SYN-ACKs from " + v.bSources.size()
                + " hosts for connections it never opened: someone is spoofing this address in a SYN flood.";
        out.emitAggregate(AnomalyType.SYNACK_BACKSCATTER, Severity.WARNING, v.bStart, v.bFirstPacket,
                v.ipVersion, 0, 0, 0, v.aHi, v.aLo, 0, msg, ev);
        v.bSources = null;
    }

    // ------------------------------------------------------------------------------------------------ memory

    /** Drops keys idle for two of their windows and not inside an interval, once a minute of capture time. */
    private void sweep(long t) {
        if (t >= nextSweep) {
            dropIdle(t); // out of line: the events that call sweep() compile without it
        }
    }

    private void dropIdle(long t) {
        nextSweep = t + SWEEP_EVERY_NANOS;
        settleReleases(); // the reference counts are read below
        droppedListeners.releaseTo(freeListeners);
        droppedPairs.releaseTo(freePairs);
        droppedVictims.releaseTo(freeVictims);
        dropListeners(listeners.removeIdle(t - 2 * settings.floodWindowNanos()));
        dropPairs(pairs.removeIdle(t - 2 * settings.scanWindowNanos()));
        oneSyn.removeIdle(t - 2 * settings.scanWindowNanos()); // a pair with one port was never a scan
        dropVictims(victims.removeIdle(t - 2 * settings.backscatterWindowNanos()));
    }

    /** Closes the windows of the {@code n} listeners just taken out of their table, and frees them. */
    private void dropListeners(int n) {
        for (int k = 0; k < n; k++) {
            Listener l = listeners.takeRemoved(k);
            evaluateListener(l);
            if (l.active) endFlood(l);
            if (l.refs == 0) freeListeners.add(l); else droppedListeners.add(l);
        }
    }

    private void dropPairs(int n) {
        for (int k = 0; k < n; k++) {
            ScanPair s = pairs.takeRemoved(k);
            evaluateScan(s);
            if (s.active) endScan(s);
            if (s.refs == 0) freePairs.add(s); else droppedPairs.add(s);
        }
    }

    private void dropVictims(int n) {
        for (int k = 0; k < n; k++) {
            Victim v = victims.takeRemoved(k);
            evaluateVictim(v);
            if (v.active) endBackscatter(v);
            if (v.refs == 0) freeVictims.add(v); else droppedVictims.add(v);
        }
    }

    /**
     * A new key finds its table full ({@link AnomalySettings#maxTrackedKeys()}): about a quarter of the entries, those
     * idle longest and not inside an interval, leave the table now instead of after two idle windows, their windows
     * evaluated as when they leave idle. New activity is never shut out for old: a scan or flood in progress was seen
     * lately, and an interval stays. A quarter at a time, so that the pass over the table that finds them comes once
     * every tens of thousands of new keys. Returns how many left.
     */
    private int makeRoom(KeyTable<?> table, long t) {
        settleReleases(); // dropped entries go to their free lists by their reference counts
        // Entries dropped earlier that no connection points at any more are free again now, not only at the next
        // sweep (a minute of capture time away): under a SYN flood the table is full again and again, and its dropped
        // entries, a new source/target pair for nearly every SYN, would pile up until then.
        droppedListeners.releaseTo(freeListeners);
        droppedPairs.releaseTo(freePairs);
        droppedVictims.releaseTo(freeVictims);
        long cutoff = table.seenCutoff(Math.max(1, settings.maxTrackedKeys() / 4));
        int n = table.removeIdle(cutoff, true);
        int which;
        if (table == listeners) {
            dropListeners(n);
            which = LISTENERS;
        } else if (table == pairs) {
            dropPairs(n);
            which = PAIRS;
        } else {
            dropVictims(n);
            which = VICTIMS;
        }
        if (n > 0) {
            droppedEarly[which] += n;
            // Every key that left was last seen before the cutoff: idle at least this long.
            shortestIdleDropped[which] = Math.min(shortestIdleDropped[which], t - cutoff + 1);
        }
        return n;
    }

    /**
     * The table of pairs that sent one SYN is full ({@link AnomalySettings#maxOneSynPairs()}): about a quarter of them,
     * those whose SYN came first, leave now (none was ever a scan), and count as scan pairs that left early. Returns
     * how many left.
     */
    private int makeRoomForOneSynPairs(long t) {
        long cutoff = oneSyn.seenCutoff(Math.max(1, settings.maxOneSynPairs() / 4));
        int n = oneSyn.removeIdle(cutoff);
        if (n > 0) {
            droppedEarly[PAIRS] += n;
            shortestIdleDropped[PAIRS] = Math.min(shortestIdleDropped[PAIRS], t - cutoff + 1);
        }
        return n;
    }

    /**
     * Entries dropped from their table while connections still pointed at them, in the order dropped. Kept in an
     * array of their common class, not in a list: read back from a list, each entry would be cast to its own class, and
     * the sweep, compiled for the one class it had seen, would be compiled again as each other class turned up.
     */
    static final class Dropped<E extends Entry> {
        private Entry[] items = new Entry[16];
        private int size;

        void add(E e) {
            if (size == items.length) {
                items = java.util.Arrays.copyOf(items, size * 2);
            }
            items[size++] = e;
        }

        int size() {
            return size;
        }

        @SuppressWarnings("unchecked")
        E get(int i) {
            return (E) items[java.util.Objects.checkIndex(i, size)];
        }

        /** Moves the entries that no connection points at any more to {@code free}, in the order dropped. */
        @SuppressWarnings("unchecked")
        void releaseTo(java.util.ArrayDeque<E> free) {
            int kept = 0;
            for (int i = 0; i < size; i++) {
                Entry e = items[i];
                if (e.refs == 0) {
                    free.add((E) e);
                } else {
                    items[kept++] = e;
                }
            }
            java.util.Arrays.fill(items, kept, size, null);
            size = kept;
        }
    }

    static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
