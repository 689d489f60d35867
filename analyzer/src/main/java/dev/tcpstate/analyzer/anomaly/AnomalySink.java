package dev.tcpstate.analyzer.anomaly;

/** Receives anomalies as the {@link AnomalyDetector} finds them. */
@FunctionalInterface
public interface AnomalySink {
    void accept(Anomaly anomaly);
}
