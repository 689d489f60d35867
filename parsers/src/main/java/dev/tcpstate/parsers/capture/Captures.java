package dev.tcpstate.parsers.capture;

import java.io.BufferedInputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/** Opens captures by content: pcap, pcapng, either one gzip-compressed, from a file or standard input. */
public final class Captures {
    /** The name that stands for standard input. */
    public static final String STDIN = "-";

    private Captures() {
    }

    /**
     * Opens a capture.
     *
     * @param name     a path, or {@link #STDIN}
     * @param problems receives every problem found while reading, as it is found
     * @throws CaptureFormatException when the input is not a capture
     * @throws NoSuchFileException    when the file does not exist
     */
    public static CaptureReader open(String name, Consumer<CaptureProblem> problems) throws IOException {
        if (STDIN.equals(name)) {
            return open(name, System.in, problems);
        }
        Path path = Path.of(name);
        if (Files.isDirectory(path)) {
            throw new CaptureFormatException(new CaptureProblem(name, -1, -1, true, "is a directory, not a capture file"));
        }
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        byte[] head = new byte[4];
        int n = readHead(channel, head);
        CaptureFormat format = CaptureFormat.sniff(head, n);
        if (format == CaptureFormat.GZIP) {
            channel.close();
            return open(name, new FileInputStream(path.toFile()), problems);
        }
        channel.position(0);
        return open(name, channel, format, head, n, problems);
    }

    /** Opens a capture from a stream (gzip-compressed or not). The stream is closed with the reader. */
    public static CaptureReader open(String name, InputStream in, Consumer<CaptureProblem> problems) throws IOException {
        InputStream stream = new BufferedInputStream(in, 1 << 16);
        byte[] head = new byte[4];
        int n = peek(stream, head);
        CaptureFormat format = CaptureFormat.sniff(head, n);
        if (format == CaptureFormat.GZIP) {
            stream = new BufferedInputStream(new GZIPInputStream(stream, 1 << 16), 1 << 16);
            n = peek(stream, head);
            format = CaptureFormat.sniff(head, n);
            if (format == CaptureFormat.GZIP) {
                format = null;
            }
        }
        return open(name, Channels.newChannel(stream), format, head, n, problems);
    }

    /**
     * Opens a plain (uncompressed) pcap file as up to {@code parts} readers over consecutive byte ranges, each
     * starting at a record boundary, so the parts can be read on separate threads. Packet numbers in each part
     * count from 1 (add the earlier parts' packet counts). The first part is an eighth the size of the others,
     * which are at least {@code minPartBytes} long, so a smaller file gets fewer of them. Any other input, or a file under two such parts, gives a single reader over
     * the whole capture.
     *
     * @param problems one listener per part (at least {@code parts} of them)
     */
    public static java.util.List<CaptureReader> openParts(String name, int parts, long minPartBytes,
                                                          java.util.List<Consumer<CaptureProblem>> problems)
            throws IOException {
        CaptureReader first = open(name, problems.get(0));
        if (parts < 2 || !(first instanceof PcapReader pcap) || STDIN.equals(name)) {
            return java.util.List.of(first);
        }
        Path path = Path.of(name);
        long size = Files.size(path);
        parts = (int) Math.min(parts, size / Math.max(1, minPartBytes));
        if (parts < 2) {
            return java.util.List.of(first);
        }
        PcapReader.Header h = pcap.header();
        java.util.List<Long> starts = new java.util.ArrayList<>();
        starts.add(0L);
        // The first part is an eighth the size of the others: it ends while the JIT compiler is still profiling the
        // read loop, so the compiled loop already knows that a part ends and a reader gives way to the next. Equal
        // parts would end only after it compiled the loop as if it never did, and undoing that costs a
        // recompilation of the whole decoder inlined into the loop.
        long firstEnd = size / (8L * parts);
        try (FileChannel probe = FileChannel.open(path, StandardOpenOption.READ)) {
            for (int k = 1; k < parts; k++) {
                long from = firstEnd + (size - firstEnd) * (k - 1) / (parts - 1);
                long at = PcapReader.findRecordStart(probe, h, from, 8);
                if (at < 0 || at <= starts.get(starts.size() - 1)) {
                    break;
                }
                starts.add(at);
            }
        }
        if (starts.size() < 2) {
            return java.util.List.of(first);
        }
        first.close();
        java.util.List<CaptureReader> readers = new java.util.ArrayList<>();
        for (int k = 0; k < starts.size(); k++) {
            long end = k + 1 < starts.size() ? starts.get(k + 1) : Long.MAX_VALUE;
            if (k == 0) {
                PcapReader r = (PcapReader) open(name, problems.get(0));
                readers.add(r.limitTo(end));
            } else {
                FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
                ch.position(starts.get(k));
                readers.add(new PcapReader(name, ch, problems.get(k), h, starts.get(k), end));
            }
        }
        return readers;
    }

    private static CaptureReader open(String name, ReadableByteChannel channel, CaptureFormat format, byte[] head, int n,
                                      Consumer<CaptureProblem> problems) throws IOException {
        if (format == null) {
            channel.close();
            String what = n < 4
                    ? "only " + n + " bytes"
                    : String.format("magic number %02x%02x%02x%02x", head[0], head[1], head[2], head[3]);
            throw new CaptureFormatException(new CaptureProblem(name, 0, -1, true,
                    "not a capture: " + what + " (expected pcap a1b2c3d4/a1b23c4d in either byte order, pcapng 0a0d0d0a, or gzip 1f8b)"));
        }
        return switch (format) {
            case PCAP -> new PcapReader(name, channel, problems);
            case PCAPNG -> new PcapngReader(name, channel, problems);
            case GZIP -> throw new IllegalStateException();
        };
    }

    private static int readHead(FileChannel channel, byte[] head) throws IOException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(head);
        while (b.hasRemaining()) {
            if (channel.read(b) < 0) {
                break;
            }
        }
        return b.position();
    }

    private static int peek(InputStream in, byte[] head) throws IOException {
        in.mark(head.length);
        int n = in.readNBytes(head, 0, head.length);
        in.reset();
        return n;
    }
}
