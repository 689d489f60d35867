package dev.tcpstate.analyzer;

import dev.tcpstate.analyzer.tcp.TcpState;
import dev.tcpstate.analyzer.track.Connection;
import dev.tcpstate.analyzer.track.Endpoint;
import dev.tcpstate.parsers.decode.TcpPacket;

/** Receives what the {@link dev.tcpstate.analyzer.track.ConnectionTracker} finds, in capture order. */
public interface ConnectionListener {

    /**
     * An endpoint changed state. {@code packet} is the number of the packet that proves the change (0 for a timer);
     * {@code timeNanos} is that packet's time, or the timer's expiry.
     */
    default void onTransition(Connection c, Endpoint e, TcpState from, TcpState to, long packet, long timeNanos) {
    }

    /** Called after each packet has been applied to its connection; {@code p} is the decoder's reused instance. */
    default void onPacket(Connection c, TcpPacket p, boolean fromOriginator) {
    }

    /** The connection left the table; it is final and will not be reported again. */
    void onConnectionEnd(Connection c);

    /**
     * A segment the tracker will be given soon ({@link ConnectionTracker#lookAhead}): a listener that looks things up
     * in large tables per segment may read the places it will look. Must change nothing that is observable.
     */
    default void lookAhead(TcpPacket p) {
    }
}
