package dev.tcpstate.parsers.live;

import dev.tcpstate.parsers.capture.PacketRecord;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes packet records to a classic pcap file: the 24-byte file header and 16-byte record headers that
 * {@code pcap_file.ksy} describes, little-endian, with nanosecond timestamps (magic 0xa1b23c4d), readable by
 * tcpdump, Wireshark and tcpstate. The captured and original lengths of every record are kept as captured.
 */
public final class PcapWriter implements Closeable, Flushable {
    /** The nanosecond-resolution magic number. */
    static final int MAGIC_NANOS = 0xa1b23c4d;

    private final OutputStream out;
    private final byte[] header = new byte[16];
    private long records;
    private long bytes;

    public PcapWriter(Path path, int linkType, int snaplen) throws IOException {
        this(Files.newOutputStream(path), linkType, snaplen);
    }

    public PcapWriter(OutputStream stream, int linkType, int snaplen) throws IOException {
        this.out = new BufferedOutputStream(stream, 1 << 16);
        byte[] h = new byte[24];
        putInt(h, 0, MAGIC_NANOS);
        putShort(h, 4, 2);
        putShort(h, 6, 4);
        putInt(h, 8, 0); // thiszone
        putInt(h, 12, 0); // sigfigs
        putInt(h, 16, snaplen);
        putInt(h, 20, linkType);
        out.write(h);
        bytes = 24;
    }

    /** Appends one record. */
    public void write(PacketRecord r) throws IOException {
        long ts = r.timestampNanos;
        long sec = Math.floorDiv(ts, 1_000_000_000L);
        long frac = Math.floorMod(ts, 1_000_000_000L);
        putInt(header, 0, (int) sec);
        putInt(header, 4, (int) frac);
        putInt(header, 8, r.capturedLength);
        putInt(header, 12, (int) Math.min(r.originalLength, 0xffff_ffffL));
        out.write(header);
        out.write(r.buffer.array(), r.buffer.arrayOffset() + r.offset, r.capturedLength);
        records++;
        bytes += 16 + r.capturedLength;
    }

    /** Records written so far. */
    public long records() {
        return records;
    }

    /** Bytes written so far, the file header included. */
    public long bytes() {
        return bytes;
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) (v >>> 16);
        b[at + 3] = (byte) (v >>> 24);
    }

    private static void putShort(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
    }
}
