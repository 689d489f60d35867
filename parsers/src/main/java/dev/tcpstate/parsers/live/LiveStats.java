package dev.tcpstate.parsers.live;

/**
 * libpcap's statistics of a live capture ({@code pcap_stats}), counted since capturing started.
 *
 * @param received           packets that passed the filter (on Linux: that the kernel handed to libpcap's buffer)
 * @param dropped            packets the kernel dropped because the capture buffer was full
 * @param droppedByInterface packets the interface or its driver dropped
 */
public record LiveStats(long received, long dropped, long droppedByInterface) {
}
