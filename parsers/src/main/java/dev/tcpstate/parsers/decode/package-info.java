/**
 * Packet decoding: from a {@link dev.tcpstate.parsers.capture.PacketRecord} to a
 * {@link dev.tcpstate.parsers.decode.TcpPacket}.
 *
 * <p>{@link dev.tcpstate.parsers.decode.PacketDecoder} walks link layer, IP and TCP headers with the Kaitai Struct
 * parsers generated from {@code src/main/ksy} (one flat, header-only spec per protocol), reusing one parser object
 * per header type and checking every length in Java before a header is read. It returns a
 * {@link dev.tcpstate.parsers.decode.DecodeResult}, keeps {@link dev.tcpstate.parsers.decode.DecodeStats}, reassembles
 * IP fragments within the bounds of {@link dev.tcpstate.parsers.decode.DecoderOptions}, and explains every
 * {@link dev.tcpstate.parsers.decode.DecodeResult#MALFORMED} record through
 * {@link dev.tcpstate.parsers.decode.PacketDecoder#lastProblemMessage()} and a
 * {@link dev.tcpstate.parsers.decode.ProblemListener}.
 */
package dev.tcpstate.parsers.decode;
