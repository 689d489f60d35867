package dev.tcpstate.analyzer.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Showing the tracker (and through it the detector) segments ahead of time, as the decoding pipeline does a batch at
 * a time, changes nothing: every sample capture gives the same anomalies, evidence and all, in the same order.
 */
class LookAheadTest {
    @ParameterizedTest
    @MethodSource("dev.tcpstate.analyzer.conformance.SampleFiles#captures")
    void readingAheadChangesNoAnomaly(Path capture) throws IOException {
        // A table of three keys makes the flood and scan tables make room again and again on the busier captures.
        for (AnomalySettings settings : List.of(AnomalySettings.DEFAULTS,
                AnomalySettings.DEFAULTS.withMaxTrackedKeys(3))) {
            List<Anomaly> plain = CaptureRun.of(capture, settings, 0).anomalies;
            for (int batch : new int[] {1, 7, 512}) {
                assertThat(CaptureRun.of(capture, settings, batch).anomalies)
                        .as("%s, batches of %d", capture.getFileName(), batch).isEqualTo(plain);
            }
        }
    }
}
