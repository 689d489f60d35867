package dev.tcpstate.parsers.decode;

import static dev.tcpstate.parsers.decode.PacketBuilder.*;

import dev.tcpstate.parsers.capture.PacketRecord;
import java.nio.ByteBuffer;

/**
 * Rough single-core throughput of the decoder over Ethernet/IPv4/TCP frames laid out back to back in one buffer, as
 * a capture reader hands them out. Run by hand: {@code java -cp ... dev.tcpstate.parsers.decode.DecodeThroughput}.
 */
public final class DecodeThroughput {
    public static void main(String[] args) {
        int payload = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        int frames = 4096;
        byte[][] frame = new byte[frames][];
        int total = 0;
        for (int i = 0; i < frames; i++) {
            frame[i] = ethernet(0x0800, ipv4Tcp(tcp().ports(1024 + i, 443).seq(i * 1000L)
                    .options(nop(), nop(), timestamps(i, i + 1)).payload(payload)));
            total += frame[i].length;
        }
        ByteBuffer buf = ByteBuffer.allocate(total);
        int[] offsets = new int[frames];
        for (int i = 0; i < frames; i++) {
            offsets[i] = buf.position();
            buf.put(frame[i]);
        }
        for (boolean verify : new boolean[] {false, true}) {
            PacketDecoder decoder = new PacketDecoder(DecoderOptions.defaults().withVerifyChecksums(verify));
            TcpPacket out = new TcpPacket();
            PacketRecord r = new PacketRecord();
            r.buffer = buf;
            r.linkType = LinkType.ETHERNET;
            for (int round = 0; round < 8; round++) {
                long n = 0;
                long sink = 0;
                long start = System.nanoTime();
                for (int rep = 0; rep < 1000; rep++) {
                    for (int i = 0; i < frames; i++) {
                        r.offset = offsets[i];
                        r.capturedLength = frame[i].length;
                        r.originalLength = frame[i].length;
                        r.packetNumber = ++n;
                        decoder.decode(r, out);
                        sink += out.seq;
                    }
                }
                double secs = (System.nanoTime() - start) / 1e9;
                System.out.printf("payload %d, verify %s: %.1f M packets/s (%d)%n", payload, verify,
                        n / secs / 1e6, sink & 1);
            }
        }
    }
}
