package dev.tcpstate.parsers.capture;

/**
 * Something wrong with a capture, located precisely enough to look at with a hex dump.
 *
 * @param file         the capture's name as the user gave it
 * @param offset       byte offset in the (decompressed) capture where the problem starts, or -1
 * @param packetNumber the 1-based number of the packet concerned (or of the next packet that would have been read), or -1
 * @param damage       true when bytes of the capture could not be read as the format says (the capture was not read whole)
 * @param message      what was found and what was expected
 */
public record CaptureProblem(String file, long offset, long packetNumber, boolean damage, String message) {

    /** One line: {@code file: offset N, packet M: message}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(file);
        if (offset >= 0) {
            sb.append(": offset ").append(offset);
        }
        if (packetNumber > 0) {
            sb.append(offset >= 0 ? ", packet " : ": packet ").append(packetNumber);
        }
        return sb.append(": ").append(message).toString();
    }
}
