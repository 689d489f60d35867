package dev.tcpstate.analyzer.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConnMarksTest {

    @Test
    void everyCodeHasAReportCount() {
        assertThat(AnomalyType.values().length).isLessThanOrEqualTo(ConnMarks.COUNTED_CODES);
    }

    @Test
    void reportCounts_arePerCode_andClearedByReset() {
        ConnMarks m = new ConnMarks(0);
        for (int code = 0; code < ConnMarks.COUNTED_CODES; code++) {
            for (int k = 0; k < code % 5; k++) {
                m.countReport(code);
            }
        }
        for (int code = 0; code < ConnMarks.COUNTED_CODES; code++) {
            assertThat(m.reports(code)).as("code %d", code).isEqualTo((byte) (code % 5));
        }
        m.reset(0);
        for (int code = 0; code < ConnMarks.COUNTED_CODES; code++) {
            assertThat(m.reports(code)).as("code %d", code).isZero();
        }
    }

    @Test
    void aReportCount_wrapsAsAByte_withoutTouchingItsNeighbours() {
        ConnMarks m = new ConnMarks(0);
        for (int k = 0; k < 128; k++) {
            m.countReport(9);
        }
        assertThat(m.reports(9)).isEqualTo((byte) -128);
        assertThat(m.reports(8)).isZero();
        assertThat(m.reports(10)).isZero();
        for (int k = 0; k < 128; k++) {
            m.countReport(9);
        }
        assertThat(m.reports(9)).isZero();
        m.countReport(15);
        assertThat(m.reports(15)).isEqualTo((byte) 1);
        assertThat(m.reports(16)).isZero();
    }
}
