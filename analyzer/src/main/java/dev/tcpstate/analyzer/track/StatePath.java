package dev.tcpstate.analyzer.track;

import dev.tcpstate.analyzer.tcp.TcpState;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The sequence of state changes of one endpoint, stored compactly: two longs per step (packet number with the two
 * states packed into its low byte, and the time). Paths are short (a normal close is four steps), so the array
 * starts small, and is made with the path: the endpoint's objects are made together, so they sit together in memory,
 * and a step costs no cache miss of its own. Made on the first step instead, it would sit wherever that step's
 * allocation fell, and with the connection table far larger than the cache, each step would miss on it.
 */
public final class StatePath {
    /** Six steps: a whole active open and close. */
    private static final int FIRST_STEPS = 6;

    /** One state change. {@code packet} is 0 when a timer caused it. */
    public record Step(long packet, long timeNanos, TcpState from, TcpState to) {
        @Override
        public String toString() {
            return "#" + packet + " " + from + "->" + to;
        }
    }

    private TcpState initial = TcpState.CLOSED;
    private long[] data = new long[2 * FIRST_STEPS];
    private int size;

    /** The state the endpoint is known to have been in before the first step. */
    public TcpState initial() {
        return initial;
    }

    void setInitial(TcpState s) {
        initial = s;
    }

    /** Number of steps. */
    public int size() {
        return size;
    }

    void add(long packet, long timeNanos, TcpState from, TcpState to) {
        if (2 * size + 2 > data.length) {
            data = Arrays.copyOf(data, data.length * 2);
        }
        data[2 * size] = (packet << 8) | (from.ordinal() << 4) | to.ordinal();
        data[2 * size + 1] = timeNanos;
        size++;
    }

    /** The capacity of the step array (read only to bring it into cache ahead of a step). */
    int dataLength() {
        return data.length;
    }

    /** Back to an empty path from CLOSED, keeping the array. */
    void reset() {
        initial = TcpState.CLOSED;
        size = 0;
    }

    /** Drops the last step (a revised inference); returns its source state. */
    TcpState removeLast() {
        TcpState from = from(size - 1);
        size--;
        return from;
    }

    public long packet(int i) {
        return data[2 * check(i)] >>> 8;
    }

    public long timeNanos(int i) {
        return data[2 * check(i) + 1];
    }

    public TcpState from(int i) {
        return TcpState.of((int) (data[2 * check(i)] >>> 4) & 0xF);
    }

    public TcpState to(int i) {
        return TcpState.of((int) data[2 * check(i)] & 0xF);
    }

    public Step step(int i) {
        return new Step(packet(i), timeNanos(i), from(i), to(i));
    }

    /** The steps as objects (allocates; for reports and tests). */
    public List<Step> steps() {
        List<Step> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(step(i));
        }
        return out;
    }

    /** The visited states: the initial state followed by each step's target, e.g. {@code [CLOSED, SYN_SENT, ...]}. */
    public List<TcpState> states() {
        List<TcpState> out = new ArrayList<>(size + 1);
        out.add(initial);
        for (int i = 0; i < size; i++) {
            out.add(to(i));
        }
        return out;
    }

    private int check(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException(i);
        }
        return i;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(initial.name());
        for (int i = 0; i < size; i++) {
            sb.append(" -#").append(packet(i)).append("-> ").append(to(i));
        }
        return sb.toString();
    }
}
