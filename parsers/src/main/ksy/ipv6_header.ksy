meta:
  id: ipv6_header
  title: IPv6 header and extension headers
  xref:
    rfc: 8200
    wikidata: Q2551624
  license: CC0-1.0
  ks-version: 0.11
  endian: be
doc: |
  The fixed 40-byte IPv6 header. An address is read as two u8 halves so no array is allocated per packet.

  The first word packs the version (4 bits), traffic class (8 bits) and flow label (20 bits); it is read as one u4 and
  split by the decoder (bit-sized reads allocate in the runtime): version = word >>> 28,
  traffic class = (word >> 20) & 0xff, flow label = word & 0xfffff.

  Extension headers follow in a chain, each naming the next. The decoder reads the types below one at a time,
  checking before each read that the header lies within the captured bytes and the payload length:
  `ext_header` for hop-by-hop options (0), routing (43) and destination options (60), whose length is
  (hdr_ext_len + 1) * 8 bytes; `auth_header` for AH (51), whose length is (payload_len + 2) * 4 bytes;
  `fragment_header` (44), 8 bytes. ESP (50) encrypts what follows and ends the walk, as does no next header (59).
seq:
  - id: version_class_flow
    type: u4
    doc: Version (6), traffic class, flow label.
  - id: payload_length
    type: u2
    doc: Length of everything after this 40-byte header, extension headers included.
  - id: next_header
    type: u1
    doc: Type of the first extension header or of the upper-layer protocol (see `next_header`).
  - id: hop_limit
    type: u1
  - id: src_addr_hi
    type: u8
  - id: src_addr_lo
    type: u8
  - id: dst_addr_hi
    type: u8
  - id: dst_addr_lo
    type: u8
types:
  ext_header:
    doc: Start of a hop-by-hop options, routing or destination options header; the rest is skipped.
    seq:
      - id: next_header
        type: u1
      - id: hdr_ext_len
        type: u1
        doc: Length in 8-byte units, not counting the first 8 bytes.
  auth_header:
    doc: Start of an authentication header (RFC 4302); the rest is skipped.
    seq:
      - id: next_header
        type: u1
      - id: payload_len
        type: u1
        doc: Length in 4-byte units, minus 2.
  fragment_header:
    doc: The 8-byte fragment header.
    seq:
      - id: next_header
        type: u1
        doc: Type of the first header of the fragmentable part.
      - id: reserved
        type: u1
      - id: offset_flags
        type: u2
        doc: Fragment offset in 8-byte units (13 bits), 2 reserved bits, more-fragments flag (lowest bit).
      - id: identification
        type: u4
enums:
  next_header:
    0: hop_by_hop
    6: tcp
    17: udp
    43: routing
    44: fragment
    50: esp
    51: ah
    58: icmpv6
    59: no_next_header
    60: destination_options
