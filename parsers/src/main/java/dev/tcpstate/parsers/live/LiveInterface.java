package dev.tcpstate.parsers.live;

import java.util.List;

/**
 * An interface libpcap can capture on.
 *
 * @param name        the name to give to {@code -i}
 * @param description libpcap's description, or null
 * @param addresses   the interface's IPv4 and IPv6 addresses, as text
 * @param loopback    a loopback interface
 * @param up          administratively up
 * @param running     up and with a carrier
 */
public record LiveInterface(String name, String description, List<String> addresses, boolean loopback, boolean up,
                            boolean running) {
}
