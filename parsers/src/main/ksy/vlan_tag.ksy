meta:
  id: vlan_tag
  title: IEEE 802.1Q / 802.1ad VLAN tag
  xref:
    rfc: 7042
    wikidata: Q1139009
  license: CC0-1.0
  ks-version: 0.11
  endian: be
doc: |
  The 4 bytes that follow a tag protocol identifier (TPID) of 0x8100 (C-tag, 802.1Q), 0x88a8 (S-tag, 802.1ad) or the
  pre-standard 0x9100 (QinQ): the tag control information and the EtherType of what follows, which may be another
  tag. The TPID itself is the EtherType field of the enclosing header.

  The tag control information packs three fields; they are read as one u2 (bit-sized reads allocate in the runtime)
  and split by the decoder: priority code point = tci >> 13, drop eligible = (tci >> 12) & 1, VLAN id = tci & 0xfff.
doc-ref: https://standards.ieee.org/ieee/802.1Q/10323/
seq:
  - id: tci
    type: u2
    doc: Tag control information; PCP (3 bits), DEI (1 bit), VLAN identifier (12 bits).
  - id: ether_type
    type: u2
    doc: EtherType of the payload, or the TPID of the next tag.
enums:
  tpid:
    0x8100: ctag
    0x88a8: stag
    0x9100: qinq_legacy
