package dev.tcpstate.cli;

import dev.tcpstate.analyzer.track.Connection;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Writes connection records on a thread of its own: the analysing thread only hands each ended connection over, in
 * batches, and the writing thread formats it and hands the object back for reuse through {@link #released()} (see
 * {@link dev.tcpstate.analyzer.track.ConnectionTracker#recycleFrom}). Formatting a record takes a fifth of the
 * analysing thread's time in {@code connections}; the thread that reads and decodes the capture leaves room on the
 * other core for it. Records come out in the order they were handed over.
 */
final class AsyncConnectionWriter extends ConnectionWriter {
    private static final int BATCH = 512;
    private static final Connection[] END = new Connection[0];

    private final ConnectionWriter delegate;
    private final BlockingQueue<Connection[]> full = new ArrayBlockingQueue<>(8);
    private final BlockingQueue<Connection[]> empty = new ArrayBlockingQueue<>(16);
    private final Queue<Connection> released = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private Connection[] batch = new Connection[BATCH];
    private int n;
    private volatile RuntimeException failure;
    private boolean closed;

    AsyncConnectionWriter(ConnectionWriter delegate) {
        super(false);
        this.delegate = delegate;
        this.thread = new Thread(this::loop, "tcpstate-write");
        thread.setDaemon(true);
        thread.start();
    }

    /** Connections the writing thread is done with, for the tracker to reuse. */
    Queue<Connection> released() {
        return released;
    }

    @Override
    void write(Connection c) {
        batch[n++] = c;
        if (n == BATCH) {
            handOver(batch);
            Connection[] next = empty.poll();
            batch = next != null ? next : new Connection[BATCH];
            n = 0;
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (n > 0) {
            handOver(java.util.Arrays.copyOf(batch, n));
        }
        handOver(END);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        delegate.close();
        RuntimeException f = failure;
        if (f != null) {
            throw f;
        }
    }

    private void handOver(Connection[] b) {
        try {
            full.put(b);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.INTERNAL, "interrupted while writing connection records");
        }
    }

    private void loop() {
        try {
            while (true) {
                Connection[] b = full.take();
                if (b == END) {
                    return;
                }
                for (int i = 0; i < b.length; i++) {
                    delegate.write(b[i]);
                    released.add(b[i]);
                    b[i] = null;
                }
                if (b.length == BATCH) {
                    empty.offer(b);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure = e;
            // keep taking batches so the analysing thread never blocks on a full queue
            try {
                while (full.take() != END) {
                    // dropped: the run fails anyway
                }
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
