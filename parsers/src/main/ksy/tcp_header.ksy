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

  The header is read in three integers, not one per field: every field read goes through the stream's bounds check
  and the decoder reads this header for every segment, so it takes the fields out of the wider words itself.
  ports_seq (8 bytes): source port = ports_seq >>> 48, destination port = (ports_seq >>> 32) & 0xffff,
  sequence number = ports_seq & 0xffffffff.
  ack_offset_window (8 bytes): acknowledgment number = ack_offset_window >>> 32, then the data offset and flags
  (offset_flags = (ack_offset_window >>> 16) & 0xffff), then the window = ack_offset_window & 0xffff.
  checksum_urgent (4 bytes): checksum = checksum_urgent >>> 16, urgent pointer = checksum_urgent & 0xffff.

  The data offset and the flags share two bytes: data offset = offset_flags >>> 12 (32-bit words), then 3 reserved
  bits, then AE (0x100, RFC 9768, formerly NS), CWR (0x80), ECE (0x40), URG, ACK, PSH, RST, SYN, FIN (0x01)
  = offset_flags & 0x1ff.

  The decoder checks before reading that 20 bytes were captured, and after it that the data offset is at least 5.
seq:
  - id: ports_seq
    type: u8
    doc: Source port (2 bytes), destination port (2 bytes), sequence number (4 bytes).
  - id: ack_offset_window
    type: u8
    doc: Acknowledgment number (4 bytes), data offset, reserved bits and flags (2 bytes), window (2 bytes).
  - id: checksum_urgent
    type: u4
    doc: Checksum (2 bytes) and urgent pointer (2 bytes).
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
