package dev.tcpstate.cli;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * JSON text built as UTF-8 bytes in one growing array, for the JSON Lines writers: records of a fixed shape are written
 * straight into it, and it goes to the output in large blocks ({@link #writeTo}). Strings are escaped as Jackson
 * escapes them (quote, backslash and control characters; everything else as it is) and encoded as the JDK's UTF-8
 * encoder encodes them, so the bytes are the ones a Jackson generator over a UTF-8 writer gives. The text and CSV
 * connection records are built in it too ({@link #csv}, {@link #padFrom}, {@link #numberRight}).
 */
final class JsonBuffer {
    private static final byte[] HEX = ascii("0123456789ABCDEF");
    private static final byte[] TRUE = ascii("true");
    private static final byte[] FALSE = ascii("false");
    private static final byte[] NULL = ascii("null");

    /** Little-endian views of the byte array: a short store writes two digits, a long store eight bytes. */
    private static final VarHandle SHORTS = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** "00" to "99", each as the two ASCII digits in a little-endian short. */
    private static final short[] PAIRS = new short[100];
    /** 10^0 to 10^18. */
    private static final long[] POWERS = new long[19];
    /** 0 to 255 followed by '.', little-endian in the low int, and the length with the '.' in the high int. */
    private static final long[] OCTETS = new long[256];

    static {
        for (int i = 0; i < 100; i++) {
            PAIRS[i] = (short) (('0' + i / 10) | ('0' + i % 10) << 8);
        }
        POWERS[0] = 1;
        for (int i = 1; i < POWERS.length; i++) {
            POWERS[i] = POWERS[i - 1] * 10;
        }
        for (int i = 0; i < 256; i++) {
            byte[] t = (i + ".").getBytes(StandardCharsets.US_ASCII);
            long v = 0;
            for (int k = 0; k < t.length; k++) {
                v |= (t[k] & 0xffL) << 8 * k;
            }
            OCTETS[i] = v | (long) t.length << 32;
        }
    }

    /**
     * An ASCII literal also held as little-endian longs, so {@link #raw(Literal)} writes it with a store per eight
     * bytes, where a copy of a short array costs a call; the bytes past its end that the last store writes are
     * overwritten by what follows.
     */
    record Literal(int length, long[] words) {
        static Literal of(String s) {
            byte[] b = ascii(s);
            long[] w = new long[(b.length + 7) / 8];
            for (int i = 0; i < b.length; i++) {
                w[i / 8] |= (b[i] & 0xffL) << 8 * (i % 8);
            }
            return new Literal(b.length, w);
        }
    }

    private byte[] buf;
    private int n;

    JsonBuffer(int capacity) {
        buf = new byte[capacity];
    }

    /** The bytes of an ASCII literal, for {@link #raw(byte[])}. */
    static byte[] ascii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                throw new IllegalArgumentException("not ASCII: " + s);
            }
        }
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Bytes written and not yet handed on. */
    int size() {
        return n;
    }

    /** Hands the bytes on and empties the buffer; it holds whole records, so no character is split. */
    void writeTo(Utf8Sink sink) {
        if (n > 0) {
            sink.write(buf, 0, n);
            n = 0;
        }
    }

    private void room(int bytes) {
        if (n + bytes > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n + bytes));
        }
    }

    /** Bytes as they are: an ASCII literal from {@link #ascii}. */
    void raw(byte[] b) {
        room(b.length);
        System.arraycopy(b, 0, buf, n, b.length);
        n += b.length;
    }

    /** A literal ({@link Literal}). */
    void raw(Literal l) {
        long[] w = l.words;
        room(w.length * 8);
        byte[] b = buf;
        int at = n;
        for (int i = 0; i < w.length; i++) {
            LONGS.set(b, at + 8 * i, w[i]);
        }
        n = at + l.length;
    }

    /** One ASCII character. */
    void raw(char ch) {
        room(1);
        buf[n++] = (byte) ch;
    }

    void bool(boolean v) {
        raw(v ? TRUE : FALSE);
    }

    void nul() {
        raw(NULL);
    }

    void number(long v) {
        if (v < 0) {
            String str = Long.toString(v);
            room(str.length());
            for (int i = 0; i < str.length(); i++) {
                buf[n++] = (byte) str.charAt(i);
            }
            return;
        }
        room(19);
        n = digits(v, buf, n);
    }

    /** Writes {@code v >= 0} in decimal at {@code at} (room for 19 bytes) and returns where it ends. */
    private static int digits(long v, byte[] b, int at) {
        if (v < 10) {
            b[at] = (byte) ('0' + v);
            return at + 1;
        }
        if (v < 100) {
            SHORTS.set(b, at, PAIRS[(int) v]);
            return at + 2;
        }
        int approx = (64 - Long.numberOfLeadingZeros(v)) * 1233 >>> 12; // floor(log10(2^bits)): digits or one fewer
        int end = at + approx + (v >= POWERS[approx] ? 1 : 0);
        int p = end;
        while (v > Integer.MAX_VALUE) {
            long q = v / 100;
            p -= 2;
            SHORTS.set(b, p, PAIRS[(int) (v - q * 100)]);
            v = q;
        }
        int x = (int) v;
        while (x >= 100) {
            int q = x / 100;
            p -= 2;
            SHORTS.set(b, p, PAIRS[x - q * 100]);
            x = q;
        }
        if (x >= 10) {
            SHORTS.set(b, p - 2, PAIRS[x]);
        } else {
            b[p - 1] = (byte) ('0' + x);
        }
        return end;
    }

    /** A JSON string, or null when {@code s} is. */
    void stringOrNull(String s) {
        if (s == null) {
            nul();
        } else {
            string(s);
        }
    }

    /**
     * A JSON string: quote, backslash and control characters escaped as Jackson escapes them, everything else in
     * UTF-8; a lone surrogate becomes '?', as the JDK's encoder replaces it.
     */
    void string(String s) {
        int len = s.length();
        room(len * 6 + 2); // \\u00XX is the longest form of a char; a surrogate pair takes 4 bytes
        byte[] b = buf;
        int at = n;
        b[at++] = '"';
        for (int i = 0; i < len; i++) {
            char ch = s.charAt(i);
            if (ch < 0x80) {
                if (ch >= 0x20 && ch != '"' && ch != '\\') {
                    b[at++] = (byte) ch;
                    continue;
                }
                b[at++] = '\\';
                switch (ch) {
                    case '"', '\\' -> b[at++] = (byte) ch;
                    case '\b' -> b[at++] = 'b';
                    case '\f' -> b[at++] = 'f';
                    case '\n' -> b[at++] = 'n';
                    case '\r' -> b[at++] = 'r';
                    case '\t' -> b[at++] = 't';
                    default -> {
                        b[at++] = 'u';
                        b[at++] = '0';
                        b[at++] = '0';
                        b[at++] = HEX[ch >> 4];
                        b[at++] = HEX[ch & 0xF];
                    }
                }
            } else {
                char next = i + 1 < len ? s.charAt(i + 1) : 0;
                at = nonAscii(ch, next, b, at);
                if (Character.isSurrogatePair(ch, next)) {
                    i++;
                }
            }
        }
        b[at++] = '"';
        n = at;
    }

    /**
     * Text that is JSON already (e.g. from Jackson), in UTF-8 as it is, with no escaping; a lone surrogate becomes
     * '?'.
     */
    void utf8(String s) {
        int len = s.length();
        room(len * 3); // a char takes at most 3 bytes; a surrogate pair 4
        byte[] b = buf;
        int at = n;
        for (int i = 0; i < len; i++) {
            char ch = s.charAt(i);
            if (ch < 0x80) {
                b[at++] = (byte) ch;
            } else {
                char next = i + 1 < len ? s.charAt(i + 1) : 0;
                at = nonAscii(ch, next, b, at);
                if (Character.isSurrogatePair(ch, next)) {
                    i++;
                }
            }
        }
        n = at;
    }

    /**
     * Writes a char from U+0080 up in UTF-8 at {@code at} and returns where it ends: with {@code next} when the two
     * are a surrogate pair, else '?' for a lone surrogate, as the JDK's encoder replaces it.
     */
    private static int nonAscii(char ch, char next, byte[] b, int at) {
        if (ch < 0x800) {
            b[at++] = (byte) (0xC0 | ch >> 6);
            b[at++] = (byte) (0x80 | ch & 0x3F);
        } else if (!Character.isSurrogate(ch)) {
            b[at++] = (byte) (0xE0 | ch >> 12);
            b[at++] = (byte) (0x80 | ch >> 6 & 0x3F);
            b[at++] = (byte) (0x80 | ch & 0x3F);
        } else if (Character.isSurrogatePair(ch, next)) {
            int cp = Character.toCodePoint(ch, next);
            b[at++] = (byte) (0xF0 | cp >> 18);
            b[at++] = (byte) (0x80 | cp >> 12 & 0x3F);
            b[at++] = (byte) (0x80 | cp >> 6 & 0x3F);
            b[at++] = (byte) (0x80 | cp & 0x3F);
        } else {
            b[at++] = '?';
        }
        return at;
    }

    /**
     * The date and time to the second of a recent {@link #timeText} as three little-endian longs (19 bytes of their
     * 24): a record's times mostly fall in a second written just before.
     */
    private static final class Second {
        long epochSecond = Long.MIN_VALUE;
        long w0, w1, w2;

        /** False, and nothing kept, for a second {@link CaptureTime#format(long, byte[], int)} does not write. */
        boolean set(long sec) {
            byte[] t = new byte[CaptureTime.MAX_LENGTH + 8];
            if (sec < 0 || sec > Long.MAX_VALUE / 1_000_000_000L || CaptureTime.format(sec * 1_000_000_000L, t, 0) < 0) {
                return false;
            }
            w0 = (long) LONGS.get(t, 0);
            w1 = (long) LONGS.get(t, 8);
            w2 = (long) LONGS.get(t, 16);
            epochSecond = sec;
            return true;
        }
    }

    /** The second last written, and the one before it. */
    private Second recent = new Second(), older = new Second();

    /** A capture time as a JSON string ({@link CaptureTime#format(long)}). */
    void time(long nanos) {
        raw('"');
        timeText(nanos);
        raw('"');
    }

    /** A capture time as {@link CaptureTime#format(long)} writes it (ASCII, never a character CSV quotes). */
    void timeText(long nanos) {
        long sec = Math.floorDiv(nanos, 1_000_000_000L);
        int nano = (int) Math.floorMod(nanos, 1_000_000_000L);
        Second s = recent;
        if (s.epochSecond != sec) {
            s = older;
            if (s.epochSecond != sec) {
                if (!s.set(sec)) {
                    utf8(CaptureTime.format(nanos));
                    return;
                }
            }
            older = recent;
            recent = s;
        }
        room(CaptureTime.MAX_LENGTH + 8);
        byte[] b = buf;
        int at = n;
        LONGS.set(b, at, s.w0);
        LONGS.set(b, at + 8, s.w1);
        LONGS.set(b, at + 16, s.w2);
        at += 19;
        if (nano > 0) {
            // As Instant.toString(): 3, 6 or 9 digits, the fewest that hold the fraction.
            b[at++] = '.';
            if (nano % 1_000_000 == 0) {
                int v = nano / 1_000_000;
                b[at] = (byte) ('0' + v / 100);
                SHORTS.set(b, at + 1, PAIRS[v % 100]);
                at += 3;
            } else if (nano % 1000 == 0) {
                int v = nano / 1000;
                int high = v / 10_000;
                SHORTS.set(b, at, PAIRS[high]);
                four(b, at + 2, v - high * 10_000);
                at += 6;
            } else {
                int first = nano / 100_000_000;
                int rest = nano - first * 100_000_000;
                int high = rest / 10_000;
                b[at] = (byte) ('0' + first);
                four(b, at + 1, high);
                four(b, at + 5, rest - high * 10_000);
                at += 9;
            }
        }
        b[at] = 'Z';
        n = at + 1;
    }

    /** Writes {@code 0 <= v < 10000} as four digits at {@code at}. */
    private static void four(byte[] b, int at, int v) {
        int high = v / 100;
        SHORTS.set(b, at, PAIRS[high]);
        SHORTS.set(b, at + 2, PAIRS[v - high * 100]);
    }

    /** An address as a JSON string ({@link Addresses#format}); IPv4 without an intermediate String. */
    void address(int ipVersion, long hi, long lo) {
        raw('"');
        addressText(ipVersion, hi, lo);
        raw('"');
    }

    /** An address as it stands before {@code :PORT} ({@link Addresses#endpoint}): an IPv6 one in brackets. */
    void hostText(int ipVersion, long hi, long lo) {
        if (ipVersion == 6) {
            raw('[');
            addressText(ipVersion, hi, lo);
            raw(']');
        } else {
            addressText(ipVersion, hi, lo);
        }
    }

    /** An address as {@link Addresses#format} writes it (ASCII); IPv4 without an intermediate String. */
    void addressText(int ipVersion, long hi, long lo) {
        if (ipVersion != 4) {
            utf8(Addresses.format(ipVersion, hi, lo));
            return;
        }
        room(16);
        byte[] b = buf;
        int at = n;
        for (int shift = 24; shift >= 0; shift -= 8) {
            long t = OCTETS[(int) (lo >>> shift) & 0xff];
            INTS.set(b, at, (int) t); // the digits and '.', then bytes the next write overwrites
            at += (int) (t >>> 32);
        }
        n = at - 1; // without the last '.'
    }

    /**
     * A CSV field as Commons CSV prints a string in RFC 4180 with minimal quoting: in quotes (a quote inside doubled)
     * when it is empty and first in its record, starts with a character up to '#', holds a line break, quote or
     * comma, or ends with a character up to ' '; else as it is. UTF-8, a lone surrogate as '?'.
     */
    void csv(String s, boolean first) {
        if (!csvQuoted(s, first)) {
            utf8(s);
            return;
        }
        // Rare in these records (no address, state or history needs quotes), so no loop of its own.
        raw('"');
        utf8(s.replace("\"", "\"\""));
        raw('"');
    }

    /** Whether {@link #csv} quotes {@code s}. */
    static boolean csvQuoted(String s, boolean first) {
        int len = s.length();
        if (len == 0) {
            return first;
        }
        if (s.charAt(0) <= '#' || s.charAt(len - 1) <= ' ') {
            return true;
        }
        for (int i = 0; i < len; i++) {
            char ch = s.charAt(i);
            if (ch == '\n' || ch == '\r' || ch == '"' || ch == ',') {
                return true;
            }
        }
        return false;
    }

    /** {@code v >= 0} in decimal after spaces up to {@code width} characters ({@code %<width>d}). */
    void numberRight(long v, int width) {
        room(width + 19);
        byte[] b = buf;
        int at = n;
        for (int pad = width - digitCount(v); pad > 0; pad--) {
            b[at++] = ' ';
        }
        n = digits(v, b, at);
    }

    /** The decimal digits of {@code v >= 0}. */
    static int digitCount(long v) {
        if (v < 10) {
            return 1;
        }
        int approx = (64 - Long.numberOfLeadingZeros(v)) * 1233 >>> 12;
        return approx + (v >= POWERS[approx] ? 1 : 0);
    }

    /** {@code s} in UTF-8, then spaces up to {@code width} characters of it ({@code %-<width>s}). */
    void padded(String s, int width) {
        utf8(s);
        int pad = width - s.length();
        if (pad > 0) {
            room(pad);
            Arrays.fill(buf, n, n + pad, (byte) ' ');
            n += pad;
        }
    }

    /** Spaces from the end of what was written since {@code start} up to {@code width} bytes ({@code %-<width>s}). */
    void padFrom(int start, int width) {
        int pad = start + width - n;
        if (pad > 0) {
            room(pad);
            Arrays.fill(buf, n, n + pad, (byte) ' ');
            n += pad;
        }
    }
}
