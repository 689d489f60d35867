package dev.tcpstate.analyzer.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcpstate.analyzer.tcp.TcpState;
import dev.tcpstate.analyzer.track.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.List;

/** The kernel-made captures of {@code sample-captures/}: the exact anomaly list of each. */
class SampleCaptureTest {

    /** "code SEVERITY ENDPOINT #packet" for each anomaly, in report order. */
    static List<String> summary(CaptureRun r) {
        return r.anomalies.stream()
                .map(a -> a.code() + " " + a.severity() + " " + a.endpoint() + " #" + a.packet()).toList();
    }

    static CaptureRun run(String name) throws IOException {
        return CaptureRun.of(CaptureRun.sample(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"client-first-close", "server-first-close", "ipv6", "many-short-connections"})
    void normalConnections_nothingReported(String name) throws IOException {
        CaptureRun r = run(name);
        assertThat(r.packets).isPositive();
        assertThat(r.anomalies).isEmpty();
        assertThat(r.detector.suppressedCounts()).isEmpty();
    }

    @Test
    void refusedConnection_oneRefusalByTheResponderAtTheRst() throws IOException {
        CaptureRun r = run("refused-connection");
        assertThat(summary(r)).containsExactly("connection_refused WARNING RESPONDER #2");
        Anomaly a = r.anomalies.get(0);
        assertThat(a.respPort()).isEqualTo(8081);
        assertThat(a.origAddress()).isEqualTo("10.77.0.1");
        assertThat(a.incarnation()).isEqualTo(1);
        assertThat(a.stateBefore()).isEqualTo(TcpState.CLOSED);
        assertThat(a.message()).contains("10.77.0.2:8081 refused");
    }

    @Test
    void abortiveClose_clientResetWithNothingInFlight() throws IOException {
        CaptureRun r = run("abortive-close");
        assertThat(summary(r)).containsExactly("abortive_close WARNING ORIGINATOR #8");
        Anomaly a = r.anomalies.get(0);
        assertThat(a.stateBefore()).isEqualTo(TcpState.ESTABLISHED);
        assertThat(a.stateAfter()).isEqualTo(TcpState.CLOSED);
        assertThat(a.evidence("data_in_flight")).isEqualTo(false);
    }

    @Test
    void rstToHalfOpen_serverThatForgotTheConnectionResetsTheClientsData() throws IOException {
        CaptureRun r = run("rst-to-half-open");
        assertThat(summary(r)).containsExactly("rst_to_half_open WARNING RESPONDER #9");
        assertThat(r.anomalies.get(0).evidence("peer_state")).isEqualTo("ESTABLISHED");
    }

    @Test
    void orphanedFinWait2_captureEndsWhileWaiting() throws IOException {
        CaptureRun r = run("orphaned-fin-wait-2");
        assertThat(summary(r)).containsExactly("incomplete_close_at_capture_end INFO ORIGINATOR #0");
        Anomaly a = r.anomalies.get(0);
        assertThat(a.stateBefore()).isEqualTo(TcpState.FIN_WAIT_2);
        assertThat(a.evidence("peer_state")).isEqualTo("CLOSE_WAIT");
        assertThat(a.evidence("waiting_seconds")).isEqualTo(0.0);
    }

    @Test
    void orphanedFinWait2Expired_lateDataIsResetAndTheExpiryInferred() throws IOException {
        CaptureRun r = run("orphaned-fin-wait-2-expired");
        assertThat(summary(r)).containsExactly("half_close INFO RESPONDER #10",
                "rst_to_half_open WARNING ORIGINATOR #11", "orphaned_fin_wait_2 WARNING ORIGINATOR #11");
        Anomaly o = r.of("orphaned_fin_wait_2").get(0);
        assertThat(o.evidence("inferred_from")).isEqualTo("reset");
        assertThat((Double) o.evidence("fin_wait_2_seconds")).isBetween(3.4, 3.5);
    }

    @ParameterizedTest
    @ValueSource(strings = {"time-wait-reuse-client", "time-wait-reuse-server"})
    void timeWaitReuse_safeAndNamesTheSide(String name) throws IOException {
        CaptureRun r = run(name);
        boolean client = name.endsWith("client");
        assertThat(summary(r)).containsExactly(
                "time_wait_reuse INFO " + (client ? Role.ORIGINATOR : Role.RESPONDER) + " #12");
        Anomaly a = r.anomalies.get(0);
        assertThat(a.incarnation()).isEqualTo(2);
        assertThat(a.evidence("side")).isEqualTo(client ? "syn_sender" : "syn_receiver");
        assertThat(a.evidence("safe")).isEqualTo(true);
        assertThat(a.evidence("isn_beyond_last_seq")).isEqualTo(true);
        assertThat(a.evidence("timestamp_newer")).isEqualTo(true);
        assertThat((Double) a.evidence("time_wait_seconds")).isBetween(client ? 1.2 : 0.9, client ? 1.4 : 1.1);
        assertThat(a.message()).contains(client ? "the client" : "the server").contains("safe");
    }

    @Test
    void synFlood_oneFloodWithItsFigures_noPerConnectionNoise() throws IOException {
        CaptureRun r = run("syn-flood");
        assertThat(summary(r)).containsExactly("syn_flood ERROR null #1");
        Anomaly a = r.anomalies.get(0);
        assertThat(a.respAddress() + ":" + a.respPort()).isEqualTo("10.77.0.2:8080");
        assertThat(a.incarnation()).isZero();
        assertThat(a.evidence("syns")).isEqualTo(259L);
        assertThat(a.evidence("sources")).isEqualTo(257); // 256 spoofed + the real client host
        assertThat(a.evidence("peak_half_open")).isEqualTo(256);
        assertThat(a.evidence("completed_handshakes")).isEqualTo(3L);
        assertThat(a.evidence("synack_retransmissions")).isEqualTo(256L);
        assertThat(a.evidence("suppressed_connection_reports")).isEqualTo(256L);
    }

    @Test
    void synRetriesUnanswered_handshakeTimeoutWithExponentialBackoff() throws IOException {
        CaptureRun r = run("syn-retries-unanswered");
        assertThat(summary(r)).containsExactly("handshake_timeout WARNING ORIGINATOR #1");
        Anomaly a = r.anomalies.get(0);
        assertThat(a.packets()).hasSize(3);
        assertThat(a.evidence("syns")).isEqualTo(3);
        @SuppressWarnings("unchecked")
        List<Double> iv = (List<Double>) a.evidence("intervals_seconds");
        assertThat(iv).hasSize(2);
        assertThat(iv.get(0)).isBetween(0.9, 1.2);
        assertThat(iv.get(1)).isBetween(1.9, 2.2);
    }

    @Test
    void handshakeTimeouts_reportedWhenTheKernelsGaveUp_withTheStatesAfter() throws IOException {
        CaptureRun r = run("handshake-timeouts");
        // the listener's half-open connection ends when its originator's SYN_SENT runs out (127 s), after the
        // black-holed connect() (which began first) has run out
        assertThat(summary(r)).containsExactly("handshake_timeout WARNING ORIGINATOR #1",
                "synack_retransmit WARNING RESPONDER #0");
        Anomaly timeout = r.of("handshake_timeout").get(0);
        assertThat(timeout.evidence("syns")).isEqualTo(7);
        // the client's SYNs (how they interleave with the listener's SYN-ACKs depends on the run that made the capture)
        assertThat(timeout.packets()).hasSize(7).startsWith(1L);
        assertThat(timeout.stateBefore()).isEqualTo(TcpState.SYN_SENT);
        assertThat(timeout.stateAfter()).isEqualTo(TcpState.CLOSED);
        assertThat(timeout.evidence("gave_up_after_seconds")).isEqualTo(127.0);
        Anomaly synAck = r.of("synack_retransmit").get(0);
        assertThat(synAck.evidence("synack_retransmissions")).isEqualTo(5);
        assertThat(synAck.stateBefore()).isEqualTo(TcpState.SYN_RECEIVED);
        assertThat(synAck.stateAfter()).isEqualTo(TcpState.LISTEN);
        assertThat(synAck.evidence("dropped_after_seconds")).isEqualTo(63.0);
    }

    @Test
    void acceptQueueOverflow_droppedFinalAckAndUnansweredSyns() throws IOException {
        CaptureRun r = run("accept-queue-overflow");
        assertThat(summary(r)).containsExactly("synack_retransmit WARNING RESPONDER #11",
                "handshake_timeout WARNING ORIGINATOR #10");
        assertThat(r.of("synack_retransmit").get(0).evidence("final_ack_seen")).isEqualTo(true);
        assertThat(r.of("handshake_timeout").get(0).evidence("syns")).isEqualTo(5);
    }

    @Test
    void simultaneousClose_infoOnce() throws IOException {
        CaptureRun r = run("simultaneous-close");
        assertThat(summary(r)).containsExactly("simultaneous_close INFO RESPONDER #9");
        assertThat(r.detector.suppressedCounts()).containsEntry(AnomalyType.SIMULTANEOUS_CLOSE, 1L);
    }

    @Test
    void simultaneousOpen_infoOnce() throws IOException {
        CaptureRun r = run("simultaneous-open");
        assertThat(summary(r)).containsExactly("simultaneous_open INFO RESPONDER #2");
    }

    @Test
    void halfClose_infoOnceForTheServerStillSending() throws IOException {
        CaptureRun r = run("half-close");
        assertThat(summary(r)).containsExactly("half_close INFO RESPONDER #8");
        assertThat(r.detector.suppressedCounts()).containsEntry(AnomalyType.HALF_CLOSE, 2L);
    }

    @Test
    void keepalive_infoOnceNotOutOfWindow() throws IOException {
        CaptureRun r = run("keepalive");
        assertThat(summary(r)).containsExactly("keepalive INFO ORIGINATOR #8");
        assertThat(r.detector.suppressedCounts()).containsOnlyKeys(AnomalyType.KEEPALIVE);
    }
}
