package dev.tcpstate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.junit.jupiter.api.Test;

/**
 * The text and CSV connection records, written as bytes, are the text that {@code String.format} and Commons CSV give
 * for the values of the JSON Lines records of the same captures (every sample capture, IPv4 and IPv6, with and
 * without the state paths).
 */
class ConnectionFormatsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NL = System.lineSeparator();

    private static List<Path> captures() throws IOException {
        try (Stream<Path> s = Files.list(Repo.root().resolve("sample-captures"))) {
            return s.filter(p -> p.getFileName().toString().matches(".*\\.pcap(ng)?(\\.gz)?")).sorted().toList();
        }
    }

    private static List<JsonNode> records(Path capture) throws IOException {
        Cli r = Cli.run("connections", "--format", "jsonl", "--transitions", capture.toString());
        List<JsonNode> out = new ArrayList<>();
        for (String line : r.out().lines().toList()) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    private static String path(JsonNode steps) {
        StringBuilder sb = new StringBuilder(steps.get(0).get("state").asText());
        for (int i = 1; i < steps.size(); i++) {
            sb.append(" >").append(steps.get(i).get("state").asText()).append('#')
                    .append(steps.get(i).get("packet").asLong());
        }
        return sb.toString();
    }

    private static String endpoint(JsonNode r, String side) {
        String a = r.get(side + "_addr").asText();
        int port = r.get(side + "_port").asInt();
        return a.contains(":") ? "[" + a + "]:" + port : a + ":" + port;
    }

    private static String text(List<JsonNode> records, boolean transitions, Locale locale) {
        if (records.isEmpty()) {
            return "no TCP connections" + NL;
        }
        StringBuilder sb = new StringBuilder(String.format("%-28s %-28s %3s  %-12s %-12s %-6s %-12s %9s %s%n",
                "ORIGINATOR", "RESPONDER", "INC", "ORIG STATE", "RESP STATE", "ZEEK", "HISTORY", "PACKETS",
                "FIRST-LAST PACKET"));
        for (JsonNode r : records) {
            sb.append(String.format(locale, "%-28s %-28s %3d  %-12s %-12s %-6s %-12s %9s %d-%d%s%n",
                    endpoint(r, "orig"), endpoint(r, "resp"), r.get("incarnation").asInt(),
                    r.get("orig_state").asText(), r.get("resp_state").asText(), r.get("zeek_conn_state").asText(),
                    r.get("zeek_history").asText(),
                    r.get("orig_packets").asLong() + "/" + r.get("resp_packets").asLong(),
                    r.get("first_packet").asLong(), r.get("last_packet").asLong(),
                    r.get("partial").asBoolean() ? " partial" : ""));
            if (transitions) {
                sb.append("    originator: ").append(path(r.get("orig_path"))).append(NL);
                sb.append("    responder:  ").append(path(r.get("resp_path"))).append(NL);
            }
        }
        return sb.toString();
    }

    private static String csv(List<JsonNode> records, boolean transitions) throws IOException {
        List<String> header = new ArrayList<>(ConnectionWriter.COLUMNS);
        if (transitions) {
            header.addAll(ConnectionWriter.PATH_COLUMNS);
        }
        StringWriter w = new StringWriter();
        try (CSVPrinter p = CSVFormat.RFC4180.builder().setHeader(header.toArray(String[]::new)).get().print(w)) {
            for (JsonNode r : records) {
                List<Object> row = new ArrayList<>(List.of(r.get("orig_addr").asText(), r.get("orig_port").asInt(),
                        r.get("resp_addr").asText(), r.get("resp_port").asInt(), r.get("incarnation").asInt(),
                        r.get("orig_state").asText(), r.get("resp_state").asText(),
                        r.get("zeek_conn_state").asText(), r.get("zeek_history").asText(),
                        r.get("partial").asBoolean(), r.get("first_packet").asLong(), r.get("last_packet").asLong(),
                        r.get("first_time").asText(), r.get("last_time").asText(), r.get("orig_packets").asLong(),
                        r.get("resp_packets").asLong(), r.get("orig_bytes").asLong(), r.get("resp_bytes").asLong()));
                if (transitions) {
                    row.add(path(r.get("orig_path")));
                    row.add(path(r.get("resp_path")));
                }
                p.printRecord(row);
            }
        }
        return w.toString();
    }

    @Test
    void textAndCsvRecordsAreTheFormattedValuesOfTheJsonRecords() throws IOException {
        boolean ipv6 = false;
        for (Path capture : captures()) {
            List<JsonNode> records = records(capture);
            ipv6 |= records.stream().anyMatch(r -> r.get("orig_addr").asText().contains(":"));
            for (boolean transitions : new boolean[] {false, true}) {
                for (String format : new String[] {"text", "csv"}) {
                    List<String> args = new ArrayList<>(List.of("connections", capture.toString(), "--format", format));
                    if (transitions) {
                        args.add("--transitions");
                    }
                    Cli r = Cli.run(args.toArray(String[]::new));
                    assertThat(r.exitCode()).as("%s: %s", args, r.err()).isZero();
                    assertThat(r.out()).as("%s", args).isEqualTo(format.equals("text")
                            ? text(records, transitions, Locale.getDefault(Locale.Category.FORMAT))
                            : csv(records, transitions));
                }
            }
        }
        assertThat(ipv6).as("some sample capture has IPv6 connections").isTrue();
    }

    @Test
    void textUnderALocaleWithOtherDigitsIsWhatFormatWrites() throws IOException {
        Locale thai = Locale.forLanguageTag("th-TH-u-nu-thai");
        Path capture = Repo.sample("many-short-connections.pcap");
        List<JsonNode> records = records(capture);
        Locale before = Locale.getDefault(Locale.Category.FORMAT);
        String out;
        try {
            Locale.setDefault(Locale.Category.FORMAT, thai);
            out = Cli.run("connections", "--format", "text", capture.toString()).out();
        } finally {
            Locale.setDefault(Locale.Category.FORMAT, before);
        }
        assertThat(out).contains("\u0e51").isEqualTo(text(records, false, thai));
    }
}
