meta:
  id: ipv4_header
  title: IPv4 header (fixed part)
  xref:
    rfc: 791
    wikidata: Q11103
  license: CC0-1.0
  ks-version: 0.11
  endian: be
doc: |
  The fixed 20 bytes of an IPv4 header. Options, when the header length (IHL) is above 5, follow these 20 bytes; the
  decoder skips them by the IHL without reading them.

  The header is read in three integers, not one per field: every field read goes through the stream's bounds check
  and the decoder reads this header for every packet, so it takes the fields out of the wider words itself (bit-sized
  reads would also allocate in the runtime).
  version_to_fragment (8 bytes): version_ihl = version_to_fragment >>> 56 (version = its high nibble, IHL = its low
  nibble, in 32-bit words), tos = (version_to_fragment >>> 48) & 0xff (DSCP = tos >> 2, ECN = tos & 3),
  total length = (version_to_fragment >>> 32) & 0xffff, identification = (version_to_fragment >>> 16) & 0xffff,
  flags_fragment_offset = version_to_fragment & 0xffff (DF = bit 14, MF = bit 13,
  fragment offset = (flags_fragment_offset & 0x1fff) * 8 bytes).
  ttl_to_src (8 bytes): TTL = ttl_to_src >>> 56, protocol = (ttl_to_src >>> 48) & 0xff (see `protocol`),
  header checksum = (ttl_to_src >>> 32) & 0xffff, source address = ttl_to_src & 0xffffffff.

  The decoder checks the length before reading: at least 20 bytes captured, IHL >= 5, total length >= IHL * 4.
seq:
  - id: version_to_fragment
    type: u8
    doc: |
      Version and IHL (1 byte), type of service (1 byte), total length of the datagram or fragment including the
      header (2 bytes), identification of the fragments of one datagram (2 bytes), reserved bit, don't fragment, more
      fragments and the fragment offset in 8-byte units (2 bytes).
  - id: ttl_to_src
    type: u8
    doc: TTL (1 byte), protocol of the payload (1 byte), header checksum (2 bytes), source address (4 bytes).
  - id: dst_addr
    type: u4
enums:
  protocol:
    1: icmp
    2: igmp
    6: tcp
    17: udp
    41: ipv6
    47: gre
    50: esp
    51: ah
    58: ipv6_icmp
    132: sctp
