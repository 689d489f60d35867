package dev.tcpstate.parsers.decode;

import dev.tcpstate.parsers.capture.CaptureReader;
import dev.tcpstate.parsers.capture.PacketRecord;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads and decodes a capture on two threads while the caller consumes the decoded packets on its own, in capture
 * order: reading (I/O and record framing) and decoding (link, IP, reassembly, TCP) each get a core, and whatever
 * the caller does with the segments overlaps with both.
 *
 * <p>Records travel in batches: the reading thread copies each record's captured bytes into a batch, the decoding
 * thread decodes the batch in place (one decoder, so IP fragments are reassembled exactly as in a single-threaded
 * run), and the caller's {@link Sink} sees every record of every batch in order. Batches are recycled, so the
 * steady state allocates nothing per packet.
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

    static final int BATCHES = 8;

    private final CaptureReader reader;
    private final PacketDecoder decoder;

    public DecodePipeline(CaptureReader reader, PacketDecoder decoder) {
        this.reader = reader;
        this.decoder = decoder;
    }

    private final BlockingQueue<Batch> free = new ArrayBlockingQueue<>(BATCHES);
    private final BlockingQueue<Batch> toDecode = new ArrayBlockingQueue<>(BATCHES);
    private final BlockingQueue<Batch> toConsume = new ArrayBlockingQueue<>(BATCHES);
    private volatile Throwable failure;
    private volatile boolean stopped;

    /**
     * Reads the whole capture, handing every record to {@code sink} on this thread. Reading problems go to the
     * reader's problem listener, decoding problems to the decoder's, both from the worker threads.
     *
     * @throws IOException when reading fails (records before the failure have been delivered)
     */
    public void run(Sink sink) throws IOException {
        for (int i = 0; i < BATCHES; i++) {
            free.add(new Batch());
        }
        Thread readThread = Batch.startWorker(this::readLoop, "tcpstate-read");
        Thread decodeThread = Batch.startWorker(this::decodeLoop, "tcpstate-decode");
        PacketRecord view = new PacketRecord();
        try {
            while (true) {
                Batch b = toConsume.take();
                if (b.count < 0) {
                    break;
                }
                b.deliver(sink, view);
                boolean last = b.last;
                b.clear();
                free.put(b);
                if (last) {
                    break;
                }
            }
            readThread.join();
            decodeThread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading " + reader.name());
        } finally {
            stopped = true;
            readThread.interrupt();
            decodeThread.interrupt();
        }
        Batch.rethrow(failure);
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
                    toDecode.put(b);
                    return;
                }
                if (!b.fits(r.capturedLength) && b.count > 0) {
                    toDecode.put(b);
                    b = free.take();
                }
                b.add(r);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            failure = t;
            // Deliver what was read before the failure, then end.
            if (b == null) {
                b = new Batch();
            }
            b.last = true;
            toDecode.offer(b);
        }
    }

    private void decodeLoop() {
        Batch.decodeStage(toDecode, toConsume, decoder, () -> stopped, this::failed);
    }

    /** Keeps a worker thread's failure, the first one only. */
    private void failed(Throwable t) {
        if (failure == null) {
            failure = t;
        }
    }
}
