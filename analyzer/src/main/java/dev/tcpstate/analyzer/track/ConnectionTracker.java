package dev.tcpstate.analyzer.track;

import dev.tcpstate.analyzer.AnalyzerSettings;
import dev.tcpstate.analyzer.ChecksumPolicy;
import dev.tcpstate.analyzer.ConnectionListener;
import dev.tcpstate.analyzer.tcp.TcpState;
import dev.tcpstate.parsers.decode.TcpPacket;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Queue;

/**
 * The connection table: finds the connection of each segment, replays the state machine of both endpoints, runs
 * the timers in capture time and emits each connection once, when it leaves the table.
 *
 * <p>Packets must be fed in capture order. A connection leaves the table when both endpoints are final and its
 * timers have run; memory therefore follows live connections, not capture length. Not thread-safe.
 */
public final class ConnectionTracker {
    private final AnalyzerSettings settings;
    private final ConnectionListener listener;
    private final TcpMachine machine = new TcpMachine(this);
    /**
     * Socket pairs: each holds either its live {@link Connection} or, once that left, a {@link Retired} record of its
     * incarnation number until that expires (never both), so finding a packet's connection and numbering a new one
     * is one lookup, and a leaving connection's entry is replaced in place. It starts small so that it grows
     * several times in the first seconds of a capture, while the packet path is still being profiled: started large,
     * it grew first minutes in, along a path the compiled packet path lacked and was compiled again for.
     */
    private final PairTable<PairKey> table = new PairTable<>(256);
    private final PairKey probe = new PairKey();
    private final TimerQueue timers = new TimerQueue();
    /** Last incarnation numbers of socket pairs whose connection left, in order of expiry (replaced ones included). */
    private final RetiredQueue retiredOrder = new RetiredQueue();
    /** Expired entries, reused for the next connection that leaves (they are long-lived, so worth recycling). */
    private final ArrayDeque<Retired> retiredFree = new ArrayDeque<>();
    /** Connections that left the table ({@link #recycleConnections()}) or were handed back ({@link #recycleFrom}), for reuse. */
    private final ArrayDeque<Connection> freeConnections = new ArrayDeque<>();
    private boolean recycle;
    private boolean zeekView = true;
    /** Connections handed back by the caller for reuse (see {@link #recycleFrom}), or null. */
    private Queue<Connection> released;
    private long now = Long.MIN_VALUE;
    /**
     * No timer is due and no retired record expires before this (it may be earlier than the first of them, never
     * later): {@link #advanceTime} looks further only when capture time reaches it.
     */
    private long nextDue = Long.MIN_VALUE;
    private static final long RECHECK_NANOS = 1_000_000_000L;
    private long emitted;
    private int live;
    private int maxLive = Integer.MAX_VALUE;
    private long evicted;
    /** {@link #finish} is emptying the table. */
    private boolean finishing;

    private static final class Retired extends PairKey {
        int incarnation;
        long expiresNanos;
    }

    /** A FIFO ring of retired records that also lets {@link #readAhead} look at the ones that come next. */
    private static final class RetiredQueue {
        private Retired[] ring = new Retired[256];
        private int first, count;
        /** How far {@link #upcoming} has handed out the records. */
        private final AheadCursor cursor = new AheadCursor();

        void add(Retired r) {
            if (count == ring.length) {
                Retired[] bigger = new Retired[ring.length * 2];
                for (int k = 0; k < count; k++) {
                    bigger[k] = ring[(first + k) & (ring.length - 1)];
                }
                ring = bigger;
                first = 0;
            }
            ring[(first + count) & (ring.length - 1)] = r;
            count++;
        }

        Retired peek() {
            return count == 0 ? null : ring[first];
        }

        void poll() {
            ring[first] = null;
            first = (first + 1) & (ring.length - 1);
            count--;
            cursor.took(1);
        }

        /** As {@link TimerQueue#upcoming}: the next records not handed out before, when few are left ahead. */
        int upcoming(PairKey[] out, int max) {
            int start = cursor.start(count, max);
            if (start < 0) {
                return 0;
            }
            int end = Math.min(count, start + max);
            int n = 0;
            for (int k = start; k < end; k++) {
                out[n++] = ring[(first + k) & (ring.length - 1)];
            }
            cursor.handedOutTo(end);
            return n;
        }
    }

    public ConnectionTracker(AnalyzerSettings settings, ConnectionListener listener) {
        this.settings = settings;
        this.listener = listener;
    }

    public AnalyzerSettings settings() {
        return settings;
    }

    /**
     * Reuses the objects of connections that left the table for new connections, so a long capture allocates (and
     * the garbage collector copies) no per-connection objects once the table has reached its working size. Call it
     * only when no listener keeps a {@link Connection} (or its {@link Endpoint}s or {@link StatePath}s) after
     * {@link ConnectionListener#onConnectionEnd} returns: the object is cleared and reused by a later connection.
     * The exception is a connection ended by a new SYN reusing its socket pair (TIME-WAIT reuse), which is never
     * recycled, so a listener may keep that one until the new connection's first packet.
     */
    public ConnectionTracker recycleConnections() {
        recycle = true;
        return this;
    }

    /**
     * Reuses the objects of ended connections once the caller hands them back through {@code released}, instead of
     * as soon as {@link ConnectionListener#onConnectionEnd} returns: for a listener that finishes with ended
     * connections later, on another thread (e.g. one that formats and writes them). The queue must be thread-safe;
     * the caller adds a connection to it only when nothing reads it any more. A connection ended by TIME-WAIT reuse
     * is not reused (see {@link #recycleConnections()}). Use it instead of {@link #recycleConnections()}.
     */
    public ConnectionTracker recycleFrom(Queue<Connection> released) {
        this.released = Objects.requireNonNull(released);
        this.recycle = false; // instead of recycleConnections(): nothing is reused before it comes back
        return this;
    }

    /**
     * Keeps no Zeek view of the connections: their Zeek {@code conn_state} and {@code history} are not followed, and
     * asking a connection for them throws. For listeners that never report them (the anomaly detectors); it spares
     * that bookkeeping on every packet.
     */
    public ConnectionTracker withoutZeekView() {
        zeekView = false;
        return this;
    }

    /** Connections currently in the table. */
    public int liveConnections() {
        return live;
    }

    /** Connections emitted so far. */
    public long emittedConnections() {
        return emitted;
    }

    /**
     * Caps the table at {@code max} live connections: when a new connection would exceed it, the least recently
     * active connections (a tenth of the cap) leave the table at once, as they stand, marked
     * {@link Connection#wasEvicted()}. Memory then stays bounded however many connections never end (in a SYN flood
     * every SYN opens one). The incarnation number of an evicted connection's socket pair is not remembered: a later
     * segment of the pair starts a connection numbered 1. Finding them walks the whole table, so they go a tenth at a
     * time: under a flood the table is walked once per tenth of the cap of new connections.
     */
    public void setMaxLiveConnections(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("the connection cap must be at least 1");
        }
        this.maxLive = max;
    }

    /** Connections that left the table early because of the cap. */
    public long evictedConnections() {
        return evicted;
    }

    /** The live connections, ordered by first packet (allocates; for reports and tests). */
    public List<Connection> live() {
        List<Connection> out = new ArrayList<>(live);
        table.forEach(e -> {
            if (e instanceof Connection c) {
                out.add(c);
            }
        });
        return byFirstPacket(out);
    }

    /**
     * Sorts connections by first packet, ties in list order. At the end of a large capture this sorts a hundred
     * thousand connections and more: each connection's first packet number goes with its index into one long, and the
     * longs are sorted, so each connection is read once instead of at every comparison (a cache miss each time).
     */
    static List<Connection> byFirstPacket(List<Connection> list) {
        int n = list.size();
        int indexBits = Math.max(1, 32 - Integer.numberOfLeadingZeros(n));
        long maxFirst = 0;
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = list.get(i).firstPacket;
            maxFirst = Math.max(maxFirst, keys[i]);
        }
        if (maxFirst >= 1L << (63 - indexBits)) {
            list.sort(Comparator.comparingLong(Connection::firstPacket)); // numbers too large to share a long
            return list;
        }
        for (int i = 0; i < n; i++) {
            keys[i] = keys[i] << indexBits | i;
        }
        Arrays.sort(keys);
        Connection[] sorted = new Connection[n];
        long mask = (1L << indexBits) - 1;
        for (int i = 0; i < n; i++) {
            sorted[i] = list.get((int) (keys[i] & mask));
        }
        return new ArrayList<>(Arrays.asList(sorted));
    }

    private final PairKey aheadProbe = new PairKey();
    private long lookAheadSink;

    /**
     * A segment that {@link #onPacket} will be given soon, among others (a batch of them, in order): reads the slot of
     * the connection table where a connection's first segment will look for it, and lets the listener read ahead too.
     * Nearly every first segment (a SYN) finds the table's slot out of cache; read here, one segment after another in
     * a loop that does little else, the misses of a batch overlap. Changes nothing observable.
     */
    public void lookAhead(TcpPacket p) {
        if ((p.flags & (TcpPacket.SYN | TcpPacket.ACK | TcpPacket.RST)) == TcpPacket.SYN) {
            aheadProbe.set(p);
            lookAheadSink += table.readHome(aheadProbe.hash);
        }
        listener.lookAhead(p);
    }

    /** Applies one segment. {@code p} may be reused by the caller afterwards. */
    public void onPacket(TcpPacket p) {
        advanceTime(p.timestampNanos);
        probe.set(p);
        PairKey entry = table.get(probe);
        Connection c = entry instanceof Connection x ? x : null;
        boolean fromOrig = false;
        int incarnation = 0;
        if (c != null) {
            fromOrig = isFromOriginator(c, p);
            if (startsNewIncarnation(c, c.sender(fromOrig), p)) {
                endByReuse(c, p);
                incarnation = c.incarnation + 1;
                c = null;
            }
        }
        if (c == null) {
            if (incarnation == 0) {
                // create() replaces the retired record, if any
                incarnation = entry instanceof Retired r ? r.incarnation + 1 : 1;
            }
            c = create(p, incarnation);
            fromOrig = isFromOriginator(c, p);
        }
        c.lastPacket = p.packetNumber;
        c.lastTimeNanos = p.timestampNanos;

        Endpoint snd = c.sender(fromOrig);
        boolean badSum = badChecksum(snd, p);
        boolean wasFinal = c.bothFinal();
        boolean rexmit = machine.segment(c, snd, snd.peer, p, badSum);
        if ((p.flags & TcpPacket.SYN) == 0 && snd.timerAtNanos != Endpoint.NO_TIMER
                && (snd.state == TcpState.SYN_RECEIVED || snd.state == TcpState.SYN_SENT)) {
            // A segment other than its SYN or SYN-ACK shows the endpoint still there (data on a TCP Fast Open
            // handshake, or a capture that holds one direction only): its handshake timer runs from this segment.
            // The queued entry is left as it is: when it comes due, the timer is found later and queued again.
            snd.timerAtNanos = handshakeTimer(snd.state, p.timestampNanos);
        }
        if (zeekView) {
            if (badSum) {
                c.badChecksum(fromOrig);
            } else {
                c.zeekPacket(fromOrig, p, p.window, rexmit, snd, snd.peer);
            }
        }
        listener.onPacket(c, p, fromOrig);
        if (!wasFinal && c.bothFinal()) {
            onBothFinal(c, p.timestampNanos, true);
        }
    }

    /**
     * Whether the segment counts as dropped for a bad checksum, under the checksum policy; leaves the segment's
     * checksum status saying which way it was taken. Under {@link ChecksumPolicy#AUTO} a bad checksum is offload, not
     * corruption, when the decoder found the offload pattern in the field ({@link TcpPacket#CHECKSUM_OFFLOADED}: the
     * pseudo-header sum or zero, as the stack leaves it for the NIC), when its sender has sent no good one on this
     * connection (every checksum of a host wrong from its first segment on), or when the segment carries more than the
     * receiver's MSS (a segment no sender may send: an aggregate built by segmentation or receive offload, whose
     * checksum was never meant to be checked). Such a segment is applied and marked
     * {@link TcpPacket#CHECKSUM_OFFLOADED}. Under {@link ChecksumPolicy#VERIFY} every bad checksum is corruption and
     * marked {@link TcpPacket#CHECKSUM_BAD}.
     */
    private boolean badChecksum(Endpoint snd, TcpPacket p) {
        if ((p.flags & TcpPacket.SYN) != 0 && p.mss > 0) {
            snd.mssOffered = p.mss;
        }
        byte status = p.checksumStatus;
        if (status == TcpPacket.CHECKSUM_GOOD) {
            snd.sentGoodChecksum = true;
            return false;
        }
        if (status != TcpPacket.CHECKSUM_BAD && status != TcpPacket.CHECKSUM_OFFLOADED) {
            return false;
        }
        switch (settings.checksums()) {
            case IGNORE:
                return false;
            case AUTO:
                int mss = snd.peer.mssOffered;
                if (status == TcpPacket.CHECKSUM_OFFLOADED || !snd.sentGoodChecksum
                        || mss > 0 && p.payloadLength > mss) {
                    p.checksumStatus = TcpPacket.CHECKSUM_OFFLOADED;
                    return false;
                }
                return true;
            default:
                p.checksumStatus = TcpPacket.CHECKSUM_BAD;
                return true;
        }
    }

    /**
     * Runs every timer due at or before {@code nanos} (capture time). Time never goes backwards: an earlier value
     * is ignored.
     */
    public void advanceTime(long nanos) {
        if (nanos > now) {
            now = nanos;
        }
        // One comparison on the packet path, the work out of line: what that work does shifts as a capture goes on
        // (TIME-WAIT timers fire after a minute, retired records expire after two), and compiled inline each shift
        // would have the whole packet path compiled again.
        if (nextDue <= now) {
            runDue();
        }
    }

    /** Runs the timers due by now and drops the retired records that expired, then finds the next due time. */
    private void runDue() {
        while (!timers.isEmpty() && timers.peekAt() <= now) {
            long at = timers.peekAt();
            Connection c = timers.peekConnection();
            int generation = timers.peekGeneration();
            timers.poll();
            if (c == null || c.removed || c.generation != generation || c.queuedAtNanos != at) {
                continue; // cancelled or superseded
            }
            c.queuedAtNanos = Endpoint.NO_TIMER;
            c.timerHandle = TimerQueue.NO_HANDLE;
            runTimers(c, at);
        }
        readAhead();
        Retired r;
        while ((r = retiredOrder.peek()) != null && r.expiresNanos <= now) {
            retiredOrder.poll();
            table.removeExact(r);
            retiredFree.add(r);
        }
        r = retiredOrder.peek();
        // At least once a second of capture time even with nothing due: the check in advanceTime then goes both ways
        // from the start (the first timer is seconds into a capture), and the compiled packet path has both.
        nextDue = Math.min(Math.min(timers.peekAt(), r == null ? Long.MAX_VALUE : r.expiresNanos),
                now + RECHECK_NANOS);
    }

    private final Connection[] ahead = new Connection[READ_AHEAD];
    private final PairKey[] aheadRetired = new PairKey[READ_AHEAD];
    private static final int READ_AHEAD = 16;
    /** What {@link #readAhead} read, kept so the reads are not optimized away. */
    private long readAheadSink;

    /**
     * Reads ahead of their deadlines, a handful at a time, what the next timers and expiring retired records will
     * touch. By its deadline a connection in TIME-WAIT has been out of cache for a minute, and its timer follows a
     * chain of objects (the connection, its endpoints, their state paths, its slot in the table), each a cache miss
     * the timer waits for; a retired record's expiry looks up its slot the same way. Read here, in loops that do
     * nothing else, one loop per link of the chain, the misses of the handful overlap, and the timers find the
     * objects in cache.
     */
    private void readAhead() {
        long sink = 0;
        Connection[] cs = ahead;
        int n = timers.upcoming(cs, READ_AHEAD);
        for (int i = 0; i < n; i++) {
            Connection c = cs[i];
            sink += c.queuedAtNanos + c.hash + c.generation;
        }
        for (int i = 0; i < n; i++) {
            Connection c = cs[i];
            Endpoint o = c.orig, r = c.resp;
            sink += o.timerAtNanos + r.timerAtNanos + o.stateSinceNanos + r.stateSinceNanos + table.readHome(c.hash);
        }
        for (int i = 0; i < n; i++) {
            Connection c = cs[i];
            sink += c.orig.path.size() + c.resp.path.size();
        }
        for (int i = 0; i < n; i++) {
            Connection c = cs[i];
            sink += c.orig.path.dataLength() + c.resp.path.dataLength();
            cs[i] = null;
        }
        PairKey[] rs = aheadRetired;
        int m = retiredOrder.upcoming(rs, READ_AHEAD);
        for (int i = 0; i < m; i++) {
            sink += rs[i].hash;
        }
        for (int i = 0; i < m; i++) {
            sink += table.readHome(rs[i].hash);
            rs[i] = null;
        }
        readAheadSink += sink;
    }

    /**
     * Runs the timers up to {@code nanos}, then emits every connection still in the table, in order of first packet,
     * with the states they have at that time. The tracker is empty afterwards.
     */
    public void finish(long nanos) {
        advanceTime(nanos);
        finishing = true;
        for (Connection c : live()) {
            remove(c, now);
        }
        timers.clear();
        finishing = false;
    }

    // ------------------------------------------------------------------------------------------------ internals

    /**
     * The single place where an endpoint changes state: records the path step, restarts the state's timer and
     * tells the listener.
     */
    void transition(Connection c, Endpoint e, TcpState to, long packet, long timeNanos) {
        TcpState from = e.state;
        if (from == to) {
            return;
        }
        e.path.add(packet, timeNanos, from, to);
        e.state = to;
        e.stateSinceNanos = timeNanos;
        if (to.isFinal()) {
            c.ended = true;
        }
        if (to == TcpState.TIME_WAIT) {
            // RFC 9293 section 3.10.8: TIME-WAIT lasts 2*MSL.
            e.timerAtNanos = timeNanos + settings.timeWaitNanos();
        } else if (to == TcpState.FIN_WAIT_2) {
            // Linux tcp_fin_timeout: FIN-WAIT-2 is not held forever.
            e.timerAtNanos = timeNanos + settings.finWait2TimeoutNanos();
        } else {
            // A step dated earlier than the packet that proved it (a SYN-RECEIVED shown by the SYN-ACK that answered
            // the SYN) starts its timer no earlier than that packet: the endpoint was still there to send it.
            e.timerAtNanos = handshakeTimer(to, Math.max(timeNanos, now));
        }
        schedule(c);
        listener.onTransition(c, e, from, to, packet, timeNanos);
    }

    /**
     * Withdraws an endpoint's last step when a later segment proves it had not happened yet (crossing FINs, a
     * retransmitted SYN-ACK). The path loses the step and the endpoint is back in the state before it, since the time
     * it entered that state, with that state's timer; the listener is not told again (it saw the step with the
     * knowledge of its time).
     */
    void revise(Connection c, Endpoint e) {
        e.state = e.path.removeLast();
        int steps = e.path.size();
        if (steps > 0) {
            e.stateSinceNanos = e.path.timeNanos(steps - 1);
        }
        // The restored state's timer, as its step set it (no earlier than now: it cannot have run out unnoticed).
        long at = handshakeTimer(e.state, e.stateSinceNanos);
        e.timerAtNanos = at == Endpoint.NO_TIMER ? at : Math.max(at, now);
        schedule(c);
    }

    /**
     * The deadline of the handshake timer of an endpoint that entered {@code state} at {@code since}, or
     * {@link Endpoint#NO_TIMER} for a state without one: a connection attempt gives up in SYN-SENT (Linux, after
     * {@code tcp_syn_retries} retransmissions), a half-open connection is dropped in SYN-RECEIVED (Linux, after
     * {@code tcp_synack_retries}).
     */
    private long handshakeTimer(TcpState state, long since) {
        if (state == TcpState.SYN_SENT) {
            return since + settings.synSentTimeoutNanos();
        }
        if (state == TcpState.SYN_RECEIVED) {
            return since + settings.synReceivedTimeoutNanos();
        }
        return Endpoint.NO_TIMER;
    }

    /** A retransmitted FIN arrived in TIME-WAIT: restart the 2 MSL timeout (RFC 9293 section 3.10.7.4). */
    void restartTimeWait(Connection c, Endpoint e, long timeNanos) {
        e.timerAtNanos = timeNanos + settings.timeWaitNanos();
        schedule(c);
    }

    private void schedule(Connection c) {
        long at = Math.min(Math.min(c.orig.timerAtNanos, c.resp.timerAtNanos), c.lingerUntilNanos);
        if (at != c.queuedAtNanos) {
            timers.cancel(c.timerHandle, c);
            c.timerHandle = TimerQueue.NO_HANDLE;
            c.queuedAtNanos = at;
            if (at != Endpoint.NO_TIMER) {
                c.timerHandle = timers.add(at, c);
                if (at < nextDue) {
                    nextDue = at;
                }
            }
        }
    }

    private void runTimers(Connection c, long at) {
        boolean wasFinal = c.bothFinal();
        fire(c, c.orig, at);
        fire(c, c.resp, at);
        if (c.lingerUntilNanos <= at) {
            remove(c, at);
            return;
        }
        if (!wasFinal && c.bothFinal()) {
            onBothFinal(c, at, false);
        } else {
            schedule(c);
        }
    }

    private void fire(Connection c, Endpoint e, long at) {
        if (e.timerAtNanos > at) {
            return;
        }
        long due = e.timerAtNanos;
        e.timerAtNanos = Endpoint.NO_TIMER;
        TcpState s = e.state;
        if (s == TcpState.TIME_WAIT || s == TcpState.FIN_WAIT_2 || s == TcpState.SYN_SENT) {
            // Rule: the TIME-WAIT (2*MSL), FIN-WAIT-2 (finWait2Timeout) or SYN-SENT (synSentTimeout) timer expires:
            // -> CLOSED.
            transition(c, e, TcpState.CLOSED, 0, due);
        } else if (s == TcpState.SYN_RECEIVED) {
            // Rule: the SYN-RECEIVED timer (synReceivedTimeout) expires: a passive endpoint's listener drops the
            // half-open connection (-> LISTEN, as a reset does: RFC 9293 section 3.10.7.4); any other -> CLOSED.
            transition(c, e, e.passive ? TcpState.LISTEN : TcpState.CLOSED, 0, due);
        }
    }

    /** Both endpoints just became final: linger for stray packets if a packet did it, else leave at once. */
    private void onBothFinal(Connection c, long at, boolean byPacket) {
        if (byPacket && settings.closedLingerNanos() > 0) {
            c.lingerUntilNanos = at + settings.closedLingerNanos();
            schedule(c);
        } else {
            remove(c, at);
        }
    }

    private void remove(Connection c, long at) {
        if (c.removed) {
            return;
        }
        c.removed = true;
        live--;
        if (!finishing) {
            timers.cancel(c.timerHandle, c); // the queue is cleared after the last one at the end
        }
        c.timerHandle = TimerQueue.NO_HANDLE;
        if (c.evicted) {
            // No incarnation record: under a flood of connections that never end, records kept for minutes would
            // grow with the flood just as the connections would have.
            table.removeExact(c);
        } else {
            Retired r = retiredFree.pollLast();
            if (r == null) {
                r = new Retired();
            }
            r.setPair(c);
            r.incarnation = c.incarnation;
            r.expiresNanos = at + settings.incarnationMemoryNanos();
            table.replace(c, r);
            retiredOrder.add(r);
            if (r.expiresNanos < nextDue) {
                nextDue = r.expiresNanos;
            }
        }
        emitted++;
        listener.onConnectionEnd(c);
        if (recycle && !c.endedByReuse) {
            freeConnections.add(c);
        }
    }

    /**
     * A new SYN (without ACK, not a retransmission of the sender's current ISN) starts a new incarnation when the
     * current connection is over on both sides, was reset, or has an endpoint in TIME-WAIT. A SYN from an endpoint
     * that is CLOSED is always new, even with the same ISN: a closed endpoint has no connection to retransmit for
     * (a client that retries connect() after a RST may reuse its ISN).
     */
    private static boolean startsNewIncarnation(Connection c, Endpoint sender, TcpPacket p) {
        if ((p.flags & (TcpPacket.SYN | TcpPacket.ACK | TcpPacket.RST)) != TcpPacket.SYN) {
            return false;
        }
        if (sender.issKnown && p.seq == sender.iss && !(sender.known && sender.state.isFinal())) {
            return false; // a retransmission of the current SYN
        }
        return c.bothFinal() || c.reset || c.orig.state == TcpState.TIME_WAIT || c.resp.state == TcpState.TIME_WAIT;
    }

    /**
     * The new SYN ends the old connection. An endpoint in TIME-WAIT is reused (as Linux does): its last step is
     * TIME-WAIT -> CLOSED, caused by the SYN's packet, and the time it had spent in TIME-WAIT is kept.
     */
    private void endByReuse(Connection c, TcpPacket p) {
        for (Endpoint e : new Endpoint[] {c.orig, c.resp}) {
            if (e.state == TcpState.TIME_WAIT) {
                c.timeWaitReuseNanos = p.timestampNanos - e.stateSinceNanos;
                e.timerAtNanos = Endpoint.NO_TIMER;
                transition(c, e, TcpState.CLOSED, p.packetNumber, p.timestampNanos);
            }
        }
        c.endedByReuse = true;
        remove(c, p.timestampNanos); // the new connection's create() replaces the retired record
    }

    /**
     * Makes room under the cap: the least recently active connections leave (by last activity, then first packet), in
     * the order of the table's slots. One pass over the table gathers every live connection and the time it was last
     * active, and a selection over those times finds how far back the tenth to leave reaches: under a flood the table
     * is this full again and again, and a heap or a sort of the connections themselves would read them again, out of
     * cache, at every comparison.
     */
    private void evict() {
        int n = Math.max(1, Math.min(live, maxLive / 10));
        Connection[] all = new Connection[live];
        long[] times = new long[live];
        int[] found = {0};
        table.forEach(e -> {
            if (e instanceof Connection c && !c.removed && found[0] < all.length) {
                all[found[0]] = c;
                times[found[0]++] = c.lastTimeNanos;
            }
        });
        int m = found[0];
        n = Math.min(n, m);
        if (n == 0) {
            return;
        }
        long cutoff = smallest(Arrays.copyOf(times, m), n - 1);
        int below = 0;
        List<Connection> atCutoff = new ArrayList<>();
        for (int i = 0; i < m; i++) {
            if (times[i] < cutoff) {
                below++;
            } else if (times[i] == cutoff) {
                atCutoff.add(all[i]);
            }
        }
        // Of those last active at the cutoff itself, the ones that began first leave.
        atCutoff.sort(Comparator.comparingLong(Connection::firstPacket));
        long lastFirstPacket = atCutoff.get(n - below - 1).firstPacket;
        for (int i = 0; i < m; i++) {
            Connection c = all[i];
            if (times[i] < cutoff || times[i] == cutoff && c.firstPacket <= lastFirstPacket) {
                c.evicted = true;
                evicted++;
                remove(c, now);
            }
        }
    }

    /** The {@code k}th smallest value of {@code a} (from 0), which it reorders: quickselect. */
    static long smallest(long[] a, int k) {
        int lo = 0, hi = a.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            // median of three as the pivot, so runs already in order (times mostly are) split evenly
            long x = a[lo], y = a[mid], z = a[hi];
            long pivot = Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
            int i = lo, j = hi;
            while (i <= j) {
                while (a[i] < pivot) i++;
                while (a[j] > pivot) j--;
                if (i <= j) {
                    long t = a[i];
                    a[i++] = a[j];
                    a[j--] = t;
                }
            }
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                return a[k];
            }
        }
        return a[k];
    }

    private Connection create(TcpPacket p, int incarnation) {
        if (live >= maxLive) {
            evict();
        }
        boolean sourceIsOrig = sourceIsOriginator(p);
        boolean origIsA = sourceIsOrig == probe.srcIsA;
        if (released != null) {
            takeReleased();
        }
        Connection c = freeConnections.pollLast();
        if (c == null) {
            c = new Connection(probe, incarnation, origIsA, !sourceIsOrig);
        } else {
            c.reuse(probe, incarnation, origIsA, !sourceIsOrig);
        }
        c.zeekViewOff = !zeekView;
        c.firstPacket = p.packetNumber;
        c.firstTimeNanos = p.timestampNanos;
        c.orig.stateSinceNanos = p.timestampNanos;
        c.resp.stateSinceNanos = p.timestampNanos;
        if (!(p.has(TcpPacket.SYN) && !p.has(TcpPacket.ACK))) {
            c.partial = true; // the originator's SYN was not seen
        }
        table.put(c);
        live++;
        return c;
    }

    /**
     * Moves the connections handed back since the last call ({@link #recycleFrom}) to the free list, where the last
     * handed back is reused first: the other thread has just read it, so it is the likeliest to be still in a cache,
     * where the first handed back of a long queue has long left them.
     */
    private void takeReleased() {
        Connection c;
        while ((c = released.poll()) != null) {
            if (!c.endedByReuse) { // one ended by reuse is kept by whoever holds it; never reused
                freeConnections.add(c);
            }
        }
    }

    /**
     * Who is the originator, decided on the connection's first packet: the SYN's sender; else the SYN-ACK's
     * receiver; else the side with the ephemeral port (&gt;= 1024 against &lt; 1024); if both ports are on the same
     * side of 1024, the higher port; on a tie, the first packet's sender.
     */
    static boolean sourceIsOriginator(TcpPacket p) {
        if (p.has(TcpPacket.SYN)) {
            return !p.has(TcpPacket.ACK);
        }
        boolean srcEphemeral = p.srcPort >= 1024, dstEphemeral = p.dstPort >= 1024;
        if (srcEphemeral != dstEphemeral) {
            return srcEphemeral;
        }
        if (p.srcPort != p.dstPort) {
            return p.srcPort > p.dstPort;
        }
        return true;
    }

    private static boolean isFromOriginator(Connection c, TcpPacket p) {
        return p.srcPort == c.origPort() && p.srcLo == c.origLo() && p.srcHi == c.origHi();
    }
}
