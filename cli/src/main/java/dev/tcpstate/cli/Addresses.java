package dev.tcpstate.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Text forms of the addresses the decoder keeps as two longs (IPv4 in the low 32 bits of {@code lo}). */
final class Addresses {
    private Addresses() {
    }

    /** Dotted quad, or RFC 5952 compressed IPv6. */
    static String format(int ipVersion, long hi, long lo) {
        if (ipVersion == 4) {
            return ((lo >>> 24) & 0xff) + "." + ((lo >>> 16) & 0xff) + "." + ((lo >>> 8) & 0xff) + "." + (lo & 0xff);
        }
        int[] g = new int[8];
        for (int i = 0; i < 4; i++) {
            g[i] = (int) ((hi >>> (48 - 16 * i)) & 0xffff);
            g[4 + i] = (int) ((lo >>> (48 - 16 * i)) & 0xffff);
        }
        // RFC 5952 4.2: the longest run of two or more zero groups becomes "::" (the first such run on a tie).
        int bestStart = -1, bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] == 0) {
                int j = i;
                while (j < 8 && g[j] == 0) {
                    j++;
                }
                if (j - i > bestLen) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    /** ADDR:PORT, with IPv6 addresses in brackets. */
    static String endpoint(int ipVersion, long hi, long lo, int port) {
        String a = format(ipVersion, hi, lo);
        return ipVersion == 6 ? "[" + a + "]:" + port : a + ":" + port;
    }

    /** A parsed address: version and the two longs. */
    record Address(int version, long hi, long lo) {
        static Address parse(String text) {
            String t = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
            if (!t.matches("[0-9A-Fa-f:.]+")) {
                throw new IllegalArgumentException("'" + text + "' is not an IPv4 or IPv6 address");
            }
            byte[] b;
            try {
                b = InetAddress.getByName(t).getAddress();
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("'" + text + "' is not an IPv4 or IPv6 address");
            }
            long hi = 0, lo = 0;
            if (b.length == 4) {
                for (byte x : b) {
                    lo = (lo << 8) | (x & 0xff);
                }
                return new Address(4, 0, lo);
            }
            for (int i = 0; i < 8; i++) {
                hi = (hi << 8) | (b[i] & 0xff);
                lo = (lo << 8) | (b[8 + i] & 0xff);
            }
            return new Address(6, hi, lo);
        }
    }

    /** ADDR:PORT (IPv6 as [ADDR]:PORT). */
    record SocketAddress(Address address, int port) {
        static SocketAddress parse(String text) {
            int colon = text.lastIndexOf(':');
            if (colon <= 0 || (text.indexOf(':') != colon && !text.startsWith("["))) {
                throw new IllegalArgumentException("'" + text + "' is not ADDR:PORT (IPv6 as [ADDR]:PORT)");
            }
            int port;
            try {
                port = Integer.parseInt(text.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' has no port number after the last ':'");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " in '" + text + "' is outside 0..65535");
            }
            return new SocketAddress(Address.parse(text.substring(0, colon)), port);
        }

        boolean matches(int version, long hi, long lo, int p) {
            return address.version == version && address.hi == hi && address.lo == lo && port == p;
        }
    }

    /** A socket pair given as ADDR:PORT-ADDR:PORT, matched in either direction. */
    record SocketPair(SocketAddress a, SocketAddress b) {
        static SocketPair parse(String text) {
            // The separator is the '-' that follows a port number.
            for (int i = text.indexOf('-'); i > 0; i = text.indexOf('-', i + 1)) {
                try {
                    return new SocketPair(SocketAddress.parse(text.substring(0, i)), SocketAddress.parse(text.substring(i + 1)));
                } catch (IllegalArgumentException e) {
                    // try the next '-'
                }
            }
            throw new IllegalArgumentException("'" + text + "' is not ADDR:PORT-ADDR:PORT (IPv6 as [ADDR]:PORT)");
        }

        boolean matches(dev.tcpstate.parsers.decode.TcpPacket p) {
            return a.matches(p.ipVersion, p.srcHi, p.srcLo, p.srcPort) && b.matches(p.ipVersion, p.dstHi, p.dstLo, p.dstPort)
                    || b.matches(p.ipVersion, p.srcHi, p.srcLo, p.srcPort) && a.matches(p.ipVersion, p.dstHi, p.dstLo, p.dstPort);
        }
    }
}
