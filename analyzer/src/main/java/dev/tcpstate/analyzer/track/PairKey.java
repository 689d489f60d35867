package dev.tcpstate.analyzer.track;

import dev.tcpstate.parsers.decode.TcpPacket;

/**
 * A socket pair in canonical order (the smaller address/port first), so both directions find the same entry.
 * Entries of a {@link PairTable} (connections, remembered incarnations) are socket pairs themselves; the tracker
 * keeps one plain instance as its lookup probe, so a lookup allocates nothing.
 */
class PairKey {
    int ipVersion;
    long aHi, aLo, bHi, bLo;
    int aPort, bPort;
    /** For the probe only: the packet's source is side A. */
    boolean srcIsA;
    /**
     * 64 bits, though the table places entries by the low 32: among the hundreds of thousands of pairs a busy capture
     * keeps in the table at once, a few share a 32-bit hash at any time, and a lookup that matched a hash and then
     * found another pair took a path the compiled packet loop had never seen (and had it compiled anew). With 64
     * bits a hash match is, in practice, always the pair.
     */
    long hash;

    void set(TcpPacket p) {
        ipVersion = p.ipVersion;
        int c = compare(p.srcHi, p.srcLo, p.srcPort, p.dstHi, p.dstLo, p.dstPort);
        srcIsA = c <= 0;
        if (srcIsA) {
            aHi = p.srcHi; aLo = p.srcLo; aPort = p.srcPort;
            bHi = p.dstHi; bLo = p.dstLo; bPort = p.dstPort;
        } else {
            aHi = p.dstHi; aLo = p.dstLo; aPort = p.dstPort;
            bHi = p.srcHi; bLo = p.srcLo; bPort = p.srcPort;
        }
        long h = aHi * 0x9E3779B97F4A7C15L;
        h = (h ^ aLo) * 0x9E3779B97F4A7C15L;
        h = (h ^ bHi) * 0x9E3779B97F4A7C15L;
        h = (h ^ bLo) * 0x9E3779B97F4A7C15L;
        h = (h ^ (((long) aPort << 16) | bPort | ((long) ipVersion << 32))) * 0x9E3779B97F4A7C15L;
        hash = h ^ (h >>> 29);
    }

    private static int compare(long hi1, long lo1, int port1, long hi2, long lo2, int port2) {
        int c = Long.compareUnsigned(hi1, hi2);
        if (c != 0) return c;
        c = Long.compareUnsigned(lo1, lo2);
        if (c != 0) return c;
        return Integer.compare(port1, port2);
    }

    /** Copies the pair (not {@link #srcIsA}) from {@code k}. */
    final void setPair(PairKey k) {
        ipVersion = k.ipVersion;
        aHi = k.aHi; aLo = k.aLo; bHi = k.bHi; bLo = k.bLo;
        aPort = k.aPort; bPort = k.bPort;
        hash = k.hash;
    }

    /** Same socket pair. */
    final boolean samePair(PairKey k) {
        return hash == k.hash && aLo == k.aLo && bLo == k.bLo && aPort == k.aPort && bPort == k.bPort
                && aHi == k.aHi && bHi == k.bHi && ipVersion == k.ipVersion;
    }
}
