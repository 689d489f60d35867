package dev.tcpstate.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * Where a writer that builds its records as UTF-8 bytes puts them: straight onto the stream under a
 * {@link StreamPrintWriter}, else (any other PrintWriter, e.g. one over a StringWriter) decoded into the PrintWriter.
 * Either way the bytes come after what was printed to the PrintWriter before them; what is printed to it afterwards
 * comes after them.
 */
abstract class Utf8Sink {

    /** Writes whole UTF-8 sequences (a block never ends inside a character). */
    abstract void write(byte[] b, int off, int len);

    /** Flushes the PrintWriter, and with it everything written so far. */
    abstract void flush();

    static Utf8Sink of(PrintWriter out) {
        if (out instanceof StreamPrintWriter s) {
            return new Utf8Sink() {
                @Override
                void write(byte[] b, int off, int len) {
                    s.writeUtf8(b, off, len);
                }

                @Override
                void flush() {
                    s.flush();
                }
            };
        }
        return new Utf8Sink() {
            @Override
            void write(byte[] b, int off, int len) {
                out.write(new String(b, off, len, StandardCharsets.UTF_8));
            }

            @Override
            void flush() {
                out.flush();
            }
        };
    }
}
