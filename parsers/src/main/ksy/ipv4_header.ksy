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

  Fields that share a byte are read as one integer and split by the decoder (bit-sized reads allocate in the
  runtime):
  version = version_ihl >> 4, IHL = version_ihl & 0xf (32-bit words), DSCP = tos >> 2, ECN = tos & 3,
  DF = (flags_fragment_offset >> 14) & 1, MF = (flags_fragment_offset >> 13) & 1,
  fragment offset = (flags_fragment_offset & 0x1fff) * 8 bytes.

  The decoder checks the length before reading: at least 20 bytes captured, IHL >= 5, total length >= IHL * 4.
seq:
  - id: version_ihl
    type: u1
    doc: Version (4, high nibble) and header length in 32-bit words (low nibble).
  - id: tos
    type: u1
    doc: DSCP (6 bits) and ECN (2 bits).
  - id: total_length
    type: u2
    doc: Length of the datagram (or of this fragment) including the header.
  - id: identification
    type: u2
    doc: Identifies the fragments of one datagram.
  - id: flags_fragment_offset
    type: u2
    doc: Reserved bit, don't fragment, more fragments, and the fragment offset in 8-byte units.
  - id: ttl
    type: u1
  - id: protocol
    type: u1
    doc: Protocol of the payload (see `protocol`).
  - id: header_checksum
    type: u2
  - id: src_addr
    type: u4
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
