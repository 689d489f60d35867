package dev.tcpstate.analyzer.anomaly;

import static dev.tcpstate.analyzer.tcp.TcpState.CLOSED;
import static dev.tcpstate.analyzer.tcp.TcpState.CLOSE_WAIT;
import static dev.tcpstate.analyzer.tcp.TcpState.CLOSING;
import static dev.tcpstate.analyzer.tcp.TcpState.ESTABLISHED;
import static dev.tcpstate.analyzer.tcp.TcpState.FIN_WAIT_1;
import static dev.tcpstate.analyzer.tcp.TcpState.FIN_WAIT_2;
import static dev.tcpstate.analyzer.tcp.TcpState.LAST_ACK;
import static dev.tcpstate.analyzer.tcp.TcpState.SYN_RECEIVED;
import static dev.tcpstate.analyzer.tcp.TcpState.SYN_SENT;
import static dev.tcpstate.analyzer.tcp.TcpState.TIME_WAIT;

import dev.tcpstate.analyzer.ConnectionListener;
import dev.tcpstate.analyzer.tcp.SeqNum;
import dev.tcpstate.analyzer.tcp.TcpState;
import dev.tcpstate.analyzer.track.Connection;
import dev.tcpstate.analyzer.track.ConnectionTracker;
import dev.tcpstate.analyzer.track.Endpoint;
import dev.tcpstate.analyzer.track.Role;
import dev.tcpstate.analyzer.track.StatePath;
import dev.tcpstate.parsers.decode.TcpPacket;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds anomalies while a {@link ConnectionTracker} replays a capture. Install it as the tracker's listener; it
 * forwards every callback to the listener it wraps, so other consumers still receive connections.
 *
 * <pre>
 * AnomalyDetector d = new AnomalyDetector(AnomalySettings.DEFAULTS, sink, next);
 * ConnectionTracker t = new ConnectionTracker(AnalyzerSettings.DEFAULTS, d);
 * ... t.onPacket(p) for every segment ...
 * d.finish(t, endNanos);   // tracker.finish(endNanos), then the end-of-capture anomalies
 * </pre>
 *
 * <p>Per-connection state is one small object attached to the {@link Connection}; the common path (a segment that
 * shows nothing unusual) allocates nothing. Each code is reported at most {@link AnomalySettings#repeatLimit()}
 * times per connection (once for the informational "once per connection" codes); further occurrences are counted
 * in {@link #suppressedCounts()}. Not thread-safe.
 */
public final class AnomalyDetector implements ConnectionListener {
    private static final AnomalyType[] TYPES = AnomalyType.values();

    private final AnomalySettings settings;
    private final AnomalySink sink;
    private final ConnectionListener next;
    private final Aggregates aggregates;
    private final long[] suppressed = new long[TYPES.length];
    private final long[] reportedCounts = new long[TYPES.length];
    /** Connections the end of the capture removed, evaluated in {@link #finish(long)}. */
    private final List<Connection> endedAtFinish = new ArrayList<>();

    // A SYN that reused a socket pair in TIME-WAIT: the old connection, the TIME-WAIT endpoint, the SYN's packet.
    private Connection reuseOld;
    private Endpoint reuseEndpoint;
    private long reusePacket = -1;
    private long reuseTimeWaitNanos;
    private boolean finished;
    /** Marks of ended connections, for reuse (only after {@link #recycleMarks()}). */
    private final java.util.ArrayDeque<ConnMarks> freeMarks = new java.util.ArrayDeque<>();
    private boolean recycleMarks;

    public AnomalyDetector(AnomalySettings settings, AnomalySink sink) {
        this(settings, sink, c -> {
        });
    }

    public AnomalyDetector(AnomalySettings settings, AnomalySink sink, ConnectionListener next) {
        this.settings = settings;
        this.sink = sink;
        this.next = next;
        this.aggregates = new Aggregates(settings, this);
    }

    public AnomalySettings settings() {
        return settings;
    }

    /**
     * Reuses the per-connection state of connections that have ended for later connections: the state is detached
     * from the ended {@link Connection} ({@link Connection#attachment()} becomes null). For runs where nothing reads
     * an ended connection's attachment, e.g. with {@link ConnectionTracker#recycleConnections()}. Without it, the
     * state of a connection whose SYN is still its source/target pair's only one stays reachable until the scan
     * detector forgets the pair (up to ten minutes of capture time later), so a busy capture keeps far more of it.
     */
    public AnomalyDetector recycleMarks() {
        recycleMarks = true;
        return this;
    }

    /** Occurrences not reported because of the per-connection repeat limit, per code (codes with none omitted). */
    public Map<AnomalyType, Long> suppressedCounts() {
        Map<AnomalyType, Long> m = new EnumMap<>(AnomalyType.class);
        for (AnomalyType t : TYPES) {
            if (suppressed[t.ordinal()] > 0) m.put(t, suppressed[t.ordinal()]);
        }
        return Collections.unmodifiableMap(m);
    }

    /** Anomalies reported so far, per code (codes with none omitted). */
    public Map<AnomalyType, Long> reportedCounts() {
        Map<AnomalyType, Long> m = new EnumMap<>(AnomalyType.class);
        for (AnomalyType t : TYPES) {
            if (reportedCounts[t.ordinal()] > 0) m.put(t, reportedCounts[t.ordinal()]);
        }
        return Collections.unmodifiableMap(m);
    }

    /** SYNs and SYN-ACKs whose aggregate key was not tracked because a table was full. */
    public long untrackedAggregateKeys() {
        return java.util.Arrays.stream(aggregates.untracked).sum();
    }

    /**
     * Segments not counted towards an aggregate anomaly because its table held {@link AnomalySettings#maxTrackedKeys()}
     * keys already and none of the longest idle could leave to make room (they were inside an interval; see
     * {@link #droppedEarly}): for {@link AnomalyType#SYN_FLOOD} the SYNs to listeners beyond the limit, for
     * {@link AnomalyType#SYN_SCAN} the SYNs of source/target pairs beyond it, for
     * {@link AnomalyType#SYNACK_BACKSCATTER} the SYN-ACKs to targets beyond it; 0 for any other code. Such an anomaly
     * may have been missed; a larger limit costs memory.
     */
    public long untracked(AnomalyType type) {
        int table = aggregateTable(type);
        return table < 0 ? 0 : aggregates.untracked[table];
    }

    /**
     * Keys that left the table of an aggregate anomaly ({@link AnomalyType#SYN_FLOOD}, {@link AnomalyType#SYN_SCAN},
     * {@link AnomalyType#SYNACK_BACKSCATTER}) before two idle windows, to make room for a new key when the table held
     * {@link AnomalySettings#maxTrackedKeys()} keys: the longest idle of those outside an interval. 0 for any other
     * code. An anomaly building up more slowly than the table turns over may be missed.
     */
    public long droppedEarly(AnomalyType type) {
        int table = aggregateTable(type);
        return table < 0 ? 0 : aggregates.droppedEarly[table];
    }

    /**
     * For an aggregate anomaly whose table let keys go early ({@link #droppedEarly}): none of them had been idle less
     * than this, in nanoseconds of capture time, so an anomaly whose key sees an event at least this often was never
     * cut short. -1 when no key left early.
     */
    public long shortestIdleDroppedNanos(AnomalyType type) {
        int table = aggregateTable(type);
        return table < 0 || aggregates.droppedEarly[table] == 0 ? -1 : aggregates.shortestIdleDropped[table];
    }

    /** The table an aggregate anomaly is counted in, or -1. */
    private static int aggregateTable(AnomalyType type) {
        return switch (type) {
            case SYN_FLOOD -> Aggregates.LISTENERS;
            case SYN_SCAN -> Aggregates.PAIRS;
            case SYNACK_BACKSCATTER -> Aggregates.VICTIMS;
            default -> -1;
        };
    }

    /**
     * Time has passed with no packet (live capture on a quiet interface): closes the SYN flood, scan and backscatter
     * windows that ended by {@code nanos}, as a later packet would. Call after the tracker's
     * {@code advanceTime(nanos)}.
     */
    public void advanceTime(long nanos) {
        if (!finished) {
            aggregates.advanceTime(nanos);
        }
    }

    /** Runs {@code tracker.finish(nanos)}, then {@link #finish(long)}. */
    public void finish(ConnectionTracker tracker, long nanos) {
        tracker.finish(nanos);
        finish(nanos);
    }

    /**
     * End of capture at {@code nanos}: call after {@link ConnectionTracker#finish(long)}. Closes the aggregate
     * windows, then reports what the end of the capture left unfinished (incomplete closes, unanswered handshakes),
     * then the aggregate intervals still open.
     */
    public void finish(long nanos) {
        if (finished) return;
        finished = true;
        aggregates.closeWindows(nanos);
        endedAtFinish.sort((a, b) -> Long.compare(a.firstPacket(), b.firstPacket()));
        for (Connection c : endedAtFinish) {
            ConnMarks m = (ConnMarks) c.attachment();
            if (m != null) {
                handshakeAtEnd(c, m);
                incompleteClose(c, m, nanos);
            }
        }
        endedAtFinish.clear();
        aggregates.finish();
    }

    // ======================================================================================== listener callbacks

    @Override
    public void onTransition(Connection c, Endpoint e, TcpState from, TcpState to, long packet, long timeNanos) {
        ConnMarks m = marks(c);
        int i = e.isOriginator() ? 0 : 1;
        if (m.transPacket(i) != packet || packet == 0) {
            m.setTransition(i, packet, from, m.since(i));
        }
        long sinceBefore = m.since(i);
        m.setSince(i, timeNanos);

        if (to == ESTABLISHED && !e.isOriginator()) {
            m.respEverEstablished = true;
        }
        if (to.isFinal()) {
            aggregates.halfOpenEnded(m);
        }
        if (from == SYN_SENT && to == SYN_RECEIVED) {
            report(c, m, AnomalyType.SIMULTANEOUS_OPEN, AnomalyType.SIMULTANEOUS_OPEN.severity(), timeNanos, packet,
                    e.role(), from, to, "Both " + side(c, e) + " and its peer sent a SYN at the same time; the "
                            + "connection opened from both ends (simultaneous open).", Map.of());
        } else if (from == FIN_WAIT_1 && to == CLOSING) {
            report(c, m, AnomalyType.SIMULTANEOUS_CLOSE, AnomalyType.SIMULTANEOUS_CLOSE.severity(), timeNanos,
                    packet, e.role(), from, to, "Both ends closed at the same time: their FINs crossed on the "
                            + "network (simultaneous close).", Map.of());
        } else if (from == FIN_WAIT_2 && to == CLOSED && packet == 0) {
            Map<String, Object> ev = new LinkedHashMap<>();
            ev.put("fin_wait_2_seconds", secs(timeNanos - sinceBefore));
            ev.put("peer_state", e.peer().state().name());
            ev.put("inferred_from", "timer");
            report(c, m, AnomalyType.ORPHANED_FIN_WAIT_2, AnomalyType.ORPHANED_FIN_WAIT_2.severity(), timeNanos, 0,
                    e.role(), from, to, side(c, e) + " closed and waited " + secs(timeNanos - sinceBefore)
                            + " s in FIN-WAIT-2 for its peer to close, then gave up; the peer ("
                            + e.peer().state().name() + ") never closed its side.", ev);
        } else if (from == TIME_WAIT && to == CLOSED && packet != 0 && c.timeWaitReuseNanos() >= 0
                && reusePacket != packet) {
            reuseOld = c;
            reuseEndpoint = e;
            reusePacket = packet;
            reuseTimeWaitNanos = timeNanos - sinceBefore;
        }
        next.onTransition(c, e, from, to, packet, timeNanos);
    }

    /** Reads ahead where a SYN will be counted in the flood and scan tables ({@link ConnectionListener#lookAhead}). */
    @Override
    public void lookAhead(TcpPacket p) {
        aggregates.lookAhead(p);
    }

    @Override
    public void onPacket(Connection c, TcpPacket p, boolean fromOriginator) {
        ConnMarks m = marks(c);
        analyze(c, m, p, fromOriginator);
        next.onPacket(c, p, fromOriginator);
    }

    @Override
    public void onConnectionEnd(Connection c) {
        ConnMarks m = (ConnMarks) c.attachment();
        if (m != null) {
            aggregates.halfOpenEnded(m);
            if (c == reuseOld) {
                m.endedByReuse = true;
            }
            boolean done = true;
            if (c.wasEvicted()) {
                // Left early because the table was full: nothing more is known about it.
            } else if (!c.bothFinal() && !m.endedByReuse) {
                endedAtFinish.add(c); // only the end of the capture removes a connection that is not over
                done = false;
            } else {
                handshakeAtEnd(c, m);
            }
            // Reused marks let go of the flood, scan and backscatter entries they point at; marks left to the
            // collector would keep those entries counted as pointed at for the rest of the run.
            if (done && recycleMarks && c != reuseOld) {
                c.attach(null);
                freeMarks.add(m);
            }
        }
        next.onConnectionEnd(c);
    }

    // ======================================================================================== per packet

    private void analyze(Connection c, ConnMarks m, TcpPacket p, boolean fromOrig) {
        final int si = fromOrig ? 0 : 1, ri = 1 - si;
        final Endpoint s = fromOrig ? c.originator() : c.responder();
        final Endpoint r = s.peer();
        final long pkt = p.packetNumber, t = p.timestampNanos;
        final TcpState sBefore = m.before(si, pkt, s.state());
        final TcpState rBefore = m.before(ri, pkt, r.state());
        final boolean sFirst = s.packets() == 1;
        final int flags = p.flags;
        final boolean syn = (flags & TcpPacket.SYN) != 0, ack = (flags & TcpPacket.ACK) != 0,
                fin = (flags & TcpPacket.FIN) != 0, rst = (flags & TcpPacket.RST) != 0;
        final long oowDelta = r.outOfWindow() - m.outOfWindowSeen(ri);
        final long unseenDelta = r.unseenAcked() - m.unseenAckedSeen(ri);
        m.setOutOfWindowSeen(ri, r.outOfWindow());
        m.setUnseenAckedSeen(ri, r.unseenAcked());
        final int lastDir = m.lastDir;
        m.lastDir = si;
        m.seen = true;

        if (p.checksumStatus == TcpPacket.CHECKSUM_BAD && settings.reportBadChecksums()) {
            report(c, m, AnomalyType.BAD_CHECKSUM, AnomalyType.BAD_CHECKSUM.severity(), t, pkt, s.role(), sBefore,
                    s.state(), "A segment from " + side(c, s) + " had a wrong TCP checksum, so its receiver would "
                            + "have dropped it.", Map.of("flags", TcpPacket.flagString(flags)));
        }

        // Impossible flag combinations: reported, and nothing else is read into such a segment.
        AnomalyType bad = null;
        if (syn && fin) bad = AnomalyType.SYN_FIN;
        else if (syn && rst) bad = AnomalyType.SYN_RST;
        else if ((flags & (TcpPacket.FIN | TcpPacket.SYN | TcpPacket.RST | TcpPacket.PSH | TcpPacket.ACK
                | TcpPacket.URG)) == 0) bad = AnomalyType.NULL_FLAGS;
        else if (!ack && (flags & (TcpPacket.FIN | TcpPacket.PSH | TcpPacket.URG))
                == (TcpPacket.FIN | TcpPacket.PSH | TcpPacket.URG)) bad = AnomalyType.XMAS_FLAGS;
        if (bad != null) {
            report(c, m, bad, bad.severity(), t, pkt, s.role(), sBefore, s.state(), side(c, s)
                    + " sent a segment with flags " + TcpPacket.flagString(flags) + ", a combination no TCP "
                    + "sends; it is typical of scanners probing how a host reacts.",
                    Map.of("flags", TcpPacket.flagString(flags)));
            return;
        }

        if (rst) {
            if (p.payloadLength > 0) {
                report(c, m, AnomalyType.RST_WITH_DATA, AnomalyType.RST_WITH_DATA.severity(), t, pkt, s.role(),
                        sBefore, s.state(), "A reset from " + side(c, s) + " carried " + p.payloadLength
                                + " bytes of data, which no receiver delivers to an application.",
                        Map.of("bytes", p.payloadLength));
            }
            onRst(c, m, p, s, r, si, ri, sBefore, rBefore, sFirst, oowDelta, lastDir);
            return;
        }

        if (syn) {
            onSynSegment(c, m, p, s, r, fromOrig, ack, sBefore);
        } else {
            if (fromOrig && ack && !m.completed && m.synCount > 0 && s.state() != SYN_SENT && !s.state().isFinal()) {
                m.completed = true;
                aggregates.onCompleted(m, t);
            }
            if (c.isPartial() && !m.unsolicitedSynAck) {
                report(c, m, AnomalyType.PARTIAL_CONNECTION, AnomalyType.PARTIAL_CONNECTION.severity(), t, pkt,
                        null, null, null, "The capture joined this connection after its handshake, so its start "
                                + "is inferred.", Map.of("first_packet", c.firstPacket()));
            }
        }

        boolean keepalive = false;
        if (!syn && !fin && ack && p.payloadLength <= 1 && s.sndUna() == s.sndNxt()
                && p.seq == s.sndNxt() - 1 && (sBefore == ESTABLISHED || sBefore == CLOSE_WAIT)) {
            keepalive = true;
            report(c, m, AnomalyType.KEEPALIVE, AnomalyType.KEEPALIVE.severity(), t, pkt, s.role(), sBefore,
                    s.state(), side(c, s) + " sent a keepalive probe to check that its idle peer is still there.",
                    Map.of("payload_bytes", p.payloadLength));
        }

        if (p.payloadLength > 0 && !syn) {
            if (sBefore == CLOSE_WAIT && r.finSent()) {
                report(c, m, AnomalyType.HALF_CLOSE, AnomalyType.HALF_CLOSE.severity(), t, pkt, s.role(), sBefore,
                        s.state(), side(c, s) + " kept sending data after its peer had finished sending "
                                + "(half-close); this is allowed.", Map.of("bytes", p.payloadLength));
            } else if (sBefore == SYN_RECEIVED || !ack) {
                report(c, m, AnomalyType.DATA_BEFORE_ESTABLISHED,
                        AnomalyType.DATA_BEFORE_ESTABLISHED.severity(), t, pkt, s.role(), sBefore, s.state(),
                        side(c, s) + " sent " + p.payloadLength + " bytes of data before the handshake had "
                                + "completed" + (ack ? "." : " and without acknowledging anything."),
                        Map.of("bytes", p.payloadLength, "ack_flag", ack));
            }
        }

        if (fin) {
            onFin(c, m, p, s, si, sBefore);
        }

        if (oowDelta > 0 && !keepalive) {
            Map<String, Object> ev = new LinkedHashMap<>();
            ev.put("seq", Integer.toUnsignedLong(p.seq));
            ev.put("length", p.sequenceLength());
            if (r.rcvKnown()) {
                ev.put("rcv_nxt", Integer.toUnsignedLong(r.rcvNxt()));
                ev.put("distance", SeqNum.diff(p.seq, r.rcvNxt()));
            }
            ev.put("receiver_state", rBefore.name());
            report(c, m, AnomalyType.SEGMENT_OUTSIDE_WINDOW, AnomalyType.SEGMENT_OUTSIDE_WINDOW.severity(), t, pkt,
                    r.role(), rBefore, r.state(), "A segment from " + side(c, s) + " did not fit what "
                            + side(c, r) + " expected (" + (rBefore == SYN_SENT ? "it did not acknowledge the SYN"
                            : "outside the receive window") + "), so it was not accepted.", ev);
        }
        if (unseenDelta > 0) {
            report(c, m, AnomalyType.ACK_OF_UNSENT_DATA, AnomalyType.ACK_OF_UNSENT_DATA.severity(), t, pkt,
                    s.role(), sBefore, s.state(), side(c, s) + " acknowledged data from its peer that the capture "
                            + "never showed: either the capture missed segments or the acknowledgment is bogus.",
                    Map.of("ack", Integer.toUnsignedLong(p.ack)));
        }
    }

    private void onSynSegment(Connection c, ConnMarks m, TcpPacket p, Endpoint s, Endpoint r, boolean fromOrig,
                              boolean ack, TcpState sBefore) {
        long pkt = p.packetNumber, t = p.timestampNanos;
        if (!ack) {
            if (fromOrig) {
                boolean firstSyn = m.synCount == 0;
                m.addSyn(pkt, t);
                if (firstSyn) {
                    aggregates.onSyn(m, p);
                }
                if (firstSyn && reusePacket == pkt) {
                    timeWaitReuse(c, m, p);
                }
            }
            if (p.payloadLength > 0 || p.fastOpenCookieLength >= 0) {
                Map<String, Object> ev = new LinkedHashMap<>();
                ev.put("cookie_length", p.fastOpenCookieLength);
                ev.put("data_bytes", p.payloadLength);
                ev.put("cookie_request", p.fastOpenCookieLength == 0 && p.payloadLength == 0);
                report(c, m, AnomalyType.TCP_FAST_OPEN, AnomalyType.TCP_FAST_OPEN.severity(), t, pkt, s.role(),
                        sBefore, s.state(), side(c, s) + (p.payloadLength > 0 ? " sent " + p.payloadLength
                                + " bytes of data in its SYN (TCP Fast Open)." : " asked for a TCP Fast Open cookie."),
                        ev);
            }
            return;
        }
        // SYN-ACK
        boolean first = m.synAckCount == 0;
        m.synAckCount++;
        boolean unsolicited = first ? c.firstPacket() == pkt : m.unsolicitedSynAck;
        if (first && unsolicited) {
            m.unsolicitedSynAck = true;
        }
        aggregates.onSynAck(m, p, first, unsolicited);
        if (!first && s.issKnown() && p.seq == s.iss() && m.completed) {
            Map<String, Object> ev = new LinkedHashMap<>();
            ev.put("final_ack_seen", true);
            ev.put("synack_retransmissions", m.synAckCount - 1);
            ev.put("dropped_after_seconds", null); // the same keys as when the final ACK never came
            report(c, m, AnomalyType.SYNACK_RETRANSMIT, AnomalyType.SYNACK_RETRANSMIT.severity(), t, pkt, s.role(),
                    SYN_RECEIVED, SYN_RECEIVED, side(c, s) + " sent its SYN-ACK again although the client had "
                            + "already acknowledged it: the final ACK was dropped, typically because the accept queue "
                            + "was full.", ev);
        }
    }

    private void onFin(Connection c, ConnMarks m, TcpPacket p, Endpoint s, int si, TcpState sBefore) {
        int finSeq = p.seq + p.payloadLength;
        if (!s.finSent() || s.finSeq() != finSeq) return;
        int rexmits = m.addFinSegment(si) - 1;
        TcpState st = s.state();
        if (rexmits == settings.unacknowledgedFinRetransmissions()
                && (st == FIN_WAIT_1 || st == LAST_ACK || st == CLOSING)) {
            Map<String, Object> ev = new LinkedHashMap<>();
            ev.put("fin_retransmissions", rexmits);
            ev.put("waiting_seconds", secs(p.timestampNanos - m.since(si)));
            report(c, m, AnomalyType.UNACKNOWLEDGED_FIN, AnomalyType.UNACKNOWLEDGED_FIN.severity(),
                    p.timestampNanos, p.packetNumber, s.role(), sBefore, st, side(c, s) + " sent its FIN "
                            + (rexmits + 1) + " times and it was never acknowledged; it is stuck in " + st.name()
                            + ".", ev);
        }
    }

    // ======================================================================================== resets

    private void onRst(Connection c, ConnMarks m, TcpPacket p, Endpoint s, Endpoint r, int si, int ri,
                       TcpState sBefore, TcpState rBefore, boolean sFirst, long oowDelta, int lastDir) {
        long pkt = p.packetNumber, t = p.timestampNanos;
        boolean ack = p.has(TcpPacket.ACK);
        if (r.isKnown() && rBefore.isFinal()) {
            return; // a reset to an endpoint that is already closed changes nothing
        }
        boolean sSync = synchronizedState(sBefore);
        if (oowDelta > 0 && r.state() == rBefore) {
            Map<String, Object> ev = new LinkedHashMap<>();
            ev.put("seq", Integer.toUnsignedLong(p.seq));
            if (rBefore == SYN_SENT) {
                ev.put("ack", ack ? Integer.toUnsignedLong(p.ack) : null);
                ev.put("expected_ack", Integer.toUnsignedLong(r.iss() + 1));
            } else if (r.rcvKnown()) {
                ev.put("rcv_nxt", Integer.toUnsignedLong(r.rcvNxt()));
                ev.put("distance", SeqNum.diff(p.seq, r.rcvNxt()));
            }
            ev.put("receiver_state", rBefore.name());
            report(c, m, AnomalyType.RST_OUT_OF_WINDOW, AnomalyType.RST_OUT_OF_WINDOW.severity(), t, pkt, r.role(),
                    rBefore, r.state(), "A reset claiming to come from " + side(c, s) + " had a sequence number "
                            + side(c, r) + " would not accept, so it was ignored; an attacker guessing sequence "
                            + "numbers (blind reset) produces such resets.", ev);
            return;
        }
        if (rBefore == SYN_SENT && !sSync) {
            aggregates.onRefused(m, t);
            Map<String, Object> ev = new LinkedHashMap<>();
            ev.put("syns", m.synCount);
            report(c, m, AnomalyType.CONNECTION_REFUSED, AnomalyType.CONNECTION_REFUSED.severity(), t, pkt,
                    s.role(), sBefore, s.state(), endpointName(c, s) + " refused the connection from "
                            + endpointName(c, r) + ": nothing was listening on that port.", ev);
            return;
        }
        if (rBefore == TIME_WAIT) {
            Map<String, Object> ev = new LinkedHashMap<>();
            ev.put("time_wait_seconds", secs(t - m.sinceBefore(ri, pkt)));
            ev.put("applied", r.state() != TIME_WAIT);
            report(c, m, AnomalyType.TIME_WAIT_ASSASSINATION, AnomalyType.TIME_WAIT_ASSASSINATION.severity(), t,
                    pkt, r.role(), rBefore, r.state(), "A reset ended " + side(c, r) + "'s TIME-WAIT after "
                            + secs(t - m.sinceBefore(ri, pkt)) + " s, so old duplicate segments could now reach a "
                            + "new connection on the same ports.", ev);
            return;
        }
        if (!ack && lastDir == ri && (sSync || sFirst)) {
            Map<String, Object> ev = new LinkedHashMap<>();
            ev.put("sender_state", sBefore.name());
            ev.put("peer_state", rBefore.name());
            report(c, m, AnomalyType.RST_TO_HALF_OPEN, AnomalyType.RST_TO_HALF_OPEN.severity(), t, pkt, s.role(),
                    sBefore, s.state(), side(c, s) + " answered its peer's segment with a reset: it no longer had "
                            + "this connection, while " + side(c, r) + " still thought it was open.", ev);
            if (sBefore == FIN_WAIT_2) {
                long waited = t - m.sinceBefore(si, pkt);
                Map<String, Object> ev2 = new LinkedHashMap<>();
                ev2.put("fin_wait_2_seconds", secs(waited));
                ev2.put("peer_state", rBefore.name());
                ev2.put("inferred_from", "reset");
                report(c, m, AnomalyType.ORPHANED_FIN_WAIT_2, AnomalyType.ORPHANED_FIN_WAIT_2.severity(), t, pkt,
                        s.role(), sBefore, s.state(), side(c, s) + " had closed and given up waiting in FIN-WAIT-2 "
                                + "(at most " + secs(waited) + " s) for a peer that never closed: it reset the "
                                + "peer's late data.", ev2);
            }
            return;
        }
        if (s.finSent() && (sSync || sBefore.isFinal())) {
            Map<String, Object> ev = new LinkedHashMap<>();
            ev.put("sender_state", sBefore.name());
            ev.put("peer_state", rBefore.name());
            report(c, m, AnomalyType.RST_AFTER_FIN, AnomalyType.RST_AFTER_FIN.severity(), t, pkt, s.role(),
                    sBefore, s.state(), side(c, s) + " reset the connection after it had already closed it with a "
                            + "FIN (typically data arrived that its application would never read).", ev);
            return;
        }
        if (sSync || sFirst || sBefore == SYN_SENT) {
            long unackedOut = s.issKnown() || s.packets() > 1 ? Integer.toUnsignedLong(s.sndNxt() - s.sndUna()) : 0;
            long unackedIn = r.packets() > 0 ? Integer.toUnsignedLong(r.sndNxt() - r.sndUna()) : 0;
            Map<String, Object> ev = new LinkedHashMap<>();
            ev.put("unacked_bytes_sent", unackedOut);
            ev.put("unacked_bytes_received", unackedIn);
            ev.put("data_in_flight", unackedOut > 0 || unackedIn > 0);
            ev.put("during_handshake", !(sSync && sBefore != SYN_RECEIVED) && !sFirst);
            report(c, m, AnomalyType.ABORTIVE_CLOSE, AnomalyType.ABORTIVE_CLOSE.severity(), t, pkt, s.role(),
                    sBefore, s.state(), side(c, s) + " aborted the connection with a reset instead of closing it "
                            + "normally" + (unackedOut > 0 || unackedIn > 0 ? "; unacknowledged data was lost."
                            : "."), ev);
        }
    }

    private static boolean synchronizedState(TcpState s) {
        return switch (s) {
            case ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT, SYN_RECEIVED -> true;
            default -> false;
        };
    }

    // ======================================================================================== TIME-WAIT reuse

    private void timeWaitReuse(Connection c, ConnMarks m, TcpPacket p) {
        Connection old = reuseOld;
        Endpoint tw = reuseEndpoint;
        reuseOld = null;
        reuseEndpoint = null;
        // The old connection's endpoint that sent this SYN (same address and port).
        boolean senderWasOrig = old.origPort() == p.srcPort && old.origLo() == p.srcLo && old.origHi() == p.srcHi;
        Endpoint oldSender = senderWasOrig ? old.originator() : old.responder();
        boolean bySeq = SeqNum.gt(p.seq, oldSender.sndNxt());
        Boolean byTs = p.hasTimestamps && oldSender.hasTimestamp() ? SeqNum.gt(p.tsVal, oldSender.lastTsVal()) : null;
        boolean safe = bySeq || Boolean.TRUE.equals(byTs);
        // The TIME-WAIT endpoint in the new connection: the SYN's sender (client-side reuse) or its receiver.
        boolean twIsSender = tw == oldSender;
        Role role = twIsSender ? Role.ORIGINATOR : Role.RESPONDER;
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("side", twIsSender ? "syn_sender" : "syn_receiver");
        ev.put("time_wait_seconds", secs(reuseTimeWaitNanos));
        ev.put("safe", safe);
        ev.put("isn_beyond_last_seq", bySeq);
        ev.put("timestamp_newer", byTs);
        ev.put("previous_incarnation", old.incarnation());
        String who = twIsSender ? "the client " + endpointName(c, c.originator())
                : "the server " + endpointName(c, c.responder());
        report(c, m, AnomalyType.TIME_WAIT_REUSE, safe ? Severity.INFO : Severity.WARNING, p.timestampNanos,
                p.packetNumber, role, TIME_WAIT, CLOSED, "A new connection reused the ports while " + who
                        + " had been in TIME-WAIT for " + secs(reuseTimeWaitNanos) + " s; "
                        + (safe ? "this is safe because the new SYN's " + (bySeq ? "sequence number" : "timestamp")
                        + " is beyond the old connection's." : "this is unsafe: neither the new sequence number "
                        + "nor the timestamp is beyond the old connection's, so old segments could be taken "
                        + "for new ones."), ev);
    }

    // ======================================================================================== connection end

    /** Handshake anomalies decided when the connection is over: unanswered SYNs, SYN-ACKs never acknowledged. */
    private void handshakeAtEnd(Connection c, ConnMarks m) {
        Endpoint o = c.originator(), r = c.responder();
        if (m.synCount >= 1 + settings.minSynRetransmissions() && !r.isKnown() && !m.completed) {
            if (coveredByAggregate(m)) return;
            int n = Math.min(m.synCount, m.synTimes.length);
            List<Long> packets = new ArrayList<>(n);
            List<Double> intervals = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                packets.add(m.synPackets[i]);
                if (i > 0) intervals.add(secs(m.synTimes[i] - m.synTimes[i - 1]));
            }
            Double gaveUp = timedOut(o, SYN_SENT) ? secs(lastStepNanos(o) - m.synTimes[0]) : null;
            Map<String, Object> ev = new LinkedHashMap<>();
            ev.put("syns", m.synCount);
            ev.put("intervals_seconds", intervals);
            ev.put("waited_seconds", secs(m.lastSynTime - m.synTimes[0]));
            ev.put("gave_up_after_seconds", gaveUp);
            report(c, m, AnomalyType.HANDSHAKE_TIMEOUT, AnomalyType.HANDSHAKE_TIMEOUT.severity(), m.lastSynTime,
                    packets, o.role(), SYN_SENT, o.state(), endpointName(c, o) + " sent its SYN " + m.synCount
                            + " times (retries after " + intervals + " s) and never got an answer from "
                            + endpointName(c, r) + (gaveUp == null ? "." : "; it gave up " + gaveUp
                            + " s after its first SYN."), ev);
        } else if (m.synAckCount >= 2 && !m.completed && !m.respEverEstablished && !m.unsolicitedSynAck) {
            if (coveredByAggregate(m)) return;
            StatePath path = r.path();
            int steps = path.size();
            Double dropped = timedOut(r, SYN_RECEIVED) && steps >= 2
                    ? secs(path.timeNanos(steps - 1) - path.timeNanos(steps - 2)) : null;
            Map<String, Object> ev = new LinkedHashMap<>();
            ev.put("final_ack_seen", false);
            ev.put("synack_retransmissions", m.synAckCount - 1);
            ev.put("dropped_after_seconds", dropped);
            report(c, m, AnomalyType.SYNACK_RETRANSMIT, AnomalyType.SYNACK_RETRANSMIT.severity(),
                    c.lastTimeNanos(), List.of(), r.role(), SYN_RECEIVED, r.state(), endpointName(c, r)
                            + " answered the SYN and retransmitted its SYN-ACK " + (m.synAckCount - 1)
                            + " times, but the handshake's final ACK never arrived" + (dropped == null ? "." : "; it"
                            + " dropped the half-open connection " + dropped + " s after the SYN."), ev);
        }
    }

    /** The endpoint's last step was its handshake timer running out in {@code state}. */
    private static boolean timedOut(Endpoint e, TcpState state) {
        StatePath path = e.path();
        int n = path.size();
        return n > 0 && path.packet(n - 1) == 0 && path.from(n - 1) == state;
    }

    private static long lastStepNanos(Endpoint e) {
        return e.path().timeNanos(e.path().size() - 1);
    }

    private boolean coveredByAggregate(ConnMarks m) {
        long t = m.synCount > 0 ? m.synTimes[0] : Long.MIN_VALUE;
        if (m.listener != null && m.listener.floodCovers(t)) {
            m.listener.fSuppressed++;
            return true;
        }
        if (m.scan != null && m.scan.scanCovers(t)) {
            m.scan.sSuppressed++;
            return true;
        }
        return false;
    }

    /** The capture ended while an endpoint was waiting for the close to finish. */
    private void incompleteClose(Connection c, ConnMarks m, long endNanos) {
        boolean any = false;
        for (Endpoint e : new Endpoint[] {c.originator(), c.responder()}) {
            TcpState st = e.state();
            if (st == FIN_WAIT_1 || st == FIN_WAIT_2 || st == CLOSING || st == LAST_ACK) {
                any = true;
                incompleteClose(c, m, e, endNanos);
            }
        }
        if (!any) {
            for (Endpoint e : new Endpoint[] {c.originator(), c.responder()}) {
                if (e.state() == CLOSE_WAIT) incompleteClose(c, m, e, endNanos);
            }
        }
    }

    private void incompleteClose(Connection c, ConnMarks m, Endpoint e, long endNanos) {
        int i = e.isOriginator() ? 0 : 1;
        long waited = Math.max(0, endNanos - m.since(i));
        TcpState st = e.state();
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("waiting_seconds", secs(waited));
        ev.put("state", st.name());
        ev.put("peer_state", e.peer().state().name());
        String what = switch (st) {
            case FIN_WAIT_1 -> "for its FIN to be acknowledged";
            case FIN_WAIT_2 -> "for its peer to close";
            case CLOSING -> "for the acknowledgment of its FIN after the FINs crossed";
            case LAST_ACK -> "for the last acknowledgment of its FIN";
            default -> "with its peer's FIN received but without closing its own side";
        };
        report(c, m, AnomalyType.INCOMPLETE_CLOSE_AT_CAPTURE_END,
                AnomalyType.INCOMPLETE_CLOSE_AT_CAPTURE_END.severity(), endNanos, List.of(), e.role(), st, st,
                "The capture ended while " + side(c, e) + " had been waiting " + secs(waited) + " s in "
                        + st.name() + " " + what + " (peer in " + e.peer().state().name() + ").", ev);
    }

    // ======================================================================================== reporting

    /** The aggregate detectors (for tests). */
    Aggregates aggregates() {
        return aggregates;
    }

    private ConnMarks marks(Connection c) {
        Object a = c.attachment();
        if (a instanceof ConnMarks m) {
            return m;
        }
        ConnMarks m = freeMarks.pollLast();
        if (m == null) {
            m = new ConnMarks(c.firstTimeNanos());
        } else {
            m.reset(c.firstTimeNanos(), aggregates);
        }
        c.attach(m);
        return m;
    }

    private void report(Connection c, ConnMarks m, AnomalyType type, Severity sev, long t, long packet, Role role,
                        TcpState before, TcpState after, String message, Map<String, Object> evidence) {
        report(c, m, type, sev, t, packet == 0 ? List.of() : List.of(packet), role, before, after, message,
                evidence);
    }

    private void report(Connection c, ConnMarks m, AnomalyType type, Severity sev, long t, List<Long> packets,
                        Role role, TcpState before, TcpState after, String message, Map<String, Object> evidence) {
        int limit = type.oncePerConnection() ? 1 : settings.repeatLimit();
        int k = type.ordinal();
        if (m.reports(k) >= limit) {
            suppressed[k]++;
            return;
        }
        m.countReport(k);
        reportedCounts[k]++;
        sink.accept(new Anomaly(type, sev, t, packets, c.ipVersion(), c.origHi(), c.origLo(), c.origPort(),
                c.respHi(), c.respLo(), c.respPort(), c.incarnation(), role, before, after, message, evidence));
    }

    /** Called by the aggregate detectors. */
    void emitAggregate(AnomalyType type, Severity sev, long t, long packet, int ipVersion, long oHi, long oLo,
                       int oPort, long rHi, long rLo, int rPort, String message, Map<String, Object> evidence) {
        reportedCounts[type.ordinal()]++;
        sink.accept(new Anomaly(type, sev, t, packet == 0 ? List.of() : List.of(packet), ipVersion, oHi, oLo, oPort,
                rHi, rLo, rPort, 0, null, null, null, message, evidence));
    }

    private static String side(Connection c, Endpoint e) {
        return (e.isOriginator() ? "the client " : "the server ") + endpointName(c, e);
    }

    private static String endpointName(Connection c, Endpoint e) {
        return e.isOriginator() ? Anomaly.address(c.ipVersion(), c.origHi(), c.origLo()) + ":" + c.origPort()
                : Anomaly.address(c.ipVersion(), c.respHi(), c.respLo()) + ":" + c.respPort();
    }

    private static double secs(long nanos) {
        return Math.round(nanos / 1e6) / 1000.0;
    }
}
