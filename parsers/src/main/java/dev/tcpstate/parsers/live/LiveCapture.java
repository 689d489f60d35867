package dev.tcpstate.parsers.live;

import dev.tcpstate.parsers.capture.CaptureInterface;
import dev.tcpstate.parsers.capture.CaptureReader;
import dev.tcpstate.parsers.capture.PacketRecord;
import java.io.EOFException;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapAddress;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.PcapStat;
import org.pcap4j.core.Pcaps;

/**
 * Captures packets from a network interface through libpcap (pcap4j), as a {@link CaptureReader}; or, with
 * {@link #replay}, reads a capture file through libpcap's offline reader with the same code.
 *
 * <p>pcap4j opens and configures the handle; packets are read with {@link BlockRead} (one native call for a run of
 * up to {@value BlockRead#MAX_PACKETS} packets, no objects), else with {@link DirectRead} (one native call a packet),
 * else with pcap4j's {@code getNextRawPacketEx}, whichever is available first. The system property
 * {@value #READ_PROPERTY} ({@code block}, {@code packet} or {@code pcap4j}) picks one where it is available.
 *
 * <p>The handle is opened in immediate mode and read without blocking: when nothing is waiting the reader sleeps a
 * few milliseconds and tries again, so {@link #poll(PacketRecord, long)} returns within its wait even on a silent
 * interface (libpcap's own read timeout does not fire on an idle interface with TPACKET_V3) and {@link #stop()} ends
 * {@link #next(PacketRecord)} promptly from any thread. Only the raw bytes are taken from pcap4j, never its decoded
 * packets; they are copied into reused arrays. Packet numbers count from 1 and {@link PacketRecord#fileOffset}
 * is the offset the record has in a classic pcap file of the same packets (as {@link PcapWriter} writes them).
 */
public final class LiveCapture implements CaptureReader {
    /** Headers only: enough for link, IP (with extension headers or options) and TCP headers with options. */
    public static final int DEFAULT_SNAPLEN = 256;
    /** Kernel capture buffer: bursts of several hundred thousand header-sized packets. */
    public static final int DEFAULT_BUFFER_BYTES = 32 << 20;
    /** The property pcap4j reads for the library's name. */
    static final String LIB_NAME_PROPERTY = "org.pcap4j.core.pcapLibName";
    /** The system property that picks the read path: block (the default), packet or pcap4j. */
    public static final String READ_PROPERTY = "tcpstate.live.read";
    private static final long IDLE_SLEEP_MILLIS = 5;

    /**
     * What to capture.
     *
     * @param interfaceName the interface, as {@link #listInterfaces()} names it
     * @param snaplen       bytes kept per packet
     * @param promiscuous   put the interface in promiscuous mode
     * @param filter        a BPF filter expression (tcpdump syntax), or null for every packet
     * @param bufferBytes   kernel capture buffer size
     */
    public record Options(String interfaceName, int snaplen, boolean promiscuous, String filter, int bufferBytes) {
        public Options {
            if (snaplen < 64 || snaplen > 262_144) {
                throw new IllegalArgumentException("snap length must be between 64 and 262144 bytes");
            }
        }

        public static Options of(String interfaceName) {
            return new Options(interfaceName, DEFAULT_SNAPLEN, false, null, DEFAULT_BUFFER_BYTES);
        }
    }

    private final PcapHandle handle;
    /** The read path: runs of packets, or else one packet a call, or else (both null) pcap4j's own call. */
    private final BlockRead block;
    private final DirectRead direct;
    private final boolean nanos;
    private final String name;
    private final int linkType;
    private final int snaplen;
    /** Read from a file ({@link #replay}), not an interface. */
    private final boolean replay;
    /** Where packets are copied to (the block reader has its own array). */
    private final byte[] data;
    /** Bytes kept of each packet: the snap length a replay emulates, else all that libpcap gives. */
    private final int keep;
    /** The array of the packets handed out, wrapped: {@link #data}, or the block reader's. */
    private ByteBuffer buffer;
    private volatile boolean stopped;
    private boolean closed;
    private long packets;
    private long offset = 24;

    private LiveCapture(PcapHandle handle, String name, int linkType, int snaplen, boolean replay, int keep) {
        this.handle = handle;
        String read = System.getProperty(READ_PROPERTY, "block");
        this.block = read.equals("block") ? BlockRead.of(handle) : null;
        this.direct = block == null && !read.equals("pcap4j") ? DirectRead.of(handle) : null;
        this.nanos = handle.getTimestampPrecision() == PcapHandle.TimestampPrecision.NANO;
        this.name = name;
        this.linkType = linkType;
        this.snaplen = snaplen;
        this.replay = replay;
        this.data = new byte[Math.max(snaplen, 1 << 16)];
        this.keep = keep > 0 ? keep : Integer.MAX_VALUE;
        this.buffer = ByteBuffer.wrap(data);
    }

    /**
     * Reads a capture file through libpcap's offline reader (nanosecond timestamps where libpcap offers them) with
     * the same read path as a live capture: {@link #poll} and {@link #next} return the file's packets that pass the
     * filter, then report the end ({@link #stopped()} turns true). Nothing waits: a packet is always ready until the
     * end. {@link #stats()} is null (a file has no kernel counters).
     *
     * @param file    a pcap or pcapng file libpcap can read (not compressed)
     * @param filter  a BPF filter expression (tcpdump syntax), or null for every packet
     * @param snaplen bytes kept per packet, as a live capture with this snap length would keep them; 0 keeps what
     *                the file holds
     * @throws LiveCaptureException with a one-line message when the file cannot be opened as a capture
     *                              ({@link LiveCaptureException.Kind#UNREADABLE_FILE}), libpcap is missing or the
     *                              filter does not compile
     */
    public static LiveCapture replay(String file, String filter, int snaplen) throws LiveCaptureException {
        PcapHandle handle;
        try {
            try {
                handle = Pcaps.openOffline(file, PcapHandle.TimestampPrecision.NANO);
            } catch (PcapNativeException e) {
                if (!String.valueOf(e.getMessage()).contains("is not supported")) {
                    throw unreadable(file, e);
                }
                // A libpcap without pcap_open_offline_with_tstamp_precision (before 1.5): microseconds then.
                try {
                    handle = Pcaps.openOffline(file);
                } catch (PcapNativeException e2) {
                    throw unreadable(file, e2);
                }
            }
        } catch (LinkageError e) {
            throw libpcapMissing(e);
        }
        try {
            setFilter(handle, filter);
            int fileSnaplen = handle.getSnapshot();
            return new LiveCapture(handle, file, linkTypeOf(handle.getDlt().value()),
                    snaplen > 0 ? snaplen : fileSnaplen, true, snaplen);
        } catch (NotOpenException e) {
            handle.close();
            throw new LiveCaptureException(LiveCaptureException.Kind.OTHER, file + ": " + e.getMessage(), e);
        } catch (LiveCaptureException e) {
            handle.close();
            throw e;
        }
    }

    private static LiveCaptureException unreadable(String file, PcapNativeException e) {
        String m = String.valueOf(e.getMessage()).strip();
        // libpcap names the file itself in some messages ("FILE: No such file or directory").
        if (m.startsWith(file + ": ")) {
            m = m.substring(file.length() + 2);
        }
        String lower = m.toLowerCase(Locale.ROOT);
        String why;
        if (lower.contains("no such file")) {
            why = "no such file";
        } else if (lower.contains("permission denied")) {
            why = "permission denied";
        } else if (lower.contains("is a directory")) {
            why = "is a directory";
        } else if (lower.contains("unknown file format")) {
            why = "not a capture libpcap can read (unknown file format; libpcap reads plain pcap and pcapng, not"
                    + " compressed files)";
        } else {
            why = "cannot read: " + (m.isEmpty() ? e.toString() : m);
        }
        return new LiveCaptureException(LiveCaptureException.Kind.UNREADABLE_FILE, file + ": " + why, e);
    }

    private static void setFilter(PcapHandle handle, String filter) throws LiveCaptureException, NotOpenException {
        if (filter != null && !filter.isBlank()) {
            try {
                handle.setFilter(filter, BpfProgram.BpfCompileMode.OPTIMIZE);
            } catch (PcapNativeException e) {
                String m = String.valueOf(e.getMessage()).replaceFirst("^Error occurred in pcap_compile: ", "");
                throw new LiveCaptureException(LiveCaptureException.Kind.BAD_FILTER,
                        "filter '" + filter + "' does not compile: " + m, e);
            }
        }
    }

    /**
     * Starts capturing.
     *
     * @throws LiveCaptureException with a one-line message when the interface does not exist, capturing is not
     *                              permitted, libpcap is missing or the filter does not compile
     */
    public static LiveCapture open(Options o) throws LiveCaptureException {
        List<LiveInterface> all = listInterfaces();
        if (all.stream().noneMatch(i -> i.name().equals(o.interfaceName()))) {
            throw new LiveCaptureException(LiveCaptureException.Kind.NO_SUCH_INTERFACE, "no such interface: '"
                    + o.interfaceName() + "'; available: "
                    + all.stream().map(LiveInterface::name).collect(Collectors.joining(", ")), null);
        }
        PcapHandle handle;
        try {
            handle = build(o, true);
        } catch (PcapNativeException e) {
            String m = String.valueOf(e.getMessage());
            if (m.toLowerCase(Locale.ROOT).contains("timestamp") || m.toLowerCase(Locale.ROOT).contains("time stamp")) {
                try {
                    handle = build(o, false); // nanosecond timestamps unsupported: microseconds then
                } catch (PcapNativeException e2) {
                    throw openFailure(o.interfaceName(), e2);
                }
            } else {
                throw openFailure(o.interfaceName(), e);
            }
        } catch (LinkageError e) {
            throw libpcapMissing(e);
        }
        try {
            setFilter(handle, o.filter());
            handle.setBlockingMode(PcapHandle.BlockingMode.NONBLOCKING);
            int dlt = handle.getDlt().value();
            return new LiveCapture(handle, o.interfaceName(), linkTypeOf(dlt), handle.getSnapshot(), false, 0);
        } catch (PcapNativeException | NotOpenException e) {
            handle.close();
            throw new LiveCaptureException(LiveCaptureException.Kind.OTHER,
                    o.interfaceName() + ": " + e.getMessage(), e);
        } catch (LiveCaptureException e) {
            handle.close();
            throw e;
        }
    }

    private static PcapHandle build(Options o, boolean nanos) throws PcapNativeException {
        PcapHandle.Builder b = new PcapHandle.Builder(o.interfaceName())
                .snaplen(o.snaplen())
                .promiscuousMode(o.promiscuous() ? PcapNetworkInterface.PromiscuousMode.PROMISCUOUS
                        : PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS)
                .timeoutMillis(100)
                .bufferSize(o.bufferBytes())
                .immediateMode(true);
        if (nanos) {
            b.timestampPrecision(PcapHandle.TimestampPrecision.NANO);
        }
        return b.build();
    }

    private static LiveCaptureException openFailure(String iface, PcapNativeException e) {
        String m = String.valueOf(e.getMessage());
        String lower = m.toLowerCase(Locale.ROOT);
        if (lower.contains("permission") || lower.contains("not permitted")) {
            return new LiveCaptureException(LiveCaptureException.Kind.NOT_PERMITTED, "not permitted to capture on "
                    + iface + " (" + m + "): run as root, or grant the capabilities to the java binary with"
                    + " 'setcap cap_net_raw,cap_net_admin=eip \"$(readlink -f \"$(command -v java)\")\"'", e);
        }
        if (lower.contains("no such device")) {
            return new LiveCaptureException(LiveCaptureException.Kind.NO_SUCH_INTERFACE,
                    "no such interface: '" + iface + "' (" + m + ")", e);
        }
        return new LiveCaptureException(LiveCaptureException.Kind.OTHER, "cannot capture on " + iface + ": " + m, e);
    }

    private static LiveCaptureException libpcapMissing(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String detail = root.getMessage() == null ? root.toString()
                : root.getMessage().lines().findFirst().orElse("").replaceAll("[:\\s]+$", "");
        return new LiveCaptureException(LiveCaptureException.Kind.LIBPCAP_MISSING,
                "libpcap could not be loaded (" + detail + "): install it, e.g. 'apt-get install libpcap0.8'"
                        + " (Debian, Ubuntu) or 'dnf install libpcap' (Fedora, RHEL)", e);
    }

    /** DLT_ values that differ from their LINKTYPE_ value; the rest are the same number. */
    static int linkTypeOf(int dlt) {
        return switch (dlt) {
            case 12, 14 -> 101; // DLT_RAW on most systems, and OpenBSD's: LINKTYPE_RAW
            default -> dlt;
        };
    }

    /** The interfaces libpcap can capture on, with their addresses. */
    public static List<LiveInterface> listInterfaces() throws LiveCaptureException {
        List<PcapNetworkInterface> devs;
        try {
            devs = Pcaps.findAllDevs();
        } catch (PcapNativeException e) {
            throw new LiveCaptureException(LiveCaptureException.Kind.OTHER,
                    "cannot list interfaces: " + e.getMessage(), e);
        } catch (LinkageError e) {
            throw libpcapMissing(e);
        }
        List<LiveInterface> out = new ArrayList<>();
        for (PcapNetworkInterface d : devs) {
            List<String> addrs = new ArrayList<>();
            for (PcapAddress a : d.getAddresses()) {
                InetAddress ia = a.getAddress();
                if (ia != null) {
                    addrs.add(text(ia));
                }
            }
            out.add(new LiveInterface(d.getName(), d.getDescription(), List.copyOf(addrs), d.isLoopBack(), d.isUp(),
                    d.isRunning()));
        }
        return out;
    }

    private static String text(InetAddress a) {
        if (a instanceof Inet6Address) {
            try {
                // Without the zone, in the shortest form (the longest run of zero groups becomes "::").
                return compress(InetAddress.getByAddress(a.getAddress()).getHostAddress());
            } catch (java.net.UnknownHostException e) {
                return a.getHostAddress();
            }
        }
        return a.getHostAddress();
    }

    /** RFC 5952 text of an IPv6 address Java wrote in its long form (no zone). */
    static String compress(String longForm) {
        String[] g = longForm.split(":");
        if (g.length != 8) {
            return longForm;
        }
        int best = -1, bestLen = 1, run = -1;
        for (int i = 0; i <= 8; i++) {
            boolean zero = i < 8 && Integer.parseInt(g[i], 16) == 0;
            if (zero && run < 0) {
                run = i;
            } else if (!zero && run >= 0) {
                if (i - run > bestLen) {
                    best = run;
                    bestLen = i - run;
                }
                run = -1;
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == best) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(Integer.parseInt(g[i], 16)));
        }
        return sb.toString();
    }

    /**
     * Takes the next packet, waiting up to {@code waitMillis} for one.
     *
     * @return true when {@code record} holds a packet; false when none arrived in time or capturing stopped
     */
    public boolean poll(PacketRecord record, long waitMillis) throws IOException {
        long deadline = 0;
        boolean waiting = false; // the clock is read only once nothing is waiting
        while (!stopped) {
            int rc = block != null ? readBlock(record) : direct != null ? readDirect(record) : readPcap4j(record);
            if (rc == DirectRead.PACKET) {
                return true;
            }
            if (rc == DirectRead.END) {
                stopped = true;
                return false;
            }
            if (waitMillis <= 0) {
                return false;
            }
            long now = System.nanoTime();
            if (!waiting) {
                waiting = true;
                deadline = now + waitMillis * 1_000_000L;
            } else if (now - deadline >= 0) {
                return false;
            }
            try {
                Thread.sleep(IDLE_SLEEP_MILLIS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                stopped = true;
                return false;
            }
        }
        return false;
    }

    /** The next packet of the block reader's run (a new run when it is used up), or nothing waiting, or the end. */
    private int readBlock(PacketRecord record) throws IOException {
        int rc = block.next(replay);
        if (rc == DirectRead.PACKET) {
            byte[] b = block.block();
            if (buffer.array() != b) {
                buffer = ByteBuffer.wrap(b);
            }
            long frac = nanos ? block.fraction : block.fraction * 1000L;
            fill(record, block.seconds * 1_000_000_000L + frac, block.dataOffset,
                    Math.min(block.capturedLength, keep), block.originalLength);
        } else if (rc == DirectRead.ERROR) {
            throw readFailure();
        }
        return rc;
    }

    /** One pcap_next_ex call: a packet into {@code record}, or nothing waiting, or the end. */
    private int readDirect(PacketRecord record) throws IOException {
        int rc = direct.next(data, keep);
        if (rc == DirectRead.PACKET) {
            long frac = nanos ? direct.fraction : direct.fraction * 1000L;
            fill(record, direct.seconds * 1_000_000_000L + frac, 0, direct.capturedLength, direct.originalLength);
        } else if (rc == DirectRead.ERROR) {
            throw readFailure();
        }
        return rc;
    }

    private IOException readFailure() {
        String m;
        try {
            m = handle.getError();
        } catch (NotOpenException e) {
            m = "handle closed";
        }
        return new IOException(name + ": " + failed() + m);
    }

    private String failed() {
        return replay ? "read failed: " : "capture failed: ";
    }

    /** The same through pcap4j's own call. */
    private int readPcap4j(PacketRecord record) throws IOException {
        byte[] raw;
        try {
            raw = handle.getNextRawPacketEx();
        } catch (TimeoutException e) {
            return DirectRead.NONE;
        } catch (EOFException | NotOpenException e) {
            return DirectRead.END;
        } catch (PcapNativeException e) {
            throw new IOException(name + ": " + failed() + e.getMessage(), e);
        }
        Timestamp ts = handle.getTimestamp();
        Integer orig = handle.getOriginalLength();
        int len = Math.min(Math.min(raw.length, keep), data.length);
        System.arraycopy(raw, 0, data, 0, len);
        fill(record, Math.floorDiv(ts.getTime(), 1000L) * 1_000_000_000L + ts.getNanos(), 0, len,
                orig == null ? raw.length : orig);
        return DirectRead.PACKET;
    }

    private void fill(PacketRecord record, long timestampNanos, int at, int len, long originalLength) {
        record.packetNumber = ++packets;
        record.timestampNanos = timestampNanos;
        record.linkType = linkType;
        record.interfaceId = 0;
        record.capturedLength = len;
        record.originalLength = originalLength;
        record.fileOffset = offset;
        offset += 16 + len;
        if (record.buffer != buffer) {
            record.buffer = buffer;
            record.bufferGeneration++;
        }
        record.offset = at;
    }

    /** Blocks until a packet arrives (true) or {@link #stop()} is called (false). */
    @Override
    public boolean next(PacketRecord record) throws IOException {
        while (!stopped) {
            if (poll(record, 1000)) {
                return true;
            }
        }
        return false;
    }

    /** Ends capturing: {@link #next} and {@link #poll} return false from now on. Safe from any thread. */
    public void stop() {
        stopped = true;
    }

    public boolean stopped() {
        return stopped;
    }

    /** True when reading a file ({@link #replay}), not an interface. */
    public boolean isReplay() {
        return replay;
    }

    /** The kernel's counters, or null when libpcap cannot give them. */
    public LiveStats stats() {
        if (closed || replay) {
            return null;
        }
        try {
            PcapStat s = handle.getStats();
            return new LiveStats(s.getNumPacketsReceived(), s.getNumPacketsDropped(), s.getNumPacketsDroppedByIf());
        } catch (PcapNativeException | NotOpenException | RuntimeException e) {
            return null;
        }
    }

    /** LINKTYPE_ value of the interface. */
    public int linkType() {
        return linkType;
    }

    /** The snap length libpcap applies. */
    public int snaplen() {
        return snaplen;
    }

    public long packets() {
        return packets;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String formatDescription() {
        if (replay) {
            return "replay of " + name + " through libpcap (link type " + linkType + ", snap length " + snaplen + ")";
        }
        return "live capture on " + name + " (link type " + linkType + ", snap length " + snaplen + ")";
    }

    @Override
    public List<CaptureInterface> interfaces() {
        return List.of(new CaptureInterface(linkType, snaplen, name));
    }

    @Override
    public boolean damaged() {
        return false;
    }

    @Override
    public long bytesRead() {
        return offset;
    }

    /** Releases the handle. Call from the thread that reads, once it no longer reads. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            stopped = true;
            if (block != null) {
                block.close();
            }
            handle.close();
        }
    }
}
