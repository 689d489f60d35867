meta:
  id: ppp
  title: PPP header (LINKTYPE_PPP 9, LINKTYPE_PPP_HDLC 50)
  xref:
    rfc: [1661, 1662]
    wikidata: Q104498
  license: CC0-1.0
  ks-version: 0.11
  endian: be
doc: |
  The PPP protocol field in front of the packet, optionally preceded by the HDLC-like framing address 0xff and control
  0x03 (RFC 1662). The framing bytes are optional in LINKTYPE_PPP captures, so the decoder looks at the first two
  bytes and reads `hdlc_framed` when they are 0xff 0x03 and `unframed` otherwise.

  With protocol-field compression (RFC 1661 section 6.5) the protocol is a single byte; an odd first byte marks it.
  The decoder checks for that before reading `unframed`.
doc-ref: https://www.tcpdump.org/linktypes/LINKTYPE_PPP.html
seq:
  - id: header
    type: hdlc_framed
types:
  hdlc_framed:
    doc: The 4-byte header with HDLC-like framing.
    seq:
      - id: address
        type: u1
        doc: All-stations address, 0xff.
      - id: control
        type: u1
        doc: Unnumbered information, 0x03.
      - id: protocol
        type: u2
        doc: Protocol of the payload (see `protocol`).
  unframed:
    doc: The 2-byte header without framing bytes.
    seq:
      - id: protocol
        type: u2
        doc: Protocol of the payload (see `protocol`).
enums:
  protocol:
    0x0021: ipv4
    0x0057: ipv6
    0x0281: mpls_unicast
    0xc021: lcp
    0x8021: ipcp
    0x8057: ipv6cp
