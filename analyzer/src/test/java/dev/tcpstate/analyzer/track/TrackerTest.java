package dev.tcpstate.analyzer.track;

import static dev.tcpstate.analyzer.tcp.TcpState.CLOSED;
import static dev.tcpstate.analyzer.tcp.TcpState.CLOSE_WAIT;
import static dev.tcpstate.analyzer.tcp.TcpState.ESTABLISHED;
import static dev.tcpstate.analyzer.tcp.TcpState.FIN_WAIT_1;
import static dev.tcpstate.analyzer.tcp.TcpState.SYN_SENT;
import static dev.tcpstate.analyzer.track.Flow.A;
import static dev.tcpstate.analyzer.track.Flow.F;
import static dev.tcpstate.analyzer.track.Flow.P;
import static dev.tcpstate.analyzer.track.Flow.R;
import static dev.tcpstate.analyzer.track.Flow.S;
import static dev.tcpstate.analyzer.track.Flow.SEC;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tcpstate.analyzer.AnalyzerSettings;
import dev.tcpstate.analyzer.ChecksumPolicy;
import dev.tcpstate.analyzer.ConnectionListener;
import dev.tcpstate.analyzer.tcp.SeqNum;
import dev.tcpstate.analyzer.tcp.TcpState;
import dev.tcpstate.parsers.decode.TcpPacket;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

class TrackerTest {

    @Nested
    class Eviction {
        @Test
        void closedConnection_leavesTableAfterLinger_emittedOnce() {
            Flow f = new Flow().client(S).server(R | A);
            assertThat(f.tracker.liveConnections()).isEqualTo(1);
            f.tracker.advanceTime(f.time + 5 * SEC);
            assertThat(f.tracker.liveConnections()).isZero();
            assertThat(f.ended).hasSize(1);
            f.tracker.finish(f.time + 100 * SEC);
            assertThat(f.ended).hasSize(1);
            assertThat(f.tracker.emittedConnections()).isEqualTo(1);
        }

        @Test
        void finish_emitsLiveConnectionsWithStatesAsOfThatTime() {
            Flow f = Flow.established();
            f.tracker.finish(f.time);
            assertThat(f.ended).hasSize(1);
            assertThat(f.ended.get(0).originator().state()).isEqualTo(ESTABLISHED);
            assertThat(f.tracker.liveConnections()).isZero();
        }

        @Test
        void cap_evictsLeastRecentlyActive_andCountsThem() {
            Flow f = new Flow();
            f.tracker.setMaxLiveConnections(10);
            for (int i = 0; i < 25; i++) {
                f.clientPort = 40000 + i;
                f.client(S);
            }
            assertThat(f.tracker.liveConnections()).isLessThanOrEqualTo(10);
            assertThat(f.tracker.evictedConnections()).isEqualTo(15);
            assertThat(f.ended).hasSize(15).allMatch(Connection::wasEvicted);
            assertThat(f.ended.get(0).origPort()).isEqualTo(40000);
            f.tracker.finish(f.time);
            assertThat(f.ended).hasSize(25);
            assertThat(f.ended.subList(15, 25)).noneMatch(Connection::wasEvicted);
        }

        @Test
        void cap_evictsATenthOfItAtATime_theLeastRecentlyActive() {
            Flow f = new Flow();
            f.tracker.setMaxLiveConnections(100);
            for (int i = 0; i < 250; i++) {
                f.clientPort = 40000 + i;
                f.client(S);
            }
            // the 101st connection makes ten leave, so do the 111th, 121st ... 241st: fifteen times ten
            assertThat(f.tracker.evictedConnections()).isEqualTo(150);
            assertThat(f.tracker.liveConnections()).isEqualTo(100);
            for (int batch = 0; batch < 15; batch++) { // each time, the ten connections opened longest ago
                assertThat(f.ended.subList(10 * batch, 10 * batch + 10)).extracting(Connection::origPort)
                        .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream
                                .range(40000 + 10 * batch, 40010 + 10 * batch).boxed().toList());
            }
            assertThat(f.ended).allMatch(Connection::wasEvicted)
                    .allMatch(c -> c.originator().state() == SYN_SENT);
        }

        @Test
        void theCutoffOfAnEvictionIsTheKthSmallestTime() {
            java.util.Random random = new java.util.Random(3);
            for (int round = 0; round < 200; round++) {
                int n = 1 + random.nextInt(round < 100 ? 20 : 5000);
                long[] a = new long[n];
                for (int i = 0; i < n; i++) {
                    // runs in order and repeated values, as last-activity times are
                    a[i] = round % 3 == 0 ? i / 3 : random.nextInt(round % 2 == 0 ? 10 : 1_000_000);
                }
                long[] sorted = a.clone();
                java.util.Arrays.sort(sorted);
                int k = random.nextInt(n);
                assertThat(ConnectionTracker.smallest(a.clone(), k)).as("round %d, k %d of %d", round, k, n)
                        .isEqualTo(sorted[k]);
            }
        }

        @Test
        void strayRstDuringLinger_countedNotApplied() {
            Flow f = new Flow().client(S).server(R | A).server(R | A);
            assertThat(f.resp().afterClose()).isEqualTo(1);
            assertThat(f.tracker.liveConnections()).isEqualTo(1);
        }
    }

    @Nested
    class Incarnations {
        @Test
        void newSynAfterReset_incarnation2() {
            Flow f = new Flow().client(S).server(R | A);
            f.clientSeq = 0x1000;
            f.client(S);
            assertThat(f.ended).hasSize(1);
            assertThat(f.conn().incarnation()).isEqualTo(2);
        }

        @Test
        void sameIsnSynAfterAcceptedReset_newIncarnation() {
            // the RST acknowledged the SYN, so the client went CLOSED; a SYN from CLOSED is a new active open
            Flow f = new Flow().client(S).server(R | A).rawClient(S, Flow.CLIENT_ISN, 0, 0);
            assertThat(f.ended).hasSize(1);
            assertThat(f.ended.get(0).zeekConnState()).isEqualTo("REJ");
            assertThat(f.conn().incarnation()).isEqualTo(2);
            assertThat(f.orig().path().states()).containsExactly(CLOSED, SYN_SENT);
            f.server(R | A);
            assertThat(f.conn().zeekConnState()).isEqualTo("REJ");
        }

        @Test
        void sameIsnSynBeforeReset_retransmission() {
            Flow f = new Flow().client(S).rawClient(S, Flow.CLIENT_ISN, 0, 0);
            assertThat(f.conn().incarnation()).isEqualTo(1);
            assertThat(f.orig().duplicateSyns()).isEqualTo(1);
            assertThat(f.orig().path().size()).isEqualTo(1);
        }

        @Test
        void numberingContinuesAfterConnectionLeftTable() {
            Flow f = Flow.closedByClient();
            f.tracker.advanceTime(f.time + 61 * SEC);
            assertThat(f.tracker.liveConnections()).isZero();
            f.after(62 * SEC);
            f.clientSeq = 0x2000;
            f.client(S);
            assertThat(f.conn().incarnation()).isEqualTo(2);
        }

        @Test
        void numberingRestartsAfterMemoryExpires() {
            Flow f = Flow.closedByClient();
            f.after(61 * SEC + 121 * SEC);
            f.clientSeq = 0x2000;
            f.client(S);
            assertThat(f.conn().incarnation()).isEqualTo(1);
        }

        @Test
        void numberIsRememberedUntilExactly2MslPlusSlackAfterTheConnectionLeft() {
            for (long early : new long[] {1, 0}) {
                Flow f = Flow.closedByClient();
                // TIME-WAIT began with the server's FIN, the packet before the last; the connection left 2*MSL later
                long expiry = f.time - Flow.MS + 60 * SEC + 120 * SEC;
                f.tracker.advanceTime(expiry - 1);
                f.time = expiry - early - Flow.MS;
                f.clientSeq = 0x2000;
                f.client(S);
                assertThat(f.conn().incarnation()).as("SYN %d ns before the memory ends", early)
                        .isEqualTo(early == 1 ? 2 : 1);
            }
        }
    }

    @Nested
    class MidStream {
        @Test
        void dataBothWays_bothEstablished_partial() {
            Flow f = new Flow().client(P | A, 100).server(P | A, 100);
            assertThat(f.orig().state()).isEqualTo(ESTABLISHED);
            assertThat(f.resp().state()).isEqualTo(ESTABLISHED);
            assertThat(f.orig().path().initial()).isEqualTo(ESTABLISHED);
            assertThat(f.orig().path().size()).isZero();
            assertThat(f.conn().isPartial()).isTrue();
            assertThat(f.transitions).isEmpty();
        }

        @Test
        void oneWay_onlySenderEstablished() {
            Flow f = new Flow().client(P | A, 100).client(P | A, 100);
            assertThat(f.orig().state()).isEqualTo(ESTABLISHED);
            assertThat(f.resp().isKnown()).isFalse();
            assertThat(f.resp().state()).isEqualTo(CLOSED);
        }

        @Test
        void finOnPartial_movesSenderOn() {
            Flow f = new Flow().client(P | A, 100).server(A).client(F | A).server(A);
            assertThat(f.orig().path().states()).containsExactly(ESTABLISHED, FIN_WAIT_1, TcpState.FIN_WAIT_2);
            assertThat(f.resp().path().states()).containsExactly(ESTABLISHED, CLOSE_WAIT);
        }

        @Test
        void firstAckOfPeerFin_provesCloseWait() {
            Flow f = new Flow().client(F | A).server(A);
            assertThat(f.orig().path().states()).containsExactly(ESTABLISHED, FIN_WAIT_1, TcpState.FIN_WAIT_2);
            assertThat(f.resp().path().states()).containsExactly(ESTABLISHED, CLOSE_WAIT);
        }
    }

    @Nested
    class Originator {
        @Test
        void synSender() {
            Flow f = new Flow();
            f.serverPort = 50000;
            f.client(S);
            assertThat(f.conn().originator().isOriginator()).isTrue();
            assertThat(f.conn().origPort()).isEqualTo(40000);
        }

        @Test
        void synAckReceiver_flippedHistory() {
            Flow f = new Flow().rawServer(S | A, Flow.SERVER_ISN, Flow.CLIENT_ISN + 1, 0);
            assertThat(f.conn().origPort()).isEqualTo(40000);
            assertThat(f.conn().history()).isEqualTo("^h");
            assertThat(f.conn().isPartial()).isTrue();
        }

        @Test
        void ephemeralPort() {
            Flow f = new Flow().server(P | A, 10);
            assertThat(f.conn().origPort()).isEqualTo(40000);
        }

        @Test
        void bothEphemeral_higherPort() {
            Flow f = new Flow();
            f.serverPort = 50000;
            f.client(P | A, 10);
            assertThat(f.conn().origPort()).isEqualTo(50000);
        }

        @Test
        void samePorts_firstSender() {
            Flow f = new Flow();
            f.serverPort = 40000;
            f.server(P | A, 10);
            assertThat(f.conn().origLo()).isEqualTo(0x0A000002L);
        }
    }

    @Nested
    class Zeek {
        @Test
        void sf() {
            assertThat(Flow.closedByClient().conn().zeekConnState()).isEqualTo("SF");
        }

        @Test
        void s2_onlyOriginatorClosed() {
            assertThat(Flow.clientFinWait2().conn().zeekConnState()).isEqualTo("S2");
        }

        @Test
        void s3_onlyResponderClosed() {
            assertThat(Flow.established().server(F | A).conn().zeekConnState()).isEqualTo("S3");
        }

        @Test
        void sh_originatorSynThenFin() {
            assertThat(new Flow().client(S).client(F | A).conn().zeekConnState()).isEqualTo("SH");
        }

        @Test
        void shr_responderFinOnly() {
            Flow f = new Flow().rawServer(S | A, Flow.SERVER_ISN, Flow.CLIENT_ISN + 1, 0);
            f.serverSeq++;
            f.server(F | A);
            assertThat(f.conn().zeekConnState()).isEqualTo("SHR");
        }

        @Test
        void rstos0_synThenOriginatorRst() {
            Flow f = new Flow().client(S).client(R);
            assertThat(f.conn().zeekConnState()).isEqualTo("RSTOS0");
            assertThat(f.conn().history()).isEqualTo("SR");
        }

        @Test
        void rstrh_responderRstWithoutOriginatorHandshake() {
            Flow f = new Flow().rawServer(S | A, Flow.SERVER_ISN, Flow.CLIENT_ISN + 1, 0);
            f.serverSeq++;
            f.server(R | A);
            assertThat(f.conn().zeekConnState()).isEqualTo("RSTRH");
        }

        @Test
        void oth_midstream() {
            assertThat(new Flow().client(P | A, 10).server(P | A, 10).conn().zeekConnState()).isEqualTo("OTH");
        }

        @Test
        void historyRepeatsSynWithNewSequence() {
            Flow f = new Flow().client(S).rawClient(S, Flow.CLIENT_ISN + 7, 0, 0);
            assertThat(f.conn().history()).isEqualTo("SS");
        }

        @Test
        void zeroWindowAndBadChecksumLetters() {
            Flow f = Flow.established();
            f.window = 0;
            f.server(A);
            assertThat(f.conn().history()).isEqualTo("ShAaw");
        }
    }

    /** Zeek's content-gap letters: acknowledged bytes the capture never showed whole. */
    @Nested
    class ContentGaps {
        @Test
        void responderBytesMissedBeforeItsFin() {
            // zeek_tcp_miss_end_data.pcap: the response is not captured, only the server's FIN after it; the
            // client's ACK of the FIN reveals the gap.
            Flow f = Flow.established().client(P | A, 538).server(A);
            f.serverLost(2902);
            f.server(F | A).client(A).client(F | A).server(A);
            assertThat(f.conn().history()).isEqualTo("ShADafgF");
            assertThat(f.conn().zeekConnState()).isEqualTo("SF");
        }

        @Test
        void headersOnlyCaptureGapsBothWays() {
            // zeek_tcp_retransmit-fast009.pcap: every payload cut by the snap length.
            Flow f = Flow.established();
            f.clientHeadersOnly = true;
            f.serverHeadersOnly = true;
            f.client(P | A, 474).server(A);
            assertThat(f.conn().history()).as("the server acks the request").isEqualTo("ShADaG");
            f.server(A, 1446).server(A, 1446).client(A).server(A, 1446).client(A);
            assertThat(f.conn().history()).as("the next letter at the 10th gap").isEqualTo("ShADaGdg");
        }

        @Test
        void letterAtTheFirstAndTenthGap() {
            Flow f = Flow.established();
            for (int i = 0; i < 10; i++) {
                f.serverLost(100);
                f.server(P | A, 10).client(A);
            }
            assertThat(f.conn().history()).isEqualTo("ShAdgg");
        }

        @Test
        void noGapUntilAcknowledged() {
            Flow f = Flow.established().server(P | A, 100);
            f.serverLost(100);
            f.server(P | A, 100);
            assertThat(f.conn().history()).as("a hole nobody acknowledged").isEqualTo("ShAd");
            f.client(A);
            assertThat(f.conn().history()).isEqualTo("ShAdg");
        }

        @Test
        void reorderedBytesAreNoGap() {
            Flow f = Flow.established();
            int first = f.serverSeq;
            f.serverLost(100);
            f.server(P | A, 100);
            f.rawServer(P | A, first, f.clientSeq, 100);
            f.client(A);
            assertThat(f.conn().history()).as("the late bytes fill the hole (and are a retransmission, t)")
                    .isEqualTo("ShAdt");
        }

        @Test
        void oneGapPerHoleBelowTheAck() {
            Flow f = Flow.established();
            f.server(P | A, 100);
            f.serverLost(100);
            f.server(P | A, 100);
            f.serverLost(100);
            f.server(P | A, 100);
            f.client(A);
            assertThat(f.conn().history()).isEqualTo("ShAdg");
            // two holes were counted: eight more make the tenth
            for (int i = 0; i < 7; i++) {
                f.serverLost(10);
                f.server(P | A, 10).client(A);
            }
            assertThat(f.conn().history()).isEqualTo("ShAdg");
            f.serverLost(10);
            f.server(P | A, 10).client(A);
            assertThat(f.conn().history()).isEqualTo("ShAdgg");
        }

        @Test
        void gapRevealedByAResetIsNotRecorded() {
            Flow f = Flow.established();
            f.serverLost(100);
            f.server(P | A, 100);
            f.client(R | A);
            assertThat(f.conn().history()).isEqualTo("ShAdR");
            assertThat(f.conn().zeekConnState()).isEqualTo("RSTO");
        }

        @Test
        void noGapOnAPartialConnection() {
            // Zeek records gaps only while both endpoints are established (or closed from there).
            Flow f = new Flow().client(P | A, 100);
            f.serverLost(100);
            f.server(P | A, 100).client(A);
            assertThat(f.conn().history()).isEqualTo("DdA");
        }

        @Test
        void finIsNoContent() {
            // acking the FIN covers one more sequence number than the bytes: no gap
            Flow f = Flow.established().server(P | A, 100).server(F | A).client(A);
            assertThat(f.conn().history()).isEqualTo("ShAdf");
        }
    }

    @Nested
    class Checksums {
        @Test
        void autoTakesBadChecksumsFromTheFirstSegmentOnForOffload() {
            Flow f = new Flow();
            f.clientBadChecksum = true;
            f.client(S).server(S | A).client(A).client(P | A, 10).server(A).client(F | A);
            assertThat(f.orig().state()).isEqualTo(TcpState.FIN_WAIT_1);
            assertThat(f.resp().state()).isEqualTo(TcpState.CLOSE_WAIT);
            assertThat(f.conn().history()).isEqualTo("ShADaF");
        }

        @Test
        void autoDropsABadChecksumFromASenderThatSentGoodOnes() {
            Flow f = Flow.established();
            f.clientBadChecksum = true;
            f.client(F | A);
            assertThat(f.orig().state()).isEqualTo(TcpState.FIN_WAIT_1);
            assertThat(f.resp().state()).as("the receiver drops the corrupted FIN").isEqualTo(TcpState.ESTABLISHED);
            assertThat(f.conn().history()).isEqualTo("ShAC");
        }

        @Test
        void autoTakesASegmentLargerThanTheMssForAnOffloadAggregate() {
            Flow f = Flow.established();
            f.serverBadChecksum = true;
            f.server(P | A, 7240);
            assertThat(f.orig().rcvNxt()).as("the 7240-byte aggregate was received")
                    .isEqualTo(Flow.SERVER_ISN + 1 + 7240);
            f.server(P | A, 100);
            assertThat(f.orig().rcvNxt()).as("a bad checksum on an ordinary segment is corruption")
                    .isEqualTo(Flow.SERVER_ISN + 1 + 7240);
            assertThat(f.conn().history()).as("c: a responder segment with a bad checksum").isEqualTo("ShAdc");
        }

        @Test
        void autoAppliesOffloadPatternAfterGoodChecksumsAndDropsCorruption() {
            // sv_community-id-ipv6, tcpreplay_test: good checksums on the handshake, then segments of the same
            // sender whose checksum field holds the pseudo-header sum.
            Flow f = Flow.established();
            f.clientOffloadChecksum = true;
            f.client(P | A, 100);
            assertThat(f.resp().rcvNxt()).as("the offload-pattern segment was received")
                    .isEqualTo(Flow.CLIENT_ISN + 1 + 100);
            f.clientOffloadChecksum = false;
            f.server(A);
            f.clientBadChecksum = true;
            f.client(P | A, 50);
            assertThat(f.resp().rcvNxt()).as("a corrupt checksum from the same sender is still dropped")
                    .isEqualTo(Flow.CLIENT_ISN + 1 + 100);
            f.clientOffloadChecksum = true;
            f.client(F | A);
            assertThat(f.resp().state()).as("the offload-pattern FIN was received").isEqualTo(TcpState.CLOSE_WAIT);
            assertThat(f.conn().history()).isEqualTo("ShADaCF");
        }

        @Test
        void autoMarksTheVerdictOnTheSegment() {
            List<Byte> statuses = new ArrayList<>();
            ConnectionTracker t = new ConnectionTracker(AnalyzerSettings.DEFAULTS, new ConnectionListener() {
                @Override
                public void onPacket(Connection c, TcpPacket p, boolean fromOriginator) {
                    statuses.add(p.checksumStatus);
                }

                @Override
                public void onConnectionEnd(Connection c) {
                }
            });
            TcpPacket p = new TcpPacket();
            p.clearOptions();
            p.ipVersion = 4;
            p.srcLo = 0x0A000001L;
            p.dstLo = 0x0A000002L;
            p.srcPort = 40000;
            p.dstPort = 80;
            p.flags = TcpPacket.SYN;
            p.packetNumber = 1;
            p.checksumStatus = TcpPacket.CHECKSUM_GOOD;
            t.onPacket(p);
            p.flags = TcpPacket.SYN;
            p.packetNumber = 2;
            p.checksumStatus = TcpPacket.CHECKSUM_OFFLOADED;
            t.onPacket(p);
            p.packetNumber = 3;
            p.checksumStatus = TcpPacket.CHECKSUM_BAD;
            t.onPacket(p);
            assertThat(statuses).containsExactly(TcpPacket.CHECKSUM_GOOD, TcpPacket.CHECKSUM_OFFLOADED,
                    TcpPacket.CHECKSUM_BAD);
        }

        @Test
        void verifyDropsOffloadPatternToo() {
            Flow f = new Flow(AnalyzerSettings.DEFAULTS.withChecksums(ChecksumPolicy.VERIFY));
            f.client(S).server(S | A).client(A);
            f.clientOffloadChecksum = true;
            f.client(P | A, 100);
            assertThat(f.resp().rcvNxt()).as("Zeek without -C drops it").isEqualTo(Flow.CLIENT_ISN + 1);
            assertThat(f.conn().history()).isEqualTo("ShAC");
        }

        @Test
        void verifyDropsEveryBadChecksum() {
            Flow f = new Flow(AnalyzerSettings.DEFAULTS.withChecksums(ChecksumPolicy.VERIFY));
            f.client(S).server(S | A).client(A);
            f.clientBadChecksum = true;
            f.client(F | A);
            assertThat(f.resp().state()).isEqualTo(TcpState.ESTABLISHED);
            Flow g = new Flow(AnalyzerSettings.DEFAULTS.withChecksums(ChecksumPolicy.VERIFY));
            g.clientBadChecksum = true;
            g.client(S).server(S | A).client(A);
            assertThat(g.resp().state()).as("the final ACK never counted").isEqualTo(TcpState.SYN_RECEIVED);
        }

        @Test
        void ignoreAppliesEverySegment() {
            Flow g = new Flow(AnalyzerSettings.DEFAULTS.withChecksums(ChecksumPolicy.IGNORE));
            g.client(S).server(S | A).client(A);
            g.clientBadChecksum = true;
            g.client(F | A);
            assertThat(g.resp().state()).isEqualTo(TcpState.CLOSE_WAIT);
            assertThat(g.conn().history()).isEqualTo("ShAF");
        }
    }

    @Nested
    class WindowScaling {
        @Test
        void scalingAppliedOnlyWhenBothSynsCarryIt() {
            Flow f = new Flow();
            f.clientWscale = 7;
            f.serverWscale = 7;
            f.client(S).server(S | A).client(A);
            assertThat(f.orig().windowScaling()).isTrue();
            assertThat(f.resp().windowScaling()).isTrue();
            Flow g = new Flow();
            g.clientWscale = 7;
            g.client(S).server(S | A);
            assertThat(g.orig().windowScaling()).isFalse();
        }

        @Test
        void scaledWindowAcceptsDataBeyondRawWindow() {
            Flow f = new Flow();
            f.clientWscale = 7;
            f.serverWscale = 7;
            f.window = 1000; // 128000 bytes scaled
            f.client(S).server(S | A).client(A).server(A);
            f.rawClient(P | A, f.clientSeq + 50_000, f.serverSeq, 1000);
            assertThat(f.resp().outOfWindow()).isZero();
            Flow g = new Flow();
            g.window = 1000;
            g.client(S).server(S | A).client(A).server(A);
            g.rawClient(P | A, g.clientSeq + 50_000, g.serverSeq, 1000);
            assertThat(g.resp().outOfWindow()).isEqualTo(1);
        }
    }

    @Test
    void seqNum_wrapSafe() {
        assertThat(SeqNum.lt(0xFFFFFFF0, 0x10)).isTrue();
        assertThat(SeqNum.gt(0x10, 0xFFFFFFF0)).isTrue();
        assertThat(SeqNum.le(5, 5)).isTrue();
        assertThat(SeqNum.ge(5, 6)).isFalse();
        assertThat(SeqNum.add(0xFFFFFFFF, 2)).isEqualTo(1);
        assertThat(SeqNum.diff(1, 0xFFFFFFFF)).isEqualTo(2);
    }

    @Test
    void tcpState_names() {
        assertThat(TcpState.FIN_WAIT_1.rfcName()).isEqualTo("FIN-WAIT-1");
        assertThat(TcpState.ESTABLISHED.netstatName()).isEqualTo("ESTAB");
        assertThat(TcpState.SYN_RECEIVED.netstatName()).isEqualTo("SYN-RECV");
        assertThat(TcpState.CLOSED.netstatName()).isEqualTo("UNCONN");
        assertThat(SYN_SENT.name()).isEqualTo("SYN_SENT");
        assertThat(TcpPacket.flagString(S | A)).isEqualTo("S.");
    }
}
