package dev.tcpstate.analyzer.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tcpstate.analyzer.AnalyzerSettings;
import dev.tcpstate.analyzer.track.Connection;
import dev.tcpstate.analyzer.track.Endpoint;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A tracker that keeps no Zeek view replays every sample capture to the same RFC states, paths and counts. */
class ZeekViewTest {
    @ParameterizedTest
    @MethodSource("dev.tcpstate.analyzer.conformance.SampleFiles#captures")
    void withoutTheZeekViewEverythingElseIsTheSame(Path capture) throws IOException {
        CaptureRun with = CaptureRun.of(capture, AnalyzerSettings.DEFAULTS, true);
        CaptureRun without = CaptureRun.of(capture, AnalyzerSettings.DEFAULTS, false);

        assertThat(with.connections).isNotEmpty();
        assertThat(without.connections.stream().map(ZeekViewTest::rfcView).toList())
                .isEqualTo(with.connections.stream().map(ZeekViewTest::rfcView).toList());
        for (Connection c : with.connections) {
            assertThat(c.hasZeekView()).isTrue();
            assertThat(c.history()).isNotEmpty();
        }
        for (Connection c : without.connections) {
            assertThat(c.hasZeekView()).isFalse();
            assertThatThrownBy(c::history).isInstanceOf(IllegalStateException.class)
                    .hasMessage("the tracker kept no Zeek view of this connection");
            assertThatThrownBy(c::zeekConnState).isInstanceOf(IllegalStateException.class);
            assertThat(c.toString()).doesNotContain("null");
        }
    }

    /** Everything a connection record holds but the Zeek fields. */
    private static String rfcView(Connection c) {
        return CaptureRun.orig(c) + " -> " + CaptureRun.resp(c) + " #" + c.incarnation() + " packets "
                + c.firstPacket() + "-" + c.lastPacket() + " " + c.firstTimeNanos() + "-" + c.lastTimeNanos()
                + " partial=" + c.isPartial() + " reset=" + c.wasReset() + " evicted=" + c.wasEvicted()
                + " twReuse=" + c.timeWaitReuseNanos() + " orig[" + endpoint(c.originator()) + "] resp["
                + endpoint(c.responder()) + "]";
    }

    private static String endpoint(Endpoint e) {
        return e.state() + " " + e.path().initial() + " " + e.path().steps() + " since " + e.stateSinceNanos()
                + " packets " + e.packets() + " bytes " + e.payloadBytes() + " rexmit " + e.retransmissions()
                + " outOfWindow " + e.outOfWindow() + " dupSyn " + e.duplicateSyns() + " unseenAcked "
                + e.unseenAcked() + " afterClose " + e.afterClose() + " iss " + e.issKnown() + ":" + e.iss()
                + " snd " + e.sndUna() + "/" + e.sndNxt() + " rcv " + e.rcvKnown() + ":" + e.rcvNxt();
    }
}
