package dev.tcpstate.analyzer.track;

import dev.tcpstate.analyzer.AnalyzerSettings;
import dev.tcpstate.analyzer.ConnectionListener;
import dev.tcpstate.analyzer.tcp.TcpState;
import dev.tcpstate.parsers.decode.TcpPacket;

import java.util.ArrayList;
import java.util.List;

/**
 * Test driver: a client 10.0.0.1:40000 and a server 10.0.0.2:80 exchanging segments through a tracker. Each side
 * keeps its next sequence number; by default a segment acknowledges everything the peer has sent. ISNs sit just
 * below 2^32 so every connection wraps its sequence space.
 */
final class Flow {
    static final int CLIENT_ISN = 0xFFFFFFF0;
    static final int SERVER_ISN = 0xFFFFFFFA;
    static final long BASE = 1_700_000_000_000_000_000L;
    static final long MS = 1_000_000L;
    static final long SEC = 1_000_000_000L;
    static final int F = TcpPacket.FIN, S = TcpPacket.SYN, R = TcpPacket.RST, P = TcpPacket.PSH,
            A = TcpPacket.ACK;

    final ConnectionTracker tracker;
    final List<Connection> ended = new ArrayList<>();
    final List<String> transitions = new ArrayList<>();
    final List<String> ladder = new ArrayList<>();
    long pkt;
    long time = BASE;
    int clientSeq = CLIENT_ISN;
    int serverSeq = SERVER_ISN;
    int clientPort = 40000;
    int serverPort = 80;
    int window = 65535;
    int clientWscale = -1, serverWscale = -1;
    /** The next segments from this side carry a bad TCP checksum (as the decoder would mark them). */
    boolean clientBadChecksum, serverBadChecksum;
    /**
     * The next segments from this side carry a wrong checksum holding the offload pattern (the decoder marks them
     * {@link TcpPacket#CHECKSUM_OFFLOADED}); wins over the bad-checksum flag.
     */
    boolean clientOffloadChecksum, serverOffloadChecksum;
    /** The next segments from this side are captured without their payload (a snap length cut them short). */
    boolean clientHeadersOnly, serverHeadersOnly;
    private final TcpPacket p = new TcpPacket();

    Flow() {
        this(AnalyzerSettings.DEFAULTS);
    }

    Flow(AnalyzerSettings settings) {
        tracker = new ConnectionTracker(settings, new ConnectionListener() {
            @Override
            public void onTransition(Connection c, Endpoint e, TcpState from, TcpState to, long packet, long t) {
                transitions.add(e.role() + " " + from + "->" + to + " #" + packet);
            }

            @Override
            public void onPacket(Connection c, TcpPacket p, boolean fromOriginator) {
                ladder.add("#" + p.packetNumber + " " + c.originator().state() + "/" + c.responder().state());
            }

            @Override
            public void onConnectionEnd(Connection c) {
                ended.add(c);
            }
        });
    }

    /** Client sends {@code flags} with {@code len} payload bytes, acking all the server sent. */
    Flow client(int flags, int len) {
        return emit(true, flags, clientSeq, serverSeq, len, true);
    }

    Flow server(int flags, int len) {
        return emit(false, flags, serverSeq, clientSeq, len, true);
    }

    Flow client(int flags) {
        return client(flags, 0);
    }

    Flow server(int flags) {
        return server(flags, 0);
    }

    /** A segment with explicit numbers; the side's next sequence number is not changed. */
    Flow rawClient(int flags, int seq, int ack, int len) {
        return emit(true, flags, seq, ack, len, false);
    }

    Flow rawServer(int flags, int seq, int ack, int len) {
        return emit(false, flags, seq, ack, len, false);
    }

    /** Client sends with an explicit ack value, advancing its sequence. */
    Flow clientAck(int flags, int ack, int len) {
        return emit(true, flags, clientSeq, ack, len, true);
    }

    Flow serverAck(int flags, int ack, int len) {
        return emit(false, flags, serverSeq, ack, len, true);
    }

    /** The server sends {@code len} bytes the capture misses: its sequence advances, no segment is seen. */
    Flow serverLost(int len) {
        serverSeq += len;
        return this;
    }

    Flow after(long nanos) {
        time += nanos;
        return this;
    }

    private Flow emit(boolean fromClient, int flags, int seq, int ack, int len, boolean advance) {
        p.clearOptions();
        p.packetNumber = ++pkt;
        time += MS;
        p.timestampNanos = time;
        p.ipVersion = 4;
        p.srcHi = 0;
        p.dstHi = 0;
        long c = 0x0A000001L, s = 0x0A000002L;
        p.srcLo = fromClient ? c : s;
        p.dstLo = fromClient ? s : c;
        p.srcPort = fromClient ? clientPort : serverPort;
        p.dstPort = fromClient ? serverPort : clientPort;
        p.seq = seq;
        p.ack = (flags & A) != 0 ? ack : 0;
        p.flags = flags;
        p.window = window;
        p.payloadLength = len;
        p.capturedPayloadLength = (fromClient ? clientHeadersOnly : serverHeadersOnly) ? 0 : len;
        p.checksumStatus = (fromClient ? clientOffloadChecksum : serverOffloadChecksum) ? TcpPacket.CHECKSUM_OFFLOADED
                : (fromClient ? clientBadChecksum : serverBadChecksum) ? TcpPacket.CHECKSUM_BAD
                : TcpPacket.CHECKSUM_GOOD;
        if ((flags & S) != 0) {
            p.windowScale = fromClient ? clientWscale : serverWscale;
            p.mss = 1460;
        }
        if (advance) {
            int n = len + ((flags & S) != 0 ? 1 : 0) + ((flags & F) != 0 ? 1 : 0);
            if ((flags & R) == 0) {
                if (fromClient) clientSeq += n; else serverSeq += n;
            }
        }
        tracker.onPacket(p);
        return this;
    }

    /** The one live connection, else the last one emitted. */
    Connection conn() {
        List<Connection> live = tracker.live();
        if (!live.isEmpty()) {
            return live.get(live.size() - 1);
        }
        return ended.get(ended.size() - 1);
    }

    Endpoint orig() {
        return conn().originator();
    }

    Endpoint resp() {
        return conn().responder();
    }

    // ------------------------------------------------------------------ chained fixtures

    /** SYN, SYN-ACK, ACK. */
    static Flow established() {
        return new Flow().client(S).server(S | A).client(A);
    }

    /** established, then the client closes: client FIN_WAIT_1, server CLOSE_WAIT. */
    static Flow clientFinWait1() {
        return established().client(F | A);
    }

    /** ...the server acks the FIN: client FIN_WAIT_2. */
    static Flow clientFinWait2() {
        return clientFinWait1().server(A);
    }

    /** ...the server closes: server LAST_ACK, client TIME_WAIT. */
    static Flow clientTimeWait() {
        return clientFinWait2().server(F | A);
    }

    /** ...the client acks: server CLOSED, client TIME_WAIT. */
    static Flow closedByClient() {
        return clientTimeWait().client(A);
    }
}
