meta:
  id: pcap_file
  title: Classic libpcap capture file (header and record header)
  file-extension: [pcap, cap, dmp]
  xref:
    rfc: draft-ietf-opsawg-pcap
    wikidata: Q28009435
  license: CC0-1.0
  ks-version: 0.11
doc: |
  The classic pcap format written by libpcap, tcpdump and Wireshark: a 24-byte file header followed by records, each
  a 16-byte record header and the captured bytes. The magic number says the byte order of every other field and
  whether the fractional part of a timestamp counts microseconds (0xa1b2c3d4) or nanoseconds (0xa1b23c4d).

  Only the headers are described here. The reader parses one record header at a time and hands the packet bytes on
  without copying, so the whole file is never in memory.
doc-ref: https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap-04.html
seq:
  - id: magic
    size: 4
    doc: The magic number as it appears in the file; its byte order is the file's.
  - id: header
    type: file_header
types:
  file_header:
    meta:
      endian:
        switch-on: _root.magic
        cases:
          '[0xd4, 0xc3, 0xb2, 0xa1]': le
          '[0x4d, 0x3c, 0xb2, 0xa1]': le
          '[0xa1, 0xb2, 0xc3, 0xd4]': be
          '[0xa1, 0xb2, 0x3c, 0x4d]': be
    seq:
      - id: version_major
        type: u2
      - id: version_minor
        type: u2
      - id: thiszone
        type: s4
        doc: Offset of local time from UTC in seconds; always 0 in practice and ignored by readers.
      - id: sigfigs
        type: u4
      - id: snaplen
        type: u4
        doc: The largest number of bytes stored for one packet.
      - id: link_type_and_fcs
        type: u4
        doc: |
          LINKTYPE_ value in the low 28 bits. Bit 28 (the "F" bit) says the FCS length in bits 29-31 is meaningful.
    types:
      record_header:
        doc: |
          The 16-byte header in front of every captured packet, in the file's byte order: the timestamp's seconds and
          fraction (microseconds or nanoseconds, as the file's magic number says), then the number of bytes of the
          packet stored in the file (the captured length) and its length on the wire, each a 4-byte integer.

          The reader parses one of these per packet, so it reads them as two 8-byte integers in the file's byte order
          and splits them itself rather than pay the stream's bounds check four times. The field that comes first in
          the file is the low half of the 8-byte integer in a little-endian file and the high half in a big-endian
          one: in a little-endian file ts_sec = timestamp & 0xffffffff, ts_frac = timestamp >>> 32,
          incl_len = lengths & 0xffffffff, orig_len = lengths >>> 32; in a big-endian file the other way round.
        seq:
          - id: timestamp
            type: u8
            doc: Seconds and fraction (ts_sec, ts_frac), 4 bytes each.
          - id: lengths
            type: u8
            doc: Captured length (incl_len) and length on the wire (orig_len), 4 bytes each.
