meta:
  id: bsd_loopback
  title: BSD loopback encapsulation (LINKTYPE_NULL 0, LINKTYPE_LOOP 108)
  xref:
    wikidata: Q28009435
  license: CC0-1.0
  ks-version: 0.11
  endian: be
doc: |
  A 4-byte protocol family in front of the packet. For LINKTYPE_NULL the value is in the byte order of the host that
  captured it, which the file does not record; for LINKTYPE_LOOP (OpenBSD) it is in network byte order. The field is
  read big-endian here and the decoder accepts a family in either byte order for LINKTYPE_NULL.

  AF_INET is 2 everywhere. AF_INET6 differs per system: 10 (Linux), 24 (NetBSD, OpenBSD, BSD/OS), 28 (FreeBSD,
  DragonFly BSD), 30 (macOS, iOS).
doc-ref: https://www.tcpdump.org/linktypes/LINKTYPE_NULL.html
seq:
  - id: family
    type: u4
    doc: Protocol family of the payload (see `address_family`), read big-endian.
enums:
  address_family:
    2: inet
    10: inet6_linux
    24: inet6_bsd
    28: inet6_freebsd
    30: inet6_darwin
