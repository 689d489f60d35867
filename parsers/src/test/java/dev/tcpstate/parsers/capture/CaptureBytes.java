package dev.tcpstate.parsers.capture;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Builds small pcap and pcapng files for tests. */
final class CaptureBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private ByteOrder order;

    static CaptureBytes pcap(ByteOrder order, boolean nanos, int snaplen, int linkType) {
        CaptureBytes c = new CaptureBytes();
        c.order = order;
        c.put(ByteBuffer.allocate(24).order(order)
                .putInt(nanos ? 0xa1b23c4d : 0xa1b2c3d4).putShort((short) 2).putShort((short) 4)
                .putInt(0).putInt(0).putInt(snaplen).putInt(linkType));
        return c;
    }

    static CaptureBytes pcapng() {
        return new CaptureBytes();
    }

    CaptureBytes record(long sec, long frac, byte[] data, int origLen) {
        put(ByteBuffer.allocate(16).order(order).putInt((int) sec).putInt((int) frac).putInt(data.length).putInt(origLen));
        out.writeBytes(data);
        return this;
    }

    /** A record header with arbitrary lengths, for corrupt files. */
    CaptureBytes recordHeader(long sec, long frac, long inclLen, long origLen) {
        put(ByteBuffer.allocate(16).order(order).putInt((int) sec).putInt((int) frac).putInt((int) inclLen).putInt((int) origLen));
        return this;
    }

    CaptureBytes raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    /** Starts a section in the given byte order. */
    CaptureBytes section(ByteOrder order) {
        this.order = order;
        return block(0x0A0D0D0A, ByteBuffer.allocate(16).order(order)
                .putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1).array());
    }

    CaptureBytes interfaceBlock(int linkType, int snaplen, Integer tsresol, Long tsoffset) {
        ByteBuffer b = ByteBuffer.allocate(64).order(order);
        b.putShort((short) linkType).putShort((short) 0).putInt(snaplen);
        if (tsresol != null) {
            b.putShort((short) 9).putShort((short) 1).put((byte) (int) tsresol).put(new byte[3]);
        }
        if (tsoffset != null) {
            b.putShort((short) 14).putShort((short) 8).putLong(tsoffset);
        }
        b.putShort((short) 2).putShort((short) 4).put("eth0".getBytes());
        b.putShort((short) 0).putShort((short) 0);
        return block(1, java.util.Arrays.copyOf(b.array(), b.position()));
    }

    CaptureBytes enhancedPacket(int iface, long units, byte[] data, int origLen) {
        ByteBuffer b = ByteBuffer.allocate(20 + pad(data.length)).order(order);
        b.putInt(iface).putInt((int) (units >>> 32)).putInt((int) units).putInt(data.length).putInt(origLen).put(data);
        return block(6, b.array());
    }

    CaptureBytes simplePacket(byte[] data, int origLen) {
        ByteBuffer b = ByteBuffer.allocate(4 + pad(data.length)).order(order);
        b.putInt(origLen).put(data);
        return block(3, b.array());
    }

    CaptureBytes obsoletePacket(int iface, long units, byte[] data, int origLen) {
        ByteBuffer b = ByteBuffer.allocate(20 + pad(data.length)).order(order);
        b.putShort((short) iface).putShort((short) 0).putInt((int) (units >>> 32)).putInt((int) units)
                .putInt(data.length).putInt(origLen).put(data);
        return block(2, b.array());
    }

    CaptureBytes block(int type, byte[] body) {
        int total = 12 + pad(body.length);
        ByteBuffer b = ByteBuffer.allocate(total).order(order);
        b.putInt(type).putInt(total).put(body);
        b.position(total - 4);
        b.putInt(total);
        out.writeBytes(b.array());
        return this;
    }

    private static int pad(int n) {
        return (n + 3) & ~3;
    }

    private void put(ByteBuffer b) {
        out.writeBytes(b.array());
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    static byte[] payload(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed + i);
        }
        return b;
    }
}
