package dev.tcpstate.parsers.io;

import io.kaitai.struct.ByteBufferKaitaiStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A Kaitai stream over the array of a heap {@link ByteBuffer}, for the generated header parsers on the packet path.
 *
 * <p>{@link ByteBufferKaitaiStream} switches the buffer's byte order and goes through the buffer's bounds checks on
 * every field, and the generated classes read fields on every packet (eleven for a pcap record of Ethernet, IPv4
 * and TCP: the specs of those headers read them in 8-byte words for the same reason), so that overhead dominates
 * decoding. This stream reads the backing array through byte-array views with a fixed byte order (one load per
 * field), keeps its own position and limit, and throws {@link BufferUnderflowException} exactly where the buffer
 * would. Only the reads the project's specs use are provided here; the rest (bit fields, floats, terminated
 * strings, substreams) fall back to the superclass, which sees the same bytes.
 */
public final class HeapKaitaiStream extends ByteBufferKaitaiStream {
    private static final VarHandle BE16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LE16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle BE32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LE32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle BE64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LE64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final byte[] array;
    private final int base;
    private final int capacity;
    private int pos;
    private int limit;

    /** A stream over {@code buffer}'s backing array, positions counted like the buffer's indexes. */
    public HeapKaitaiStream(ByteBuffer buffer) {
        super(buffer);
        if (!buffer.hasArray()) {
            throw new IllegalArgumentException("a heap buffer is required");
        }
        this.array = buffer.array();
        this.base = buffer.arrayOffset();
        this.capacity = buffer.capacity();
        this.limit = capacity;
    }

    /** Sets the index reads may not pass (like {@link ByteBuffer#limit(int)}). */
    public void limit(int end) {
        if (end < 0 || end > capacity) {
            throw new IllegalArgumentException("limit " + end + " outside 0.." + capacity);
        }
        limit = end;
    }

    public int limit() {
        return limit;
    }

    private int take(int n) {
        int p = pos;
        if (p > limit - n) {
            throw new BufferUnderflowException();
        }
        pos = p + n;
        return base + p;
    }

    @Override
    public void seek(int newPos) {
        if (newPos < 0 || newPos > limit) {
            throw new IllegalArgumentException("position " + newPos + " outside 0.." + limit);
        }
        pos = newPos;
    }

    @Override
    public void seek(long newPos) {
        if (newPos > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("position " + newPos + " beyond a heap buffer");
        }
        seek((int) newPos);
    }

    @Override
    public int pos() {
        return pos;
    }

    @Override
    public long size() {
        return limit;
    }

    @Override
    public boolean isEof() {
        return pos >= limit;
    }

    @Override
    public byte readS1() {
        return array[take(1)];
    }

    @Override
    public int readU1() {
        return array[take(1)] & 0xff;
    }

    @Override
    public short readS2be() {
        return (short) BE16.get(array, take(2));
    }

    @Override
    public short readS2le() {
        return (short) LE16.get(array, take(2));
    }

    @Override
    public int readU2be() {
        return (short) BE16.get(array, take(2)) & 0xffff;
    }

    @Override
    public int readU2le() {
        return (short) LE16.get(array, take(2)) & 0xffff;
    }

    @Override
    public int readS4be() {
        return (int) BE32.get(array, take(4));
    }

    @Override
    public int readS4le() {
        return (int) LE32.get(array, take(4));
    }

    @Override
    public long readU4be() {
        return (int) BE32.get(array, take(4)) & 0xffff_ffffL;
    }

    @Override
    public long readU4le() {
        return (int) LE32.get(array, take(4)) & 0xffff_ffffL;
    }

    @Override
    public long readS8be() {
        return (long) BE64.get(array, take(8));
    }

    @Override
    public long readS8le() {
        return (long) LE64.get(array, take(8));
    }

    @Override
    public long readU8be() {
        return (long) BE64.get(array, take(8));
    }

    @Override
    public long readU8le() {
        return (long) LE64.get(array, take(8));
    }

    @Override
    protected byte[] readBytesNotAligned(long n) {
        if (n < 0 || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("byte count " + n);
        }
        int from = take((int) n);
        return Arrays.copyOfRange(array, from, from + (int) n);
    }
}
