package dev.tcpstate.parsers.decode;

import dev.tcpstate.parsers.capture.PacketRecord;
import dev.tcpstate.parsers.live.LiveCapture;
import dev.tcpstate.parsers.live.LiveStats;
import dev.tcpstate.parsers.live.PcapWriter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Captures, decodes and hands over the packets of a {@link LiveCapture} on three threads, as {@link DecodePipeline}
 * does for a file: the capturing thread takes packets from libpcap into batches (and writes them to the {@code -w}
 * file), the decoding thread decodes each batch in place, and the caller's {@link Sink} sees every packet in order on
 * the thread that called {@link #run}. Batches are recycled, so the steady state allocates nothing per packet.
 *
 * <p>Unlike a file, an interface can go quiet: the capturing thread hands over a batch as soon as libpcap has
 * nothing more waiting, full or not, so a packet reaches the analysis within milliseconds, and the caller's sink is
 * ticked after every batch and whenever nothing arrived for the time its last tick asked for.
 *
 * <p>What is captured is decided on the capturing thread: {@link #maxPackets(long)}, {@link #captureTimeLimit(long)}
 * and {@link #stop()}, after which the packets libpcap already holds from before the stop are still taken (a replayed
 * file stops at once).
 */
public final class LivePipeline {
    /** Receives every packet, in order, and the ticks, on the thread that called {@link #run}. */
    public interface Sink extends DecodePipeline.Sink {
        /**
         * Called after every batch of packets ({@code quiet} false) and when no packet arrived for the time the
         * previous tick returned ({@code quiet} true): where the caller flushes, prints status, runs timers on the
         * wall clock, and calls {@link #stop()}.
         *
         * @return how many milliseconds to wait for packets before the next quiet tick (at least 1)
         */
        long tick(boolean quiet);
    }

    private static final int BATCHES = 8;
    /** How long the capturing thread waits for a packet before it looks at its flags again. */
    private static final long POLL_WAIT_MILLIS = 20;
    private static final long SEC = 1_000_000_000L;
    private static final long NOT_STOPPED = Long.MIN_VALUE;

    private final LiveCapture capture;
    private final PacketDecoder decoder;
    private PcapWriter writer;
    private long maxPackets = Long.MAX_VALUE;
    private long captureTimeLimit = Long.MAX_VALUE;

    private final BlockingQueue<Batch> free = new ArrayBlockingQueue<>(BATCHES);
    private final BlockingQueue<Batch> toDecode = new ArrayBlockingQueue<>(BATCHES);
    private final BlockingQueue<Batch> toConsume = new ArrayBlockingQueue<>(BATCHES);
    /** Wall-clock time (epoch nanoseconds) of {@link #stop()}: packets captured after it are not taken. */
    private volatile long stopAt = NOT_STOPPED;
    /** Set when the caller's thread leaves {@link #run}: the workers end without handing anything over. */
    private volatile boolean aborted;
    private volatile Throwable failure;
    private volatile IOException writeFailure;
    private volatile LiveStats stats;
    private long taken;

    public LivePipeline(LiveCapture capture, PacketDecoder decoder) {
        this.capture = capture;
        this.decoder = decoder;
    }

    /**
     * Writes every packet taken to {@code w}, on the capturing thread, and flushes it every second. When a write
     * fails, {@code w} is closed and {@link #writeFailure()} tells why; capturing goes on.
     */
    public LivePipeline writeTo(PcapWriter w) {
        this.writer = w;
        return this;
    }

    /** Takes at most {@code n} packets, then ends. */
    public LivePipeline maxPackets(long n) {
        this.maxPackets = n;
        return this;
    }

    /** Ends at the first packet captured more than {@code nanos} after the first packet (that packet not taken). */
    public LivePipeline captureTimeLimit(long nanos) {
        this.captureTimeLimit = nanos;
        return this;
    }

    /**
     * Ends capturing, from any thread: the packets libpcap already holds that were captured up to now are still
     * taken and delivered, then {@link #run} returns. A replayed file ends at once.
     */
    public void stop() {
        if (stopAt == NOT_STOPPED) {
            stopAt = capture.isReplay() ? Long.MIN_VALUE + 1 : wallNanos();
        }
    }

    /** Why writing to the {@link #writeTo} file failed, or null while it has not. */
    public IOException writeFailure() {
        return writeFailure;
    }

    /** The kernel's counters as the capturing thread last fetched them (about every second), or null. */
    public LiveStats stats() {
        return stats;
    }

    /**
     * Captures until the end (the capture stops, a limit is reached, or {@link #stop()}), handing every packet to
     * {@code sink} on this thread. The capture is not closed.
     *
     * @throws IOException when capturing fails (packets before the failure have been delivered)
     */
    public void run(Sink sink) throws IOException {
        for (int i = 0; i < BATCHES; i++) {
            free.add(new Batch());
        }
        Thread captureThread = Batch.startWorker(this::captureLoop, "tcpstate-capture");
        Thread decodeThread = Batch.startWorker(this::decodeLoop, "tcpstate-decode");
        PacketRecord view = new PacketRecord();
        try {
            long wait = sink.tick(false);
            while (true) {
                Batch b = toConsume.poll(Math.max(1, wait), TimeUnit.MILLISECONDS);
                if (b == null) {
                    wait = sink.tick(true);
                    continue;
                }
                if (b.count < 0) {
                    break;
                }
                b.deliver(sink, view, null);
                boolean last = b.last;
                b.clear();
                free.put(b);
                if (last) {
                    break;
                }
                wait = sink.tick(false);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while capturing on " + capture.name());
        } finally {
            aborted = true;
            captureThread.interrupt();
            decodeThread.interrupt();
            // The capture must not be closed while its thread may still be inside libpcap.
            join(captureThread);
            join(decodeThread);
        }
        Batch.rethrow(failure);
    }

    private static void join(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void captureLoop() {
        PacketRecord r = new PacketRecord();
        Batch b = null;
        long firstNanos = Long.MIN_VALUE;
        long limitNanos = Long.MAX_VALUE;
        long nextSecond = System.nanoTime() + SEC;
        try {
            if (!capture.isReplay()) {
                stats = capture.stats();
            }
            b = free.take();
            while (!aborted) {
                long stop = stopAt;
                // Waiting only while there is nothing to hand over and no stop to act on.
                boolean got = capture.poll(r, stop != NOT_STOPPED || b.count > 0 ? 0 : POLL_WAIT_MILLIS);
                if (!got) {
                    if (stop != NOT_STOPPED || capture.stopped()) {
                        break; // drained, or the capture ended
                    }
                    if (b.count > 0) {
                        toDecode.put(b); // nothing more waiting: hand over what there is
                        b = free.take();
                    }
                    nextSecond = everySecond(nextSecond);
                    continue;
                }
                long t = r.timestampNanos;
                if (t > stop && stop != NOT_STOPPED) {
                    break; // captured after the stop
                }
                if (firstNanos == Long.MIN_VALUE) {
                    firstNanos = t;
                    if (captureTimeLimit != Long.MAX_VALUE) {
                        limitNanos = t + captureTimeLimit;
                    }
                }
                if (t > limitNanos) {
                    break;
                }
                if (writer != null) {
                    write(r);
                }
                if (!b.fits(r.capturedLength) && b.count > 0) {
                    toDecode.put(b);
                    b = free.take();
                    nextSecond = everySecond(nextSecond);
                }
                b.add(r);
                if (++taken >= maxPackets) {
                    break;
                }
            }
            if (!aborted) {
                b.last = true;
                toDecode.put(b);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            failure = t;
            toDecode.offer(Batch.lastAfterFailure(b));
        }
    }

    /** Once a second: flush the -w file, fetch the kernel's counters. Returns the next deadline. */
    private long everySecond(long deadline) {
        long now = System.nanoTime();
        if (now - deadline < 0) {
            return deadline;
        }
        if (writer != null) {
            try {
                writer.flush();
            } catch (IOException e) {
                writeFailed(e);
            }
        }
        if (!capture.isReplay()) {
            stats = capture.stats();
        }
        return now + SEC;
    }

    private void write(PacketRecord r) {
        try {
            writer.write(r);
        } catch (IOException e) {
            writeFailed(e);
        }
    }

    private void writeFailed(IOException e) {
        try {
            writer.close();
        } catch (IOException ignored) {
            // the write failure is what is reported
        }
        writer = null;
        writeFailure = e;
    }

    private void decodeLoop() {
        Batch.decodeStage(toDecode, toConsume, decoder, () -> aborted, this::failed);
    }

    /** Keeps a worker thread's failure, the first one only. */
    private void failed(Throwable t) {
        if (failure == null) {
            failure = t;
        }
    }

    private static long wallNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * SEC + now.getNano();
    }
}
