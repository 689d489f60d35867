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

  The header is flat on purpose: one instance is reused for every frame, so a MAC address is read as a 4-byte and a
  2-byte half instead of a byte array that would be allocated per frame. The frame check sequence is not part of the
  header and is not captured on most interfaces.

  The EtherType is read as a plain integer and not mapped to the `ether_type` enum: the generated enum lookup boxes
  the value, which costs an allocation per frame. The enum documents the values the decoder acts on.
doc-ref: https://standards.ieee.org/ieee/802.3/7071/
seq:
  - id: dst_mac_hi
    type: u4
    doc: First four bytes of the destination MAC address.
  - id: dst_mac_lo
    type: u2
    doc: Last two bytes of the destination MAC address.
  - id: src_mac_hi
    type: u4
    doc: First four bytes of the source MAC address.
  - id: src_mac_lo
    type: u2
    doc: Last two bytes of the source MAC address.
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
