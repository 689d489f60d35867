package dev.tcpstate.cli;

import dev.tcpstate.parsers.capture.CaptureInterface;
import dev.tcpstate.parsers.capture.CaptureReader;
import dev.tcpstate.parsers.capture.PacketRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Several captures read as one, in timestamp order (a k-way merge; on equal timestamps the capture given first goes
 * first, and each capture keeps its own order). Packets are numbered from 1 across the merge, as {@code mergecap}
 * would number the merged file. Each capture's record stays valid until its reader is advanced, so no bytes are
 * copied: the record handed out points into the buffer of the capture it came from.
 */
final class MergedCaptureReader implements CaptureReader {
    private final List<CaptureReader> readers;
    private final PacketRecord[] pending;
    private final boolean[] has;
    private boolean started;
    private int last = -1;
    private long number;

    MergedCaptureReader(List<CaptureReader> readers) {
        this.readers = List.copyOf(readers);
        this.pending = new PacketRecord[readers.size()];
        this.has = new boolean[readers.size()];
        for (int i = 0; i < pending.length; i++) {
            pending[i] = new PacketRecord();
        }
    }

    private void advance(int i) throws IOException {
        CaptureReader r = readers.get(i);
        try {
            has[i] = r.next(pending[i]);
        } catch (IOException e) {
            has[i] = false;
            // The whole line the failure is reported in: which capture, where in it, what happened.
            throw new IOException(r.name() + ": " + ReadErrors.describe(e, -1, r.bytesRead()), e);
        }
    }

    @Override
    public boolean next(PacketRecord out) throws IOException {
        if (!started) {
            started = true;
            for (int i = 0; i < pending.length; i++) {
                advance(i);
            }
        } else if (last >= 0) {
            advance(last);
        }
        int best = -1;
        for (int i = 0; i < pending.length; i++) {
            if (has[i] && (best < 0 || pending[i].timestampNanos < pending[best].timestampNanos)) {
                best = i;
            }
        }
        last = best;
        if (best < 0) {
            return false;
        }
        PacketRecord p = pending[best];
        out.packetNumber = ++number;
        out.timestampNanos = p.timestampNanos;
        out.linkType = p.linkType;
        out.interfaceId = p.interfaceId;
        out.originalLength = p.originalLength;
        out.capturedLength = p.capturedLength;
        out.fileOffset = p.fileOffset;
        out.offset = p.offset;
        if (out.buffer != p.buffer) {
            out.buffer = p.buffer;
            out.bufferGeneration++;
        }
        return true;
    }

    @Override
    public String name() {
        return String.join(" + ", readers.stream().map(CaptureReader::name).toList());
    }

    @Override
    public String formatDescription() {
        return "merge of " + readers.size() + " captures";
    }

    @Override
    public List<CaptureInterface> interfaces() {
        List<CaptureInterface> all = new ArrayList<>();
        readers.forEach(r -> all.addAll(r.interfaces()));
        return all;
    }

    @Override
    public boolean damaged() {
        return readers.stream().anyMatch(CaptureReader::damaged);
    }

    @Override
    public long bytesRead() {
        return readers.stream().mapToLong(CaptureReader::bytesRead).sum();
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (CaptureReader r : readers) {
            try {
                r.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
