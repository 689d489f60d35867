meta:
  id: pcapng
  title: PCAP Next Generation capture file (block and packet-block headers)
  file-extension: [pcapng, ntar]
  xref:
    rfc: draft-ietf-opsawg-pcapng
    wikidata: Q28009435
  license: CC0-1.0
  ks-version: 0.11
doc: |
  A pcapng file is a sequence of blocks, each `block_type`, `block_total_length`, a body, and `block_total_length`
  again. A Section Header Block starts each section and gives, through its byte-order magic, the byte order of every
  block up to the next section header; sections of different byte order may follow one another in one file.
  Interface Description Blocks number the interfaces of a section from 0, each with its own link type, snap length
  and timestamp resolution (`if_tsresol`) and offset (`if_tsoffset`).

  Only the fixed headers are described here. The reader parses one block at a time: it reads the first 12 bytes of
  a section header as `section_header_prefix` (the block type is the same in both byte orders), and every other
  layout through the `section` type, in the section's byte order. Options are walked as `option_header` plus the
  value, padded to 32 bits; unknown block types are skipped by their length.

  Block types used: 0x0a0d0d0a section header, 0x00000001 interface description, 0x00000002 packet (obsolete),
  0x00000003 simple packet, 0x00000006 enhanced packet.
doc-ref: https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng-03.html
seq:
  - id: shb_prefix
    type: section_header_prefix
types:
  section_header_prefix:
    doc: The first 12 bytes of a Section Header Block, readable before the byte order is known.
    seq:
      - id: block_type
        contents: [0x0a, 0x0d, 0x0d, 0x0a]
      - id: block_total_length
        size: 4
        doc: In the byte order the following magic gives.
      - id: byte_order_magic
        size: 4
        doc: 0x1a2b3c4d written in the section's byte order.
  section:
    doc: The layouts of a section's blocks, in that section's byte order.
    meta:
      endian:
        switch-on: _root.shb_prefix.byte_order_magic
        cases:
          '[0x4d, 0x3c, 0x2b, 0x1a]': le
          '[0x1a, 0x2b, 0x3c, 0x4d]': be
    types:
      block_header:
        seq:
          - id: block_type
            type: u4
          - id: block_total_length
            type: u4
            doc: Length of the whole block, headers and trailing length included; a multiple of 4, at least 12.
      section_header:
        doc: The Section Header Block's fields after its 8-byte block header.
        seq:
          - id: byte_order_magic
            type: u4
          - id: version_major
            type: u2
          - id: version_minor
            type: u2
          - id: section_length
            type: s8
            doc: Length of the section in bytes after this block, or -1 when not given.
      interface_description:
        doc: The Interface Description Block's fields after its block header; options follow.
        seq:
          - id: link_type
            type: u2
          - id: reserved
            type: u2
          - id: snap_len
            type: u4
      enhanced_packet:
        doc: The Enhanced Packet Block's fields after its block header; packet data and options follow.
        seq:
          - id: interface_id
            type: u4
          - id: timestamp_high
            type: u4
          - id: timestamp_low
            type: u4
            doc: With timestamp_high, a 64-bit count of the interface's time units since its offset.
          - id: captured_len
            type: u4
          - id: original_len
            type: u4
      simple_packet:
        doc: The Simple Packet Block's field after its block header; packet data follows. Interface 0, no timestamp.
        seq:
          - id: original_len
            type: u4
      obsolete_packet:
        doc: The obsolete Packet Block (type 2); like an enhanced packet with a 16-bit interface id.
        seq:
          - id: interface_id
            type: u2
          - id: drops_count
            type: u2
          - id: timestamp_high
            type: u4
          - id: timestamp_low
            type: u4
          - id: captured_len
            type: u4
          - id: original_len
            type: u4
      option_header:
        doc: Code and value length of one option; the value follows, padded to 32 bits. Code 0 ends the list.
        seq:
          - id: code
            type: u2
          - id: length
            type: u2
      u8_value:
        doc: A 64-bit option value (if_tsoffset is signed seconds).
        seq:
          - id: value
            type: s8
