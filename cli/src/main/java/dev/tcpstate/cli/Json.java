package dev.tcpstate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The JSON settings every export shares. */
final class Json {
    /** Version of the exported record layouts; raised when a field changes meaning or goes away. */
    static final int SCHEMA_VERSION = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static ObjectMapper mapper() {
        return MAPPER;
    }
}
