package dev.tcpstate.cli;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** A moment given on the command line: seconds from the capture's start, or an absolute ISO-8601 timestamp. */
record CaptureTime(boolean relative, long nanos) {

    static CaptureTime parse(String text) {
        if (text.matches("\\+?\\d+(\\.\\d{1,9})?")) {
            BigDecimal s = new BigDecimal(text.startsWith("+") ? text.substring(1) : text);
            return new CaptureTime(true, s.movePointRight(9).longValueExact());
        }
        try {
            Instant i = Instant.parse(text);
            return new CaptureTime(false, i.getEpochSecond() * 1_000_000_000L + i.getNano());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is neither seconds from the capture start (e.g. 12.5)"
                    + " nor an ISO-8601 timestamp (e.g. 2024-05-01T10:15:30.25Z)");
        }
    }

    /** The moment in epoch nanoseconds, given the capture's first packet time. */
    long resolve(long firstPacketNanos) {
        return relative ? firstPacketNanos + nanos : nanos;
    }

    /** The largest epoch second whose ISO-8601 form has a four-digit year (9999-12-31T23:59:59Z). */
    private static final long MAX_FAST_SECOND = 253_402_300_799L;

    /** The date part of the last day formatted, in ASCII: immutable, so sharing it between threads is safe. */
    private record Day(long epochDay, byte[] text) {
    }

    private static volatile Day lastDay = new Day(0, "1970-01-01".getBytes(StandardCharsets.US_ASCII));

    /**
     * ISO-8601 UTC with the capture's precision, exactly as {@link Instant#toString()} writes it: no fraction for a
     * whole second, else 3, 6 or 9 digits ({@code 2023-11-14T22:13:20.011200Z}).
     */
    static String format(long nanos) {
        byte[] buf = new byte[MAX_LENGTH];
        int n = format(nanos, buf, 0);
        return n < 0 ? slowFormat(nanos) : new String(buf, 0, n, StandardCharsets.ISO_8859_1);
    }

    /** The longest text {@link #format(long, byte[], int)} writes. */
    static final int MAX_LENGTH = 30;

    /**
     * Writes {@link #format(long)} in ASCII into {@code buf} from {@code at} (room for at least {@link #MAX_LENGTH}
     * bytes) and returns where it ends, or -1 for a moment outside the years 1970 to 9999 (then use
     * {@link #format(long)}).
     */
    static int format(long nanos, byte[] buf, int at) {
        long sec = Math.floorDiv(nanos, 1_000_000_000L);
        int nano = (int) Math.floorMod(nanos, 1_000_000_000L);
        if (sec < 0 || sec > MAX_FAST_SECOND) {
            return -1;
        }
        long epochDay = sec / 86_400;
        int secOfDay = (int) (sec - epochDay * 86_400);
        Day d = lastDay;
        if (d.epochDay != epochDay) {
            String date = java.time.LocalDate.ofEpochDay(epochDay).toString();
            d = new Day(epochDay, date.getBytes(StandardCharsets.US_ASCII));
            lastDay = d;
        }
        System.arraycopy(d.text, 0, buf, at, 10);
        buf[at + 10] = 'T';
        two(buf, at + 11, secOfDay / 3600);
        buf[at + 13] = ':';
        two(buf, at + 14, secOfDay / 60 % 60);
        buf[at + 16] = ':';
        two(buf, at + 17, secOfDay % 60);
        int n = at + 19;
        if (nano > 0) {
            int digits, value;
            if (nano % 1_000_000 == 0) {
                digits = 3;
                value = nano / 1_000_000;
            } else if (nano % 1000 == 0) {
                digits = 6;
                value = nano / 1000;
            } else {
                digits = 9;
                value = nano;
            }
            buf[n++] = '.';
            for (int i = n + digits - 1; i >= n; i--) {
                buf[i] = (byte) ('0' + value % 10);
                value /= 10;
            }
            n += digits;
        }
        buf[n++] = 'Z';
        return n;
    }

    private static void two(byte[] buf, int at, int v) {
        buf[at] = (byte) ('0' + v / 10);
        buf[at + 1] = (byte) ('0' + v % 10);
    }

    static String slowFormat(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L)).toString();
    }
}
