package dev.tcpstate.cli;

import java.io.EOFException;
import java.io.IOException;
import java.util.zip.ZipException;

/** The one line said when reading a capture fails part way (what was read before it is analysed). */
final class ReadErrors {
    private ReadErrors() {
    }

    /**
     * Where reading stopped and why: {@code offset} (in the decompressed data of a gzip-compressed capture; -1 when
     * not known), the packet it was reading ({@code packetsRead} + 1; none when {@code packetsRead} is -1), and the
     * failure, put in words when it is the gzip stream's.
     */
    static String describe(IOException e, long packetsRead, long offset) {
        boolean gzip = e instanceof ZipException
                || e instanceof EOFException && String.valueOf(e.getMessage()).contains("ZLIB");
        StringBuilder sb = new StringBuilder();
        if (offset >= 0) {
            sb.append("offset ").append(offset).append(gzip ? " of the decompressed data" : "");
        }
        if (packetsRead >= 0) {
            sb.append(sb.isEmpty() ? "" : ", ").append("packet ").append(packetsRead + 1);
        }
        if (!sb.isEmpty()) {
            sb.append(": ");
        }
        if (gzip && e instanceof EOFException) {
            sb.append("the gzip data ends early (compressed file cut off?)");
        } else if (gzip) {
            sb.append("the gzip data is damaged (").append(e.getMessage()).append(")");
        } else {
            sb.append("read error: ").append(e.getMessage());
        }
        return sb.append("; reading stops").toString();
    }
}
