meta:
  id: tcp_header
  title: TCP header (fixed part)
  xref:
    rfc: [9293, 9768]
    wikidata: Q8803
  license: CC0-1.0
  ks-version: 0.11
  endian: be
doc: |
  The fixed 20 bytes of a TCP header. Options fill the rest of the data offset; the decoder walks them itself over
  the captured bytes so that a malformed option length can never move the walk past the header.

  The data offset and the flags share two bytes, read as one u2 and split by the decoder (bit-sized reads allocate
  in the runtime): data offset = offset_flags >>> 12 (32-bit words), then 3 reserved bits, then AE (0x100,
  RFC 9768, formerly NS), CWR (0x80), ECE (0x40), URG, ACK, PSH, RST, SYN, FIN (0x01) = offset_flags & 0x1ff.

  The decoder checks before reading that 20 bytes were captured, and after it that the data offset is at least 5.
seq:
  - id: src_port
    type: u2
  - id: dst_port
    type: u2
  - id: seq_num
    type: u4
  - id: ack_num
    type: u4
  - id: offset_flags
    type: u2
    doc: Data offset (4 bits), reserved (3 bits), AE and the eight classic flags.
  - id: window
    type: u2
  - id: checksum
    type: u2
  - id: urgent_pointer
    type: u2
enums:
  option_kind:
    0: end_of_list
    1: no_operation
    2: maximum_segment_size
    3: window_scale
    4: sack_permitted
    5: sack
    8: timestamps
    34: fast_open
    254: experimental
