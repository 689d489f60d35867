package dev.tcpstate.parsers.decode;

import dev.tcpstate.parsers.capture.PacketRecord;

/** Told about every {@link DecodeResult#MALFORMED} record, with a message saying what was expected. */
@FunctionalInterface
public interface ProblemListener {
    /**
     * @param record  the record, still valid during the call (packet number, file offset, link type)
     * @param reason  the counted reason
     * @param message e.g. "TCP data offset 3 (expected >= 5)"
     */
    void problem(PacketRecord record, MalformedReason reason, String message);
}
