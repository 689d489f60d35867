package dev.tcpstate.parsers.capture;

/**
 * An interface a capture holds packets of.
 *
 * @param linkType LINKTYPE_ value
 * @param snapLength the largest number of bytes stored per packet (0 when the capture does not say)
 * @param name interface name when the capture gives one, else null
 */
public record CaptureInterface(int linkType, long snapLength, String name) {
}
