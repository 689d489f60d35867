package dev.tcpstate.parsers.capture;

/** Capture file formats, recognised by their magic number (never by file name). */
public enum CaptureFormat {
    PCAP,
    PCAPNG,
    GZIP;

    /**
     * Identifies a format from the first four bytes of a stream.
     *
     * @return the format, or null when the bytes are no known magic number
     */
    public static CaptureFormat sniff(byte[] head, int length) {
        if (length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            return GZIP;
        }
        if (length < 4) {
            return null;
        }
        int b0 = head[0] & 0xff, b1 = head[1] & 0xff, b2 = head[2] & 0xff, b3 = head[3] & 0xff;
        if (b0 == 0x0a && b1 == 0x0d && b2 == 0x0d && b3 == 0x0a) {
            return PCAPNG;
        }
        int be = (b0 << 24) | (b1 << 16) | (b2 << 8) | b3;
        int le = Integer.reverseBytes(be);
        if (be == 0xa1b2c3d4 || be == 0xa1b23c4d || le == 0xa1b2c3d4 || le == 0xa1b23c4d) {
            return PCAP;
        }
        return null;
    }
}
