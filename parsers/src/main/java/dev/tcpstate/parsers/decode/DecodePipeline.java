package dev.tcpstate.parsers.decode;

import dev.tcpstate.parsers.capture.CaptureReader;
import dev.tcpstate.parsers.capture.PacketRecord;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;

/**
 * Reads and decodes a capture on a thread of its own while the caller consumes the decoded packets on its thread, in
 * capture order: whatever the caller does with the segments overlaps with the reading and decoding.
 *
 * <p>Records travel in batches: the reading thread decodes each record where the reader left it, in the reader's
 * buffer (one decoder, so IP fragments are reassembled exactly as in a single-threaded run), and keeps the record's
 * facts and the decoded segment in the batch; the caller's {@link Sink} sees every record of every batch in order.
 * The bytes are not copied: decoding in place costs less than handing them to another thread, and a file's records
 * are read faster than the connection table takes them. Batches are recycled, so the steady state allocates nothing
 * per packet.
 */
public final class DecodePipeline {
    /** Receives every record of the capture, in order, on the thread that called {@link #run}. */
    @FunctionalInterface
    public interface Sink {
        /**
         * @param record the record's facts (its bytes are not valid here)
         * @param result what the decoder found
         * @param tcp    the decoded segment when {@code result} is {@link DecodeResult#TCP}, else null; reused
         */
        void accept(PacketRecord record, DecodeResult result, TcpPacket tcp);
    }

    /**
     * Batches in the pipeline: enough that the reading thread keeps ahead (it has up to four to fill while this thread
     * holds one it is consuming and one it is about to hand back), few enough that what it wrote is still in cache.
     */
    static final int BATCHES = 6;

    private final CaptureReader reader;
    private final PacketDecoder decoder;
    private Consumer<TcpPacket> lookAhead;

    public DecodePipeline(CaptureReader reader, PacketDecoder decoder) {
        this.reader = reader;
        this.decoder = decoder;
    }

    /**
     * Has every TCP segment of a batch shown to {@code lookAhead} before the batch's records go to the sink: a consumer
     * that will look up what a segment belongs to in tables larger than the cache can read the places it will look,
     * one segment after another, so that those cache misses overlap instead of each stalling its segment's handling.
     * {@code lookAhead} must not change anything the sink depends on.
     */
    public DecodePipeline lookingAhead(Consumer<TcpPacket> lookAhead) {
        this.lookAhead = lookAhead;
        return this;
    }

    private final BlockingQueue<Batch> free = new ArrayBlockingQueue<>(BATCHES);
    private final BlockingQueue<Batch> toConsume = new ArrayBlockingQueue<>(BATCHES);
    private volatile Throwable failure;
    private volatile boolean stopped;
    /** {@link #stop} was called: {@link #run} returns after the batch it is delivering. */
    private volatile boolean stopRequested;

    /**
     * Ends {@link #run} early, after the batch being delivered (the sink may call it): the caller wants no more
     * records, and the rest of the capture is not read.
     */
    public void stop() {
        stopRequested = true;
    }

    /**
     * Reads the whole capture, handing every record to {@code sink} on this thread. Reading problems go to the
     * reader's problem listener, decoding problems to the decoder's, both from the worker threads.
     *
     * @throws IOException when reading fails (records before the failure have been delivered)
     */
    public void run(Sink sink) throws IOException {
        for (int i = 0; i < BATCHES; i++) {
            free.add(new Batch(0));
        }
        Thread readThread = Batch.startWorker(this::readLoop, "tcpstate-read");
        PacketRecord view = new PacketRecord();
        Batch held = null;
        try {
            while (true) {
                Batch b = toConsume.take();
                if (b.count < 0) {
                    break;
                }
                b.deliver(sink, view, lookAhead);
                if (stopRequested) {
                    break;
                }
                boolean last = b.last;
                b.clear();
                // Emptied batches go back two at a time. The reading thread, faster than this one, mostly waits for
                // an empty batch, and each hand-back that finds it waiting wakes it with a system call (several
                // microseconds in a virtual machine): handed back in pairs, it is woken half as often.
                if (held == null) {
                    held = b;
                } else {
                    free.put(held);
                    free.put(b);
                    held = null;
                }
                if (last) {
                    break;
                }
            }
            if (stopRequested) {
                // The reading thread may be waiting for a batch this thread will not hand back: interrupted, it ends.
                stopped = true;
                readThread.interrupt();
            }
            readThread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading " + reader.name());
        } finally {
            stopped = true;
            readThread.interrupt();
        }
        if (!stopRequested) {
            Batch.rethrow(failure); // after stop(), a failure is the interrupted read's own
        }
    }

    private void readLoop() {
        PacketRecord r = new PacketRecord();
        Batch b = null;
        try {
            b = free.take();
            while (!stopped) {
                boolean more = reader.next(r);
                if (!more) {
                    b.last = true;
                    toConsume.put(b);
                    return;
                }
                if (b.full()) {
                    toConsume.put(b);
                    b = free.take();
                }
                b.addDecoded(r, decoder);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            failure = t;
            toConsume.offer(Batch.lastAfterFailure(b));
        }
    }
}
