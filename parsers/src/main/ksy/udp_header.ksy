meta:
  id: udp_header
  title: UDP header
  xref:
    rfc: 768
    wikidata: Q11163
  license: CC0-1.0
  ks-version: 0.11
  endian: be
doc: |
  The 8-byte UDP header. The decoder only counts UDP datagrams; the header is described for completeness and for
  callers that want the ports.
seq:
  - id: src_port
    type: u2
  - id: dst_port
    type: u2
  - id: length
    type: u2
    doc: Length of header and payload.
  - id: checksum
    type: u2
