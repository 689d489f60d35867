package dev.tcpstate.analyzer.anomaly;

/** How much an anomaly matters to someone reading a report. */
public enum Severity {
    /** Worth knowing; normal TCP behaviour that is uncommon or explains a connection's shape. */
    INFO,
    /** A connection failed or behaved in a way that usually means a problem at one end or on the path. */
    WARNING,
    /** An attack or a condition that affects a service as a whole. */
    ERROR
}
