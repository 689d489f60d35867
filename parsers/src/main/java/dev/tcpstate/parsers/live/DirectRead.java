package dev.tcpstate.parsers.live;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.lang.reflect.Field;
import org.pcap4j.core.PcapHandle;

/**
 * Reads packets of a pcap4j handle with one direct-mapped {@code pcap_next_ex} call each, copying the bytes
 * straight into the caller's array: no per-packet objects, no locking, no timestamp objects. pcap4j's own
 * {@code getNextRawPacketEx} costs several times more per packet, which limits the capture rate.
 *
 * <p>It needs the native handle pcap4j keeps in a private field; when that cannot be had (another pcap4j version),
 * {@link #of(PcapHandle)} returns null and the caller uses pcap4j's call.
 */
final class DirectRead {
    /** pcap_next_ex results. */
    static final int PACKET = 1, NONE = 0, ERROR = -1, END = -2;

    private static final boolean AVAILABLE;
    private static final Field HANDLE;

    static {
        boolean ok;
        Field f = null;
        try {
            Native.register(DirectRead.class, System.getProperty(LiveCapture.LIB_NAME_PROPERTY, "pcap"));
            f = PcapHandle.class.getDeclaredField("handle");
            f.setAccessible(true);
            ok = f.getType() == Pointer.class;
        } catch (Throwable t) {
            ok = false;
        }
        AVAILABLE = ok;
        HANDLE = f;
    }

    private static native int pcap_next_ex(Pointer p, PointerByReference header, PointerByReference data);

    private final Pointer pcap;
    private final PointerByReference header = new PointerByReference();
    private final PointerByReference data = new PointerByReference();
    private final int longSize = Native.LONG_SIZE;

    /** Time stamp (seconds, and microseconds or nanoseconds as the handle was opened), lengths of the last packet. */
    long seconds;
    long fraction;
    int capturedLength;
    int originalLength;

    private DirectRead(Pointer pcap) {
        this.pcap = pcap;
    }

    static DirectRead of(PcapHandle h) {
        if (!AVAILABLE) {
            return null;
        }
        try {
            Pointer p = (Pointer) HANDLE.get(h);
            return p == null ? null : new DirectRead(p);
        } catch (IllegalAccessException | RuntimeException e) {
            return null;
        }
    }

    /** Reads the next packet into {@code into} (at most its length); returns one of the result constants. */
    int next(byte[] into) {
        int rc = pcap_next_ex(pcap, header, data);
        if (rc != PACKET) {
            return rc;
        }
        Pointer h = header.getValue();
        if (longSize == 8) {
            seconds = h.getLong(0);
            fraction = h.getLong(8);
        } else {
            seconds = h.getInt(0) & 0xffff_ffffL;
            fraction = h.getInt(4) & 0xffff_ffffL;
        }
        capturedLength = h.getInt(2L * longSize);
        originalLength = h.getInt(2L * longSize + 4);
        int n = Math.min(capturedLength, into.length);
        data.getValue().read(0, into, 0, n);
        capturedLength = n;
        return rc;
    }
}
