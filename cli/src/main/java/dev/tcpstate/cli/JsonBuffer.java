package dev.tcpstate.cli;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * JSON text built as UTF-8 bytes in one growing array, for the JSON Lines writers: records of a fixed shape are written
 * straight into it, and it goes to the output in large blocks ({@link #writeTo}). Strings are escaped as Jackson
 * escapes them (quote, backslash and control characters; everything else as it is) and encoded as the JDK's UTF-8
 * encoder encodes them, so the bytes are the ones a Jackson generator over a UTF-8 writer gives.
 */
final class JsonBuffer {
    private static final byte[] HEX = ascii("0123456789ABCDEF");
    private static final byte[] TRUE = ascii("true");
    private static final byte[] FALSE = ascii("false");
    private static final byte[] NULL = ascii("null");

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
            String s = Long.toString(v);
            room(s.length());
            for (int i = 0; i < s.length(); i++) {
                buf[n++] = (byte) s.charAt(i);
            }
            return;
        }
        int digits = 1;
        for (long bound = 10; digits < 19 && v >= bound; bound *= 10) {
            digits++;
        }
        room(digits);
        for (int i = n + digits - 1; i >= n; i--) {
            buf[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        n += digits;
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

    /** A capture time as a JSON string ({@link CaptureTime#format(long)}). */
    void time(long nanos) {
        room(CaptureTime.MAX_LENGTH + 2);
        int end = CaptureTime.format(nanos, buf, n + 1);
        if (end < 0) {
            string(CaptureTime.format(nanos));
            return;
        }
        buf[n] = '"';
        buf[end] = '"';
        n = end + 1;
    }

    /** An address as a JSON string ({@link Addresses#format}); IPv4 without an intermediate String. */
    void address(int ipVersion, long hi, long lo) {
        if (ipVersion != 4) {
            string(Addresses.format(ipVersion, hi, lo));
            return;
        }
        room(17);
        byte[] b = buf;
        int at = n;
        b[at++] = '"';
        for (int shift = 24; shift >= 0; shift -= 8) {
            int v = (int) (lo >>> shift) & 0xff;
            if (v >= 100) {
                b[at++] = (byte) ('0' + v / 100);
            }
            if (v >= 10) {
                b[at++] = (byte) ('0' + v / 10 % 10);
            }
            b[at++] = (byte) ('0' + v % 10);
            if (shift > 0) {
                b[at++] = '.';
            }
        }
        b[at++] = '"';
        n = at;
    }
}
