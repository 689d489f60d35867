package dev.tcpstate.parsers.live;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.pcap4j.core.PcapHandle;
import sun.misc.Unsafe;

/**
 * Reads packets of a pcap4j handle many at a time: one {@code pcap_dispatch} call hands up to {@link #MAX_PACKETS}
 * packets to libpcap's own {@code pcap_dump}, which appends each (a 16-byte record header and the captured bytes,
 * as in a pcap file) to an in-memory stream ({@code open_memstream}); the whole run is then copied into one Java
 * array in a single copy. Each native call through JNA costs far more than the few bytes of a packet header, so a
 * call per run rather than per packet ({@link DirectRead}) takes most of the read cost off the capturing thread.
 * Nothing calls back into Java, and nothing is allocated per packet.
 *
 * <p>It needs 64-bit pointers, {@code open_memstream} in the C library (glibc, musl, macOS) and the native handle
 * pcap4j keeps in a private field; when any is missing, {@link #of(PcapHandle)} returns null and the caller reads
 * packet by packet.
 */
final class BlockRead implements AutoCloseable {
    /** Most packets one {@code pcap_dispatch} call takes. */
    static final int MAX_PACKETS = 512;
    /** Bytes of a record header as {@code pcap_dump} writes it: seconds, fraction, captured and original length. */
    static final int RECORD_HEADER = 16;

    private static final boolean AVAILABLE;
    private static final Unsafe UNSAFE = NativeAccess.UNSAFE;
    private static final long BYTE_ARRAY_BASE = NativeAccess.BYTE_ARRAY_BASE;
    /** The address of libpcap's {@code pcap_dump}, a {@code pcap_handler} {@code pcap_dispatch} calls per packet. */
    private static final long PCAP_DUMP;
    private static final int SEEK_SET = 0;

    static {
        boolean ok;
        long dump = 0;
        try {
            String lib = System.getProperty(LiveCapture.LIB_NAME_PROPERTY, "pcap");
            Native.register(BlockRead.class, lib);
            Native.register(LibC.class, Platform.C_LIBRARY_NAME);
            Function fn = NativeLibrary.getInstance(lib).getFunction("pcap_dump");
            dump = Pointer.nativeValue(fn);
            ok = NativeAccess.AVAILABLE && dump != 0;
        } catch (Throwable t) {
            ok = false;
        }
        AVAILABLE = ok;
        PCAP_DUMP = dump;
    }

    /** {@code int pcap_dispatch(pcap_t *, int cnt, pcap_handler, u_char *user)}. */
    private static native int pcap_dispatch(long p, int cnt, long callback, long user);

    /** {@code pcap_dumper_t *pcap_dump_fopen(pcap_t *, FILE *)}: writes the 24-byte file header. */
    private static native long pcap_dump_fopen(long p, long file);

    /** {@code int pcap_dump_flush(pcap_dumper_t *)}: an {@code fflush}. */
    private static native int pcap_dump_flush(long dumper);

    /** {@code void pcap_dump_close(pcap_dumper_t *)}: an {@code fclose}. */
    private static native void pcap_dump_close(long dumper);

    /** {@code FILE *pcap_file(pcap_t *)}: the stream a file is read from, or null for an interface. */
    private static native long pcap_file(long p);

    /** The C library calls used on the memory stream. */
    private static final class LibC {
        static native long open_memstream(long bufferLocation, long sizeLocation);

        static native int fseek(long file, long offset, int whence);

        static native long ftell(long file);

        static native int fclose(long file);

        static native void free(long pointer);
    }

    /**
     * {@code __fsetlocking} (glibc, musl): stdio locks every stream on every call, an atomic operation each time in
     * a process with threads; a stream only the capturing thread uses does not need it.
     */
    private static final class StdioLocking {
        static final boolean AVAILABLE;
        private static final int FSETLOCKING_BYCALLER = 2;

        static {
            boolean ok;
            try {
                Native.register(StdioLocking.class, Platform.C_LIBRARY_NAME);
                ok = true;
            } catch (Throwable t) {
                ok = false;
            }
            AVAILABLE = ok;
        }

        static native int __fsetlocking(long file, int type);

        static void byCaller(long file) {
            if (AVAILABLE && file != 0) {
                __fsetlocking(file, FSETLOCKING_BYCALLER);
            }
        }
    }

    private final long pcap;
    /** Where the memory stream keeps its buffer's address (+0) and size (+8), updated on every flush. */
    private final Memory slots;
    private final long bufferSlot;
    private final long file;
    private final long dumper;
    private boolean closed;

    /** The last run's records, in the C library's byte order, and where the next one starts. */
    private byte[] block = new byte[1 << 16];
    private ByteBuffer view = ByteBuffer.wrap(block).order(ByteOrder.nativeOrder());
    private int position;
    private int length;
    /** An error or break pcap_dispatch returned after taking packets, returned once those are delivered. */
    private int pending;

    /** The packet {@link #next(boolean)} found: time stamp (seconds, and micro- or nanoseconds), lengths, bytes. */
    long seconds;
    long fraction;
    int capturedLength;
    int originalLength;
    int dataOffset;

    private BlockRead(long pcap, Memory slots, long file, long dumper) {
        this.pcap = pcap;
        this.slots = slots;
        this.bufferSlot = Pointer.nativeValue(slots);
        this.file = file;
        this.dumper = dumper;
    }

    static BlockRead of(PcapHandle h) {
        if (!AVAILABLE) {
            return null;
        }
        long pcap = NativeAccess.pcap(h);
        if (pcap == 0) {
            return null;
        }
        Memory slots = new Memory(16);
        slots.clear();
        long bufferSlot = Pointer.nativeValue(slots);
        long file = LibC.open_memstream(bufferSlot, bufferSlot + 8);
        if (file == 0) {
            return null;
        }
        long dumper = pcap_dump_fopen(pcap, file);
        if (dumper == 0) {
            LibC.fclose(file);
            LibC.free(UNSAFE.getLong(bufferSlot));
            return null;
        }
        // Both streams are used by the capturing thread alone (pcap_dump writes the one, a file is read from the other).
        StdioLocking.byCaller(file);
        StdioLocking.byCaller(pcap_file(pcap));
        return new BlockRead(pcap, slots, file, dumper);
    }

    /**
     * Makes the next packet current ({@link #seconds} ... {@link #dataOffset} into {@link #block()}), reading a new
     * run from libpcap when the last one is used up.
     *
     * @param offline the handle reads a file: a run of no packets is its end, not a quiet interface
     * @return {@link DirectRead#PACKET}, {@link DirectRead#NONE} (nothing waiting), {@link DirectRead#END} (end of a
     *         file, or the loop was broken) or {@link DirectRead#ERROR} (see {@code pcap_geterr})
     */
    int next(boolean offline) {
        if (position >= length) {
            int rc = fill();
            if (rc <= 0) {
                if (rc == 0) {
                    return offline ? DirectRead.END : DirectRead.NONE;
                }
                return rc == -2 ? DirectRead.END : DirectRead.ERROR;
            }
        }
        ByteBuffer v = view;
        int at = position;
        seconds = v.getInt(at) & 0xffff_ffffL;
        fraction = v.getInt(at + 4) & 0xffff_ffffL;
        capturedLength = v.getInt(at + 8);
        originalLength = v.getInt(at + 12);
        dataOffset = at + RECORD_HEADER;
        position = dataOffset + capturedLength;
        return DirectRead.PACKET;
    }

    /** The array the current packet's bytes are in; replaced when a run does not fit. */
    byte[] block() {
        return block;
    }

    /**
     * One pcap_dispatch into the memory stream, copied into {@link #block}; returns pcap_dispatch's result, except that
     * the packets it took before an error or a break are delivered first (positive result) and the error or break
     * comes from the next call.
     */
    private int fill() {
        position = 0;
        length = 0;
        if (pending != 0) {
            int rc = pending;
            pending = 0;
            return rc;
        }
        LibC.fseek(file, 0, SEEK_SET);
        int n = pcap_dispatch(pcap, MAX_PACKETS, PCAP_DUMP, dumper);
        if (n == 0) {
            return 0;
        }
        pcap_dump_flush(dumper);
        long bytes = LibC.ftell(file);
        if (bytes < RECORD_HEADER || bytes > Integer.MAX_VALUE - 8) {
            return n > 0 ? -1 : n;
        }
        int len = (int) bytes;
        if (len > block.length) {
            block = new byte[Math.max(len, block.length * 2)];
            view = ByteBuffer.wrap(block).order(ByteOrder.nativeOrder());
        }
        UNSAFE.copyMemory(null, UNSAFE.getLong(bufferSlot), block, BYTE_ARRAY_BASE, len);
        length = len;
        if (n < 0) {
            pending = n;
        }
        return 1;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            pcap_dump_close(dumper); // fclose: the stream's last flush sets the buffer address
            long buffer = UNSAFE.getLong(bufferSlot);
            if (buffer != 0) {
                LibC.free(buffer);
            }
        }
    }
}
