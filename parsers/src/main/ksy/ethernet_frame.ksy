meta:
  id: ethernet_frame
  title: Ethernet II frame header (DIX / IEEE 802.3)
  xref:
    rfc: 894
    wikidata: Q79859
  license: CC0-1.0
  ks-version: 0.11
  endian: be
doc: |
  The 14-byte header of an Ethernet II frame: destination and source MAC addresses and the EtherType of the payload.
  A type value below 0x0600 is an IEEE 802.3 length field (the payload is LLC) rather than an EtherType.

  The header is flat on purpose: one instance is reused for every frame, so the MAC addresses are read as integers
  instead of byte arrays that would be allocated per frame, and as two integers instead of four because every field
  read goes through the stream's bounds check: destination MAC = macs_hi >>> 16, source MAC =
  (macs_hi & 0xffff) << 32 | macs_lo. The frame check sequence is not part of the header and is not captured on most
  interfaces.

  The EtherType is read as a plain integer and not mapped to the `ether_type` enum: the generated enum lookup boxes
  the value, which costs an allocation per frame. The enum documents the values the decoder acts on.
doc-ref: https://standards.ieee.org/ieee/802.3/7071/
seq:
  - id: macs_hi
    type: u8
    doc: The destination MAC address (6 bytes) and the first two bytes of the source MAC address.
  - id: macs_lo
    type: u4
    doc: Last four bytes of the source MAC address.
  - id: ether_type
    type: u2
    doc: EtherType of the payload (see `ether_type`), or an 802.3 length when below 0x0600.
enums:
  ether_type:
    0x0800: ipv4
    0x0806: arp
    0x8100: vlan_ctag
    0x86dd: ipv6
    0x8847: mpls_unicast
    0x8848: mpls_multicast
    0x88a8: vlan_stag
    0x9100: vlan_qinq_legacy
