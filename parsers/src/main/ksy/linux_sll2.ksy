meta:
  id: linux_sll2
  title: Linux cooked capture header, version 2 (LINKTYPE_LINUX_SLL2, 276)
  xref:
    wikidata: Q28009435
  license: CC0-1.0
  ks-version: 0.11
  endian: be
doc: |
  The 20-byte pseudo link-layer header of libpcap 1.10 and later for the Linux "any" device. Unlike version 1 it
  starts with the protocol and carries the interface index.

  The link-layer address is read as one u8 (the first 8 bytes, of which `addr_len` are meaningful) so no array is
  allocated per packet.
doc-ref: https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL2.html
seq:
  - id: protocol
    type: u2
    doc: EtherType of the payload.
  - id: reserved
    type: u2
    doc: Must be zero.
  - id: if_index
    type: u4
    doc: Interface index of the interface the packet was captured on.
  - id: arphrd_type
    type: u2
    doc: ARPHRD_ type of the interface.
  - id: packet_type
    type: u1
    doc: Direction and delivery of the packet (same values as in version 1).
  - id: addr_len
    type: u1
    doc: Number of meaningful bytes in `addr`.
  - id: addr
    type: u8
    doc: Link-layer source address, left-aligned and zero-padded.
enums:
  packet_type:
    0: to_us
    1: broadcast
    2: multicast
    3: other_host
    4: outgoing
