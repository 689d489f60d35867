package dev.tcpstate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.junit.jupiter.api.Test;

/** Numbers, addresses, times and literals written into a {@link JsonBuffer} are the text the plain forms give. */
class JsonBufferTest {

    private static String text(JsonBuffer b) {
        StringWriter w = new StringWriter();
        b.writeTo(Utf8Sink.of(new PrintWriter(w)));
        return w.toString();
    }

    private static String instant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L))
                .toString();
    }

    @Test
    void csvFieldsAreQuotedAsCommonsCsvQuotesThem() throws java.io.IOException {
        List<String> fields = List.of("", "a", "SF", "^ShADadFf", "#x", "\"x", "!x", "$x", " x", "x ", "x\t", "x,y",
                "x\"y", "x\ny", "x\ry", "a#b", "::1", "2001:db8::1", "caf\u00e9", "\u4e2d,", "emoji \ud83d\ude00",
                "lone \ud800 x", "\"\"", ",", "CLOSED >SYN_SENT#1 >ESTABLISHED#3");
        for (String first : fields) {
            for (String second : fields) {
                StringWriter expected = new StringWriter();
                try (CSVPrinter p = CSVFormat.RFC4180.print(expected)) {
                    p.printRecord(first, second);
                }
                JsonBuffer b = new JsonBuffer(1);
                b.csv(first, true);
                b.raw(',');
                b.csv(second, false);
                b.raw(JsonBuffer.Literal.of("\r\n"));
                String exp = new String(expected.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        java.nio.charset.StandardCharsets.UTF_8);
                assertThat(text(b)).as("%s | %s", first, second).isEqualTo(exp);
            }
        }
    }

    @Test
    void rightAlignedNumbersAndPaddedFieldsAreFormatsText() {
        JsonBuffer b = new JsonBuffer(1);
        StringBuilder expected = new StringBuilder();
        for (long v : new long[] {0, 7, 42, 999, 1000, 123_456_789_012L}) {
            for (int width : new int[] {1, 3, 9}) {
                b.numberRight(v, width);
                int start = b.size();
                b.utf8("ab");
                b.padFrom(start, width);
                b.raw('|');
                expected.append(String.format(Locale.ROOT, "%" + width + "d%-" + width + "s|", v, "ab"));
            }
        }
        assertThat(text(b)).isEqualTo(expected.toString());
    }

    @Test
    void numbersAreLongToString() {
        List<Long> values = new ArrayList<>(List.of(0L, 1L, 9L, 10L, 11L, 99L, 100L, 101L, 255L, 65535L,
                (long) Integer.MAX_VALUE, Integer.MAX_VALUE + 1L, Integer.MAX_VALUE - 1L, 4_294_967_295L,
                Long.MAX_VALUE, Long.MAX_VALUE - 1, -1L, -10L, Long.MIN_VALUE));
        for (long p = 10; ; p *= 10) { // 10^1 to 10^18
            values.addAll(List.of(p - 1, p, p + 1, -p));
            if (p > Long.MAX_VALUE / 10) {
                break;
            }
        }
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 100_000; i++) {
            values.add(r.nextLong() >>> r.nextInt(64));
        }
        StringBuilder expected = new StringBuilder();
        JsonBuffer b = new JsonBuffer(1);
        for (long v : values) {
            b.number(v);
            b.raw(',');
            expected.append(v).append(',');
        }
        assertThat(text(b)).isEqualTo(expected.toString());
    }

    @Test
    void ipv4AddressesAreDottedQuads() {
        JsonBuffer b = new JsonBuffer(1);
        StringBuilder expected = new StringBuilder();
        int[] octets = {0, 1, 9, 10, 99, 100, 199, 200, 255};
        for (int a : octets) {
            for (int c : octets) {
                long lo = (long) a << 24 | (long) c << 16 | (long) (255 - a) << 8 | (c * 7 & 0xff);
                b.address(4, 0, lo);
                b.number(1);
                expected.append('"').append(Addresses.format(4, 0, lo)).append('"').append(1);
            }
        }
        b.address(6, 0x20010db8_00000000L, 1);
        expected.append("\"2001:db8::1\"");
        assertThat(text(b)).isEqualTo(expected.toString());
    }

    @Test
    void literalsAreTheirBytesAndWhatFollowsTakesTheirSlack() {
        JsonBuffer b = new JsonBuffer(1);
        String[] literals = {"", "x", "1234567", "12345678", "123456789", ",\"zeek_conn_state\":", "}\n"};
        StringBuilder expected = new StringBuilder();
        for (String s : literals) {
            b.raw(JsonBuffer.Literal.of(s));
            b.raw('|');
            expected.append(s).append('|');
        }
        assertThat(text(b)).isEqualTo(expected.toString());
    }

    /** Times in one buffer, in the order given, each as CaptureTime writes it (the buffer keeps recent seconds). */
    private static void assertTimes(long... times) {
        JsonBuffer b = new JsonBuffer(1);
        StringBuilder expected = new StringBuilder();
        for (long t : times) {
            b.time(t);
            b.raw(',');
            expected.append('"').append(instant(t)).append("\",");
        }
        assertThat(text(b)).isEqualTo(expected.toString());
    }

    @Test
    void timesAcrossSecondMinuteDayAndYearBoundaries() {
        long s = 1_000_000_000L;
        long newYear2024 = 1_704_067_200L * s;
        long leapDay = 951_782_400L * s; // 2000-02-29T00:00:00Z
        assertTimes(newYear2024 - 1, newYear2024, newYear2024 - 1_000, newYear2024 + 1, newYear2024 - s,
                newYear2024 - s + 999_999_999, newYear2024 + s - 1, newYear2024 + 59 * s + 123_000_000,
                newYear2024 + 60 * s, newYear2024 - 60 * s + 456_000, newYear2024 + 86_400 * s - 1,
                newYear2024 + 86_400 * s, newYear2024 - 1, newYear2024, leapDay - 1, leapDay, leapDay + 86_400 * s);
    }

    @Test
    void timesWithTheFewestFractionDigitsThatHoldThem() {
        long base = 1_700_000_000L * 1_000_000_000L;
        assertTimes(base, base + 1, base + 10, base + 1_000, base + 10_000, base + 1_000_000, base + 10_000_000,
                base + 100_000_000, base + 999_000_000, base + 999_999_000, base + 999_999_999, base + 120_000,
                base + 5, base + 50_000_005, base + 500_000_000, base + 12_300);
    }

    @Test
    void timesOutsideTheFourDigitYearsAndBeforeTheEpoch() {
        long s = 1_000_000_000L;
        assertTimes(0, -1, -s, -s + 1, -86_400 * s, 1, -1, 0, Long.MIN_VALUE, Long.MAX_VALUE,
                253_402_300_799L * s + 999_999_999, 253_402_300_800L * s, 253_402_300_799L * s, -1_000);
    }

    @Test
    void randomTimesInAndOutOfOrder() {
        SplittableRandom r = new SplittableRandom(11);
        long[] times = new long[100_000];
        long t = 1_600_000_000L * 1_000_000_000L;
        for (int i = 0; i < times.length; i++) {
            t += r.nextLong(-2_000_000_000L, 3_000_000_000L);
            long nano = switch (i % 4) {
                case 0 -> 0;
                case 1 -> r.nextInt(1000) * 1_000_000L;
                case 2 -> r.nextInt(1_000_000) * 1000L;
                default -> r.nextInt(1_000_000_000);
            };
            times[i] = t / 1_000_000_000L * 1_000_000_000L + nano;
        }
        assertTimes(times);
    }
}
