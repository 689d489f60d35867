package dev.tcpstate.cli;

import java.math.BigDecimal;
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

    static String format(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L)).toString();
    }
}
