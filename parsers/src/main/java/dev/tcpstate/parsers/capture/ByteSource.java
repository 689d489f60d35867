package dev.tcpstate.parsers.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * A window over a byte stream that record readers parse in place.
 *
 * <p>The window is one heap buffer filled from a channel in large reads. {@link #ensure(int)} makes a number of bytes
 * available from the current position, compacting and refilling as needed; the buffer grows only up to a hard
 * {@link #maxWindow} and only for lengths the caller has already validated, so no length field read from a file ever
 * decides an allocation on its own. Positions are tracked as absolute stream offsets for diagnostics.
 */
final class ByteSource {
    static final int INITIAL_CAPACITY = 1 << 20;
    /**
     * Most bytes one read asks for. Reads fill the window piece by piece, so the bytes just read are still in the
     * core's cache when the parser gets to them: a read of the whole megabyte would push its own first half out of a
     * 512 KiB L2 before parsing started, and every record would be fetched from memory again.
     */
    static final int READ_CHUNK = 1 << 17;

    private final ReadableByteChannel channel;
    private final int maxWindow;
    private ByteBuffer buf;
    private int generation;
    /** Index in {@link #buf} of the current position. */
    private int pos;
    /** Index in {@link #buf} one past the last valid byte. */
    private int end;
    /** Stream offset of {@code buf[0]}. */
    private long base;
    private boolean eof;
    /**
     * A read that failed after it had put some bytes in the window (a gzip stream cut off or damaged part way through
     * a read): those bytes are parsed first, and the failure is thrown when more are needed.
     */
    private IOException failure;

    ByteSource(ReadableByteChannel channel, int maxWindow) {
        this(channel, maxWindow, 0);
    }

    /** A source whose first byte is at {@code startOffset} of the stream (for a channel positioned there). */
    ByteSource(ReadableByteChannel channel, int maxWindow, long startOffset) {
        this.base = startOffset;
        this.channel = channel;
        this.maxWindow = maxWindow;
        this.buf = ByteBuffer.allocate(Math.min(INITIAL_CAPACITY, maxWindow));
    }

    ByteBuffer buffer() {
        return buf;
    }

    int generation() {
        return generation;
    }

    /** Index of the current position in {@link #buffer()}. */
    int position() {
        return pos;
    }

    /** Absolute stream offset of the current position. */
    long offset() {
        return base + pos;
    }

    /** Bytes available in the window from the current position, without reading more. */
    int available() {
        return end - pos;
    }

    /**
     * Makes {@code n} bytes available from the current position.
     *
     * @return false when the stream ends first; {@link #available()} then tells how many bytes there were
     */
    boolean ensure(int n) throws IOException {
        if (end - pos >= n) {
            return true;
        }
        if (n > maxWindow) {
            throw new IllegalArgumentException("window of " + n + " bytes exceeds " + maxWindow);
        }
        if (eof) {
            return false;
        }
        if (n > buf.capacity()) {
            int cap = buf.capacity();
            while (cap < n) {
                cap = Math.min(maxWindow, cap * 2);
            }
            ByteBuffer bigger = ByteBuffer.allocate(cap);
            bigger.put(0, buf, pos, end - pos);
            base += pos;
            end -= pos;
            pos = 0;
            buf = bigger;
            generation++;
        } else if (pos > 0) {
            buf.put(0, buf, pos, end - pos);
            base += pos;
            end -= pos;
            pos = 0;
        }
        while (end - pos < n) {
            if (failure != null) {
                IOException f = failure;
                failure = null;
                eof = true;
                buf.limit(end).position(pos);
                throw f;
            }
            buf.limit(Math.min(buf.capacity(), Math.max(end + READ_CHUNK, pos + n))).position(end);
            int r;
            try {
                r = channel.read(buf);
            } catch (IOException e) {
                r = buf.position() - end;
                if (r <= 0) {
                    buf.limit(end).position(pos);
                    throw e;
                }
                failure = e;
            }
            if (r < 0) {
                eof = true;
                break;
            }
            end += r;
        }
        buf.limit(end).position(pos);
        return end - pos >= n;
    }

    /** Moves the current position forward by {@code n} bytes, which must be available. */
    void advance(int n) {
        pos += n;
    }
}
