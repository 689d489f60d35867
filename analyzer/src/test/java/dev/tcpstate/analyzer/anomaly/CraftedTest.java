package dev.tcpstate.analyzer.anomaly;

import static dev.tcpstate.analyzer.anomaly.Wire.A;
import static dev.tcpstate.analyzer.anomaly.Wire.F;
import static dev.tcpstate.analyzer.anomaly.Wire.MS;
import static dev.tcpstate.analyzer.anomaly.Wire.P;
import static dev.tcpstate.analyzer.anomaly.Wire.R;
import static dev.tcpstate.analyzer.anomaly.Wire.S;
import static dev.tcpstate.analyzer.anomaly.Wire.SEC;
import static dev.tcpstate.analyzer.anomaly.Wire.U;
import static dev.tcpstate.analyzer.anomaly.Wire.ip;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tcpstate.analyzer.AnalyzerSettings;
import dev.tcpstate.analyzer.ChecksumPolicy;
import dev.tcpstate.analyzer.tcp.TcpState;
import dev.tcpstate.analyzer.track.Role;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;

/** Edge cases built segment by segment. */
class CraftedTest {

    static List<String> summary(Wire w) {
        return w.out.stream().map(a -> a.code() + " " + a.severity() + " " + a.endpoint() + " #" + a.packet())
                .toList();
    }

    @Nested
    class Resets {
        @Test
        void rstOutOfWindow_ignoredAndReportedOnTheTarget() {
            Wire w = new Wire();
            Wire.Conv c = w.conv().established().exchange();
            c.rawServer(R, c.sseq + 5_000_000, 0, 0);
            w.finish();
            assertThat(summary(w)).containsExactly("rst_out_of_window WARNING ORIGINATOR #8");
            Anomaly a = w.out.get(0);
            assertThat(a.stateBefore()).isEqualTo(TcpState.ESTABLISHED);
            assertThat(a.stateAfter()).isEqualTo(TcpState.ESTABLISHED);
            assertThat(a.evidence("distance")).isEqualTo(5_000_000);
        }

        @Test
        void abortiveCloseWithDataInFlightAndData() {
            Wire w = new Wire();
            Wire.Conv c = w.conv().established();
            c.client(P | A, 100); // not acknowledged
            c.rawClient(R | A, c.cseq, c.sseq, 20);
            w.finish();
            assertThat(summary(w)).containsExactly("rst_with_data INFO ORIGINATOR #5",
                    "abortive_close WARNING ORIGINATOR #5");
            assertThat(w.of("abortive_close").get(0).evidence("unacked_bytes_sent")).isEqualTo(100L);
            assertThat(w.of("abortive_close").get(0).evidence("data_in_flight")).isEqualTo(true);
        }

        @Test
        void rstAfterFin_sameSide() {
            Wire w = new Wire();
            Wire.Conv c = w.conv().established().exchange();
            c.client(F | A).server(A);
            c.rawClient(R | A, c.cseq, c.sseq, 0);
            w.finish();
            assertThat(summary(w)).containsExactly("rst_after_fin INFO ORIGINATOR #10");
            assertThat(w.out.get(0).stateBefore()).isEqualTo(TcpState.FIN_WAIT_2);
        }

        @Test
        void timeWaitAssassination() {
            Wire w = new Wire();
            Wire.Conv c = w.conv().established();
            c.client(F | A).server(F | A).client(A); // client TIME_WAIT, server CLOSED
            w.after(2 * SEC);
            c.rawServer(R, c.sseq, 0, 0);
            w.finish();
            assertThat(summary(w)).containsExactly("time_wait_assassination WARNING ORIGINATOR #7");
            Anomaly a = w.out.get(0);
            assertThat(a.stateBefore()).isEqualTo(TcpState.TIME_WAIT);
            assertThat(a.stateAfter()).isEqualTo(TcpState.CLOSED);
            assertThat((Double) a.evidence("time_wait_seconds")).isBetween(2.0, 2.01);
        }

        @Test
        void repeatLimit_threeReportedRestCounted() {
            Wire w = new Wire();
            Wire.Conv c = w.conv().established().exchange();
            for (int i = 0; i < 5; i++) c.rawServer(R, c.sseq + 5_000_000 + i, 0, 0);
            w.finish();
            assertThat(w.codes()).containsExactly("rst_out_of_window", "rst_out_of_window", "rst_out_of_window");
            assertThat(w.detector.suppressedCounts()).containsExactly(
                    java.util.Map.entry(AnomalyType.RST_OUT_OF_WINDOW, 2L));
        }
    }

    @Nested
    class TimeWaitReuse {
        /** Client closes first (TIME_WAIT), then reconnects from the same port with {@code isn}. */
        private Wire reuse(int isn, int oldTs, int newTs) {
            Wire w = new Wire();
            w.tsVal = oldTs;
            Wire.Conv c = w.conv().established().exchange();
            c.client(F | A).server(F | A).client(A);
            w.after(SEC);
            w.tsVal = newTs;
            w.conv(c.client, c.cport, c.server, c.sport, isn, 90_000).established();
            w.finish();
            return w;
        }

        @Test
        void isnBelowOldSequence_noTimestamps_unsafeWarning() {
            Wire w = reuse(500, 0, 0);
            assertThat(summary(w)).containsExactly("time_wait_reuse WARNING ORIGINATOR #11");
            Anomaly a = w.out.get(0);
            assertThat(a.evidence("safe")).isEqualTo(false);
            assertThat(a.evidence("isn_beyond_last_seq")).isEqualTo(false);
            assertThat(a.evidence("timestamp_newer")).isNull();
            assertThat(a.evidence("side")).isEqualTo("syn_sender");
            assertThat(a.incarnation()).isEqualTo(2);
            assertThat(a.message()).contains("unsafe");
        }

        @Test
        void isnBelowOldSequence_newerTimestamp_safe() {
            Wire w = reuse(500, 1000, 2000);
            Anomaly a = w.of("time_wait_reuse").get(0);
            assertThat(a.severity()).isEqualTo(Severity.INFO);
            assertThat(a.evidence("safe")).isEqualTo(true);
            assertThat(a.evidence("isn_beyond_last_seq")).isEqualTo(false);
            assertThat(a.evidence("timestamp_newer")).isEqualTo(true);
        }

        @Test
        void isnBeyondOldSequence_safe() {
            Wire w = reuse(1_000_000, 0, 0);
            assertThat(summary(w)).containsExactly("time_wait_reuse INFO ORIGINATOR #11");
            assertThat(w.out.get(0).evidence("time_wait_seconds")).isEqualTo(1.002);
        }
    }

    @Nested
    class Closes {
        @Test
        void oneSidedClose_finWait2TimesOut_orphaned() {
            Wire w = new Wire();
            Wire.Conv c = w.conv().established().exchange();
            c.client(F | A).server(A); // client FIN_WAIT_2, server CLOSE_WAIT
            w.after(61 * SEC);
            w.finish();
            assertThat(summary(w)).containsExactly("orphaned_fin_wait_2 WARNING ORIGINATOR #0",
                    "incomplete_close_at_capture_end INFO RESPONDER #0");
            Anomaly a = w.out.get(0);
            assertThat(a.evidence("fin_wait_2_seconds")).isEqualTo(60.0);
            assertThat(a.evidence("peer_state")).isEqualTo("CLOSE_WAIT");
            assertThat(a.evidence("inferred_from")).isEqualTo("timer");
            assertThat(a.stateBefore()).isEqualTo(TcpState.FIN_WAIT_2);
            assertThat(a.stateAfter()).isEqualTo(TcpState.CLOSED);
            assertThat(w.out.get(1).stateBefore()).isEqualTo(TcpState.CLOSE_WAIT);
        }

        @Test
        void simultaneousClose() {
            Wire w = new Wire();
            Wire.Conv c = w.conv().established();
            int cf = c.cseq, sf = c.sseq;
            c.rawClient(F | A, cf, sf, 0).rawServer(F | A, sf, cf, 0);
            c.rawClient(A, cf + 1, sf + 1, 0).rawServer(A, sf + 1, cf + 1, 0);
            w.finish();
            assertThat(summary(w)).containsExactly("simultaneous_close INFO RESPONDER #5");
        }

        @Test
        void captureEndsWhileWaiting_lastAck() {
            Wire w = new Wire();
            Wire.Conv c = w.conv().established();
            c.client(F | A).server(A).server(F | A); // server LAST_ACK, client TIME_WAIT; final ACK not seen
            w.after(3 * SEC);
            w.finish();
            assertThat(summary(w)).containsExactly("incomplete_close_at_capture_end INFO RESPONDER #0");
            assertThat(w.out.get(0).evidence("waiting_seconds")).isEqualTo(3.0);
            assertThat(w.out.get(0).evidence("state")).isEqualTo("LAST_ACK");
        }

        @Test
        void unacknowledgedFin_reportedAtTheThirdRetransmission() {
            Wire w = new Wire();
            Wire.Conv c = w.conv().established();
            int fin = c.cseq;
            for (int i = 0; i < 5; i++) {
                c.rawClient(F | A, fin, c.sseq, 0);
                w.after(200 * MS << i);
            }
            w.finish();
            assertThat(summary(w)).containsExactly("unacknowledged_fin WARNING ORIGINATOR #7",
                    "incomplete_close_at_capture_end INFO ORIGINATOR #0");
            assertThat(w.out.get(0).evidence("fin_retransmissions")).isEqualTo(3);
        }
    }

    @Nested
    class Handshake {
        @Test
        void synAckRetransmittedNeverAcked() {
            Wire w = new Wire();
            Wire.Conv c = w.conv();
            c.client(S).server(S | A);
            c.rawServer(S | A, 5000, c.cseq, 0);
            w.finish();
            assertThat(summary(w)).containsExactly("synack_retransmit WARNING RESPONDER #0");
            assertThat(w.out.get(0).evidence("final_ack_seen")).isEqualTo(false);
        }

        @Test
        void fastOpenAndPartial() {
            Wire w = new Wire();
            w.fastOpenCookie = 8;
            w.conv().client(S, 50);
            w.conv(ip(10, 0, 0, 3), 40001, ip(10, 0, 0, 2), 80, 1, 1).client(P | A, 10);
            w.finish();
            assertThat(summary(w)).containsExactly("tcp_fast_open INFO ORIGINATOR #1",
                    "partial_connection INFO null #2");
            assertThat(w.out.get(0).evidence("data_bytes")).isEqualTo(50);
        }

        @Test
        void connectGivesUp_handshakeTimeoutReportedWhenTheTimerRuns_clientClosed() {
            Wire w = new Wire();
            Wire.Conv c = w.conv().client(S);
            long first = w.time;
            w.after(SEC);
            c.rawClient(S, 1000, 0, 0);
            w.after(2 * SEC);
            c.rawClient(S, 1000, 0, 0);
            w.after(first + 127 * SEC - 1 - w.time);
            assertThat(w.out).isEmpty();
            w.after(1); // the client's connect times out: both endpoints final, the connection ends now
            assertThat(summary(w)).containsExactly("handshake_timeout WARNING ORIGINATOR #1");
            Anomaly a = w.out.get(0);
            assertThat(a.stateBefore()).isEqualTo(TcpState.SYN_SENT);
            assertThat(a.stateAfter()).isEqualTo(TcpState.CLOSED);
            assertThat(a.timeNanos()).isEqualTo(first + 3 * SEC + 2 * MS);
            assertThat(a.evidence("syns")).isEqualTo(3);
            assertThat(a.evidence("gave_up_after_seconds")).isEqualTo(127.0);
            assertThat(a.message()).isEqualTo("10.0.0.1:40000 sent its SYN 3 times (retries after [1.001, 2.001] s)"
                    + " and never got an answer from 10.0.0.2:80; it gave up 127.0 s after its first SYN.");
            w.finish();
            assertThat(w.out).hasSize(1);
        }

        @Test
        void aSynSentFortyTimes_countedInFull_theFirst32Listed() {
            // A sender that retransmits its SYN (same ISN) every second, not backing off: more SYNs than the marks
            // keep. The 33rd and later are counted, not listed; the report is dated by the last.
            Wire w = new Wire();
            Wire.Conv c = w.conv().client(S);
            long first = w.time;
            for (int i = 1; i < 40; i++) {
                w.after(SEC);
                c.rawClient(S, 1000, 0, 0);
            }
            w.finish();
            assertThat(summary(w)).containsExactly("handshake_timeout WARNING ORIGINATOR #1");
            Anomaly a = w.out.get(0);
            assertThat(a.evidence("syns")).isEqualTo(40);
            assertThat(a.packets()).hasSize(ConnMarks.SYNS_KEPT);
            assertThat(a.packets().get(31)).isEqualTo(32L);
            assertThat(a.timeNanos()).isEqualTo(first + 39 * SEC + 39 * MS);
            assertThat(a.evidence("waited_seconds")).isEqualTo(39.039);
            assertThat(a.stateAfter()).isEqualTo(TcpState.SYN_SENT);
            assertThat(a.message()).startsWith("10.0.0.1:40000 sent its SYN 40 times (retries after [1.001, ");
        }

        @Test
        void captureEndsBeforeTheConnectGivesUp_noGiveUpInTheReport() {
            Wire w = new Wire();
            Wire.Conv c = w.conv().client(S);
            w.after(SEC);
            c.rawClient(S, 1000, 0, 0);
            w.finish();
            Anomaly a = w.of("handshake_timeout").get(0);
            assertThat(a.stateAfter()).isEqualTo(TcpState.SYN_SENT);
            assertThat(a.evidence()).containsEntry("gave_up_after_seconds", null);
            assertThat(a.message()).endsWith("never got an answer from 10.0.0.2:80.");
        }

        @Test
        void synAckRetransmittedNeverAcked_listenerDropsItAfterTheTimeout() {
            Wire w = new Wire();
            Wire.Conv c = w.conv();
            c.client(S).server(S | A);
            long answered = w.time;
            c.rawServer(S | A, 5000, c.cseq, 0);
            w.after(answered + 63 * SEC - w.time);
            // the client (a spoofed source) is still in SYN_SENT: the connection stays until its timer runs too
            assertThat(w.out).isEmpty();
            w.after(127 * SEC);
            assertThat(summary(w)).containsExactly("synack_retransmit WARNING RESPONDER #0");
            assertThat(w.out.get(0).stateBefore()).isEqualTo(TcpState.SYN_RECEIVED);
            assertThat(w.out.get(0).stateAfter()).isEqualTo(TcpState.LISTEN);
            // the step is dated by the SYN, the timer ran from the SYN-ACK 1 ms later
            assertThat(w.out.get(0).evidence("dropped_after_seconds")).isEqualTo(63.001);
            assertThat(w.out.get(0).message()).isEqualTo("10.0.0.2:80 answered the SYN and retransmitted its SYN-ACK"
                    + " 1 times, but the handshake's final ACK never arrived; it dropped the half-open connection"
                    + " 63.001 s after the SYN.");
        }

        @Test
        void singleUnansweredSyn_notATimeout() {
            Wire w = new Wire();
            w.conv().client(S);
            w.finish();
            assertThat(w.out).isEmpty();
        }
    }

    @Nested
    class Aggregates {
        private static final long SERVER = ip(10, 0, 0, 2);

        @Test
        void flood_manySourcesOnePort_oneFloodNoScan() {
            Wire w = new Wire();
            w.step = 2 * MS;
            for (int i = 0; i < 200; i++) {
                w.conv(ip(10, 9, i / 256, i % 256), 1024 + i, SERVER, 80, i * 1000, 0).client(S);
            }
            w.after(10 * SEC);
            w.finish();
            assertThat(summary(w)).containsExactly("syn_flood ERROR null #1");
            Anomaly a = w.out.get(0);
            assertThat(a.evidence("sources")).isEqualTo(200);
            assertThat(a.evidence("syns")).isEqualTo(200L);
            assertThat(a.evidence("peak_half_open")).isEqualTo(200);
            assertThat(a.evidence("peak_syn_rate")).isEqualTo(200.0);
        }

        @Test
        void flood_endsOnTheClockWithoutAnotherPacket() {
            Wire w = new Wire();
            w.step = 2 * MS;
            for (int i = 0; i < 200; i++) {
                w.conv(ip(10, 9, i / 256, i % 256), 1024 + i, SERVER, 80, i * 1000, 0).client(S);
            }
            assertThat(w.out).isEmpty();
            // Live capture on a quiet interface: only time passes.
            long t = w.time + 120 * SEC;
            w.tracker.advanceTime(t);
            w.detector.advanceTime(t);
            assertThat(summary(w)).containsExactly("syn_flood ERROR null #1");
            w.finish();
            assertThat(summary(w)).containsExactly("syn_flood ERROR null #1");
        }

        @Test
        void busyHealthyServer_noFlood() {
            Wire w = new Wire();
            w.step = MS;
            for (int i = 0; i < 200; i++) {
                w.conv(ip(10, 9, 0, i), 1024 + i, SERVER, 80, i * 1000, 7).established();
            }
            w.finish();
            assertThat(w.out).isEmpty();
        }

        @Test
        void scan_oneSourceManyPorts_scanNoFlood() {
            Wire w = new Wire();
            for (int port = 1; port <= 100; port++) {
                Wire.Conv c = w.conv(ip(10, 0, 0, 66), 50000, SERVER, port, 777, port * 10);
                c.client(S);
                if (port % 10 == 0) c.rawServer(R | A, 0, 778, 0);
            }
            w.finish();
            assertThat(w.codes()).containsOnly("connection_refused", "syn_scan");
            Anomaly a = w.of("syn_scan").get(0);
            assertThat(a.origAddress()).isEqualTo("10.0.0.66");
            assertThat(a.respAddress()).isEqualTo("10.0.0.2");
            assertThat(a.evidence("ports")).isEqualTo(100);
            assertThat(a.evidence("closed_ports")).isEqualTo(10L);
        }

        @Test
        void backscatter_unsolicitedSynAcksFromManyHosts() {
            Wire w = new Wire();
            w.step = 100 * MS;
            long victim = ip(10, 0, 0, 9);
            for (int i = 0; i < 30; i++) {
                w.seg(ip(172, 16, 0, i + 1), 80, victim, 30000 + i, S | A, i * 999, 4242, 0);
            }
            w.finish();
            assertThat(summary(w)).containsExactly("synack_backscatter WARNING null #1");
            Anomaly a = w.out.get(0);
            assertThat(a.respAddress()).isEqualTo("10.0.0.9");
            assertThat(a.evidence("sources")).isEqualTo(30);
            assertThat(a.evidence("synacks")).isEqualTo(30L);
        }

        @Test
        void boundedTables_theLongestIdleMakeRoom() {
            Wire w = new Wire(AnomalySettings.DEFAULTS.withMaxTrackedKeys(10));
            for (int i = 0; i < 200; i++) {
                w.conv(ip(10, 9, 0, i), 1024, ip(10, 1, 0, i), 80, 1, 0).client(S);
            }
            w.finish();
            // 200 SYNs to 200 listeners from 200 sources. Listeners: from the 11th on, every second new one finds the
            // table of 10 full, and the two idle longest (a quarter of 10, rounded down) leave: 95 times.
            assertThat(w.detector.droppedEarly(AnomalyType.SYN_FLOOD)).isEqualTo(190);
            // Source/target pairs that sent one SYN have a table of 80: from the 81st on, every twentieth new pair
            // finds it full, and the twenty whose SYN came first leave (81st, 101st, ..., 181st: 6 times).
            assertThat(w.detector.droppedEarly(AnomalyType.SYN_SCAN)).isEqualTo(120);
            assertThat(w.detector.droppedEarly(AnomalyType.SYNACK_BACKSCATTER)).isZero();
            assertThat(w.detector.droppedEarly(AnomalyType.HANDSHAKE_TIMEOUT)).isZero();
            assertThat(w.detector.untrackedAggregateKeys()).isZero();
            assertThat(w.detector.untracked(AnomalyType.SYN_SCAN)).isZero();
        }

        @Test
        void boundedTables_sayHowLongTheKeysThatLeftEarlyHadBeenIdle() {
            // One key a table, and 8 pairs that sent one SYN: the ninth such pair pushes out the two whose SYNs came
            // first, the later of them idle since 1 ms, for 9 ms.
            Wire w = new Wire(AnomalySettings.DEFAULTS.withMaxTrackedKeys(1));
            for (int i = 1; i <= 8; i++) {
                w.conv(ip(10, 9, 0, i), 1024, SERVER, 80, 1, 0).client(S);
                w.after(MS - w.step);
            }
            w.after(2 * MS);
            w.conv(ip(10, 9, 0, 9), 1024, SERVER, 80, 1, 0).client(S);
            w.finish();
            assertThat(w.detector.droppedEarly(AnomalyType.SYN_SCAN)).isEqualTo(2);
            assertThat(w.detector.shortestIdleDroppedNanos(AnomalyType.SYN_SCAN)).isEqualTo(9 * MS);
            // one listener: nothing left its table
            assertThat(w.detector.droppedEarly(AnomalyType.SYN_FLOOD)).isZero();
            assertThat(w.detector.shortestIdleDroppedNanos(AnomalyType.SYN_FLOOD)).isEqualTo(-1);
        }

        @Test
        void boundedTables_aScanAfterManyOtherPairsIsStillFound() {
            // 100 pairs that each send two SYNs, so each takes a place in the scan table of 10, then a scanner.
            Wire w = new Wire(AnomalySettings.DEFAULTS.withMaxTrackedKeys(10));
            for (int i = 0; i < 100; i++) {
                w.conv(ip(10, 9, 0, i), 1024, ip(10, 1, 0, i), 80, 1, 0).client(S);
                w.conv(ip(10, 9, 0, i), 1025, ip(10, 1, 0, i), 80, 1, 0).client(S);
            }
            for (int port = 1; port <= 20; port++) {
                w.conv(ip(10, 0, 0, 66), 50000, SERVER, port, 777, port * 10).client(S);
            }
            w.finish();
            assertThat(w.of("syn_scan")).hasSize(1);
            Anomaly a = w.of("syn_scan").get(0);
            assertThat(a.origAddress()).isEqualTo("10.0.0.66");
            assertThat(a.evidence("ports")).isEqualTo(20);
            assertThat(a.evidence("syns")).isEqualTo(20L);
            assertThat(w.detector.untracked(AnomalyType.SYN_SCAN)).isZero();
            // 101 pairs in a scan table of 10: from the 11th on, every second one made room for itself by pushing
            // out two (46 times); none of the pairs that sent one SYN had to leave
            assertThat(w.detector.droppedEarly(AnomalyType.SYN_SCAN)).isEqualTo(92);
        }

        @Test
        void boundedTables_aKeyInsideAnIntervalStaysAndNewKeysAreNotCounted() {
            // One key a table. The scanner's pair is inside its scan interval once its first window has been
            // evaluated (by its next SYN, 6 minutes on); then another source's second SYN to the server finds the
            // table full of a key that may not leave, and is not counted (its first went to the pairs that sent one).
            Wire w = new Wire(AnomalySettings.DEFAULTS.withMaxTrackedKeys(1));
            long scanner = ip(10, 0, 0, 66);
            for (int port = 1; port <= 20; port++) {
                w.conv(scanner, 50000, SERVER, port, 777, port * 10).client(S);
            }
            w.after(6 * 60 * SEC);
            w.conv(scanner, 50000, SERVER, 21, 777, 210).client(S);
            w.conv(ip(10, 0, 0, 67), 50001, SERVER, 22, 777, 220).client(S);
            w.conv(ip(10, 0, 0, 67), 50001, SERVER, 23, 777, 230).client(S);
            w.finish();
            assertThat(w.of("syn_scan")).hasSize(1);
            assertThat(w.of("syn_scan").get(0).evidence("ports")).isEqualTo(20);
            assertThat(w.detector.droppedEarly(AnomalyType.SYN_SCAN)).isZero();
            assertThat(w.detector.untracked(AnomalyType.SYN_SCAN)).isEqualTo(1);
        }

        @Test
        void aPairsFirstConnectionCountsInItsScan_evenOnceItHasEnded() {
            // The scanner's first connection (port 22) is answered, completes and is reset, and the connection leaves
            // the table, while its SYN is still its pair's only one; the next 19 ports are refused. The scan's window
            // opened with that first SYN and holds its handshake.
            Wire w = new Wire();
            long scanner = ip(10, 0, 0, 66);
            Wire.Conv first = w.conv(scanner, 50000, SERVER, 22, 777, 5000).established();
            first.client(R | A);
            w.after(6 * SEC); // the connection's linger runs out: it leaves, its marks go back for reuse
            for (int port = 1; port <= 19; port++) {
                Wire.Conv c = w.conv(scanner, 50000 + port, SERVER, 1000 + port, 900 + port, 0).client(S);
                c.rawServer(R | A, 0, 901 + port, 0);
            }
            w.finish();
            assertOneScanCountingTheFirstConnection(w);
        }

        @Test
        void aPairsFirstConnectionCountsInItsScan_whatItDoesLaterToo() {
            // The first connection's SYN-ACK and final ACK come after the pair's second SYN: the connection was
            // moved, with its pair, to the scan table, and its events count there.
            Wire w = new Wire();
            long scanner = ip(10, 0, 0, 66);
            Wire.Conv first = w.conv(scanner, 50000, SERVER, 22, 777, 5000).client(S);
            for (int port = 1; port <= 19; port++) {
                Wire.Conv c = w.conv(scanner, 50000 + port, SERVER, 1000 + port, 900 + port, 0).client(S);
                c.rawServer(R | A, 0, 901 + port, 0);
            }
            first.server(S | A).client(A);
            w.finish();
            assertOneScanCountingTheFirstConnection(w);
        }

        /** One scan, begun by the first connection's SYN (packet 1), with its answer and handshake counted. */
        private void assertOneScanCountingTheFirstConnection(Wire w) {
            assertThat(w.of("syn_scan")).hasSize(1);
            Anomaly a = w.of("syn_scan").get(0);
            assertThat(a.packets()).containsExactly(1L);
            assertThat(a.evidence("ports")).isEqualTo(20);
            assertThat(a.evidence("syns")).isEqualTo(20L);
            assertThat(a.evidence("open_ports")).isEqualTo(1L);
            assertThat(a.evidence("closed_ports")).isEqualTo(19L);
            assertThat(a.evidence("completed_handshakes")).isEqualTo(1L);
        }
    }

    @Nested
    class Violations {
        @Test
        void impossibleFlags() {
            Wire w = new Wire();
            long a = ip(10, 0, 0, 66), b = ip(10, 0, 0, 2);
            w.seg(a, 1000, b, 22, S | F, 1, 0, 0);
            w.seg(a, 1001, b, 22, S | R, 1, 0, 0);
            w.seg(a, 1002, b, 22, 0, 1, 0, 0);
            w.seg(a, 1003, b, 22, F | P | U, 1, 0, 0);
            w.finish();
            assertThat(w.codes()).containsExactly("syn_fin", "syn_rst", "null_flags", "xmas_flags");
            assertThat(w.out).allMatch(x -> x.endpoint() == Role.ORIGINATOR);
        }

        @Test
        void dataFromSynReceived() {
            Wire w = new Wire();
            Wire.Conv c = w.conv();
            c.client(S).server(S | A).server(P | A, 10);
            w.finish();
            assertThat(w.codes()).contains("data_before_established");
            assertThat(w.of("data_before_established").get(0).endpoint()).isEqualTo(Role.RESPONDER);
        }

        @Test
        void segmentOutsideWindowAndAckOfUnsentData() {
            Wire w = new Wire();
            Wire.Conv c = w.conv().established().exchange();
            c.rawClient(P | A, c.cseq + 2_000_000_000, c.sseq, 10);
            c.rawClient(A, c.cseq, c.sseq + 5000, 0);
            w.finish();
            assertThat(summary(w)).containsExactly("segment_outside_window WARNING RESPONDER #8",
                    "ack_of_unsent_data WARNING ORIGINATOR #9");
        }

        @Test
        void badChecksum_reportedUnlessTurnedOff() {
            for (boolean on : new boolean[] {true, false}) {
                Wire w = new Wire(AnomalySettings.DEFAULTS.withReportBadChecksums(on));
                Wire.Conv c = w.conv().established();
                w.badChecksum = true;
                c.client(P | A, 10);
                w.badChecksum = false;
                c.server(A);
                w.finish();
                assertThat(w.codes()).isEqualTo(on ? List.of("bad_checksum") : List.of());
            }
        }

        @Test
        void badChecksum_offloadPatternReportedOnlyUnderVerify() {
            for (ChecksumPolicy policy : new ChecksumPolicy[] {ChecksumPolicy.AUTO, ChecksumPolicy.VERIFY}) {
                Wire w = new Wire(AnomalySettings.DEFAULTS, AnalyzerSettings.DEFAULTS.withChecksums(policy));
                Wire.Conv c = w.conv().established();
                w.offloadChecksum = true;
                c.client(P | A, 10);
                w.offloadChecksum = false;
                c.server(A);
                w.badChecksum = true;
                c.client(P | A, 10);
                w.badChecksum = false;
                c.server(A);
                w.finish();
                assertThat(w.codes()).as(policy.name()).isEqualTo(policy == ChecksumPolicy.AUTO
                        ? List.of("bad_checksum") : List.of("bad_checksum", "bad_checksum"));
            }
        }
    }
}
