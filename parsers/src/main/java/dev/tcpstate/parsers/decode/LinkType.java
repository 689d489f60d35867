package dev.tcpstate.parsers.decode;

/** LINKTYPE_ values (https://www.tcpdump.org/linktypes.html) the decoder understands, and names for reports. */
public final class LinkType {
    /** BSD loopback: 4-byte protocol family in the capturing host's byte order. */
    public static final int NULL = 0;
    public static final int ETHERNET = 1;
    /** PPP, with or without the 0xff 0x03 HDLC-like framing bytes. */
    public static final int PPP = 9;
    /** PPP in HDLC-like framing (RFC 1662). */
    public static final int PPP_HDLC = 50;
    /** Raw IP; the version nibble says IPv4 or IPv6. */
    public static final int RAW = 101;
    /** OpenBSD loopback: 4-byte protocol family in network byte order. */
    public static final int LOOP = 108;
    public static final int LINUX_SLL = 113;
    public static final int IPV4 = 228;
    public static final int IPV6 = 229;
    public static final int NFLOG = 239;
    public static final int LINUX_SLL2 = 276;

    private LinkType() {
    }

    /** True when {@link PacketDecoder} decodes this link type. */
    public static boolean isSupported(int linkType) {
        switch (linkType) {
            case NULL: case ETHERNET: case PPP: case PPP_HDLC: case RAW: case LOOP: case LINUX_SLL: case IPV4:
            case IPV6: case NFLOG: case LINUX_SLL2:
                return true;
            default:
                return false;
        }
    }

    /** The LINKTYPE_ name without its prefix, or the number for a type this class does not name. */
    public static String name(int linkType) {
        switch (linkType) {
            case NULL: return "NULL";
            case ETHERNET: return "ETHERNET";
            case PPP: return "PPP";
            case PPP_HDLC: return "PPP_HDLC";
            case RAW: return "RAW";
            case LOOP: return "LOOP";
            case LINUX_SLL: return "LINUX_SLL";
            case IPV4: return "IPV4";
            case IPV6: return "IPV6";
            case NFLOG: return "NFLOG";
            case LINUX_SLL2: return "LINUX_SLL2";
            case 105: return "IEEE802_11";
            case 127: return "IEEE802_11_RADIOTAP";
            case 147: return "USER0";
            case 192: return "PPI";
            case 220: return "USB_LINUX_MMAPPED";
            case 249: return "USBPCAP";
            default: return Integer.toString(linkType);
        }
    }
}
