package dev.tcpstate.analyzer.track;

/** Which side of a connection an endpoint is. */
public enum Role {
    /** The side that opened the connection (see {@code docs/state-machine.md}, "Who is the originator"). */
    ORIGINATOR,
    /** The other side. */
    RESPONDER
}
