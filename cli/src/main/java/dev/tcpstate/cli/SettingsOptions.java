package dev.tcpstate.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.tcpstate.analyzer.AnalyzerSettings;
import dev.tcpstate.analyzer.ChecksumPolicy;
import dev.tcpstate.analyzer.anomaly.AnomalySettings;
import dev.tcpstate.parsers.decode.DecoderOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The analysis settings every analysing command accepts, on the command line or in a config file
 * ({@code --config FILE}); the command line wins over the file, the file over the defaults.
 */
final class SettingsOptions {


    /** The settings a config file may hold, by key, with their defaults. */
    static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

    static {
        DEFAULTS.put("msl", "30");
        DEFAULTS.put("fin_wait_2_timeout", "60");
        DEFAULTS.put("syn_sent_timeout", "127");
        DEFAULTS.put("syn_received_timeout", "63");
        DEFAULTS.put("checksums", "auto");
        DEFAULTS.put("syn_flood_min_rate", "100");
        DEFAULTS.put("syn_flood_min_half_open", "64");
        DEFAULTS.put("max_tracked_keys", Integer.toString(AnomalySettings.DEFAULTS.maxTrackedKeys()));
        DEFAULTS.put("max_connections", Integer.toString(defaultMaxConnections()));
    }

    /**
     * The default of {@code max_connections}: a million, or fewer when the JVM's largest heap gives less than 5 KB a
     * connection. Under a SYN flood a full table takes about 2 KB of heap a connection with what the anomaly
     * detector keeps (3 million SYNs with a million connections kept: 1.9 GB resident), and the collector needs room
     * beside what lives. A table the heap cannot hold would end with the collector running without end, then out of
     * memory.
     */
    static int defaultMaxConnections() {
        return (int) Math.max(10_000, Math.min(1_000_000, Runtime.getRuntime().maxMemory() / 5_000));
    }

    @Option(names = "--config", paramLabel = "FILE",
            description = "Read settings from FILE (YAML, or JSON when it ends in .json): msl, fin_wait_2_timeout,"
                    + " syn_sent_timeout, syn_received_timeout, checksums, syn_flood_min_rate,"
                    + " syn_flood_min_half_open, max_tracked_keys, max_connections. Options given here win.")
    Path config;

    @Option(names = "--msl", paramLabel = "SECONDS",
            description = "Maximum segment lifetime; TIME_WAIT lasts 2*MSL. Default: 30 (TIME_WAIT 60 s, as Linux"
                    + " holds it; RFC 793 says 120).")
    String mslSeconds;

    @Option(names = "--fin-wait-2-timeout", paramLabel = "SECONDS",
            description = "Time after which an endpoint left in FIN_WAIT_2 is taken as CLOSED. Default: 60"
                    + " (Linux net.ipv4.tcp_fin_timeout).")
    String finWait2Seconds;

    @Option(names = "--syn-sent-timeout", paramLabel = "SECONDS",
            description = "Time after its first SYN at which an endpoint still in SYN_SENT gives up (the connection"
                    + " attempt timed out) and is taken as CLOSED. Default: 127 (Linux with net.ipv4.tcp_syn_retries"
                    + " = 6: SYN retransmitted after 1, 2, 4, 8, 16 and 32 s, then 64 s more).")
    String synSentSeconds;

    @Option(names = "--syn-received-timeout", paramLabel = "SECONDS",
            description = "Time after its answer to a SYN at which an endpoint still in SYN_RECEIVED drops the"
                    + " half-open connection: back to LISTEN if it was listening, else CLOSED. Default: 63 (Linux"
                    + " with net.ipv4.tcp_synack_retries = 5: SYN-ACK retransmitted after 1, 2, 4, 8 and 16 s, then"
                    + " 32 s more).")
    String synReceivedSeconds;

    @Option(names = "--checksums", paramLabel = "POLICY",
            description = "TCP checksums. auto: a bad checksum is checksum offload on the capturing host (the"
                    + " segment is applied) when the field holds what offload leaves for the NIC (the pseudo-header"
                    + " sum, or zero), when its sender has sent no good checksum on the connection, or when the"
                    + " segment is larger than the receiver's MSS; any other bad checksum is corruption (the segment"
                    + " is dropped, as its receiver would, and reported). verify: every bad checksum is corruption."
                    + " ignore: checksums are not looked at. Default: auto.")
    ChecksumPolicy checksums;

    @Option(names = "--syn-flood-rate", paramLabel = "PER_SECOND",
            description = "SYNs per second to one listening port for a window to count towards a SYN flood."
                    + " Default: 100.")
    String synFloodRate;

    @Option(names = "--syn-flood-half-open", paramLabel = "N",
            description = "Half-open connections a listener must have had for a SYN flood. Default: 64.")
    String synFloodHalfOpen;

    @Option(names = "--max-tracked-keys", paramLabel = "N",
            description = "Most keys each table of syn_flood, syn_scan and synack_backscatter holds at once (listening"
                    + " ports, source/target pairs, SYN-ACK targets). A new key that finds its table full makes room:"
                    + " the longest idle keys leave early, and the summary says how many. Each key takes a few"
                    + " hundred bytes. Default: 200000.")
    String maxTrackedKeys;

    @Option(names = "--max-connections", paramLabel = "N",
            description = "Most connections kept in the table at once. Beyond it the least recently active tenth"
                    + " leave the table early, as they stand, and the summary (or a note on standard error) says how"
                    + " many: a SYN flood opens a connection per SYN that never ends, and without a limit memory would"
                    + " grow with the flood. Each connection takes about 2 KB. Default: 1000000, or fewer if the"
                    + " JVM's largest heap is under 5 GB (config --show says).")
    String maxConnections;

    /** The effective value of a setting and where it came from. */
    record Value(String value, String source) {
    }

    private Map<String, Value> effective;

    /** Every setting's effective value and its source: default, config file (FILE), or command line. */
    Map<String, Value> effective() {
        if (effective != null) {
            return effective;
        }
        Map<String, Value> m = new LinkedHashMap<>();
        DEFAULTS.forEach((k, v) -> m.put(k, new Value(v, "default")));
        if (config != null) {
            String text = OutputFile.read("--config", config);
            ObjectMapper mapper = OutputFile.extension(config).equals("json") ? Json.mapper() : new YAMLMapper();
            JsonNode root;
            try {
                root = mapper.readTree(text);
            } catch (JsonProcessingException e) {
                throw new CliException(ExitCode.USAGE, "--config " + config + ": not valid "
                        + (mapper instanceof YAMLMapper ? "YAML" : "JSON") + ": " + e.getOriginalMessage());
            }
            if (root != null && !root.isMissingNode() && !root.isNull()) {
                if (!root.isObject()) {
                    throw new CliException(ExitCode.USAGE, "--config " + config + ": expected a mapping of settings");
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (!DEFAULTS.containsKey(e.getKey())) {
                        throw new CliException(ExitCode.USAGE, "--config " + config + ": unknown setting '"
                                + e.getKey() + "'; the settings are " + String.join(", ", DEFAULTS.keySet()));
                    }
                    m.put(e.getKey(), new Value(e.getValue().asText(), "config file " + config));
                }
            }
        }
        if (mslSeconds != null) {
            m.put("msl", new Value(mslSeconds.strip(), "command line"));
        }
        if (finWait2Seconds != null) {
            m.put("fin_wait_2_timeout", new Value(finWait2Seconds.strip(), "command line"));
        }
        if (synSentSeconds != null) {
            m.put("syn_sent_timeout", new Value(synSentSeconds.strip(), "command line"));
        }
        if (synReceivedSeconds != null) {
            m.put("syn_received_timeout", new Value(synReceivedSeconds.strip(), "command line"));
        }
        if (checksums != null) {
            m.put("checksums", new Value(checksums.name().toLowerCase(Locale.ROOT), "command line"));
        }
        if (synFloodRate != null) {
            m.put("syn_flood_min_rate", new Value(synFloodRate.strip(), "command line"));
        }
        if (synFloodHalfOpen != null) {
            m.put("syn_flood_min_half_open", new Value(synFloodHalfOpen.strip(), "command line"));
        }
        if (maxTrackedKeys != null) {
            m.put("max_tracked_keys", new Value(maxTrackedKeys.strip(), "command line"));
        }
        if (maxConnections != null) {
            m.put("max_connections", new Value(maxConnections.strip(), "command line"));
        }
        effective = m;
        // Check every value now, so a bad one is a usage error before any capture is read.
        analyzer();
        anomalies();
        maxConnections();
        return m;
    }

    private static String num(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    private String where(String key) {
        Value v = effective().get(key);
        if (!v.source().equals("command line")) {
            return v.source();
        }
        return switch (key) {
            case "syn_flood_min_rate" -> "--syn-flood-rate";
            case "syn_flood_min_half_open" -> "--syn-flood-half-open";
            default -> "--" + key.replace('_', '-');
        };
    }

    private double number(String key, double min, double max) {
        Value v = effective().get(key);
        try {
            double d = Double.parseDouble(v.value());
            if (d > min && d <= max) {
                return d;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new CliException(ExitCode.USAGE, key + " (" + where(key) + "): '" + v.value()
                + "' must be a number above " + num(min) + (max < Double.MAX_VALUE ? " and at most " + num(max) : ""));
    }

    private CliException notWhole(String key) {
        return new CliException(ExitCode.USAGE, key + " (" + where(key) + "): '" + effective().get(key).value()
                + "' must be a whole number");
    }

    ChecksumPolicy checksumPolicy() {
        Value v = effective().get("checksums");
        try {
            return ChecksumPolicy.valueOf(v.value().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, "checksums (" + where("checksums") + "): '" + v.value()
                    + "' is none of auto, verify, ignore");
        }
    }

    boolean verify() {
        return checksumPolicy() != ChecksumPolicy.IGNORE;
    }

    AnalyzerSettings analyzer() {
        return AnalyzerSettings.DEFAULTS
                .withMsl(seconds("msl"))
                .withFinWait2Timeout(seconds("fin_wait_2_timeout"))
                .withSynSentTimeout(seconds("syn_sent_timeout"))
                .withSynReceivedTimeout(seconds("syn_received_timeout"))
                .withChecksums(checksumPolicy());
    }

    /** A duration setting: seconds above 0 (a nanosecond at least: capture time counts no finer), at most a year. */
    private Duration seconds(String key) {
        long nanos = Math.round(number(key, 0, 86_400 * 365) * 1e9);
        if (nanos < 1) {
            throw new CliException(ExitCode.USAGE, key + " (" + where(key) + "): '" + effective().get(key).value()
                    + "' is less than a nanosecond, the finest step of capture time");
        }
        return Duration.ofNanos(nanos);
    }

    /** Anomaly thresholds; bad checksums are not reported when checksums are ignored. */
    AnomalySettings anomalies() {
        double rate = number("syn_flood_min_rate", 0, Double.MAX_VALUE);
        double halfOpen = number("syn_flood_min_half_open", 0, Integer.MAX_VALUE);
        if (halfOpen != Math.rint(halfOpen)) {
            throw notWhole("syn_flood_min_half_open");
        }
        double maxKeys = number("max_tracked_keys", 0, Integer.MAX_VALUE);
        if (maxKeys != Math.rint(maxKeys)) {
            throw notWhole("max_tracked_keys");
        }
        return AnomalySettings.DEFAULTS.withFlood(rate, (int) halfOpen).withReportBadChecksums(verify())
                .withMaxTrackedKeys((int) maxKeys);
    }

    /** The most connections the table keeps at once ({@code max_connections}). */
    int maxConnections() {
        double max = number("max_connections", 0, Integer.MAX_VALUE);
        if (max != Math.rint(max)) {
            throw notWhole("max_connections");
        }
        return (int) max;
    }

    DecoderOptions decoder() {
        return DecoderOptions.defaults().withVerifyChecksums(verify());
    }
}
