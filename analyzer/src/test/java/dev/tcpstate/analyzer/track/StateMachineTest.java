package dev.tcpstate.analyzer.track;

import static dev.tcpstate.analyzer.tcp.TcpState.CLOSED;
import static dev.tcpstate.analyzer.tcp.TcpState.CLOSE_WAIT;
import static dev.tcpstate.analyzer.tcp.TcpState.CLOSING;
import static dev.tcpstate.analyzer.tcp.TcpState.ESTABLISHED;
import static dev.tcpstate.analyzer.tcp.TcpState.FIN_WAIT_1;
import static dev.tcpstate.analyzer.tcp.TcpState.FIN_WAIT_2;
import static dev.tcpstate.analyzer.tcp.TcpState.LAST_ACK;
import static dev.tcpstate.analyzer.tcp.TcpState.LISTEN;
import static dev.tcpstate.analyzer.tcp.TcpState.SYN_RECEIVED;
import static dev.tcpstate.analyzer.tcp.TcpState.SYN_SENT;
import static dev.tcpstate.analyzer.tcp.TcpState.TIME_WAIT;
import static dev.tcpstate.analyzer.track.Flow.A;
import static dev.tcpstate.analyzer.track.Flow.F;
import static dev.tcpstate.analyzer.track.Flow.MS;
import static dev.tcpstate.analyzer.track.Flow.P;
import static dev.tcpstate.analyzer.track.Flow.R;
import static dev.tcpstate.analyzer.track.Flow.S;
import static dev.tcpstate.analyzer.track.Flow.SEC;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tcpstate.analyzer.AnalyzerSettings;
import dev.tcpstate.analyzer.tcp.TcpState;
import dev.tcpstate.analyzer.track.StatePath.Step;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class StateMachineTest {

    static List<TcpState> states(Endpoint e) {
        return e.path().states();
    }

    @Nested
    class Closed {
        @Test
        void closed_synSent_activeOpen() {
            Flow f = new Flow().client(S);
            assertThat(f.orig().state()).isEqualTo(SYN_SENT);
            assertThat(f.orig().path().steps()).containsExactly(new Step(1, Flow.BASE + MS, CLOSED, SYN_SENT));
            assertThat(f.orig().iss()).isEqualTo(Flow.CLIENT_ISN);
            assertThat(f.resp().state()).isEqualTo(CLOSED);
            assertThat(f.resp().isKnown()).isFalse();
            assertThat(f.conn().isPartial()).isFalse();
        }

        @Test
        void closed_unansweredSyn_responderStaysClosed_zeekS0() {
            Flow f = new Flow().client(S).rawClient(S, Flow.CLIENT_ISN, 0, 0);
            assertThat(f.resp().state()).isEqualTo(CLOSED);
            assertThat(f.resp().path().size()).isZero();
            assertThat(f.orig().duplicateSyns()).isEqualTo(1);
            assertThat(f.orig().retransmissions()).isEqualTo(1);
            assertThat(f.orig().path().size()).isEqualTo(1);
            assertThat(f.conn().zeekConnState()).isEqualTo("S0");
            assertThat(f.conn().history()).isEqualTo("S");
        }

        @Test
        void closed_refused_rstAck_bothClosed_zeekRej() {
            Flow f = new Flow().client(S).server(R | A);
            assertThat(f.orig().state()).isEqualTo(CLOSED);
            assertThat(states(f.orig())).containsExactly(CLOSED, SYN_SENT, CLOSED);
            assertThat(f.resp().state()).isEqualTo(CLOSED);
            assertThat(states(f.resp())).containsExactly(CLOSED);
            assertThat(f.resp().isKnown()).isTrue();
            assertThat(f.conn().zeekConnState()).isEqualTo("REJ");
            assertThat(f.conn().history()).isEqualTo("Sr");
        }
    }

    @Nested
    class Listen {
        @Test
        void listen_synAck_synReceived_datedBySyn() {
            Flow f = new Flow().client(S).server(S | A);
            assertThat(f.resp().isPassive()).isTrue();
            assertThat(f.resp().path().initial()).isEqualTo(LISTEN);
            assertThat(f.resp().path().steps()).containsExactly(new Step(1, Flow.BASE + MS, LISTEN, SYN_RECEIVED));
            assertThat(f.orig().state()).isEqualTo(ESTABLISHED);
            assertThat(f.transitions).containsExactly("ORIGINATOR CLOSED->SYN_SENT #1",
                    "RESPONDER LISTEN->SYN_RECEIVED #1", "ORIGINATOR SYN_SENT->ESTABLISHED #2");
        }
    }

    @Nested
    class SynSent {
        @Test
        void synSent_synAck_establishes() {
            Flow f = new Flow().client(S).server(S | A);
            assertThat(f.orig().path().steps()).containsExactly(
                    new Step(1, Flow.BASE + MS, CLOSED, SYN_SENT), new Step(2, Flow.BASE + 2 * MS, SYN_SENT, ESTABLISHED));
            assertThat(f.resp().state()).isEqualTo(SYN_RECEIVED);
        }

        @Test
        void synSent_synAckWithWrongAck_ignoredAndCounted() {
            Flow f = new Flow().client(S).rawServer(S | A, Flow.SERVER_ISN, Flow.CLIENT_ISN + 5, 0);
            assertThat(f.orig().state()).isEqualTo(SYN_SENT);
            assertThat(f.orig().outOfWindow()).isEqualTo(1);
        }

        @Test
        void synSent_bareSyn_simultaneousOpen() {
            Flow f = new Flow().client(S).server(S);
            assertThat(states(f.orig())).containsExactly(CLOSED, SYN_SENT, SYN_RECEIVED);
            assertThat(states(f.resp())).containsExactly(CLOSED, SYN_SENT, SYN_RECEIVED);
            // each side's SYN-ACK takes the other to ESTABLISHED
            f.client(S | A).server(S | A);
            // client SYN-ACK seq is its ISN: the SYN part is old, the ACK is applied
            assertThat(f.resp().state()).isEqualTo(ESTABLISHED);
            assertThat(f.orig().state()).isEqualTo(ESTABLISHED);
            assertThat(states(f.orig())).containsExactly(CLOSED, SYN_SENT, SYN_RECEIVED, ESTABLISHED);
            assertThat(states(f.resp())).containsExactly(CLOSED, SYN_SENT, SYN_RECEIVED, ESTABLISHED);
        }

        @Test
        void synSent_rstWithoutAck_ignored() {
            Flow f = new Flow().client(S).rawServer(R, 0, 0, 0);
            assertThat(f.orig().state()).isEqualTo(SYN_SENT);
            assertThat(f.orig().outOfWindow()).isEqualTo(1);
        }

        @Test
        void synSent_tcpFastOpen_dataOnSynCountedInSequenceSpace() {
            Flow f = new Flow().client(S, 100);
            assertThat(f.orig().sndNxt()).isEqualTo(Flow.CLIENT_ISN + 101);
            f.server(S | A); // acks ISN+101
            assertThat(f.orig().state()).isEqualTo(ESTABLISHED);
            assertThat(f.resp().rcvNxt()).isEqualTo(Flow.CLIENT_ISN + 101);
            f.server(A, 50); // server data before the third ACK (allowed with Fast Open)
            assertThat(f.resp().state()).isEqualTo(SYN_RECEIVED);
            f.client(A);
            assertThat(f.resp().state()).isEqualTo(ESTABLISHED);
            assertThat(f.conn().origBytes()).isEqualTo(100);
            assertThat(f.conn().respBytes()).isEqualTo(50);
            assertThat(f.conn().history()).isEqualTo("ShdA");
        }

        @Test
        void synSent_unanswered_closedWhenTheConnectTimesOut_countedFromTheFirstSyn() {
            Flow f = new Flow().client(S);
            long first = f.orig().stateSinceNanos();
            f.after(SEC).rawClient(S, Flow.CLIENT_ISN, 0, 0).after(2 * SEC).rawClient(S, Flow.CLIENT_ISN, 0, 0);
            f.tracker.advanceTime(first + 127 * SEC - 1);
            assertThat(f.orig().state()).isEqualTo(SYN_SENT);
            assertThat(f.ended).isEmpty();
            f.tracker.advanceTime(first + 127 * SEC);
            // both endpoints final by a timer: the connection leaves the table at once
            assertThat(f.ended).hasSize(1);
            Connection c = f.ended.get(0);
            assertThat(c.originator().path().steps()).containsExactly(
                    new Step(1, first, CLOSED, SYN_SENT), new Step(0, first + 127 * SEC, SYN_SENT, CLOSED));
            assertThat(states(c.responder())).containsExactly(CLOSED);
            assertThat(c.zeekConnState()).isEqualTo("S0");
            assertThat(f.tracker.liveConnections()).isZero();
        }

        @Test
        void synSent_timeoutIsASetting_andASynAfterItStartsTheNextIncarnation() {
            Flow f = new Flow(AnalyzerSettings.DEFAULTS.withSynSentTimeout(Duration.ofSeconds(3))).client(S);
            long first = f.orig().stateSinceNanos();
            f.tracker.advanceTime(first + 3 * SEC);
            assertThat(f.ended).hasSize(1);
            assertThat(states(f.ended.get(0).originator())).containsExactly(CLOSED, SYN_SENT, CLOSED);
            // the same SYN again, after the client gave up: a new connection attempt on the socket pair
            f.rawClient(S, Flow.CLIENT_ISN, 0, 0);
            assertThat(f.conn().incarnation()).isEqualTo(2);
            assertThat(states(f.orig())).containsExactly(CLOSED, SYN_SENT);
        }

        @Test
        void synSent_answeredBeforeTheTimeout_noTimerLeft() {
            Flow f = new Flow().client(S).after(100 * SEC).server(S | A).client(A);
            long first = f.orig().path().step(0).timeNanos();
            f.tracker.advanceTime(first + 200 * SEC);
            assertThat(f.orig().state()).isEqualTo(ESTABLISHED);
            assertThat(f.resp().state()).isEqualTo(ESTABLISHED);
            assertThat(f.ended).isEmpty();
        }

        @Test
        void synSent_missedSynAck_ackFromClientProvesEstablished() {
            Flow f = new Flow().client(S);
            f.serverSeq++; // SYN-ACK not captured
            f.client(A, 10);
            assertThat(states(f.orig())).containsExactly(CLOSED, SYN_SENT, ESTABLISHED);
            assertThat(f.conn().isPartial()).isTrue();
        }
    }

    @Nested
    class SynReceived {
        @Test
        void synReceived_ackOfSyn_establishes() {
            Flow f = Flow.established();
            assertThat(states(f.resp())).containsExactly(LISTEN, SYN_RECEIVED, ESTABLISHED);
            assertThat(f.resp().path().step(1).packet()).isEqualTo(3);
            assertThat(f.conn().zeekConnState()).isEqualTo("S1");
            assertThat(f.conn().history()).isEqualTo("ShA");
        }

        @Test
        void synReceived_rst_passiveReturnsToListen() {
            Flow f = new Flow().client(S).server(S | A).client(R);
            assertThat(states(f.resp())).containsExactly(LISTEN, SYN_RECEIVED, LISTEN);
            assertThat(f.orig().state()).isEqualTo(CLOSED);
            assertThat(f.conn().wasReset()).isTrue();
            assertThat(f.conn().zeekConnState()).isEqualTo("RSTO");
        }

        @Test
        void synReceived_sendsRst_closed() {
            Flow f = new Flow().client(S).server(S | A).server(R | A);
            assertThat(states(f.resp())).containsExactly(LISTEN, SYN_RECEIVED, CLOSED);
            assertThat(f.orig().state()).isEqualTo(CLOSED);
        }

        @Test
        void synReceived_retransmittedSynAck_doesNotMoveState_andShowsTheFirstDidNotArrive() {
            Flow f = new Flow().client(S).server(S | A).rawServer(S | A, Flow.SERVER_ISN, Flow.CLIENT_ISN + 1, 0);
            assertThat(f.resp().path().size()).isEqualTo(1);
            assertThat(f.resp().duplicateSyns()).isEqualTo(1);
            // the client never answered the first SYN-ACK: neither copy is taken as arrived
            assertThat(states(f.orig())).containsExactly(CLOSED, SYN_SENT);
            assertThat(f.orig().outOfWindow()).isZero();
            // its ACK then proves a copy arrived, without making the connection partial
            f.client(A);
            assertThat(states(f.orig())).containsExactly(CLOSED, SYN_SENT, ESTABLISHED);
            assertThat(f.orig().path().step(1).packet()).isEqualTo(4);
            assertThat(states(f.resp())).containsExactly(LISTEN, SYN_RECEIVED, ESTABLISHED);
            assertThat(f.conn().isPartial()).isFalse();
        }

        @Test
        void retransmittedSynAckAfterClientAck_clientStaysEstablished() {
            Flow f = Flow.established().rawServer(S | A, Flow.SERVER_ISN, Flow.CLIENT_ISN + 1, 0);
            assertThat(states(f.orig())).containsExactly(CLOSED, SYN_SENT, ESTABLISHED);
        }

        @Test
        void retransmittedSynAckAfterAckArrived_ackWasRefused_responderBackToSynReceived() {
            Flow f = Flow.established();
            assertThat(states(f.resp())).containsExactly(LISTEN, SYN_RECEIVED, ESTABLISHED);
            f.rawServer(S | A, Flow.SERVER_ISN, Flow.CLIENT_ISN + 1, 0);
            assertThat(states(f.resp())).containsExactly(LISTEN, SYN_RECEIVED);
            assertThat(f.resp().state()).isEqualTo(SYN_RECEIVED);
            // the client answers the copy; the same ACK is refused again (full accept queue)
            f.client(A);
            assertThat(f.resp().state()).isEqualTo(SYN_RECEIVED);
            assertThat(states(f.orig())).containsExactly(CLOSED, SYN_SENT, ESTABLISHED);
            // the responder's own non-SYN segment proves it took one in
            f.server(A, 10);
            assertThat(states(f.resp())).containsExactly(LISTEN, SYN_RECEIVED, ESTABLISHED);
            assertThat(f.resp().path().step(1).packet()).isEqualTo(6);
        }

        @Test
        void retransmittedSynAckAfterResponderSentData_notWithdrawn() {
            Flow f = Flow.established().server(A | P, 10).rawServer(S | A, Flow.SERVER_ISN, Flow.CLIENT_ISN + 1, 0);
            assertThat(states(f.resp())).containsExactly(LISTEN, SYN_RECEIVED, ESTABLISHED);
        }

        @Test
        void synReceived_finalAckNeverArrives_passiveReturnsToListenWhenTheHalfOpenConnectionTimesOut() {
            // a spoofed SYN: its sender never answers the SYN-ACKs
            Flow f = new Flow().client(S).server(S | A);
            // the step is dated by the SYN; the timer runs from the answer (the SYN-ACK, 1 ms later)
            long synAt = f.resp().stateSinceNanos(), answeredAt = synAt + MS;
            f.after(SEC).rawServer(S | A, Flow.SERVER_ISN, Flow.CLIENT_ISN + 1, 0);
            f.tracker.advanceTime(answeredAt + 63 * SEC - 1);
            assertThat(f.resp().state()).isEqualTo(SYN_RECEIVED);
            f.tracker.advanceTime(answeredAt + 63 * SEC);
            assertThat(f.resp().path().steps()).containsExactly(new Step(1, synAt, LISTEN, SYN_RECEIVED),
                    new Step(0, answeredAt + 63 * SEC, SYN_RECEIVED, LISTEN));
            // the originator is still waiting in SYN_SENT until its own connect times out
            assertThat(f.orig().state()).isEqualTo(SYN_SENT);
            assertThat(f.ended).isEmpty();
            f.tracker.advanceTime(synAt + 127 * SEC);
            assertThat(f.ended).hasSize(1);
            assertThat(states(f.ended.get(0).originator())).containsExactly(CLOSED, SYN_SENT, CLOSED);
            assertThat(states(f.ended.get(0).responder())).containsExactly(LISTEN, SYN_RECEIVED, LISTEN);
        }

        @Test
        void withdrawnEstablished_backInSynSentSinceTheFirstSyn_withItsTimer() {
            Flow f = new Flow().client(S).server(S | A);
            assertThat(f.orig().state()).isEqualTo(ESTABLISHED);
            f.rawServer(S | A, Flow.SERVER_ISN, Flow.CLIENT_ISN + 1, 0); // the first SYN-ACK had not arrived
            assertThat(states(f.orig())).containsExactly(CLOSED, SYN_SENT);
            long first = Flow.BASE + MS;
            assertThat(f.orig().stateSinceNanos()).isEqualTo(first);
            f.tracker.advanceTime(first + 127 * SEC - 1);
            assertThat(f.orig().state()).isEqualTo(SYN_SENT);
            f.tracker.advanceTime(first + 127 * SEC);
            assertThat(f.orig().path().steps()).containsExactly(
                    new Step(1, first, CLOSED, SYN_SENT), new Step(0, first + 127 * SEC, SYN_SENT, CLOSED));
            assertThat(states(f.resp())).containsExactly(LISTEN, SYN_RECEIVED, LISTEN);
        }

        @Test
        void synReceived_segmentsItSendsAfterItsSynAck_showItStillThere_theTimerRunsFromTheLast() {
            // only the server's direction is captured: its SYN-ACK, then its data for five minutes
            Flow f = new Flow();
            f.clientSeq++;
            f.server(S | A);
            for (int i = 0; i < 30; i++) {
                f.after(10 * SEC).server(A | P, 100);
            }
            long last = f.time;
            f.tracker.advanceTime(last + 63 * SEC - 1);
            assertThat(f.ended).isEmpty();
            assertThat(f.resp().state()).isEqualTo(SYN_RECEIVED);
            assertThat(f.conn().respPackets()).isEqualTo(31);
            f.tracker.advanceTime(last + 63 * SEC);
            assertThat(f.resp().path().steps()).containsExactly(new Step(1, Flow.BASE + MS, LISTEN, SYN_RECEIVED),
                    new Step(0, last + 63 * SEC, SYN_RECEIVED, LISTEN));
            assertThat(f.ended).hasSize(1);
        }

        @Test
        void synReceived_afterSimultaneousOpen_closedWhenItTimesOut() {
            Flow f = new Flow(AnalyzerSettings.DEFAULTS.withSynReceivedTimeout(Duration.ofSeconds(5))).client(S)
                    .server(S);
            assertThat(f.orig().state()).isEqualTo(SYN_RECEIVED);
            long entered = f.orig().stateSinceNanos();
            f.tracker.advanceTime(entered + 5 * SEC);
            assertThat(states(f.orig())).containsExactly(CLOSED, SYN_SENT, SYN_RECEIVED, CLOSED);
            assertThat(states(f.resp())).containsExactly(CLOSED, SYN_SENT, SYN_RECEIVED, CLOSED);
            assertThat(f.ended).hasSize(1);
        }

        @Test
        void synReceived_finSent_finWait1() {
            Flow f = new Flow().client(S).server(S | A).server(F | A);
            assertThat(states(f.resp())).containsExactly(LISTEN, SYN_RECEIVED, FIN_WAIT_1);
        }

        @Test
        void splitHandshake_synAckAsTwoSegments() {
            Flow f = new Flow().client(S);
            f.rawServer(S, Flow.SERVER_ISN, 0, 0);
            f.serverSeq++;
            f.server(A);
            assertThat(states(f.resp())).containsExactly(CLOSED, SYN_SENT, SYN_RECEIVED);
            // the bare ACK completes the split SYN-ACK: it acknowledges the client's SYN
            assertThat(states(f.orig())).containsExactly(CLOSED, SYN_SENT, SYN_RECEIVED, ESTABLISHED);
            // the client answers with a SYN-ACK, the server acks it
            f.rawClient(S | A, Flow.CLIENT_ISN, f.serverSeq, 0).server(A);
            assertThat(f.resp().state()).isEqualTo(ESTABLISHED);
            assertThat(f.orig().state()).isEqualTo(ESTABLISHED);
        }
    }

    @Nested
    class Established {
        @Test
        void established_dataAcrossWrap_staysEstablished() {
            Flow f = Flow.established().client(P | A, 1000).server(P | A, 2000).client(A);
            assertThat(f.orig().state()).isEqualTo(ESTABLISHED);
            assertThat(f.resp().state()).isEqualTo(ESTABLISHED);
            assertThat(f.resp().rcvNxt()).isEqualTo(Flow.CLIENT_ISN + 1 + 1000);
            assertThat(Integer.compareUnsigned(f.resp().rcvNxt(), Flow.CLIENT_ISN)).isNegative(); // wrapped
            assertThat(f.orig().outOfWindow()).isZero();
            assertThat(f.resp().outOfWindow()).isZero();
            assertThat(f.conn().history()).isEqualTo("ShADd");
        }

        @Test
        void established_retransmittedData_counted() {
            Flow f = Flow.established().client(P | A, 100);
            f.rawClient(P | A, Flow.CLIENT_ISN + 1, f.serverSeq, 100);
            assertThat(f.orig().retransmissions()).isEqualTo(1);
            assertThat(f.resp().outOfWindow()).isZero();
            assertThat(f.conn().history()).isEqualTo("ShADT");
        }

        @Test
        void established_finArrives_closeWait() {
            Flow f = Flow.clientFinWait1();
            assertThat(f.orig().state()).isEqualTo(FIN_WAIT_1);
            assertThat(f.resp().state()).isEqualTo(CLOSE_WAIT);
            assertThat(f.orig().finSeq()).isEqualTo(Flow.CLIENT_ISN + 1);
        }

        @Test
        void established_serverCloses_first() {
            Flow f = Flow.established().server(F | A).client(A).client(F | A).server(A);
            assertThat(states(f.resp())).containsExactly(LISTEN, SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2,
                    TIME_WAIT);
            assertThat(states(f.orig())).containsExactly(CLOSED, SYN_SENT, ESTABLISHED, CLOSE_WAIT, LAST_ACK,
                    CLOSED);
            assertThat(f.conn().zeekConnState()).isEqualTo("SF");
        }

        @Test
        void established_rstAtRcvNxt_closed() {
            Flow f = Flow.established().client(R | A);
            assertThat(f.orig().state()).isEqualTo(CLOSED);
            assertThat(f.resp().state()).isEqualTo(CLOSED);
            assertThat(f.conn().zeekConnState()).isEqualTo("RSTO");
        }

        @Test
        void established_rstFromResponder_zeekRstr() {
            Flow f = Flow.established().server(R | A);
            assertThat(f.orig().state()).isEqualTo(CLOSED);
            assertThat(f.conn().zeekConnState()).isEqualTo("RSTR");
        }

        @Test
        void established_outOfWindowRst_ignored() {
            Flow f = Flow.established().rawClient(R, Flow.CLIENT_ISN + 1 + 1_000_000, 0, 0);
            assertThat(f.resp().state()).isEqualTo(ESTABLISHED);
            assertThat(f.resp().outOfWindow()).isEqualTo(1);
            assertThat(f.orig().state()).isEqualTo(CLOSED); // its sender aborted
        }

        @Test
        void established_inWindowRstNotAtRcvNxt_ignored_rfc5961() {
            Flow f = Flow.established().client(P | A, 200).rawClient(R, Flow.CLIENT_ISN + 1 + 100, 0, 0);
            assertThat(f.resp().state()).isEqualTo(ESTABLISHED);
            assertThat(f.resp().outOfWindow()).isEqualTo(1);
        }

        @Test
        void established_segmentBeyondWindow_notApplied() {
            Flow f = Flow.established();
            f.rawClient(F | A, Flow.CLIENT_ISN + 1 + 200_000, f.serverSeq, 0);
            assertThat(f.resp().state()).isEqualTo(ESTABLISHED);
            assertThat(f.resp().outOfWindow()).isEqualTo(1);
        }

        @Test
        void established_halfClose_dataFromCloseWaitSide() {
            Flow f = Flow.clientFinWait2().server(P | A, 500).client(A).server(P | A, 500).client(A);
            assertThat(f.orig().state()).isEqualTo(FIN_WAIT_2);
            assertThat(f.resp().state()).isEqualTo(CLOSE_WAIT);
            assertThat(f.resp().outOfWindow()).isZero();
            assertThat(f.orig().outOfWindow()).isZero();
            assertThat(f.conn().respBytes()).isEqualTo(1000);
            f.server(F | A).client(A);
            assertThat(f.orig().state()).isEqualTo(TIME_WAIT);
            assertThat(f.resp().state()).isEqualTo(CLOSED);
        }
    }

    @Nested
    class FinWait1 {
        @Test
        void finWait1_ackOfFin_finWait2() {
            Flow f = Flow.clientFinWait2();
            assertThat(states(f.orig())).containsExactly(CLOSED, SYN_SENT, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2);
        }

        @Test
        void finWait1_finWithAckOfOurs_throughFinWait2ToTimeWait() {
            Flow f = Flow.clientFinWait1().server(F | A);
            // RFC 9293 section 3.10.7.4: the ACK (fifth check) moves to FIN-WAIT-2, then the FIN (eighth) to TIME-WAIT
            assertThat(states(f.orig())).containsExactly(CLOSED, SYN_SENT, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2,
                    TIME_WAIT);
            assertThat(f.orig().path().step(3).packet()).isEqualTo(f.orig().path().step(4).packet());
            assertThat(f.resp().state()).isEqualTo(LAST_ACK);
            f.client(A);
            assertThat(f.resp().state()).isEqualTo(CLOSED);
        }

        @Test
        void finWait1_simultaneousClose_closingThenTimeWait() {
            Flow f = Flow.established();
            int c = f.clientSeq, s = f.serverSeq;
            f.clientAck(F | A, s, 0).serverAck(F | A, c, 0);
            assertThat(f.orig().state()).isEqualTo(CLOSING);
            assertThat(f.resp().state()).isEqualTo(CLOSING);
            f.client(A).server(A);
            assertThat(states(f.orig())).containsExactly(CLOSED, SYN_SENT, ESTABLISHED, FIN_WAIT_1, CLOSING,
                    TIME_WAIT);
            assertThat(states(f.resp())).containsExactly(LISTEN, SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, CLOSING,
                    TIME_WAIT);
            assertThat(f.conn().zeekConnState()).isEqualTo("SF");
        }

        @Test
        void finWait1_retransmittedFin_doesNotMoveStateTwice() {
            Flow f = Flow.clientFinWait1();
            f.rawClient(F | A, Flow.CLIENT_ISN + 1, f.serverSeq, 0);
            assertThat(f.orig().path().size()).isEqualTo(3);
            assertThat(f.resp().path().size()).isEqualTo(3);
            assertThat(f.orig().retransmissions()).isEqualTo(1);
            assertThat(f.conn().history()).isEqualTo("ShAF");
        }

        @Test
        void finWait1_rst_closed() {
            Flow f = Flow.clientFinWait1().server(R | A);
            assertThat(f.orig().state()).isEqualTo(CLOSED);
            assertThat(f.resp().state()).isEqualTo(CLOSED);
        }
    }

    @Nested
    class FinWait2 {
        @Test
        void finWait2_fin_timeWait() {
            Flow f = Flow.clientTimeWait();
            assertThat(f.orig().state()).isEqualTo(TIME_WAIT);
            assertThat(f.resp().state()).isEqualTo(LAST_ACK);
        }

        @Test
        void finWait2_timeout_closedAfterFinTimeout() {
            Flow f = Flow.clientFinWait2();
            long entered = f.orig().stateSinceNanos();
            f.tracker.advanceTime(entered + 60 * SEC - 1);
            assertThat(f.orig().state()).isEqualTo(FIN_WAIT_2);
            f.tracker.advanceTime(entered + 60 * SEC);
            assertThat(f.orig().state()).isEqualTo(CLOSED);
            Step last = f.orig().path().step(f.orig().path().size() - 1);
            assertThat(last).isEqualTo(new Step(0, entered + 60 * SEC, FIN_WAIT_2, CLOSED));
            assertThat(f.resp().state()).isEqualTo(CLOSE_WAIT);
        }
    }

    @Nested
    class LastAck {
        @Test
        void lastAck_ackOfFin_closed() {
            Flow f = Flow.closedByClient();
            assertThat(states(f.resp())).containsExactly(LISTEN, SYN_RECEIVED, ESTABLISHED, CLOSE_WAIT, LAST_ACK,
                    CLOSED);
            assertThat(f.conn().zeekConnState()).isEqualTo("SF");
            assertThat(f.conn().history()).isEqualTo("ShAFaf");
        }
    }

    @Nested
    class TimeWait {
        @Test
        void timeWait_expiresAfterTwoMsl() {
            Flow f = Flow.closedByClient();
            long entered = f.orig().stateSinceNanos();
            f.tracker.advanceTime(entered + 60 * SEC - 1);
            assertThat(f.orig().state()).isEqualTo(TIME_WAIT);
            assertThat(f.ended).isEmpty();
            f.tracker.advanceTime(entered + 60 * SEC);
            assertThat(f.ended).hasSize(1);
            assertThat(f.ended.get(0).originator().state()).isEqualTo(CLOSED);
            assertThat(f.tracker.liveConnections()).isZero();
        }

        @Test
        void timeWait_customMsl() {
            Flow f = new Flow(AnalyzerSettings.DEFAULTS.withMsl(java.time.Duration.ofMinutes(2)));
            f.client(S).server(S | A).client(A).client(F | A).server(F | A).client(A);
            long entered = f.orig().stateSinceNanos();
            f.tracker.advanceTime(entered + 239 * SEC);
            assertThat(f.orig().state()).isEqualTo(TIME_WAIT);
            f.tracker.advanceTime(entered + 240 * SEC);
            assertThat(f.ended).hasSize(1);
        }

        @Test
        void timeWait_retransmittedFin_restartsTimer() {
            Flow f = Flow.closedByClient();
            f.after(30 * SEC);
            int serverFin = f.serverSeq - 1;
            f.rawServer(F | A, serverFin, f.clientSeq, 0);
            long restarted = f.time;
            f.tracker.advanceTime(restarted + 60 * SEC - 1);
            assertThat(f.orig().state()).isEqualTo(TIME_WAIT);
            assertThat(f.orig().path().size()).isEqualTo(5);
            f.tracker.advanceTime(restarted + 60 * SEC);
            assertThat(f.ended).hasSize(1);
        }

        @Test
        void timeWait_rst_closed() {
            Flow f = Flow.closedByClient();
            f.rawServer(R, f.serverSeq, 0, 0);
            assertThat(f.orig().state()).isEqualTo(CLOSED);
        }

        @Test
        void timeWait_newSyn_startsIncarnation2() {
            Flow f = Flow.closedByClient();
            Connection first = f.conn();
            f.after(10 * SEC);
            f.clientSeq = 0x10;
            f.client(S);
            assertThat(f.ended).containsExactly(first);
            assertThat(first.originator().state()).isEqualTo(CLOSED);
            Step last = first.originator().path().step(first.originator().path().size() - 1);
            assertThat(last.from()).isEqualTo(TIME_WAIT);
            assertThat(last.packet()).isEqualTo(f.pkt);
            assertThat(first.timeWaitReuseNanos()).isEqualTo(10 * SEC + 2 * MS);
            Connection second = f.conn();
            assertThat(second.incarnation()).isEqualTo(2);
            assertThat(second.originator().state()).isEqualTo(SYN_SENT);
            assertThat(first.incarnation()).isEqualTo(1);
        }
    }

    @Nested
    class CloseWait {
        @Test
        void closeWait_finSent_lastAck() {
            Flow f = Flow.clientFinWait2().server(F | A);
            assertThat(states(f.resp())).endsWith(CLOSE_WAIT, LAST_ACK);
        }
    }
}
