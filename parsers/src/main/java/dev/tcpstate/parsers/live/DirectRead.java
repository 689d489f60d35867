package dev.tcpstate.parsers.live;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import org.pcap4j.core.PcapHandle;
import sun.misc.Unsafe;

/**
 * Reads packets of a pcap4j handle with one direct-mapped {@code pcap_next_ex} call each, copying the bytes
 * straight into the caller's array: no per-packet objects, no locking, no timestamp objects. pcap4j's own
 * {@code getNextRawPacketEx} costs several times more per packet, which limits the capture rate.
 *
 * <p>The call takes only primitive arguments (the {@code pcap_t} and two result slots as addresses), so JNA converts
 * nothing, and the packet header and bytes that {@code pcap_next_ex} points to are read with {@link Unsafe} rather
 * than through JNA {@link Pointer}s, each of whose reads is a JNI call and whose {@code getPointer} allocates. That
 * needs 64-bit pointers; it also needs the native handle pcap4j keeps in a private field. When either cannot be had
 * (a 32-bit JVM, another pcap4j version, no {@code sun.misc.Unsafe}), {@link #of(PcapHandle)} returns null and the
 * caller uses pcap4j's call.
 */
final class DirectRead {
    /** pcap_next_ex results. */
    static final int PACKET = 1, NONE = 0, ERROR = -1, END = -2;

    private static final boolean AVAILABLE;
    private static final Unsafe UNSAFE = NativeAccess.UNSAFE;
    private static final long BYTE_ARRAY_BASE = NativeAccess.BYTE_ARRAY_BASE;
    /** Size of a C {@code long}: the fields of the {@code struct timeval} in {@code struct pcap_pkthdr}. */
    private static final int LONG_SIZE = Native.LONG_SIZE;

    static {
        boolean ok;
        try {
            Native.register(DirectRead.class, System.getProperty(LiveCapture.LIB_NAME_PROPERTY, "pcap"));
            ok = NativeAccess.AVAILABLE;
        } catch (Throwable t) {
            ok = false;
        }
        AVAILABLE = ok;
    }

    /** {@code int pcap_next_ex(pcap_t *p, struct pcap_pkthdr **header, const u_char **data)}, pointers as addresses. */
    private static native int pcap_next_ex(long p, long header, long data);

    private final long pcap;
    /** Where pcap_next_ex stores its two pointers: the packet header at +0, the packet bytes at +8. */
    private final Memory slots = new Memory(16);
    private final long headerSlot;
    private final long dataSlot;

    /** Time stamp (seconds, and microseconds or nanoseconds as the handle was opened), lengths of the last packet. */
    long seconds;
    long fraction;
    int capturedLength;
    int originalLength;

    private DirectRead(long pcap) {
        this.pcap = pcap;
        this.headerSlot = Pointer.nativeValue(slots);
        this.dataSlot = headerSlot + 8;
    }

    static DirectRead of(PcapHandle h) {
        if (!AVAILABLE) {
            return null;
        }
        long pcap = NativeAccess.pcap(h);
        return pcap == 0 ? null : new DirectRead(pcap);
    }

    /**
     * Reads the next packet into {@code into} (at most {@code max} bytes, at most its length); returns one of the
     * result constants. The handle must be open.
     */
    int next(byte[] into, int max) {
        int rc = pcap_next_ex(pcap, headerSlot, dataSlot);
        if (rc != PACKET) {
            return rc;
        }
        Unsafe u = UNSAFE;
        long h = u.getLong(headerSlot);
        if (LONG_SIZE == 8) {
            seconds = u.getLong(h);
            fraction = u.getLong(h + 8);
        } else {
            seconds = u.getInt(h) & 0xffff_ffffL;
            fraction = u.getInt(h + 4) & 0xffff_ffffL;
        }
        capturedLength = u.getInt(h + 2L * LONG_SIZE);
        originalLength = u.getInt(h + 2L * LONG_SIZE + 4);
        int n = Math.min(Math.min(capturedLength, max), into.length);
        if (n > 0) {
            u.copyMemory(null, u.getLong(dataSlot), into, BYTE_ARRAY_BASE, n);
        }
        capturedLength = n;
        return rc;
    }
}
