package dev.tcpstate.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tcpstate.analyzer.anomaly.Anomaly;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Anomalies already known: each is a code and a socket pair (the two sides as the text output prints them, in either
 * order), never a packet number or a time, so the same problem in a new capture of the same traffic still matches.
 */
final class Baseline {
    /** The baseline file's layout version. */
    static final int SCHEMA_VERSION = 1;

    private final Set<String> keys = new TreeSet<>();
    /** Key to {code, side, side}, sorted, for writing. */
    private final TreeMap<String, String[]> entries = new TreeMap<>();

    /** The two sides of an anomaly as text: ADDR:PORT, ADDR, or '*' (see {@link AnomalyWriter#side}). */
    static String[] sides(Anomaly a) {
        String o = AnomalyWriter.side(a, true);
        String r = AnomalyWriter.side(a, false);
        return o.compareTo(r) <= 0 ? new String[] {o, r} : new String[] {r, o};
    }

    private static String key(String code, String a, String b) {
        return a.compareTo(b) <= 0 ? code + " " + a + " " + b : code + " " + b + " " + a;
    }

    boolean contains(Anomaly a) {
        String[] s = sides(a);
        return keys.contains(key(a.code(), s[0], s[1]));
    }

    void add(Anomaly a) {
        String[] s = sides(a);
        String k = key(a.code(), s[0], s[1]);
        if (keys.add(k)) {
            entries.put(k, new String[] {a.code(), s[0], s[1]});
        }
    }

    int size() {
        return keys.size();
    }

    static Baseline read(Path file) {
        String text = OutputFile.read("--baseline", file);
        String prefix = "--baseline " + file + ": ";
        JsonNode root;
        try {
            root = Json.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            throw new CliException(ExitCode.USAGE, prefix + "not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject() || !root.path("anomalies").isArray()) {
            throw new CliException(ExitCode.USAGE, prefix + "not a baseline (written by check --write-baseline)");
        }
        Baseline b = new Baseline();
        for (JsonNode n : root.get("anomalies")) {
            JsonNode sides = n.path("endpoints");
            if (!n.path("code").isTextual() || !sides.isArray() || sides.size() != 2) {
                throw new CliException(ExitCode.USAGE, prefix + "each anomaly needs a code and two endpoints: " + n);
            }
            String code = n.get("code").asText();
            String x = sides.get(0).asText();
            String y = sides.get(1).asText();
            String k = key(code, x, y);
            if (b.keys.add(k)) {
                b.entries.put(k, x.compareTo(y) <= 0 ? new String[] {code, x, y} : new String[] {code, y, x});
            }
        }
        return b;
    }

    /** Writes the baseline as JSON: its entries sorted by code, then endpoints. */
    void write(PrintWriter out) {
        try {
            JsonGenerator g = Json.mapper().getFactory().createGenerator(out);
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeNumberField("schema_version", SCHEMA_VERSION);
            g.writeArrayFieldStart("anomalies");
            for (String[] e : entries.values()) {
                g.writeStartObject();
                g.writeStringField("code", e[0]);
                g.writeArrayFieldStart("endpoints");
                g.writeString(e[1]);
                g.writeString(e[2]);
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
            g.flush();
            out.println();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
