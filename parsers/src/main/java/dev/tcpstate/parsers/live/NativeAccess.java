package dev.tcpstate.parsers.live;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.lang.reflect.Field;
import org.pcap4j.core.PcapHandle;
import sun.misc.Unsafe;

/**
 * What the direct read paths ({@link DirectRead}, {@link BlockRead}) need besides their own native bindings: the
 * {@code pcap_t} that pcap4j keeps in a private field of its handle, and {@link Unsafe} to copy packet bytes from
 * native memory into a Java array. Both need 64-bit pointers. When any of it cannot be had (a 32-bit JVM, another
 * pcap4j version, no {@code sun.misc.Unsafe}), {@link #AVAILABLE} is false and the callers fall back to pcap4j's
 * own calls.
 */
final class NativeAccess {
    static final boolean AVAILABLE;
    static final Unsafe UNSAFE;
    /** Offset of a {@code byte[]}'s first element, for {@link Unsafe#copyMemory}. */
    static final long BYTE_ARRAY_BASE;
    private static final Field HANDLE;

    static {
        boolean ok;
        Field f = null;
        Unsafe u = null;
        long base = 0;
        try {
            f = PcapHandle.class.getDeclaredField("handle");
            f.setAccessible(true);
            Field uf = Unsafe.class.getDeclaredField("theUnsafe");
            uf.setAccessible(true);
            u = (Unsafe) uf.get(null);
            base = u.arrayBaseOffset(byte[].class);
            ok = f.getType() == Pointer.class && Native.POINTER_SIZE == 8;
        } catch (Throwable t) {
            ok = false;
        }
        AVAILABLE = ok;
        HANDLE = f;
        UNSAFE = u;
        BYTE_ARRAY_BASE = base;
    }

    private NativeAccess() {
    }

    /** The address of {@code h}'s {@code pcap_t}, or 0 when it cannot be had (not available, or a closed handle). */
    static long pcap(PcapHandle h) {
        if (!AVAILABLE) {
            return 0;
        }
        try {
            Pointer p = (Pointer) HANDLE.get(h);
            return p == null ? 0 : Pointer.nativeValue(p);
        } catch (IllegalAccessException | RuntimeException e) {
            return 0;
        }
    }
}
