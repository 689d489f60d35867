package dev.tcpstate.parsers.capture;

import dev.tcpstate.parsers.ksy.PcapFile;
import dev.tcpstate.parsers.io.HeapKaitaiStream;
import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads classic pcap files (both byte orders, microsecond and nanosecond timestamps) record by record.
 *
 * <p>The layouts come from {@code pcap_file.ksy}; one generated record-header object is reused for every record and
 * the packet bytes are handed out in place. A record header whose lengths are implausible is reported and the reader
 * looks for the next plausible record (two consecutive headers that make sense) before giving up.
 */
final class PcapReader implements CaptureReader {
    /** Largest captured length accepted without question: libpcap's and Wireshark's maximum snapshot length. */
    static final int MAX_PLAUSIBLE_CAPLEN = 262_144;
    /** How far ahead the reader looks for the next plausible record after a corrupt record header. */
    static final int RESYNC_LIMIT = 16 << 20;
    static final int MAX_WINDOW = 1 << 24;
    private static final int HEADER = 24;
    private static final int RECORD_HEADER = 16;
    /** How many per-record warnings of one kind are printed before they are only counted. */
    private static final int WARNINGS_SHOWN = 5;

    private final String name;
    private final ReadableByteChannel channel;
    private final Consumer<CaptureProblem> problems;
    private final ByteSource src;
    private final boolean littleEndian;
    private final boolean nanos;
    private final long snaplen;
    private final int linkType;
    private final int versionMajor;
    private final int versionMinor;
    /** Largest captured length read as a packet: the snap length or libpcap's maximum, within the window. */
    private final long capLimit;

    /** Records starting at or after this offset belong to the next part of the file. */
    private long endOffset;
    private HeapKaitaiStream io;
    private PcapFile.FileHeader.RecordHeader rh;
    private int boundGeneration = -1;
    private long packets;
    private boolean damaged;
    private boolean ended;
    private long lastTsSec = -1;
    private int overSnaplen;
    /** The fields of the record header read last by {@link #readRecordHeader(int)}, unsigned. */
    private long tsSec, tsFrac, inclLen, origLen;

    PcapReader(String name, ReadableByteChannel channel, Consumer<CaptureProblem> problems) throws IOException {
        this.name = name;
        this.channel = channel;
        this.problems = problems;
        this.src = new ByteSource(channel, MAX_WINDOW);
        if (!src.ensure(HEADER)) {
            int have = src.available();
            channel.close();
            throw new CaptureFormatException(new CaptureProblem(name, 0, -1, true,
                    "file ends after " + have + " bytes, inside the 24-byte pcap file header"));
        }
        bind();
        PcapFile file = new PcapFile(io);
        io.seek(src.position());
        file._read();
        PcapFile.FileHeader h = file.header();
        byte[] magic = file.magic();
        this.littleEndian = (magic[0] & 0xff) != 0xa1;
        this.nanos = (littleEndian ? magic[1] : magic[2]) == 0x3c;
        this.snaplen = h.snaplen();
        this.linkType = (int) (h.linkTypeAndFcs() & 0x0FFF_FFFFL);
        this.versionMajor = h.versionMajor();
        this.versionMinor = h.versionMinor();
        this.capLimit = Math.min(Math.max(snaplen, MAX_PLAUSIBLE_CAPLEN), MAX_WINDOW - 2 * RECORD_HEADER);
        src.advance(HEADER);
        rh = new PcapFile.FileHeader.RecordHeader(io, h, file, littleEndian);
        this.endOffset = Long.MAX_VALUE;
    }

    /** The header facts a reader of a later part of the file needs. */
    record Header(boolean littleEndian, boolean nanos, long snaplen, int linkType, int versionMajor, int versionMinor) {
    }

    /** Stops this reader before the record that starts at {@code end}. */
    PcapReader limitTo(long end) {
        this.endOffset = end;
        return this;
    }

    Header header() {
        return new Header(littleEndian, nanos, snaplen, linkType, versionMajor, versionMinor);
    }

    /** A reader of the records that start in {@code [start, end)}; {@code channel} is positioned at {@code start}. */
    PcapReader(String name, ReadableByteChannel channel, Consumer<CaptureProblem> problems, Header h, long start, long end) {
        this.name = name;
        this.channel = channel;
        this.problems = problems;
        this.src = new ByteSource(channel, MAX_WINDOW, start);
        this.littleEndian = h.littleEndian();
        this.nanos = h.nanos();
        this.snaplen = h.snaplen();
        this.linkType = h.linkType();
        this.versionMajor = h.versionMajor();
        this.versionMinor = h.versionMinor();
        this.capLimit = Math.min(Math.max(snaplen, MAX_PLAUSIBLE_CAPLEN), MAX_WINDOW - 2 * RECORD_HEADER);
        this.endOffset = end;
        bind();
        rh = new PcapFile.FileHeader.RecordHeader(io, null, null, littleEndian);
    }

    /**
     * The offset of the first record that starts at or after {@code from}: the first offset where {@code chain}
     * consecutive record headers all make sense (or the last of them ends exactly at the end of the file).
     *
     * @return the offset, or -1 when none is found within {@link #RESYNC_LIMIT} bytes
     */
    static long findRecordStart(java.nio.channels.FileChannel file, Header h, long from, int chain) throws IOException {
        PcapReader probe = new PcapReader("", file.position(from), p -> { }, h, from, Long.MAX_VALUE);
        return probe.scanForChain(chain);
    }

    private long scanForChain(int chain) throws IOException {
        for (long scanned = 0; scanned < RESYNC_LIMIT; scanned++) {
            if (!src.ensure(RECORD_HEADER)) {
                return -1;
            }
            int at = 0;
            int n = 0;
            boolean ok = true;
            while (n < chain) {
                if (!src.ensure(at + RECORD_HEADER)) {
                    ok = src.available() == at && n > 0; // the chain ends exactly at the end of the file
                    break;
                }
                bind();
                readRecordHeader(src.position() + at);
                long incl = inclLen;
                if (!candidate(incl, origLen, tsSec, tsFrac)) {
                    ok = false;
                    break;
                }
                lastTsSec = tsSec;
                at += RECORD_HEADER + (int) incl;
                n++;
            }
            lastTsSec = -1;
            if (ok) {
                return src.offset();
            }
            src.advance(1);
        }
        return -1;
    }

    private void bind() {
        if (boundGeneration != src.generation()) {
            io = new HeapKaitaiStream(src.buffer());
            if (rh != null) {
                rh = new PcapFile.FileHeader.RecordHeader(io, null, null, littleEndian);
            }
            boundGeneration = src.generation();
        }
    }

    @Override
    public boolean next(PacketRecord record) throws IOException {
        while (!ended) {
            long offset = src.offset();
            if (offset >= endOffset) {
                ended = true;
                return false;
            }
            if (!src.ensure(RECORD_HEADER)) {
                int have = src.available();
                if (have > 0) {
                    report(offset, packets + 1, true, "file ends " + have
                            + " bytes into a 16-byte record header (capture cut off?)");
                }
                ended = true;
                return false;
            }
            bind();
            readRecordHeader(src.position());
            long incl = inclLen;
            long orig = origLen;
            if (incl > capLimit) {
                String why = "corrupt record header: " + incl + " captured bytes (expected at most " + capLimit + ")";
                if (!resync(offset, why)) {
                    ended = true;
                    return false;
                }
                continue;
            }
            if (snaplen > 0 && incl > snaplen) {
                if (overSnaplen++ < WARNINGS_SHOWN) {
                    report(offset, packets + 1, false, "captured length " + incl
                            + " exceeds the file's snap length " + snaplen + " (read anyway)");
                }
            }
            int total = RECORD_HEADER + (int) incl;
            if (!src.ensure(total)) {
                report(offset, packets + 1, true, "file ends after " + (src.available() - RECORD_HEADER) + " of "
                        + incl + " captured bytes of the packet (capture cut off?)");
                ended = true;
                return false;
            }
            bind();
            packets++;
            long sec = tsSec;
            long frac = tsFrac;
            lastTsSec = sec;
            record.packetNumber = packets;
            record.timestampNanos = sec * 1_000_000_000L + (nanos ? frac : frac * 1_000L);
            record.linkType = linkType;
            record.interfaceId = 0;
            record.originalLength = orig;
            record.capturedLength = (int) incl;
            record.fileOffset = offset;
            if (record.buffer != src.buffer()) {
                record.buffer = src.buffer();
                record.bufferGeneration++;
            }
            record.offset = src.position() + RECORD_HEADER;
            src.advance(total);
            return true;
        }
        return false;
    }

    /**
     * Parses the record header at buffer index {@code at} (which must hold 16 bytes) into {@link #tsSec},
     * {@link #tsFrac}, {@link #inclLen} and {@link #origLen}. The generated header reads two 8-byte integers in the
     * file's byte order; the field first in the file is the low half of each in a little-endian file, the high half in
     * a big-endian one.
     */
    private void readRecordHeader(int at) {
        io.seek(at);
        rh._read();
        long ts = rh.timestamp();
        long lengths = rh.lengths();
        if (littleEndian) {
            tsSec = ts & 0xffff_ffffL;
            tsFrac = ts >>> 32;
            inclLen = lengths & 0xffff_ffffL;
            origLen = lengths >>> 32;
        } else {
            tsSec = ts >>> 32;
            tsFrac = ts & 0xffff_ffffL;
            inclLen = lengths >>> 32;
            origLen = lengths & 0xffff_ffffL;
        }
    }

    /** A stricter test used while looking for the next record after damage. */
    private boolean candidate(long incl, long orig, long tsSec, long tsFrac) {
        if (incl > capLimit || incl > orig || orig > 0x100000L) {
            return false;
        }
        if (tsFrac >= (nanos ? 1_000_000_000L : 1_000_000L)) {
            return false;
        }
        return lastTsSec < 0 || Math.abs(tsSec - lastTsSec) <= 86_400;
    }

    /**
     * After a corrupt record header at {@code offset}, looks for the next offset where a record header and the one
     * after it both make sense.
     */
    private boolean resync(long offset, String why) throws IOException {
        damaged = true;
        long scanned = 0;
        src.advance(1);
        while (scanned < RESYNC_LIMIT) {
            if (!src.ensure(RECORD_HEADER)) {
                break;
            }
            bind();
            readRecordHeader(src.position());
            long incl = inclLen;
            if (candidate(incl, origLen, tsSec, tsFrac)) {
                int next = RECORD_HEADER + (int) incl;
                if (src.ensure(next + RECORD_HEADER)) {
                    bind();
                    readRecordHeader(src.position() + next);
                    if (candidate(inclLen, origLen, tsSec, tsFrac)) {
                        break;
                    }
                } else if (src.available() == next) {
                    break; // the candidate is the last record of the file
                }
            }
            src.advance(1);
            scanned++;
        }
        boolean found = scanned < RESYNC_LIMIT && src.ensure(RECORD_HEADER);
        if (found) {
            report(offset, packets + 1, true, why + "; skipped " + (src.offset() - offset)
                    + " bytes to the next plausible record at offset " + src.offset());
        } else {
            report(offset, packets + 1, true, why + "; no plausible record follows, reading stops");
        }
        return found;
    }

    private void report(long offset, long packet, boolean damage, String message) {
        if (damage) {
            damaged = true;
        }
        problems.accept(new CaptureProblem(name, offset, packet, damage, message));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String formatDescription() {
        return "pcap " + versionMajor + "." + versionMinor + " (" + (littleEndian ? "little" : "big") + "-endian, "
                + (nanos ? "nanosecond" : "microsecond") + " timestamps)";
    }

    @Override
    public List<CaptureInterface> interfaces() {
        return List.of(new CaptureInterface(linkType, snaplen, null));
    }

    @Override
    public boolean damaged() {
        return damaged;
    }

    @Override
    public long bytesRead() {
        return src.offset();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
