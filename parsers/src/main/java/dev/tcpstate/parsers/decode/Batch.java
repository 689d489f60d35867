package dev.tcpstate.parsers.decode;

import dev.tcpstate.parsers.capture.PacketRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A run of records on their way through a pipeline ({@link DecodePipeline}, {@link LivePipeline}): their facts in
 * parallel arrays, after decoding the results, and in the live pipeline, which decodes on another thread than it
 * captures, their bytes back to back. Batches are recycled, so a pipeline in its steady state allocates nothing per
 * packet.
 */
final class Batch {
    /**
     * Most records in one batch. The consuming thread reads each record's facts and segment right after another core
     * wrote them; the fewer records in flight, the more of them are still in that core's cache or the shared one
     * rather than in memory. With batches of 2048, eight in flight, the connection table's thread spent more than twice
     * as long on its first reads of each packet as with batches of 512, four in flight (async-profiler CPU samples,
     * {@code connections} on a 21-million-packet capture), and the whole process 6-15% more CPU.
     */
    static final int RECORDS = 512;

    byte[] data;
    ByteBuffer buffer;
    int used;
    int count;
    boolean last;
    /**
     * Each record's facts side by side, {@link #FACTS} longs a record: packet number, timestamp, original length, file
     * offset, offset in {@link #data} (high half) with captured length (low half), link type (high half) with
     * interface (low half). One record's facts share a cache line, so the thread that takes the batch from another
     * core fetches one line a record, not one from each of eight arrays.
     */
    final long[] facts = new long[RECORDS * FACTS];
    static final int FACTS = 6;
    final byte[] result = new byte[RECORDS];
    final TcpPacket[] tcp = new TcpPacket[RECORDS];

    /** A batch that keeps its records' bytes (the live pipeline's), 256 KiB to start with. */
    Batch() {
        this(1 << 18);
    }

    /** A batch with room for {@code dataBytes} of record bytes: 0 for one whose records are decoded where they lie. */
    Batch(int dataBytes) {
        data = new byte[dataBytes];
        buffer = ByteBuffer.wrap(data);
        for (int i = 0; i < RECORDS; i++) {
            tcp[i] = new TcpPacket();
        }
    }

    /**
     * What a reading thread hands on when it fails: the batch it was filling (or an empty one), marked last, so the
     * records taken before the failure are still delivered and the consumer then stops.
     */
    static Batch lastAfterFailure(Batch b) {
        Batch last = b != null ? b : new Batch(0);
        last.last = true;
        return last;
    }

    boolean fits(int n) {
        return count < RECORDS && used + n <= data.length;
    }

    void add(PacketRecord r) {
        if (used + r.capturedLength > data.length) {
            // A single record larger than the batch's bytes: grow (bounded by the reader's own limits).
            byte[] bigger = new byte[Math.max(data.length * 2, used + r.capturedLength)];
            System.arraycopy(data, 0, bigger, 0, used);
            data = bigger;
            buffer = ByteBuffer.wrap(data);
        }
        int i = count++;
        System.arraycopy(r.buffer.array(), r.buffer.arrayOffset() + r.offset, data, used, r.capturedLength);
        store(i, r, used);
        used += r.capturedLength;
    }

    /** Keeps a record's facts at {@code i}, with the offset of its bytes in {@link #data} (-1: not kept). */
    private void store(int i, PacketRecord r, int dataOffset) {
        long[] f = facts;
        int k = i * FACTS;
        f[k] = r.packetNumber;
        f[k + 1] = r.timestampNanos;
        f[k + 2] = r.originalLength;
        f[k + 3] = r.fileOffset;
        f[k + 4] = (long) dataOffset << 32 | (r.capturedLength & 0xffff_ffffL);
        f[k + 5] = (long) r.linkType << 32 | (r.interfaceId & 0xffff_ffffL);
    }

    boolean full() {
        return count == RECORDS;
    }

    /**
     * Adds a record by its facts and decodes it where it lies (in the reader's buffer), keeping the segment and the
     * result; the bytes are not copied, so the record's view later has none.
     */
    void addDecoded(PacketRecord r, PacketDecoder decoder) {
        int i = count;
        store(i, r, -1);
        result[i] = (byte) decoder.decode(r, tcp[i]).ordinal();
        count = i + 1;
    }

    void view(int i, PacketRecord r) {
        long[] f = facts;
        int k = i * FACTS;
        r.packetNumber = f[k];
        r.timestampNanos = f[k + 1];
        r.originalLength = f[k + 2];
        r.fileOffset = f[k + 3];
        r.offset = (int) (f[k + 4] >> 32);
        r.capturedLength = (int) f[k + 4];
        r.linkType = (int) (f[k + 5] >> 32);
        r.interfaceId = (int) f[k + 5];
        if (r.buffer != buffer) {
            r.buffer = buffer;
            r.bufferGeneration++;
        }
    }

    private static final DecodeResult[] RESULTS = DecodeResult.values();
    private static final byte TCP = (byte) DecodeResult.TCP.ordinal();

    /**
     * Hands every record of this batch, with what the decoder found, to {@code sink}; {@code view} is reused. First,
     * if {@code lookAhead} is not null, every TCP segment goes to it ({@link DecodePipeline#lookingAhead}).
     */
    void deliver(DecodePipeline.Sink sink, PacketRecord view, Consumer<TcpPacket> lookAhead) {
        if (lookAhead != null) {
            for (int i = 0; i < count; i++) {
                if (result[i] == TCP) {
                    lookAhead.accept(tcp[i]);
                }
            }
        }
        for (int i = 0; i < count; i++) {
            view(i, view);
            DecodeResult r = RESULTS[result[i]];
            sink.accept(view, r, r == DecodeResult.TCP ? tcp[i] : null);
        }
    }

    /**
     * The decoding stage of a pipeline, run on its own thread: decodes each batch from {@code in} in place (one
     * decoder, so IP fragments are reassembled as in a single-threaded run) and passes it on to {@code out}, until the
     * last batch or {@code stop}. A failure goes to {@code failed}, followed by an end marker ({@code count} -1) so the
     * consumer stops.
     */
    static void decodeStage(BlockingQueue<Batch> in, BlockingQueue<Batch> out, PacketDecoder decoder,
                            BooleanSupplier stop, Consumer<Throwable> failed) {
        PacketRecord r = new PacketRecord();
        try {
            while (!stop.getAsBoolean()) {
                Batch b = in.take();
                for (int i = 0; i < b.count; i++) {
                    b.view(i, r);
                    b.result[i] = (byte) decoder.decode(r, b.tcp[i]).ordinal();
                }
                boolean last = b.last;
                out.put(b);
                if (last) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            failed.accept(t);
            Batch end = new Batch(0);
            end.count = -1;
            out.offer(end);
        }
    }

    /** Starts one of a pipeline's worker threads (a daemon: it never keeps the JVM alive). */
    static Thread startWorker(Runnable work, String name) {
        Thread t = new Thread(work, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Rethrows what a pipeline's worker thread failed with, if anything. */
    static void rethrow(Throwable f) throws IOException {
        if (f instanceof IOException io) {
            throw io;
        }
        if (f instanceof RuntimeException re) {
            throw re;
        }
        if (f instanceof Error er) {
            throw er;
        }
    }

    void clear() {
        used = 0;
        count = 0;
        last = false;
    }
}
