package dev.tcpstate.cli;

import dev.tcpstate.analyzer.AnalyzerSettings;
import dev.tcpstate.analyzer.ConnectionListener;
import dev.tcpstate.analyzer.anomaly.AnomalyDetector;
import dev.tcpstate.analyzer.track.Connection;
import dev.tcpstate.analyzer.track.ConnectionTracker;
import dev.tcpstate.parsers.capture.CaptureProblem;
import dev.tcpstate.parsers.capture.CaptureReader;
import dev.tcpstate.parsers.decode.DecodePipeline;
import dev.tcpstate.parsers.decode.DecoderOptions;
import dev.tcpstate.parsers.decode.PacketDecoder;
import dev.tcpstate.parsers.decode.TcpPacket;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.function.LongConsumer;
import java.util.function.Predicate;
import picocli.CommandLine;

/**
 * Runs captures through the decoder into one connection tracker: the part every analysing command shares.
 * Several captures are merged in timestamp order into the same tracker.
 */
final class Analysis {
    private final PrintWriter err;
    private final CaptureSet captures;
    private final AnalyzerSettings settings;
    private final DecoderOptions decoderOptions;
    private Predicate<TcpPacket> filter = p -> true;
    private CaptureTime stopAt;
    private CaptureTime startAt;
    private boolean endAtLastPacket;
    private long originNanos = Long.MIN_VALUE;
    private LongConsumer afterFinish = t -> { };
    private long firstNanos = Long.MIN_VALUE;
    private long lastNanos = Long.MIN_VALUE;
    private long packets;
    private long tcpSegments;
    private boolean stopped;
    private boolean stopWhenOutputFails = true;
    private boolean recycle;
    private boolean zeekView = true;
    private Queue<Connection> released;
    private int maxConnections = Integer.MAX_VALUE;
    private long evicted;

    Analysis(PrintWriter err, AnalyzerSettings settings, DecoderOptions decoderOptions) {
        this.err = err;
        this.captures = new CaptureSet(err);
        this.settings = settings;
        this.decoderOptions = decoderOptions;
    }

    /** An analysis with a command's settings and filters; a filter option that does not parse is a usage error. */
    static Analysis of(PrintWriter err, SettingsOptions settings, FilterOptions filters, CommandLine cmd) {
        Analysis a = filters.apply(new Analysis(err, settings.analyzer(), settings.decoder()), cmd);
        a.maxConnections = settings.maxConnections();
        return a;
    }

    /** The most connections the table keeps at once ({@code --max-connections}). */
    int maxConnections() {
        return maxConnections;
    }

    /** Connections that left the table early, over all runs, because it held {@link #maxConnections()}. */
    long evictedConnections() {
        return evicted;
    }

    /**
     * Says on standard error how many connections left the full table early, if any; names {@code subject} (the
     * captures analysed) unless it is null. For the commands without a summary to say it in.
     */
    void noteEvictions(PrintWriter err, String subject) {
        if (evicted > 0) {
            err.println("tcpstate: note: " + (subject == null ? "" : subject + ": ") + evictionText());
        }
    }

    /** What the summary says of connections that left the full table early. */
    String evictionText() {
        return evictionText(maxConnections, evicted);
    }

    /**
     * What a summary says (under "tables full") when {@code evicted} connections left a table limited to {@code limit}
     * early: {@code analyze}'s and {@code live}'s say it alike.
     */
    static String evictionText(int limit, long evicted) {
        return "the connection table was full (limit " + limit + "; --max-connections): " + evicted
                + " connections left it early, the least recently active first, as they stood";
    }

    /**
     * Runs the captures with the anomaly detector as the tracker's listener; the detector then reports what the end
     * of the capture left unfinished.
     */
    int runDetecting(List<String> names, AnomalyDetector detector) {
        return afterFinish(detector::finish).run(names, detector);
    }

    /** Only segments the filter accepts reach the tracker. */
    Analysis filter(Predicate<TcpPacket> f) {
        this.filter = f;
        return this;
    }

    /**
     * Analyses only the packets from {@code from} to {@code to}, as if the capture held no others: the analysis ends
     * at the last packet of the window (relative times count from the capture's first packet).
     */
    Analysis window(CaptureTime from, CaptureTime to) {
        this.startAt = from;
        this.stopAt = to;
        this.endAtLastPacket = true;
        return this;
    }

    /**
     * Reads every capture to its end even when writing the results fails: for {@code check}, whose verdict (its exit
     * code) matters more than its report.
     */
    Analysis keepGoingWhenOutputFails() {
        this.stopWhenOutputFails = false;
        return this;
    }

    /**
     * Lets the tracker reuse the objects of connections that have ended: only for listeners that keep no connection
     * after {@code onConnectionEnd} (see {@link ConnectionTracker#recycleConnections()}).
     */
    Analysis recycleConnections() {
        this.recycle = true;
        return this;
    }

    /**
     * Keeps no Zeek view of the connections, for a command that reports no connection record (see
     * {@link ConnectionTracker#withoutZeekView()}).
     */
    Analysis withoutZeekView() {
        this.zeekView = false;
        return this;
    }

    /**
     * Lets the tracker reuse ended connections once the listener hands them back through {@code released} (see
     * {@link ConnectionTracker#recycleFrom}), for a listener that finishes with them on another thread.
     */
    Analysis recycleFrom(Queue<Connection> released) {
        this.released = released;
        return this;
    }

    /** Stops at this moment: the states are those as they stood then. */
    Analysis stopAt(CaptureTime t) {
        this.stopAt = t;
        return this;
    }

    /**
     * Runs once the tracker has finished (every connection has ended), with the end-of-capture time: where an
     * {@link dev.tcpstate.analyzer.anomaly.AnomalyDetector} reports what the end of the capture left unfinished.
     */
    Analysis afterFinish(LongConsumer hook) {
        this.afterFinish = hook;
        return this;
    }

    /**
     * Reads the captures into a tracker that reports to {@code listener}; returns the exit code. Several captures
     * are merged in timestamp order ({@link MergedCaptureReader}), so a connection that spans two files is one
     * connection.
     */
    int run(List<String> names, ConnectionListener listener) {
        ConnectionTracker tracker = new ConnectionTracker(settings, listener);
        if (maxConnections < Integer.MAX_VALUE) {
            tracker.setMaxLiveConnections(maxConnections);
        }
        if (!zeekView) {
            tracker.withoutZeekView();
        }
        if (released != null) {
            tracker.recycleFrom(released);
        } else if (recycle) {
            tracker.recycleConnections();
        }
        long[] stop = {Long.MAX_VALUE};
        long[] start = {Long.MIN_VALUE};
        var printer = captures.printer();
        List<CaptureReader> opened = new ArrayList<>();
        for (String name : names) {
            CaptureReader r = captures.open(name, printer);
            if (r != null) {
                opened.add(r);
            }
        }
        String label = names.size() == 1 ? names.get(0) : String.join(" + ", names);
        if (!opened.isEmpty()) {
            CaptureReader reader = opened.size() == 1 ? opened.get(0) : new MergedCaptureReader(opened);
            String name = reader.name();
            Progress progress = Progress.start(names);
            try (reader) {
                PacketDecoder decoder = new PacketDecoder(decoderOptions);
                decoder.setProblemListener((record, reason, message) ->
                        printer.accept(new CaptureProblem(name, record.fileOffset, record.packetNumber, false, message)));
                DecodePipeline pipeline = new DecodePipeline(reader, decoder).lookingAhead(tracker::lookAhead);
                pipeline.run((r, result, tcp) -> {
                    if (stopped) {
                        return;
                    }
                    // Looked at every 4096 records, not on each: it is a volatile read, on the packet path.
                    if ((r.packetNumber & 0xFFF) == 0 && stopWhenOutputFails
                            && StreamPrintWriter.firstFailure() != null) {
                        // No one gets the results any more (a full disk, or the reader of a pipe left): stop reading.
                        stopped = true;
                        pipeline.stop();
                        return;
                    }
                    long t = r.timestampNanos;
                    if (originNanos == Long.MIN_VALUE) {
                        originNanos = t;
                        if (stopAt != null) {
                            stop[0] = stopAt.resolve(t);
                        }
                        if (startAt != null) {
                            start[0] = startAt.resolve(t);
                        }
                    }
                    if (t > stop[0]) {
                        stopped = true;
                        pipeline.stop(); // the rest of the capture lies beyond the window (merged in time order)
                        return;
                    }
                    if (t < start[0]) {
                        return;
                    }
                    if (firstNanos == Long.MIN_VALUE) {
                        firstNanos = t;
                    }
                    packets++;
                    if (progress != null && (packets & (Progress.EVERY - 1)) == 0) {
                        progress.update(reader.bytesRead(), packets);
                    }
                    if (t > lastNanos) {
                        lastNanos = t;
                    }
                    if (tcp != null) {
                        tcpSegments++;
                    }
                    if (tcp != null && filter.test(tcp)) {
                        tracker.onPacket(tcp);
                    } else {
                        tracker.advanceTime(t);
                    }
                });
                if (reader.damaged()) {
                    captures.markDamaged();
                }
            } catch (IOException e) {
                captures.markDamaged();
                // A merged reader's failure already says which capture, where and what.
                err.println("tcpstate: " + (opened.size() == 1
                        ? name + ": " + ReadErrors.describe(e, packets, reader.bytesRead()) : e.getMessage()));
            } finally {
                if (progress != null) {
                    progress.close();
                }
            }
        }
        captures.endCapture(label);
        long end = stopAt != null && originNanos != Long.MIN_VALUE && !endAtLastPacket ? stop[0] : lastNanos;
        long finish = end == Long.MIN_VALUE ? 0 : end;
        tracker.finish(finish);
        evicted += tracker.evictedConnections();
        afterFinish.accept(finish);
        return captures.failed() ? ExitCode.CAPTURE_UNREADABLE : ExitCode.OK;
    }

    long firstNanos() {
        return firstNanos;
    }

    /** Time of the latest packet read (epoch nanoseconds), or Long.MIN_VALUE when none. */
    long lastNanos() {
        return lastNanos;
    }

    long packets() {
        return packets;
    }

    /** TCP segments decoded, before any filter. */
    long tcpSegments() {
        return tcpSegments;
    }
}
