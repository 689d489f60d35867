meta:
  id: mpls_label
  title: MPLS label stack entry
  xref:
    rfc: 3032
    wikidata: Q1225925
  license: CC0-1.0
  ks-version: 0.11
  endian: be
doc: |
  One 4-byte entry of an MPLS label stack (EtherType 0x8847 unicast, 0x8848 multicast). Entries repeat until one has
  the bottom-of-stack bit set. The label stack does not say what it carries: the decoder guesses IPv4 or IPv6 from
  the version nibble of the first byte after the bottom entry.

  The entry is read as one u4 and split by the decoder (bit-sized reads allocate in the runtime):
  label = entry >>> 12, traffic class = (entry >> 9) & 7, bottom of stack = (entry >> 8) & 1, TTL = entry & 0xff.
seq:
  - id: entry
    type: u4
    doc: Label (20 bits), traffic class (3 bits), bottom-of-stack flag (1 bit), TTL (8 bits).
enums:
  reserved_label:
    0: ipv4_explicit_null
    1: router_alert
    2: ipv6_explicit_null
    3: implicit_null
    7: entropy_label_indicator
    13: gal
    14: oam_alert
