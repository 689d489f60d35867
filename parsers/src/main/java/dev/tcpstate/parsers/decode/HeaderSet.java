package dev.tcpstate.parsers.decode;

import dev.tcpstate.parsers.ksy.BsdLoopback;
import dev.tcpstate.parsers.ksy.EthernetFrame;
import dev.tcpstate.parsers.ksy.Ipv4Header;
import dev.tcpstate.parsers.ksy.Ipv6Header;
import dev.tcpstate.parsers.ksy.LinuxSll;
import dev.tcpstate.parsers.ksy.LinuxSll2;
import dev.tcpstate.parsers.ksy.MplsLabel;
import dev.tcpstate.parsers.ksy.Nflog;
import dev.tcpstate.parsers.ksy.Ppp;
import dev.tcpstate.parsers.ksy.TcpHeader;
import dev.tcpstate.parsers.ksy.VlanTag;
import dev.tcpstate.parsers.io.HeapKaitaiStream;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One generated parser object per header type, all reading from one stream over one buffer, reused for every packet.
 *
 * <p>The stream reads a duplicate of the buffer, so the owner's position, limit and byte order are never touched.
 * Before each packet the stream's limit is set to the end of the captured bytes, and the duplicate's limit is set to
 * the same end before the duplicate is handed out ({@link #view()}): a length check missed in the decoder then ends
 * in an exception instead of a read of the next record's bytes. The duplicate is needed on few packets, so its limit
 * is not set on the others.
 */
final class HeaderSet {
    ByteBuffer source;
    private ByteBuffer view;
    private int viewLimit;
    /** The buffer's backing array and the array index of buffer index 0, for the decoder's direct reads. */
    byte[] array;
    int arrayOffset;
    HeapKaitaiStream io;

    EthernetFrame ethernet;
    VlanTag vlan;
    MplsLabel mpls;
    LinuxSll sll;
    LinuxSll2 sll2;
    BsdLoopback loopback;
    Ppp.HdlcFramed pppFramed;
    Ppp.Unframed pppUnframed;
    Nflog.NflogHeader nflog;
    Nflog.TlvHeader nflogTlv;
    Ipv4Header ipv4;
    Ipv6Header ipv6;
    Ipv6Header.ExtHeader ipv6Ext;
    Ipv6Header.AuthHeader ipv6Auth;
    Ipv6Header.FragmentHeader ipv6Fragment;
    TcpHeader tcp;

    void bind(ByteBuffer buffer) {
        source = buffer;
        view = buffer.duplicate();
        view.order(ByteOrder.BIG_ENDIAN);
        array = buffer.array();
        arrayOffset = buffer.arrayOffset();
        viewLimit = view.limit();
        io = new HeapKaitaiStream(view);
        ethernet = new EthernetFrame(io);
        vlan = new VlanTag(io);
        mpls = new MplsLabel(io);
        sll = new LinuxSll(io);
        sll2 = new LinuxSll2(io);
        loopback = new BsdLoopback(io);
        pppFramed = new Ppp.HdlcFramed(io);
        pppUnframed = new Ppp.Unframed(io);
        nflog = new Nflog.NflogHeader(io);
        nflogTlv = new Nflog.TlvHeader(io);
        ipv4 = new Ipv4Header(io);
        ipv6 = new Ipv6Header(io);
        ipv6Ext = new Ipv6Header.ExtHeader(io);
        ipv6Auth = new Ipv6Header.AuthHeader(io);
        ipv6Fragment = new Ipv6Header.FragmentHeader(io);
        tcp = new TcpHeader(io);
    }

    /** Limits reads to {@code [0, end)}; {@code end} must be within the buffer's capacity. */
    void limit(int end) {
        io.limit(end);
        viewLimit = end;
    }

    /** The duplicate of the buffer, big-endian, its limit where {@link #limit(int)} last put it. */
    ByteBuffer view() {
        view.limit(viewLimit);
        return view;
    }

    /** Positions the stream at {@code pos}; the next {@code _read()} parses the header there. */
    void seek(int pos) {
        io.seek(pos);
    }

    int u8(int pos) {
        return view().get(pos) & 0xff;
    }

    int u16(int pos) {
        ByteBuffer v = view();
        return ((v.get(pos) & 0xff) << 8) | (v.get(pos + 1) & 0xff);
    }
}
