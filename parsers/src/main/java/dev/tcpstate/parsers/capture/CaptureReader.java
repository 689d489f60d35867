package dev.tcpstate.parsers.capture;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * Reads the packet records of one capture, one at a time, into a reused {@link PacketRecord}.
 *
 * <p>File formats and live capture share this interface. Damage (a record cut off, a corrupt length) is reported to
 * the problem listener given at open time; the reader then carries on where it safely can, or ends, so every packet
 * before the damage is always delivered.
 */
public interface CaptureReader extends Closeable {

    /**
     * Reads the next record.
     *
     * @return false at the end of the capture (or when damage makes it impossible to go on)
     */
    boolean next(PacketRecord record) throws IOException;

    /** The capture's name as the user gave it ("-" for standard input). */
    String name();

    /** A short description of the format, e.g. "pcap (little-endian, microsecond timestamps)". */
    String formatDescription();

    /** The interfaces seen so far (one for classic pcap), in interface-id order across sections. */
    List<CaptureInterface> interfaces();

    /** True when some bytes could not be read as the format says. */
    boolean damaged();

    /** Bytes consumed so far from the (decompressed) stream. */
    long bytesRead();
}
