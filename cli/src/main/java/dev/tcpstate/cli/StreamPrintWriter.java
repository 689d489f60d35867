package dev.tcpstate.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * A PrintWriter that encodes its text as UTF-8 onto an output stream and also takes bytes that are UTF-8 already,
 * which go to the stream as they are: the machine-readable writers build their records as bytes (see
 * {@link Utf8Sink}), with no char buffer to copy through and no charset encoder. Text and bytes come out in the order
 * they were written: the text buffered so far goes to the stream before a block of bytes.
 */
final class StreamPrintWriter extends PrintWriter {
    private final OutputStream stream;

    /** @param bufferChars the size of the text buffer */
    StreamPrintWriter(OutputStream stream, int bufferChars) {
        super(new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), bufferChars));
        this.stream = stream;
    }

    /**
     * Writes UTF-8 bytes after all the text written so far. Like the other writes of a PrintWriter it throws no
     * I/O exception: a failure shows in {@link #checkError()}.
     */
    void writeUtf8(byte[] b, int off, int len) {
        synchronized (lock) {
            if (out == null) {
                setError(); // closed
                return;
            }
            try {
                out.flush();
                stream.write(b, off, len);
            } catch (InterruptedIOException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                setError();
            }
        }
    }
}
