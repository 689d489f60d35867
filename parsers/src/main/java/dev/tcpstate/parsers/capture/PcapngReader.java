package dev.tcpstate.parsers.capture;

import dev.tcpstate.parsers.ksy.Pcapng;
import dev.tcpstate.parsers.io.HeapKaitaiStream;
import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads pcapng files block by block: sections of either byte order, any number of interfaces with their own link type,
 * timestamp resolution and offset; Enhanced, Simple and obsolete Packet Blocks. Every other block is skipped by its
 * length. The layouts come from {@code pcapng.ksy}; one generated object per layout and byte order is reused.
 */
final class PcapngReader implements CaptureReader {
    static final int SECTION_HEADER = 0x0A0D0D0A;
    static final int INTERFACE_DESCRIPTION = 0x00000001;
    static final int OBSOLETE_PACKET = 0x00000002;
    static final int SIMPLE_PACKET = 0x00000003;
    static final int ENHANCED_PACKET = 0x00000006;
    /** Largest block accepted: a block claiming more is taken as corrupt rather than allocated for. */
    static final int MAX_BLOCK = 16 << 20;
    private static final int OPT_END = 0;
    private static final int IF_NAME = 2;
    private static final int IF_TSRESOL = 9;
    private static final int IF_TSOFFSET = 14;

    /** Timestamp conversion of one interface. */
    private record Interface(CaptureInterface info, int globalId, boolean binary, int exponent, long offsetSeconds) {
        long toNanos(long units) {
            long nanos;
            if (!binary) {
                if (exponent <= 9) {
                    long scale = POW10[9 - exponent];
                    nanos = units * scale;
                } else {
                    nanos = units / POW10[Math.min(exponent - 9, 18)];
                }
            } else {
                long sec = exponent >= 64 ? 0 : units >>> exponent;
                long frac = exponent >= 64 ? units : units & ((1L << exponent) - 1);
                nanos = sec * 1_000_000_000L + (long) (frac * 1e9 / Math.pow(2, exponent));
            }
            return nanos + offsetSeconds * 1_000_000_000L;
        }
    }

    private static final long[] POW10 = new long[19];

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) {
            POW10[i] = POW10[i - 1] * 10;
        }
    }

    /** The generated layouts bound to the current buffer, for one byte order. */
    private static final class Layouts {
        final Pcapng.Section.BlockHeader block;
        final Pcapng.Section.SectionHeader section;
        final Pcapng.Section.InterfaceDescription idb;
        final Pcapng.Section.EnhancedPacket epb;
        final Pcapng.Section.SimplePacket spb;
        final Pcapng.Section.ObsoletePacket pb;
        final Pcapng.Section.OptionHeader option;
        final Pcapng.Section.U8Value u8;

        Layouts(HeapKaitaiStream io, boolean le) {
            block = new Pcapng.Section.BlockHeader(io, null, null, le);
            section = new Pcapng.Section.SectionHeader(io, null, null, le);
            idb = new Pcapng.Section.InterfaceDescription(io, null, null, le);
            epb = new Pcapng.Section.EnhancedPacket(io, null, null, le);
            spb = new Pcapng.Section.SimplePacket(io, null, null, le);
            pb = new Pcapng.Section.ObsoletePacket(io, null, null, le);
            option = new Pcapng.Section.OptionHeader(io, null, null, le);
            u8 = new Pcapng.Section.U8Value(io, null, null, le);
        }
    }

    private final String name;
    private final ReadableByteChannel channel;
    private final Consumer<CaptureProblem> problems;
    private final ByteSource src;
    private HeapKaitaiStream io;
    private Layouts le;
    private Layouts be;
    private int boundGeneration = -1;

    private Layouts cur;
    private final List<Interface> sectionInterfaces = new ArrayList<>();
    private final List<CaptureInterface> allInterfaces = new ArrayList<>();
    private int sections;
    private boolean sawLittle;
    private boolean sawBig;
    private long packets;
    private boolean damaged;
    private boolean ended;

    PcapngReader(String name, ReadableByteChannel channel, Consumer<CaptureProblem> problems) throws IOException {
        this.name = name;
        this.channel = channel;
        this.problems = problems;
        this.src = new ByteSource(channel, MAX_BLOCK + 64);
    }

    private void bind() {
        if (boundGeneration != src.generation()) {
            io = new HeapKaitaiStream(src.buffer());
            le = new Layouts(io, true);
            be = new Layouts(io, false);
            if (cur != null) {
                cur = sawBigCurrent ? be : le;
            }
            boundGeneration = src.generation();
        }
    }

    private boolean sawBigCurrent;

    @Override
    public boolean next(PacketRecord record) throws IOException {
        while (!ended) {
            long offset = src.offset();
            if (!src.ensure(8)) {
                int have = src.available();
                if (have > 0) {
                    report(offset, true, "file ends " + have + " bytes into an 8-byte block header (capture cut off?)");
                }
                ended = true;
                return false;
            }
            bind();
            int p = src.position();
            if (bigEndianInt(p) == SECTION_HEADER) {
                if (!startSection(offset)) {
                    ended = true;
                    return false;
                }
                p = src.position();
            } else if (cur == null) {
                report(offset, true, String.format("block type 0x%08x before any section header block (expected 0x0a0d0d0a)",
                        bigEndianInt(p)));
                ended = true;
                return false;
            }
            io.seek(p);
            cur.block._read();
            long type = cur.block.blockType();
            long total = cur.block.blockTotalLength();
            if (total < 12 || (total & 3) != 0 || total > MAX_BLOCK) {
                report(offset, true, String.format("block type 0x%08x has length %d (expected a multiple of 4 from 12 to %d); reading stops",
                        type, total, MAX_BLOCK));
                ended = true;
                return false;
            }
            int len = (int) total;
            if (!src.ensure(len)) {
                report(offset, true, String.format("block type 0x%08x says %d bytes but the file ends after %d (capture cut off?)",
                        type, total, src.available()));
                ended = true;
                return false;
            }
            bind();
            p = src.position();
            io.seek(p + len - 4);
            long trailer = cur == le ? io.readU4le() : io.readU4be();
            if (trailer != total) {
                report(offset, true, String.format("block type 0x%08x: trailing length %d differs from leading length %d",
                        type, trailer, total));
            }
            boolean delivered = switch ((int) type) {
                case SECTION_HEADER -> {
                    readSectionHeader(offset, p, len);
                    yield false;
                }
                case INTERFACE_DESCRIPTION -> {
                    readInterface(offset, p, len);
                    yield false;
                }
                case ENHANCED_PACKET -> readEnhanced(record, offset, p, len);
                case SIMPLE_PACKET -> readSimple(record, offset, p, len);
                case OBSOLETE_PACKET -> readObsolete(record, offset, p, len);
                default -> false;
            };
            src.advance(len);
            if (delivered) {
                return true;
            }
        }
        return false;
    }

    /** Picks the byte order of a new section from its byte-order magic. */
    private boolean startSection(long offset) throws IOException {
        if (!src.ensure(12)) {
            report(offset, true, "file ends inside a section header block (capture cut off?)");
            return false;
        }
        bind();
        int magic = bigEndianInt(src.position() + 8);
        if (magic == 0x4D3C2B1A) {
            cur = le;
            sawBigCurrent = false;
            sawLittle = true;
        } else if (magic == 0x1A2B3C4D) {
            cur = be;
            sawBigCurrent = true;
            sawBig = true;
        } else {
            report(offset, true, String.format("section header byte-order magic %08x (expected 1a2b3c4d in either byte order); reading stops", magic));
            return false;
        }
        return true;
    }

    /** Four bytes as a big-endian int, whatever order the shared buffer was last read in. */
    private int bigEndianInt(int index) {
        java.nio.ByteBuffer b = src.buffer();
        return (b.get(index) & 0xff) << 24 | (b.get(index + 1) & 0xff) << 16 | (b.get(index + 2) & 0xff) << 8
                | (b.get(index + 3) & 0xff);
    }

    private void readSectionHeader(long offset, int p, int len) {
        if (len < 28) {
            report(offset, true, "section header block of " + len + " bytes (expected at least 28)");
        } else {
            io.seek(p + 8);
            cur.section._read();
            if (cur.section.versionMajor() != 1) {
                report(offset, false, "section version " + cur.section.versionMajor() + "." + cur.section.versionMinor()
                        + " (expected 1.x); reading on");
            }
        }
        sections++;
        sectionInterfaces.clear();
    }

    private void readInterface(long offset, int p, int len) {
        if (len < 20) {
            report(offset, true, "interface description block of " + len + " bytes (expected at least 20)");
            return;
        }
        io.seek(p + 8);
        cur.idb._read();
        int linkType = cur.idb.linkType();
        long snap = cur.idb.snapLen();
        boolean binary = false;
        int exponent = 6;
        long tsOffset = 0;
        String ifName = null;
        int o = p + 16;
        int end = p + len - 4;
        while (o + 4 <= end) {
            io.seek(o);
            cur.option._read();
            int code = cur.option.code();
            int olen = cur.option.length();
            if (code == OPT_END) {
                break;
            }
            if (o + 4 + olen > end) {
                report(offset, true, "interface description option " + code + " of " + olen
                        + " bytes runs past its block");
                break;
            }
            if (code == IF_TSRESOL && olen >= 1) {
                int v = src.buffer().get(o + 4) & 0xff;
                binary = (v & 0x80) != 0;
                exponent = v & 0x7f;
            } else if (code == IF_TSOFFSET && olen >= 8) {
                io.seek(o + 4);
                cur.u8._read();
                tsOffset = cur.u8.value();
            } else if (code == IF_NAME && olen > 0) {
                byte[] b = new byte[olen];
                src.buffer().get(o + 4, b);
                int n = 0;
                while (n < b.length && b[n] != 0) {
                    n++;
                }
                ifName = new String(b, 0, n, StandardCharsets.UTF_8);
            }
            o += 4 + ((olen + 3) & ~3);
        }
        if (!binary && exponent > 18 || binary && exponent > 63) {
            report(offset, true, "if_tsresol exponent " + exponent + " out of range; using microseconds");
            binary = false;
            exponent = 6;
        }
        CaptureInterface info = new CaptureInterface(linkType, snap, ifName);
        sectionInterfaces.add(new Interface(info, allInterfaces.size(), binary, exponent, tsOffset));
        allInterfaces.add(info);
    }

    private Interface iface(long offset, long id) {
        if (id >= sectionInterfaces.size()) {
            report(offset, true, "packet on interface " + id + " but the section describes "
                    + sectionInterfaces.size() + " interface(s); packet skipped");
            return null;
        }
        return sectionInterfaces.get((int) id);
    }

    private boolean readEnhanced(PacketRecord record, long offset, int p, int len) {
        if (len < 32) {
            report(offset, true, "enhanced packet block of " + len + " bytes (expected at least 32)");
            return false;
        }
        io.seek(p + 8);
        cur.epb._read();
        long cap = cur.epb.capturedLen();
        if (cap > len - 32) {
            report(offset, true, "enhanced packet block says " + cap + " captured bytes but holds only " + (len - 32)
                    + "; packet skipped");
            return false;
        }
        Interface itf = iface(offset, cur.epb.interfaceId());
        if (itf == null) {
            return false;
        }
        long units = (cur.epb.timestampHigh() << 32) | cur.epb.timestampLow();
        fill(record, offset, itf, itf.toNanos(units), cur.epb.originalLen(), (int) cap, p + 28);
        return true;
    }

    private boolean readObsolete(PacketRecord record, long offset, int p, int len) {
        if (len < 32) {
            report(offset, true, "packet block of " + len + " bytes (expected at least 32)");
            return false;
        }
        io.seek(p + 8);
        cur.pb._read();
        long cap = cur.pb.capturedLen();
        if (cap > len - 32) {
            report(offset, true, "packet block says " + cap + " captured bytes but holds only " + (len - 32)
                    + "; packet skipped");
            return false;
        }
        Interface itf = iface(offset, cur.pb.interfaceId());
        if (itf == null) {
            return false;
        }
        long units = (cur.pb.timestampHigh() << 32) | cur.pb.timestampLow();
        fill(record, offset, itf, itf.toNanos(units), cur.pb.originalLen(), (int) cap, p + 28);
        return true;
    }

    private boolean readSimple(PacketRecord record, long offset, int p, int len) {
        if (len < 16) {
            report(offset, true, "simple packet block of " + len + " bytes (expected at least 16)");
            return false;
        }
        Interface itf = iface(offset, 0);
        if (itf == null) {
            return false;
        }
        io.seek(p + 8);
        cur.spb._read();
        long orig = cur.spb.originalLen();
        long cap = Math.min(orig, len - 16);
        if (itf.info().snapLength() > 0) {
            cap = Math.min(cap, itf.info().snapLength());
        }
        fill(record, offset, itf, 0, orig, (int) cap, p + 12);
        return true;
    }

    private void fill(PacketRecord record, long offset, Interface itf, long nanos, long orig, int cap, int dataIndex) {
        packets++;
        record.packetNumber = packets;
        record.timestampNanos = nanos;
        record.linkType = itf.info().linkType();
        record.interfaceId = itf.globalId();
        record.originalLength = orig;
        record.capturedLength = cap;
        record.fileOffset = offset;
        if (record.buffer != src.buffer()) {
            record.buffer = src.buffer();
            record.bufferGeneration++;
        }
        record.offset = dataIndex;
    }

    private void report(long offset, boolean damage, String message) {
        if (damage) {
            damaged = true;
        }
        problems.accept(new CaptureProblem(name, offset, packets + 1, damage, message));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String formatDescription() {
        String order = sawLittle && sawBig ? "mixed byte order" : sawBig ? "big-endian" : "little-endian";
        return "pcapng (" + sections + (sections == 1 ? " section, " : " sections, ") + order + ")";
    }

    @Override
    public List<CaptureInterface> interfaces() {
        return Collections.unmodifiableList(allInterfaces);
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
