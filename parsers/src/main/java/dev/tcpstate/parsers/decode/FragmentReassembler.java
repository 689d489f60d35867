package dev.tcpstate.parsers.decode;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Rebuilds IPv4 and IPv6 datagrams from fragments, within fixed bounds.
 *
 * <p>A datagram is identified by IP version, source, destination, protocol (IPv4) or the next header of the
 * fragmentable part (IPv6), and identification. Only the payload after the IP header (IPv4) or after the fragment
 * header (IPv6) is reassembled; the decoder already holds the addresses.
 *
 * <p>Fragments may arrive in any order. Data is tracked in 8-byte units, the granularity of fragment offsets; where
 * fragments overlap, the bytes that arrived first are kept and the overlap is counted (first arrival wins, as in
 * the BSD stacks; Linux drops overlapping datagrams). A fragment is dropped, and counted by reason, when it ends beyond
 * 65535 bytes, when it is not the last and its length is not a multiple of 8, when it disagrees about where the
 * datagram ends, or when the caps on datagrams or buffered bytes would be exceeded (new fragments are refused, as
 * Linux does, rather than evicting datagrams in progress). A datagram still incomplete {@code timeoutNanos} of
 * capture time after its first fragment is dropped when a later record's timestamp shows the time has passed.
 *
 * <p>Buffered bytes are the sizes of the per-datagram buffers, which grow with the highest offset seen. Fragment
 * handling allocates (a datagram buffer, growing); records that are not fragments only cost the expiry check.
 */
final class FragmentReassembler {
    static final int MAX_DATAGRAM = 65535;
    /** Returned by {@link #add} when the fragment was buffered. */
    static final int HELD = -1;
    /** Returned by {@link #add} when the fragment was dropped; the reason is in the stats. */
    static final int DROPPED = -2;

    private static final int UNITS = (MAX_DATAGRAM + 7) / 8;

    private static final class Datagram {
        int version;
        long srcHi, srcLo, dstHi, dstLo;
        int protocol;
        long id;
        long firstSeenNanos;
        /** End of the datagram once the last fragment (MF clear) arrived, else -1. */
        int totalLength;
        /** Highest fragment end seen. */
        int maxEnd;
        int unitsFilled;
        int fragments;
        byte[] data;
        final long[] filled = new long[(UNITS + 63) / 64];
    }

    private final int maxDatagrams;
    private final long maxBytes;
    private final long timeoutNanos;
    private final DecodeStats stats;
    private final Datagram[] active;
    private int activeCount;
    private long bufferedBytes;
    /** Lower bound of the first-seen times of the active datagrams. */
    private long oldestFirstSeen = Long.MAX_VALUE;

    FragmentReassembler(int maxDatagrams, long maxBytes, long timeoutNanos, DecodeStats stats) {
        this.maxDatagrams = maxDatagrams;
        this.maxBytes = maxBytes;
        this.timeoutNanos = timeoutNanos;
        this.stats = stats;
        this.active = new Datagram[maxDatagrams];
    }

    int pendingDatagrams() {
        return activeCount;
    }

    long bufferedBytes() {
        return bufferedBytes;
    }

    /** Drops the datagrams whose timeout has passed at capture time {@code nowNanos}. Cheap when nothing is due. */
    void expire(long nowNanos) {
        if (activeCount == 0 || nowNanos - oldestFirstSeen <= timeoutNanos) return;
        long oldest = Long.MAX_VALUE;
        for (int i = 0; i < activeCount; ) {
            Datagram d = active[i];
            if (nowNanos - d.firstSeenNanos > timeoutNanos) {
                stats.countFragmentsDropped(FragmentDropReason.TIMEOUT, d.fragments);
                remove(i);
            } else {
                oldest = Math.min(oldest, d.firstSeenNanos);
                i++;
            }
        }
        oldestFirstSeen = oldest;
    }

    /**
     * Adds one fragment whose data is {@code src[from, from + length)}, at byte {@code offset} of the datagram's
     * payload.
     *
     * @return the payload length of the datagram, now complete in {@code out[0, length)}; or {@link #HELD}; or
     *         {@link #DROPPED}
     */
    int add(int version, long srcHi, long srcLo, long dstHi, long dstLo, int protocol, long id, int offset,
            boolean more, ByteBuffer src, int from, int length, long nowNanos, byte[] out) {
        int end = offset + length;
        if (end > MAX_DATAGRAM) return drop(FragmentDropReason.TOO_LARGE);
        if (more && (length & 7) != 0) return drop(FragmentDropReason.BAD_LENGTH);

        int index = find(version, srcHi, srcLo, dstHi, dstLo, protocol, id);
        Datagram d;
        if (index < 0) {
            if (activeCount >= maxDatagrams) return drop(FragmentDropReason.TOO_MANY_DATAGRAMS);
            if (bufferedBytes + bufferSize(end) > maxBytes) return drop(FragmentDropReason.BUFFER_FULL);
            d = active[activeCount];
            if (d == null) active[activeCount] = d = new Datagram();
            index = activeCount++;
            d.version = version;
            d.srcHi = srcHi;
            d.srcLo = srcLo;
            d.dstHi = dstHi;
            d.dstLo = dstLo;
            d.protocol = protocol;
            d.id = id;
            d.firstSeenNanos = nowNanos;
            d.totalLength = -1;
            d.maxEnd = 0;
            d.unitsFilled = 0;
            d.fragments = 0;
            d.data = null;
            Arrays.fill(d.filled, 0L);
            oldestFirstSeen = Math.min(oldestFirstSeen, nowNanos);
        } else {
            d = active[index];
        }

        if (more ? d.totalLength >= 0 && end > d.totalLength
                 : d.totalLength >= 0 && d.totalLength != end || d.maxEnd > end) {
            dropIfEmpty(index, d);
            return drop(FragmentDropReason.INCONSISTENT_END);
        }
        int capacity = d.data == null ? 0 : d.data.length;
        if (end > capacity) {
            int newSize = Math.max(bufferSize(end), Math.min(MAX_DATAGRAM, capacity * 2));
            if (bufferedBytes + newSize - capacity > maxBytes) {
                dropIfEmpty(index, d);
                return drop(FragmentDropReason.BUFFER_FULL);
            }
            d.data = d.data == null ? new byte[newSize] : Arrays.copyOf(d.data, newSize);
            bufferedBytes += newSize - capacity;
        }

        boolean overlap = false;
        int lastUnit = (end + 7) >>> 3;
        for (int u = offset >>> 3; u < lastUnit; u++) {
            long bit = 1L << (u & 63);
            if ((d.filled[u >>> 6] & bit) != 0) {
                overlap = true;
                continue;
            }
            int at = u << 3;
            src.get(from + at - offset, d.data, at, Math.min(8, end - at));
            d.filled[u >>> 6] |= bit;
            d.unitsFilled++;
        }
        if (overlap) stats.overlappingFragments++;
        if (!more) d.totalLength = end;
        d.maxEnd = Math.max(d.maxEnd, end);
        d.fragments++;

        if (d.totalLength >= 0 && d.unitsFilled == (d.totalLength + 7) >>> 3) {
            System.arraycopy(d.data, 0, out, 0, d.totalLength);
            int total = d.totalLength;
            remove(index);
            stats.datagramsReassembled++;
            return total;
        }
        return HELD;
    }

    private static int bufferSize(int end) {
        // Round up to 1 KiB so a datagram arriving in order does not grow its buffer with every fragment.
        return Math.min(MAX_DATAGRAM, (end + 1023) & ~1023);
    }

    private int drop(FragmentDropReason reason) {
        stats.countFragmentsDropped(reason, 1);
        return DROPPED;
    }

    /** Removes a datagram created for a fragment that was then dropped. */
    private void dropIfEmpty(int index, Datagram d) {
        if (d.fragments == 0) remove(index);
    }

    private int find(int version, long srcHi, long srcLo, long dstHi, long dstLo, int protocol, long id) {
        for (int i = 0; i < activeCount; i++) {
            Datagram d = active[i];
            if (d.id == id && d.srcLo == srcLo && d.dstLo == dstLo && d.protocol == protocol && d.version == version
                    && d.srcHi == srcHi && d.dstHi == dstHi) {
                return i;
            }
        }
        return -1;
    }

    private void remove(int index) {
        Datagram d = active[index];
        if (d.data != null) bufferedBytes -= d.data.length;
        d.data = null;
        int last = --activeCount;
        active[index] = active[last];
        active[last] = d;
    }
}
