package dev.tcpstate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tcpstate.analyzer.ChecksumPolicy;
import dev.tcpstate.parsers.capture.CaptureInterface;
import dev.tcpstate.parsers.capture.CaptureProblem;
import dev.tcpstate.parsers.capture.CaptureReader;
import dev.tcpstate.parsers.capture.PacketRecord;
import dev.tcpstate.parsers.decode.TcpPacket;
import dev.tcpstate.parsers.decode.DecodeResult;
import dev.tcpstate.parsers.decode.DecodeStats;
import dev.tcpstate.parsers.decode.DecoderOptions;
import dev.tcpstate.parsers.decode.FragmentDropReason;
import dev.tcpstate.parsers.decode.LinkType;
import dev.tcpstate.parsers.decode.MalformedReason;
import dev.tcpstate.parsers.decode.PacketDecoder;
import dev.tcpstate.parsers.decode.SocketPairSet;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code tcpstate info}: what a capture holds, before any analysis. */
@Command(name = "info",
        description = "Summarise captures: format, link types, packet count, time span, protocols,"
                + " TCP socket pairs, checksums, truncation, fragments, and anything skipped and why.",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        footerHeading = "%nExamples:%n",
        footer = {"  tcpstate info trace.pcapng",
                "  tcpstate info --format json trace.pcap.gz",
                "  tcpdump -i eth0 -w - -U | tcpstate info -",
                "  tcpstate info -o summary.json trace.pcap"})
final class InfoCommand implements Callable<Integer> {

    enum Format { TEXT, JSON }

    @Parameters(arity = "1..*", paramLabel = "CAPTURE",
            description = "pcap or pcapng file, optionally gzip-compressed; '-' reads standard input.")
    List<String> captures;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: text, or what the --output file's"
                    + " extension names: .txt, .json).")
    Format format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the summary to FILE, not to"
            + " standard output.")
    java.nio.file.Path output;

    @Option(names = "--checksums", defaultValue = "verify", paramLabel = "POLICY",
            description = "TCP checksums: verify (count bad ones) or ignore. Default: ${DEFAULT-VALUE}.")
    ChecksumPolicy checksums;

    @picocli.CommandLine.Mixin
    FilterOptions filters;

    @Spec
    CommandSpec spec;

    /** What one capture held. */
    static final class Facts {
        String name;
        String format;
        List<CaptureInterface> interfaces = List.of();
        long packets;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        long capturedBytes;
        long wireBytes;
        long socketPairs;
        DecodeStats stats;
        boolean readWhole = true;
        boolean opened;
    }

    @Override
    public Integer call() {
        Format fmt = Output.format(format, "--output", output, Format.class);
        PrintWriter out = Output.open(spec.commandLine().getOut(), output);
        PrintWriter err = spec.commandLine().getErr();
        CaptureSet set = new CaptureSet(err);
        DecoderOptions options = DecoderOptions.defaults().withVerifyChecksums(checksums != ChecksumPolicy.IGNORE)
                .withTcpOptions(false);
        SocketPairSet allPairs = captures.size() > 1 ? new SocketPairSet() : null;
        java.util.function.Predicate<TcpPacket> keep = filters.segmentTest(spec.commandLine());
        CaptureTime[] window = filters.window(spec.commandLine());
        List<Facts> all = new ArrayList<>();
        for (String name : captures) {
            Facts f = new Facts();
            f.name = name;
            all.add(f);
            if (filters.any()) {
                scanFiltered(name, f, options, allPairs, set, err, keep, window);
            } else {
                scanCapture(name, f, options, allPairs, set, err);
            }
            set.endCapture(name);
        }
        if (fmt == Format.JSON) {
            printJson(out, all, allPairs == null ? all.get(0).socketPairs : allPairs.size());
        } else {
            printText(out, all, allPairs == null ? all.get(0).socketPairs : allPairs.size());
        }
        Output.close(out, output);
        return set.failed() ? ExitCode.CAPTURE_UNREADABLE : ExitCode.OK;
    }

    /** Threads that read the parts of a large plain pcap file: one a core, up to four (tests set other counts). */
    static int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    /**
     * Most parts a large file is cut into. More parts than threads: each thread takes the next unread part when it is
     * done with one, so a thread the scheduler holds back (the compiler and the collector share the cores) reads
     * fewer parts, and the threads finish together instead of one waiting for the other.
     */
    static final int PARTS = 16;
    /** Least bytes per part: smaller files are cut into fewer parts, and files under two parts are read whole. */
    static final long MIN_PART_BYTES = 32L << 20;
    /** {@link #MIN_PART_BYTES}, lowered by tests to cut small files. */
    static long minPartBytes = MIN_PART_BYTES;

    /** What one part of a capture held. */
    private static final class Part {
        final List<CaptureProblem> problems = new ArrayList<>();
        long packets;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        long capturedBytes;
        long wireBytes;
        DecodeStats stats;
        boolean damaged;
        IOException error;
        /** Where reading stopped when it failed. */
        long errorOffset = -1;
    }

    /**
     * Reads one capture. A large plain pcap file is split at record boundaries into parts that {@link #threads}
     * threads read, each part with its own decoder and each thread with its own socket-pair set; the sets are counted
     * together at the end. Anything else is read in one pass.
     */
    private static void scanCapture(String name, Facts f, DecoderOptions options, SocketPairSet allPairs,
                                    CaptureSet set, PrintWriter err) {
        var printer = set.printer();
        List<Part> parts = new ArrayList<>();
        List<java.util.function.Consumer<CaptureProblem>> listeners = new ArrayList<>();
        for (int k = 0; k < PARTS; k++) {
            Part part = new Part();
            parts.add(part);
            listeners.add(k == 0 ? printer : part.problems::add);
        }
        List<CaptureReader> readers = set.openParts(name, PARTS, minPartBytes, listeners);
        if (readers == null) {
            f.readWhole = false;
            return;
        }
        f.opened = true;
        f.format = readers.get(0).formatDescription();
        f.interfaces = List.copyOf(readers.get(0).interfaces());
        int workers = Math.min(threads, readers.size());
        List<SocketPairSet> pairSets = new ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger nextPart = new java.util.concurrent.atomic.AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            SocketPairSet pairs = new SocketPairSet();
            pairSets.add(pairs);
            // Parts are taken in file order, so the first part (whose problems print as they are found) goes first.
            Runnable work = () -> {
                for (int k; (k = nextPart.getAndIncrement()) < readers.size(); ) {
                    CaptureReader reader = readers.get(k);
                    scanPart(reader, parts.get(k), pairs, options, listeners.get(k));
                    try {
                        reader.close();
                    } catch (IOException e) {
                        // nothing left to read from it
                    }
                }
            };
            if (workers == 1) {
                work.run();
            } else {
                Thread t = new Thread(work, "tcpstate-info-" + w);
                t.start();
                threads.add(t);
            }
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException(ExitCode.INTERNAL, "interrupted while reading " + name);
            }
        }
        long before = 0;
        DecodeStats stats = null;
        for (int k = 0; k < readers.size(); k++) {
            Part part = parts.get(k);
            for (CaptureProblem p : part.problems) {
                printer.accept(new CaptureProblem(p.file(), p.offset(), p.packetNumber() > 0 ? p.packetNumber() + before
                        : p.packetNumber(), p.damage(), p.message()));
            }
            before += part.packets;
            f.packets += part.packets;
            f.first = Math.min(f.first, part.first);
            f.last = Math.max(f.last, part.last);
            f.capturedBytes += part.capturedBytes;
            f.wireBytes += part.wireBytes;
            if (stats == null) {
                stats = part.stats;
            } else {
                stats.add(part.stats);
            }
            if (part.damaged || part.error != null) {
                f.readWhole = false;
                set.markDamaged();
            }
            if (part.error != null) {
                err.println("tcpstate: " + name + ": " + ReadErrors.describe(part.error, before, part.errorOffset));
            }
        }
        f.stats = stats;
        SocketPairSet first = pairSets.get(0);
        if (pairSets.size() == 2) {
            f.socketPairs = SocketPairSet.unionSize(first, pairSets.get(1));
        } else {
            for (int k = 1; k < pairSets.size(); k++) {
                first.addAll(pairSets.get(k));
            }
            f.socketPairs = first.size();
        }
        if (allPairs != null) {
            for (SocketPairSet pairs : pairSets) {
                allPairs.addAll(pairs);
            }
        }
    }

    /**
     * Reads one capture through the filters, in one pass: only the packets they keep are described. --between keeps
     * the packets of the window (relative times count from the capture's first packet); --host, --port and --conn
     * keep the TCP segments of matching socket pairs and no other packet.
     */
    private static void scanFiltered(String name, Facts f, DecoderOptions options, SocketPairSet allPairs,
                                     CaptureSet set, PrintWriter err, java.util.function.Predicate<TcpPacket> keep,
                                     CaptureTime[] window) {
        var printer = set.printer();
        Part part = new Part();
        SocketPairSet pairs = new SocketPairSet();
        try (CaptureReader reader = set.open(name, printer)) {
            if (reader == null) {
                f.readWhole = false;
                return;
            }
            f.opened = true;
            PacketDecoder decoder = new PacketDecoder(options);
            decoder.setProblemListener((record, reason, message) ->
                    printer.accept(new CaptureProblem(name, record.fileOffset, record.packetNumber, false, message)));
            DecodeStats kept = new DecodeStats();
            PacketRecord r = new PacketRecord();
            TcpPacket tcp = new TcpPacket();
            long from = Long.MIN_VALUE;
            long to = Long.MAX_VALUE;
            boolean first = true;
            try {
                while (reader.next(r)) {
                    long t = r.timestampNanos;
                    if (first) {
                        first = false;
                        if (window != null) {
                            from = window[0].resolve(t);
                            to = window[1].resolve(t);
                        }
                    }
                    DecodeResult result = decoder.decode(r, tcp);
                    if (t < from || t > to || keep != null && (result != DecodeResult.TCP || !keep.test(tcp))) {
                        continue;
                    }
                    part.packets++;
                    part.first = Math.min(part.first, t);
                    part.last = Math.max(part.last, t);
                    part.capturedBytes += r.capturedLength;
                    part.wireBytes += r.originalLength;
                    kept.countKept(r.linkType, result, decoder.lastIpVersion(), result == DecodeResult.TCP ? tcp : null,
                            decoder.lastProblem());
                    if (result == DecodeResult.TCP) {
                        pairs.offer(tcp);
                    }
                }
            } finally {
                f.format = reader.formatDescription();
                f.interfaces = List.copyOf(reader.interfaces());
                if (reader.damaged()) {
                    f.readWhole = false;
                    set.markDamaged();
                }
            }
            f.packets = part.packets;
            f.first = part.first;
            f.last = part.last;
            f.capturedBytes = part.capturedBytes;
            f.wireBytes = part.wireBytes;
            f.stats = kept;
            f.socketPairs = pairs.size();
            if (allPairs != null) {
                allPairs.addAll(pairs);
            }
        } catch (IOException e) {
            f.readWhole = false;
            set.markDamaged();
            err.println("tcpstate: " + name + ": " + ReadErrors.describe(e, -1, -1));
        }
    }

    private static void scanPart(CaptureReader reader, Part part, SocketPairSet pairs, DecoderOptions options,
                                 java.util.function.Consumer<CaptureProblem> problems) {
        PacketDecoder decoder = new PacketDecoder(options);
        decoder.setProblemListener((record, reason, message) ->
                problems.accept(new CaptureProblem(reader.name(), record.fileOffset, record.packetNumber, false, message)));
        PacketRecord r = new PacketRecord();
        TcpPacket tcp = new TcpPacket();
        try {
            while (reader.next(r)) {
                part.packets++;
                long t = r.timestampNanos;
                if (t < part.first) {
                    part.first = t;
                }
                if (t > part.last) {
                    part.last = t;
                }
                part.capturedBytes += r.capturedLength;
                part.wireBytes += r.originalLength;
                if (decoder.decode(r, tcp) == DecodeResult.TCP) {
                    pairs.offer(tcp);
                }
            }
        } catch (IOException e) {
            part.error = e;
            part.errorOffset = reader.bytesRead();
        } finally {
            part.stats = decoder.stats();
            part.damaged = reader.damaged();
        }
    }

    private static String time(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L)).toString();
    }

    private static String seconds(long nanos) {
        return String.format("%d.%09d", nanos / 1_000_000_000L, nanos % 1_000_000_000L);
    }

    private static void printText(PrintWriter out, List<Facts> all, long totalPairs) {
        boolean firstBlock = true;
        for (Facts f : all) {
            if (!f.opened) {
                continue;
            }
            if (!firstBlock) {
                out.println();
            }
            firstBlock = false;
            DecodeStats s = f.stats;
            row(out, "capture", f.name);
            row(out, "format", f.format);
            for (int i = 0; i < f.interfaces.size(); i++) {
                CaptureInterface itf = f.interfaces.get(i);
                row(out, i == 0 ? "interfaces" : "", "#" + i + " " + LinkType.name(itf.linkType()) + " (" + itf.linkType()
                        + "), snap length " + itf.snapLength() + (itf.name() != null ? ", " + itf.name() : ""));
            }
            row(out, "packets", Long.toString(f.packets));
            if (f.packets > 0) {
                row(out, "first packet", time(f.first));
                row(out, "last packet", time(f.last));
                row(out, "duration", seconds(f.last - f.first) + " s");
            }
            row(out, "bytes", f.capturedBytes + " captured, " + f.wireBytes + " on the wire");
            row(out, "IPv4 / IPv6", s.ipv4Packets() + " / " + s.ipv6Packets());
            row(out, "TCP", s.count(DecodeResult.TCP) + " segments, " + f.socketPairs + " socket pairs");
            row(out, "UDP", Long.toString(s.count(DecodeResult.UDP)));
            row(out, "other IP", Long.toString(s.count(DecodeResult.OTHER_IP)));
            row(out, "not IP", Long.toString(s.count(DecodeResult.NON_IP)));
            row(out, "bad checksums", s.badChecksums() + " (" + (s.badChecksums() > 0
                    ? s.offloadedChecksums() + " of them like checksum offload; " : "") + "verified "
                    + (s.goodChecksums() + s.badChecksums()) + ", not verifiable " + s.unverifiedChecksums() + ")");
            row(out, "truncated", s.truncatedSegments() + " TCP segments cut short by the snap length");
            if (s.ipv4ZeroLengthPackets() > 0) {
                row(out, "large sends", s.ipv4ZeroLengthPackets() + " IPv4 packets with total length 0 (segmentation"
                        + " offload on the capturing host): length taken from the frame");
            }
            row(out, "fragments", s.fragmentsSeen() + " seen, " + s.datagramsReassembled() + " datagrams reassembled, "
                    + s.fragmentsDropped() + " dropped" + dropReasons(s));
            row(out, "skipped", skipped(s));
            row(out, "read whole", f.readWhole ? "yes" : "no (see the messages above)");
        }
        if (all.stream().filter(f -> f.opened).count() > 1) {
            out.println();
            row(out, "all captures", all.stream().mapToLong(f -> f.packets).sum() + " packets, " + totalPairs
                    + " distinct TCP socket pairs");
        }
    }

    private static String dropReasons(DecodeStats s) {
        StringBuilder sb = new StringBuilder();
        for (FragmentDropReason reason : FragmentDropReason.values()) {
            long n = s.fragmentsDropped(reason);
            if (n > 0) {
                sb.append(sb.length() == 0 ? " (" : ", ").append(n).append(' ').append(reason.label());
            }
        }
        return sb.length() == 0 ? "" : sb.append(')').toString();
    }

    private static String skipped(DecodeStats s) {
        List<String> parts = new ArrayList<>();
        long unsupported = s.count(DecodeResult.UNSUPPORTED_LINK);
        if (unsupported > 0) {
            parts.add(unsupported + " on unsupported link types " + s.unsupportedLinkTypes());
        }
        for (MalformedReason reason : MalformedReason.values()) {
            long n = s.malformed(reason);
            if (n > 0) {
                parts.add(n + " malformed: " + reason.label());
            }
        }
        return parts.isEmpty() ? "nothing" : String.join("; ", parts);
    }

    private static void row(PrintWriter out, String label, String value) {
        out.printf("%-15s %s%n", label, value);
    }

    private static void printJson(PrintWriter out, List<Facts> all, long totalPairs) {
        ObjectMapper mapper = Json.mapper();
        List<ObjectNode> nodes = new ArrayList<>();
        for (Facts f : all) {
            nodes.add(json(mapper, f));
        }
        ObjectNode root;
        if (nodes.size() == 1) {
            root = nodes.get(0);
        } else {
            root = mapper.createObjectNode();
            root.put("schema_version", Json.SCHEMA_VERSION);
            root.put("packets", all.stream().mapToLong(f -> f.packets).sum());
            root.put("socket_pairs", totalPairs);
            root.put("read_whole", all.stream().allMatch(f -> f.readWhole));
            ArrayNode arr = root.putArray("captures");
            nodes.forEach(arr::add);
        }
        try {
            out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode json(ObjectMapper mapper, Facts f) {
        ObjectNode n = mapper.createObjectNode();
        n.put("schema_version", Json.SCHEMA_VERSION);
        n.put("file", f.name);
        n.put("read_whole", f.readWhole);
        if (!f.opened) {
            return n;
        }
        DecodeStats s = f.stats;
        n.put("format", f.format);
        ArrayNode itfs = n.putArray("interfaces");
        for (CaptureInterface itf : f.interfaces) {
            ObjectNode i = itfs.addObject();
            i.put("link_type", itf.linkType());
            i.put("link_type_name", LinkType.name(itf.linkType()));
            i.put("snap_length", itf.snapLength());
            if (itf.name() != null) {
                i.put("name", itf.name());
            }
        }
        n.put("packets", f.packets);
        if (f.packets > 0) {
            n.put("first_packet_time", time(f.first));
            n.put("last_packet_time", time(f.last));
            n.put("duration_seconds", (f.last - f.first) / 1e9);
        }
        n.put("captured_bytes", f.capturedBytes);
        n.put("wire_bytes", f.wireBytes);
        n.put("ipv4_packets", s.ipv4Packets());
        n.put("ipv6_packets", s.ipv6Packets());
        n.put("tcp_segments", s.count(DecodeResult.TCP));
        n.put("udp_datagrams", s.count(DecodeResult.UDP));
        n.put("other_ip_packets", s.count(DecodeResult.OTHER_IP));
        n.put("non_ip_packets", s.count(DecodeResult.NON_IP));
        n.put("socket_pairs", f.socketPairs);
        n.put("checksums_verified", s.goodChecksums() + s.badChecksums());
        n.put("bad_checksums", s.badChecksums());
        n.put("bad_checksums_offload_pattern", s.offloadedChecksums());
        n.put("checksums_not_verifiable", s.unverifiedChecksums());
        n.put("truncated_segments", s.truncatedSegments());
        n.put("ipv4_zero_length_packets", s.ipv4ZeroLengthPackets());
        n.put("fragments_seen", s.fragmentsSeen());
        n.put("datagrams_reassembled", s.datagramsReassembled());
        n.put("fragments_dropped", s.fragmentsDropped());
        n.put("unsupported_link_packets", s.count(DecodeResult.UNSUPPORTED_LINK));
        ArrayNode unsupported = n.putArray("unsupported_link_types");
        s.unsupportedLinkTypes().forEach(unsupported::add);
        ObjectNode malformed = n.putObject("malformed");
        for (MalformedReason reason : MalformedReason.values()) {
            if (s.malformed(reason) > 0) {
                malformed.put(reason.name().toLowerCase(java.util.Locale.ROOT), s.malformed(reason));
            }
        }
        return n;
    }
}
