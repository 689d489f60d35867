package dev.tcpstate.benchmarks;

import dev.tcpstate.parsers.capture.CaptureReader;
import dev.tcpstate.parsers.capture.Captures;
import dev.tcpstate.parsers.capture.PacketRecord;
import dev.tcpstate.parsers.decode.DecodeResult;
import dev.tcpstate.parsers.decode.PacketDecoder;
import dev.tcpstate.parsers.decode.TcpPacket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The TCP segments of a capture, decoded once and held in memory, replayed in laps: after its last segment the
 * capture starts over an hour of capture time later (longer than any timer of the connection table or window of the
 * detectors), with packet numbers that go on counting. A lap starts, as the capture did, with the socket pairs of its
 * first connections long expired, so a replay of any length is a steady stream of such traffic and no lap repeats the
 * warm-up of the first.
 */
final class Segments {
    static final long LAP_GAP_NANOS = 3_600_000_000_000L;

    private final TcpPacket[] packets;
    private final long lapNanos;
    private int next;

    private Segments(TcpPacket[] packets) {
        this.packets = packets;
        long first = packets[0].timestampNanos;
        long last = packets[packets.length - 1].timestampNanos;
        this.lapNanos = last - first + LAP_GAP_NANOS;
    }

    /** The first {@code limit} TCP segments of the capture at {@code path} (all of them when {@code limit} is 0). */
    static Segments load(String path, int limit) {
        List<TcpPacket> out = new ArrayList<>();
        int max = limit > 0 ? limit : Integer.MAX_VALUE;
        try (CaptureReader reader = Captures.open(path, problem -> { })) {
            PacketDecoder decoder = new PacketDecoder();
            PacketRecord r = new PacketRecord();
            TcpPacket p = new TcpPacket();
            while (out.size() < max && reader.next(r)) {
                if (decoder.decode(r, p) == DecodeResult.TCP) {
                    TcpPacket copy = new TcpPacket();
                    copy.copyFrom(p);
                    out.add(copy);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(path + ": no TCP segment");
        }
        return new Segments(out.toArray(new TcpPacket[0]));
    }

    int size() {
        return packets.length;
    }

    /**
     * Fills the first {@code count} places of {@code batch} with the next segments of the replay, as a run's reading thread hands them over. Once the
     * caller is done with them ({@link #advance}), the same objects stand for the segments of the next lap.
     */
    void next(TcpPacket[] batch, int count) {
        if (count > packets.length) {
            throw new IllegalArgumentException("a batch of " + count + " is more than the " + packets.length
                    + " segments replayed");
        }
        for (int i = 0; i < count; i++) {
            batch[i] = packets[next];
            if (++next == packets.length) {
                next = 0;
            }
        }
    }

    /** Moves the segments of a batch on to their time and number in the next lap (the tracker keeps none of them). */
    void advance(TcpPacket[] batch, int count) {
        for (int i = 0; i < count; i++) {
            TcpPacket p = batch[i];
            p.timestampNanos += lapNanos;
            p.packetNumber += packets.length;
        }
    }
}
