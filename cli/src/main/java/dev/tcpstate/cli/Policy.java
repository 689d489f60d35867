package dev.tcpstate.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.tcpstate.analyzer.anomaly.Anomaly;
import dev.tcpstate.analyzer.anomaly.AnomalyType;
import dev.tcpstate.analyzer.anomaly.Severity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The rules a check enforces: per-code limits ({@code fail_on} is a limit of 0, {@code max} allows up to N) and a
 * severity threshold for the codes without a limit of their own.
 */
final class Policy {

    /** One rule: a code with its limit, or the severity threshold (limit 0). */
    record Rule(AnomalyType type, Severity severity, long limit, boolean max) {
        /** The rule as the user writes it on the command line. */
        String name() {
            if (type == null) {
                return "fail-on-severity " + severity.name().toLowerCase(Locale.ROOT);
            }
            return max ? "max " + type.code() + "=" + limit : "fail-on " + type.code();
        }
    }

    /** Per-code limits, in the order given. */
    final Map<AnomalyType, Long> limits = new LinkedHashMap<>();
    /** The codes whose limit came from max (the others from fail_on). */
    final Set<AnomalyType> fromMax = java.util.EnumSet.noneOf(AnomalyType.class);
    /** Every anomaly of this severity or higher whose code has no limit of its own fails the check; null: none. */
    Severity failOnSeverity;

    /** The rules, code rules first in the order given, then the severity rule. */
    List<Rule> rules() {
        List<Rule> rules = new ArrayList<>();
        limits.forEach((t, n) -> rules.add(new Rule(t, null, n, fromMax.contains(t))));
        if (failOnSeverity != null) {
            rules.add(new Rule(null, failOnSeverity, 0, false));
        }
        return rules;
    }

    boolean isEmpty() {
        return limits.isEmpty() && failOnSeverity == null;
    }

    /** The rule an anomaly counts against, or null when no rule covers it. */
    Rule ruleFor(Anomaly a, List<Rule> rules) {
        for (Rule r : rules) {
            if (r.type == a.type()) {
                return r;
            }
        }
        if (failOnSeverity != null && !limits.containsKey(a.type()) && a.severity().compareTo(failOnSeverity) >= 0) {
            return rules.get(rules.size() - 1);
        }
        return null;
    }

    /** Adds the command line's rules; they replace the policy file's for the same code, and its severity. */
    void overrideWith(Policy p) {
        limits.putAll(p.limits);
        for (AnomalyType t : p.limits.keySet()) {
            if (p.fromMax.contains(t)) {
                fromMax.add(t);
            } else {
                fromMax.remove(t);
            }
        }
        if (p.failOnSeverity != null) {
            failOnSeverity = p.failOnSeverity;
        }
    }

    /** Builds the command line's rules. */
    static Policy of(List<String> failOn, Severity failOnSeverity, List<String> max) {
        Policy p = new Policy();
        Set<AnomalyType> fromFailOn = new java.util.HashSet<>();
        for (String c : failOn == null ? List.<String>of() : failOn) {
            if (!c.isBlank()) {
                AnomalyType t = type("--fail-on", c.trim());
                p.limits.put(t, 0L);
                fromFailOn.add(t);
            }
        }
        for (String m : max == null ? List.<String>of() : max) {
            if (m.isBlank()) {
                continue;
            }
            int eq = m.indexOf('=');
            if (eq < 0) {
                throw usage("--max: '" + m + "' is not CODE=N (e.g. time_wait_reuse=10)");
            }
            AnomalyType t = type("--max", m.substring(0, eq).trim());
            if (fromFailOn.contains(t)) {
                throw usage("--max " + m + ": " + t.code() + " is also given to --fail-on; give it once");
            }
            p.limits.put(t, count("--max " + m, m.substring(eq + 1).trim()));
            p.fromMax.add(t);
        }
        p.failOnSeverity = failOnSeverity;
        return p;
    }

    /** Reads a policy file: YAML, or JSON (a file ending in .json). */
    static Policy read(Path file) {
        String text = OutputFile.read("--policy", file);
        ObjectMapper mapper = OutputFile.extension(file).equals("json") ? Json.mapper() : new YAMLMapper();
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
            throw usage("--policy " + file + ": not valid " + (mapper instanceof YAMLMapper ? "YAML" : "JSON") + where
                    + ": " + e.getOriginalMessage());
        }
        String prefix = "--policy " + file + ": ";
        Policy p = new Policy();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return p;
        }
        if (!root.isObject()) {
            throw usage(prefix + "expected a mapping with fail_on, fail_on_severity and max");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            switch (e.getKey()) {
                case "fail_on" -> {
                    if (!v.isArray()) {
                        throw usage(prefix + "fail_on must be a list of anomaly codes");
                    }
                    for (JsonNode c : v) {
                        p.limits.put(type(prefix + "fail_on", c.asText()), 0L);
                    }
                }
                case "fail_on_severity" -> p.failOnSeverity = severity(prefix + "fail_on_severity", v.asText());
                case "max" -> {
                    if (!v.isObject()) {
                        throw usage(prefix + "max must be a mapping of anomaly code to count");
                    }
                    for (Iterator<Map.Entry<String, JsonNode>> m = v.fields(); m.hasNext(); ) {
                        Map.Entry<String, JsonNode> x = m.next();
                        AnomalyType t = type(prefix + "max", x.getKey());
                        if (p.limits.containsKey(t)) {
                            throw usage(prefix + t.code() + " is both in fail_on and in max; give it once");
                        }
                        p.limits.put(t, count(prefix + "max " + x.getKey(), x.getValue().asText()));
                        p.fromMax.add(t);
                    }
                }
                default -> throw usage(prefix + "unknown key '" + e.getKey()
                        + "'; the keys are fail_on, fail_on_severity and max");
            }
        }
        return p;
    }

    static Severity severity(String where, String s) {
        try {
            return Severity.valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw usage(where + ": '" + s + "' is not a severity (info, warning, error)");
        }
    }

    private static AnomalyType type(String where, String code) {
        AnomalyType t = AnomalyType.ofCode(code);
        if (t == null) {
            throw usage(where + ": unknown anomaly code '" + code + "'; valid codes: "
                    + Arrays.stream(AnomalyType.values()).map(AnomalyType::code).collect(Collectors.joining(", ")));
        }
        return t;
    }

    private static long count(String where, String n) {
        try {
            long v = Long.parseLong(n);
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw usage(where + ": '" + n + "' is not a count (0 or more)");
    }

    private static CliException usage(String message) {
        return new CliException(ExitCode.USAGE, message);
    }
}
