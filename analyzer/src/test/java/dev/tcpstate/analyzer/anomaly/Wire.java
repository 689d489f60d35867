package dev.tcpstate.analyzer.anomaly;

import dev.tcpstate.analyzer.AnalyzerSettings;
import dev.tcpstate.analyzer.track.ConnectionTracker;
import dev.tcpstate.parsers.decode.TcpPacket;

import java.util.ArrayList;
import java.util.List;

/** Test driver: crafted segments through a tracker and an {@link AnomalyDetector}. */
final class Wire {
    static final long BASE = 1_700_000_000_000_000_000L;
    static final long MS = 1_000_000L;
    static final long SEC = 1_000_000_000L;
    static final int F = TcpPacket.FIN, S = TcpPacket.SYN, R = TcpPacket.RST, P = TcpPacket.PSH,
            A = TcpPacket.ACK, U = TcpPacket.URG;

    final List<Anomaly> out = new ArrayList<>();
    final AnomalyDetector detector;
    final ConnectionTracker tracker;
    final TcpPacket p = new TcpPacket();
    long pkt;
    long time = BASE;
    /** Added to the clock before each segment. */
    long step = MS;

    Wire() {
        this(AnomalySettings.DEFAULTS);
    }

    Wire(AnomalySettings settings) {
        this(settings, AnalyzerSettings.DEFAULTS);
    }

    Wire(AnomalySettings settings, AnalyzerSettings analyzer) {
        detector = new AnomalyDetector(settings, out::add);
        tracker = new ConnectionTracker(analyzer, detector);
    }

    static long ip(int a, int b, int c, int d) {
        return ((long) a << 24) | (b << 16) | (c << 8) | d;
    }

    /** Sends one segment; {@code ack} is ignored without the ACK flag. */
    Wire seg(long src, int sport, long dst, int dport, int flags, int seq, int ack, int len) {
        p.clearOptions();
        p.packetNumber = ++pkt;
        time += step;
        p.timestampNanos = time;
        p.ipVersion = 4;
        p.srcHi = 0;
        p.dstHi = 0;
        p.srcLo = src;
        p.dstLo = dst;
        p.srcPort = sport;
        p.dstPort = dport;
        p.seq = seq;
        p.ack = (flags & A) != 0 ? ack : 0;
        p.flags = flags;
        p.window = 65535;
        p.payloadLength = len;
        p.capturedPayloadLength = len;
        p.checksumStatus = TcpPacket.CHECKSUM_GOOD;
        if ((flags & S) != 0) p.mss = 1460;
        if (tsVal != 0) {
            p.hasTimestamps = true;
            p.tsVal = tsVal;
        }
        if (badChecksum) p.checksumStatus = TcpPacket.CHECKSUM_BAD;
        if (offloadChecksum) p.checksumStatus = TcpPacket.CHECKSUM_OFFLOADED;
        if (fastOpenCookie >= 0 && (flags & S) != 0) p.fastOpenCookieLength = fastOpenCookie;
        tracker.onPacket(p);
        return this;
    }

    int tsVal;
    boolean badChecksum;
    /** The segments carry a wrong checksum holding the offload pattern, as the decoder marks them. */
    boolean offloadChecksum;
    int fastOpenCookie = -1;

    Wire after(long nanos) {
        time += nanos;
        tracker.advanceTime(time);
        return this;
    }

    void finish() {
        detector.finish(tracker, time);
    }

    List<String> codes() {
        return out.stream().map(Anomaly::code).toList();
    }

    List<Anomaly> of(String code) {
        return out.stream().filter(a -> a.code().equals(code)).toList();
    }

    /** A client/server pair; each side tracks its next sequence number and acks all the peer sent. */
    Conv conv(long client, int cport, long server, int sport, int clientIsn, int serverIsn) {
        return new Conv(client, cport, server, sport, clientIsn, serverIsn);
    }

    /** 10.0.0.1:40000 -> 10.0.0.2:80. */
    Conv conv() {
        return conv(ip(10, 0, 0, 1), 40000, ip(10, 0, 0, 2), 80, 1000, 5000);
    }

    final class Conv {
        final long client, server;
        final int cport, sport;
        int cseq, sseq;

        Conv(long client, int cport, long server, int sport, int cseq, int sseq) {
            this.client = client;
            this.cport = cport;
            this.server = server;
            this.sport = sport;
            this.cseq = cseq;
            this.sseq = sseq;
        }

        Conv client(int flags, int len) {
            seg(client, cport, server, sport, flags, cseq, sseq, len);
            if ((flags & R) == 0) cseq += len + ((flags & S) != 0 ? 1 : 0) + ((flags & F) != 0 ? 1 : 0);
            return this;
        }

        Conv server(int flags, int len) {
            seg(server, sport, client, cport, flags, sseq, cseq, len);
            if ((flags & R) == 0) sseq += len + ((flags & S) != 0 ? 1 : 0) + ((flags & F) != 0 ? 1 : 0);
            return this;
        }

        Conv client(int flags) {
            return client(flags, 0);
        }

        Conv server(int flags) {
            return server(flags, 0);
        }

        Conv rawClient(int flags, int seq, int ack, int len) {
            seg(client, cport, server, sport, flags, seq, ack, len);
            return this;
        }

        Conv rawServer(int flags, int seq, int ack, int len) {
            seg(server, sport, client, cport, flags, seq, ack, len);
            return this;
        }

        Conv established() {
            return client(S).server(S | A).client(A);
        }

        /** Request and response, so both sides have sent data. */
        Conv exchange() {
            return client(P | A, 100).server(A).server(P | A, 200).client(A);
        }

        Wire wire() {
            return Wire.this;
        }
    }
}
