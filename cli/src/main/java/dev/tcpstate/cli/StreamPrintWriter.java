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

    /** Where a write failed first in this run, and how ({@link #firstFailure}). */
    record Failure(String output, IOException cause) {
        /** The reader of a pipe went away ({@code tcpstate ... | head}): not an error of the results it took. */
        boolean brokenPipe() {
            return String.valueOf(cause.getMessage()).contains("Broken pipe");
        }
    }

    private static volatile Failure first;

    /**
     * @param output      what it writes to, for the message if writing fails ("standard output", "--output FILE")
     * @param bufferChars the size of the text buffer
     */
    StreamPrintWriter(OutputStream stream, String output, int bufferChars) {
        this(new Watched(stream, output), bufferChars);
    }

    /** One whose failures the message would name just "output". */
    StreamPrintWriter(OutputStream stream, int bufferChars) {
        this(stream, "output", bufferChars);
    }

    private StreamPrintWriter(Watched stream, int bufferChars) {
        super(new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), bufferChars));
        this.stream = stream;
    }

    /**
     * The first write of this run to fail on any output, or null. A PrintWriter keeps its failures to itself
     * ({@link #checkError()}); this is how a command learns that its results did not all get out (a full disk, a
     * pipe whose reader left), and the analysis that no one reads any more can stop.
     */
    static Failure firstFailure() {
        return first;
    }

    /** Forgets the failures of an earlier run in this JVM (the command line runs in-process in tests). */
    static void clearFailures() {
        first = null;
    }

    /** Passes everything on to the stream, and notes the first failure. */
    private static final class Watched extends java.io.FilterOutputStream {
        private final String output;

        Watched(OutputStream out, String output) {
            super(out);
            this.output = output;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw noted(e);
            }
        }

        @Override
        public void write(int b) throws IOException {
            try {
                out.write(b);
            } catch (IOException e) {
                throw noted(e);
            }
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                throw noted(e);
            }
        }

        private IOException noted(IOException e) {
            if (first == null && !(e instanceof InterruptedIOException)) {
                first = new Failure(output, e);
            }
            return e;
        }
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
