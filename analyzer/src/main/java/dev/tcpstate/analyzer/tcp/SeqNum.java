package dev.tcpstate.analyzer.tcp;

/**
 * Sequence-number arithmetic modulo 2^32 (RFC 9293 section 3.4, RFC 1982 serial arithmetic).
 *
 * <p>Sequence numbers are held as raw unsigned 32-bit values in an {@code int}. Two numbers compare by the sign of
 * their 32-bit difference, which is correct as long as they are less than 2^31 apart.
 */
public final class SeqNum {
    private SeqNum() {
    }

    /** {@code a < b} in sequence space. */
    public static boolean lt(int a, int b) {
        return a - b < 0;
    }

    /** {@code a <= b} in sequence space. */
    public static boolean le(int a, int b) {
        return a - b <= 0;
    }

    /** {@code a > b} in sequence space. */
    public static boolean gt(int a, int b) {
        return a - b > 0;
    }

    /** {@code a >= b} in sequence space. */
    public static boolean ge(int a, int b) {
        return a - b >= 0;
    }

    /** {@code a + n} modulo 2^32. */
    public static int add(int a, long n) {
        return (int) (a + n);
    }

    /** Signed distance {@code a - b}, in (-2^31, 2^31). */
    public static int diff(int a, int b) {
        return a - b;
    }

    /** {@code lo <= x < lo + len} in sequence space, for {@code 0 <= len < 2^31}. */
    public static boolean inWindow(int x, int lo, long len) {
        long d = x - lo;
        return d >= 0 && d < len;
    }

    /** Unsigned decimal form of a raw sequence number. */
    public static String toString(int s) {
        return Integer.toUnsignedString(s);
    }
}
