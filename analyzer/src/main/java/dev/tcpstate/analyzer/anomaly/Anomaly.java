package dev.tcpstate.analyzer.anomaly;

import dev.tcpstate.analyzer.tcp.TcpState;
import dev.tcpstate.analyzer.track.Role;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

/**
 * One anomaly found in a capture.
 *
 * @param type what was found; {@link #code()} is its stable identifier
 * @param severity this occurrence's severity (usually {@link AnomalyType#severity()})
 * @param timeNanos capture time of the evidence (for an interval: its start)
 * @param packets numbers of the packets that prove it, first the main one; empty when a timer or the end of the
 *     capture proves it
 * @param ipVersion 4 or 6
 * @param origHi originator address, high half (0 for IPv4); for aggregates the source side (scanner, flood source
 *     0 when many)
 * @param origLo originator address, low half (IPv4 in the low 32 bits)
 * @param origPort originator port (0 for aggregates)
 * @param respHi responder address, high half; for aggregates the target
 * @param respLo responder address, low half
 * @param respPort responder port (0 when the anomaly concerns a host)
 * @param incarnation the connection's incarnation on its socket pair; 0 for aggregate anomalies
 * @param endpoint the endpoint the anomaly concerns, or null when it concerns the connection or a host
 * @param stateBefore that endpoint's state before the evidence, or null
 * @param stateAfter that endpoint's state after the evidence, or null
 * @param message one plain sentence
 * @param evidence typed facts (numbers, booleans, strings, lists), in a stable order
 */
public record Anomaly(AnomalyType type, Severity severity, long timeNanos, List<Long> packets, int ipVersion,
                      long origHi, long origLo, int origPort, long respHi, long respLo, int respPort,
                      int incarnation, Role endpoint, TcpState stateBefore, TcpState stateAfter, String message,
                      Map<String, Object> evidence) {

    public Anomaly {
        // Always the same list class (List.copyOf picks one of two by size): the writers' calls on it stay
        // monomorphic, and the compiled writer is not thrown away when the other class first turns up.
        packets = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(packets));
        evidence = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(evidence));
    }

    /** The stable snake_case code. */
    public String code() {
        return type.code();
    }

    /** The main packet number, 0 when none. */
    public long packet() {
        return packets.isEmpty() ? 0 : packets.get(0);
    }

    public String origAddress() {
        return address(ipVersion, origHi, origLo);
    }

    public String respAddress() {
        return address(ipVersion, respHi, respLo);
    }

    /** An evidence value, or null. */
    public Object evidence(String key) {
        return evidence.get(key);
    }

    @Override
    public String toString() {
        return code() + " " + severity + " #" + packet() + " " + origAddress() + ":" + origPort + " -> "
                + respAddress() + ":" + respPort + " inc=" + incarnation + " " + endpoint + " " + stateBefore + "->"
                + stateAfter + " " + evidence + " | " + message;
    }

    /** Text form of an address held as two longs (IPv4 in the low 32 bits of {@code lo}). */
    public static String address(int ipVersion, long hi, long lo) {
        if (ipVersion == 4) {
            return ((lo >>> 24) & 0xFF) + "." + ((lo >>> 16) & 0xFF) + "." + ((lo >>> 8) & 0xFF) + "." + (lo & 0xFF);
        }
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (hi >>> (56 - 8 * i));
            b[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        try {
            return compress(InetAddress.getByAddress(b).getHostAddress());
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RFC 5952 form: the longest run of zero groups becomes "::". */
    private static String compress(String full) {
        String[] g = full.split(":");
        int bestStart = -1, bestLen = 0;
        for (int i = 0; i < g.length; ) {
            if (g[i].equals("0")) {
                int j = i;
                while (j < g.length && g[j].equals("0")) j++;
                if (j - i > bestLen && j - i > 1) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (bestStart < 0) {
            return full;
        }
        String left = String.join(":", java.util.Arrays.copyOfRange(g, 0, bestStart));
        String right = String.join(":", java.util.Arrays.copyOfRange(g, bestStart + bestLen, g.length));
        return left + "::" + right;
    }
}
