package dev.tcpstate.parsers.capture;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads a whole capture from bytes into a list, for assertions. */
final class ReadAll {
    record Packet(long number, long nanos, int linkType, int iface, long origLen, byte[] data, long fileOffset) {
    }

    final List<Packet> packets = new ArrayList<>();
    final List<CaptureProblem> problems = new ArrayList<>();
    final CaptureReader reader;

    ReadAll(String name, byte[] bytes) throws IOException {
        reader = Captures.open(name, new ByteArrayInputStream(bytes), problems::add);
        PacketRecord r = new PacketRecord();
        while (reader.next(r)) {
            byte[] data = Arrays.copyOfRange(r.buffer.array(), r.offset, r.offset + r.capturedLength);
            packets.add(new Packet(r.packetNumber, r.timestampNanos, r.linkType, r.interfaceId, r.originalLength, data,
                    r.fileOffset));
        }
        reader.close();
    }

    List<String> problemLines() {
        return problems.stream().map(CaptureProblem::toString).toList();
    }
}
