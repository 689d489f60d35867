package dev.tcpstate.cli;

import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;

/**
 * Runs a consumer on a thread of its own: the caller's thread only hands items over, in batches, and they are
 * consumed in the order they were handed over. Used to format and write records off the analysing thread, which
 * sets the pace of a run, onto the core the reading thread leaves partly idle. {@link #close()} waits until every
 * item has been consumed and rethrows what the consumer threw.
 */
final class Background<T> implements Consumer<T>, AutoCloseable {
    /**
     * Items a batch. Small, and few batches queued: an item (an ended connection, say) is read on the other thread soon
     * after this one last wrote it, and comes back for reuse soon after that thread read it, while it is still in a
     * cache. With 512 items and eight batches, resetting each reused connection took the analysing thread about twice
     * as long (async-profiler CPU samples, {@code connections} on a 21-million-packet capture).
     */
    private static final int BATCH = 128;
    private static final Object[] END = new Object[0];

    private final Consumer<? super T> work;
    private final BlockingQueue<Object[]> full = new ArrayBlockingQueue<>(4);
    private final BlockingQueue<Object[]> empty = new ArrayBlockingQueue<>(8);
    private final Thread thread;
    private Object[] batch = new Object[BATCH];
    private int n;
    private volatile RuntimeException failure;
    private boolean closed;

    Background(String threadName, Consumer<? super T> work) {
        this.work = work;
        this.thread = new Thread(this::loop, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void accept(T item) {
        batch[n++] = item;
        if (n == BATCH) {
            handOver(batch);
            Object[] next = empty.poll();
            batch = next != null ? next : new Object[BATCH];
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
            handOver(Arrays.copyOf(batch, n));
        }
        handOver(END);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        RuntimeException f = failure;
        if (f != null) {
            throw f;
        }
    }

    private void handOver(Object[] b) {
        try {
            full.put(b);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.INTERNAL, "interrupted while writing records");
        }
    }

    @SuppressWarnings("unchecked")
    private void loop() {
        try {
            while (true) {
                Object[] b = full.take();
                if (b == END) {
                    return;
                }
                for (int i = 0; i < b.length; i++) {
                    work.accept((T) b[i]);
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
            // keep taking batches, so the caller never blocks on a full queue; close() reports the failure
            try {
                while (full.take() != END) {
                    // dropped
                }
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
