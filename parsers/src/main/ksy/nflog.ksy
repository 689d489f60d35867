meta:
  id: nflog
  title: Linux netfilter NFLOG record (LINKTYPE_NFLOG, 239)
  xref:
    wikidata: Q28009435
  license: CC0-1.0
  ks-version: 0.11
  endian: le
doc: |
  A packet logged by the netfilter NFLOG target: a 4-byte header, then type-length-value attributes. The header's
  resource id is big-endian; the TLV length and type are in the capturing host's byte order, which is little-endian
  on every platform that produces such captures in practice.

  A TLV's length counts its own 4-byte header but not the padding that aligns the next TLV to 4 bytes. The packet
  itself is the value of the NFULA_PAYLOAD TLV (type 9). The top two bits of the type are netlink flags
  (nested, network byte order) and are masked off by the decoder.

  The decoder reads `header`, then one `tlv_header` at a time and skips values it does not need, so no value is
  copied.
doc-ref: https://www.tcpdump.org/linktypes/LINKTYPE_NFLOG.html
seq:
  - id: header
    type: nflog_header
types:
  nflog_header:
    seq:
      - id: family
        type: u1
        doc: Address family of the logged packet, AF_INET (2) or AF_INET6 (10).
      - id: version
        type: u1
        doc: NFLOG version, 0.
      - id: resource_id
        type: u2be
        doc: The NFLOG group, in network byte order.
  tlv_header:
    seq:
      - id: length
        type: u2
        doc: Length of the TLV including this 4-byte header, excluding padding.
      - id: type
        type: u2
        doc: Attribute type (see `tlv_type`), with the netlink flag bits 0xc000.
enums:
  tlv_type:
    1: packet_header
    2: mark
    3: timestamp
    4: ifindex_indev
    5: ifindex_outdev
    6: ifindex_physindev
    7: ifindex_physoutdev
    8: hwaddr
    9: payload
    10: prefix
    11: uid
    12: seq
    13: seq_global
    14: gid
    15: hwtype
    16: hwheader
    17: hwlen
