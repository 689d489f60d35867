meta:
  id: linux_sll
  title: Linux cooked capture header, version 1 (LINKTYPE_LINUX_SLL, 113)
  xref:
    wikidata: Q28009435
  license: CC0-1.0
  ks-version: 0.11
  endian: be
doc: |
  The 16-byte pseudo link-layer header libpcap writes when capturing on the Linux "any" device or on interfaces
  without a usable link-layer header. The protocol field is an EtherType for most ARPHRD types, so the decoder hands
  it to the same EtherType dispatch as Ethernet.

  The link-layer address is read as one u8 (the first 8 bytes, of which `addr_len` are meaningful) so no array is
  allocated per packet.
doc-ref: https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html
seq:
  - id: packet_type
    type: u2
    doc: Direction and delivery of the packet (see `packet_type`).
  - id: arphrd_type
    type: u2
    doc: ARPHRD_ type of the interface.
  - id: addr_len
    type: u2
    doc: Number of meaningful bytes in `addr`.
  - id: addr
    type: u8
    doc: Link-layer source address, left-aligned and zero-padded.
  - id: protocol
    type: u2
    doc: EtherType of the payload (for ARPHRD_ETHER and most others).
enums:
  packet_type:
    0: to_us
    1: broadcast
    2: multicast
    3: other_host
    4: outgoing
