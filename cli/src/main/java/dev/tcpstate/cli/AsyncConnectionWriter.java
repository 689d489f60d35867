package dev.tcpstate.cli;

import dev.tcpstate.analyzer.track.Connection;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Writes connection records on a thread of its own ({@link Background}): the analysing thread only hands each ended
 * connection over, and the writing thread formats it and then hands the object back for reuse through
 * {@link #released()} (see {@link dev.tcpstate.analyzer.track.ConnectionTracker#recycleFrom}). Formatting a record
 * takes a fifth of the analysing thread's time in {@code connections}. Records come out in the order they were
 * handed over.
 */
final class AsyncConnectionWriter extends ConnectionWriter {
    private final ConnectionWriter delegate;
    private final Queue<Connection> released = new ConcurrentLinkedQueue<>();
    private final Background<Connection> background;

    AsyncConnectionWriter(ConnectionWriter delegate) {
        super(false);
        this.delegate = delegate;
        this.background = new Background<>("tcpstate-write", c -> {
            delegate.write(c);
            released.add(c);
        });
    }

    /** Connections the writing thread is done with, for the tracker to reuse. */
    Queue<Connection> released() {
        return released;
    }

    @Override
    void write(Connection c) {
        background.accept(c);
    }

    @Override
    public void close() {
        try {
            background.close();
        } finally {
            delegate.close();
        }
    }
}
