package dev.tcpstate.parsers.capture;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import sun.misc.Unsafe;

/**
 * Reads a regular file by copying from a memory mapping of it, one window at a time, instead of with read(2).
 *
 * <p>A read(2) from the page cache makes the kernel look up and copy every page, and Java's {@code FileChannel.read}
 * into a heap buffer copies the bytes a second time from a temporary native buffer. Copying straight out of a
 * mapping of the page cache costs one user-space copy and a page fault per few pages: on a 2 GB capture, about a
 * third of the processor time the reads took. The records are still parsed from the reader's heap buffer, exactly as
 * with any other channel.
 *
 * <p>Windows are mapped {@link #WINDOW} bytes at a time and released as soon as the reads pass them, so the file's
 * pages never count in the process's resident size beyond one window. A file that grows while it is read (a capture
 * still being written) is read on to its new end. Files that cannot be mapped (pipes, devices, empty or special
 * files, file systems without mmap) are read with the channel as before.
 */
final class MappedReads implements ReadableByteChannel {
    static final long WINDOW = 16L << 20;
    private static final Unsafe UNSAFE = unsafe();

    private final FileChannel file;
    private final long window;
    private MappedByteBuffer map;
    /** File offset of {@code map}'s first byte. */
    private long mapStart;
    /** File offset of the next byte to hand out. */
    private long next;
    /** The file's size when last looked at. */
    private long size;
    private boolean mapping = true;

    private MappedReads(FileChannel file, long window, long position, long size) {
        this.file = file;
        this.window = window;
        this.next = position;
        this.size = size;
    }

    /** A channel that reads {@code file} from its current position through mappings, or {@code file} itself. */
    static ReadableByteChannel of(FileChannel file) {
        return of(file, WINDOW);
    }

    static ReadableByteChannel of(FileChannel file, long window) {
        try {
            long size = file.size();
            return size > 0 ? new MappedReads(file, window, file.position(), size) : file;
        } catch (IOException e) {
            return file;
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (!file.isOpen()) {
            throw new ClosedChannelException();
        }
        if (!mapping) {
            int n = file.read(dst, next);
            if (n > 0) {
                next += n;
            }
            return n;
        }
        if (!dst.hasRemaining()) {
            return 0;
        }
        if (map == null || next >= mapStart + map.capacity()) {
            if (next >= size) {
                size = file.size();
                if (next >= size) {
                    return -1;
                }
            }
            if (!remap()) {
                return read(dst);
            }
        }
        int off = (int) (next - mapStart);
        int n = Math.min(dst.remaining(), map.capacity() - off);
        try {
            dst.put(dst.position(), map, off, n);
        } catch (InternalError e) {
            // The file was cut shorter than its mapping while it was read: the pages past its new end are gone.
            throw new IOException("the file shrank while it was read (at byte " + next + ")", e);
        }
        dst.position(dst.position() + n);
        next += n;
        return n;
    }

    /** Maps the window at {@link #next}; false (and reads go through the channel from now on) if it cannot. */
    private boolean remap() throws IOException {
        release();
        try {
            map = file.map(FileChannel.MapMode.READ_ONLY, next, Math.min(window, size - next));
            mapStart = next;
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            mapping = false;
            return false;
        }
    }

    private void release() {
        MappedByteBuffer m = map;
        map = null;
        if (m != null && UNSAFE != null) {
            // Only this object ever held the buffer, and nothing reads it after this point.
            UNSAFE.invokeCleaner(m);
        }
    }

    @Override
    public boolean isOpen() {
        return file.isOpen();
    }

    @Override
    public void close() throws IOException {
        release();
        file.close();
    }

    private static Unsafe unsafe() {
        try {
            Field f = Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (Unsafe) f.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Without it, a window is unmapped when the collector frees it, a little later.
            return null;
        }
    }
}
