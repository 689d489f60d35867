package dev.tcpstate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The fast time formatter writes exactly what {@link Instant#toString()} writes. */
class CaptureTimeTest {

    private static String reference(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L))
                .toString();
    }

    @Test
    void sameAsInstantToString() {
        long[] fixed = {0, 1, 999, 1000, 1_000_000, 999_999_999, 1_000_000_000L, 1_700_000_000_011_200_000L,
                1_700_000_000_000_000_000L, 1_700_000_000_123_000_000L, 1_700_000_000_123_456_789L, -1, -1_000_000_000L,
                Long.MAX_VALUE, Long.MIN_VALUE, 951_782_400_000_000_000L};
        for (long t : fixed) {
            assertThat(CaptureTime.format(t)).as("%d", t).isEqualTo(reference(t));
        }
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            long sec = r.nextLong(0, 4_102_444_800L);
            long nano = switch (i % 4) {
                case 0 -> 0;
                case 1 -> r.nextInt(1000) * 1_000_000L;
                case 2 -> r.nextInt(1_000_000) * 1000L;
                default -> r.nextInt(1_000_000_000);
            };
            long t = sec * 1_000_000_000L + nano;
            assertThat(CaptureTime.format(t)).isEqualTo(reference(t));
        }
    }
}
