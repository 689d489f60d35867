package dev.tcpstate.analyzer.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcpstate.analyzer.AnalyzerSettings;
import dev.tcpstate.analyzer.tcp.TcpState;
import dev.tcpstate.analyzer.track.Connection;
import dev.tcpstate.analyzer.track.Endpoint;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The public capture corpus in {@code ../shared/corpus} (relative to the repository root) against what Zeek and
 * Suricata state about the same packets ({@code EXPECTED.tsv}). Counts agreement per kind (Zeek conn_state, Zeek
 * history, Suricata tcp.state), prints every disagreement, and requires conn_state agreement of at least 95%.
 * Rows where tcpstate differs on purpose are listed, with the reason, in {@code docs/conformance.md}; they are
 * skipped by name (file, tuple, kind), and the list is checked to name only rows that exist.
 */
class CorpusConformanceTest {
    /** One variant per file where the upstream test ran the trace under several configurations. */
    private static final Map<String, String> VARIANT = Map.of(
            "zeek_tcp_retransmit-timeout.pcapng", "default-max_timer_expires",
            "zeek_chksums_localhost-bad-chksum.pcap", "ignore_checksums_nets");

    private static final Pattern INCARNATION = Pattern.compile("incarnation (\\d+) of (\\d+)");
    private static final Pattern EXCEPTION_ROW = Pattern.compile(
            "^\\| `([^`]+)` \\| `([^`]+)` \\| (conn_state|history|suricata) \\|");

    record Row(int line, String file, String origH, String origP, String respH, String respP, String connState,
               String history, String suricata, int count, String note) {
        /** The tuple, with {@code #k} when the row names the k-th connection on it. */
        String tuple() {
            int k = incarnation();
            return origH + ":" + origP + " > " + respH + ":" + respP + (k > 0 ? " #" + k : "");
        }

        /** Zeek run without -C verifies checksums, except for the networks given in ignore_checksums_nets. */
        boolean verifyChecksums() {
            return note.contains("checksums verified") && !note.contains("ignore_checksums_nets +=");
        }

        String variant() {
            Matcher m = Pattern.compile("variant=([^ ;]+)").matcher(note);
            return m.find() ? m.group(1) : null;
        }

        int incarnation() {
            Matcher m = INCARNATION.matcher(note);
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        }
    }

    private static final class Tally {
        int rows, agree, skipped;
    }

    @Test
    void corpusAgreesWithZeekAndSuricata() throws IOException {
        Path root = CaptureRun.repoRoot();
        Path corpus = root.resolve("../shared/corpus").normalize();
        Assumptions.assumeTrue(Files.isRegularFile(corpus.resolve("EXPECTED.tsv")),
                corpus + " (../shared/corpus) not found: corpus conformance skipped");

        List<Row> rows = readRows(corpus.resolve("EXPECTED.tsv"));
        Set<String> exceptions = readExceptions(root.resolve("docs/conformance.md"));
        Set<String> usedExceptions = new TreeSet<>();
        Map<String, CaptureRun> runs = new HashMap<>();
        Map<String, Tally> tally = new LinkedHashMap<>();
        for (String kind : List.of("conn_state", "history", "suricata", "existence")) {
            tally.put(kind, new Tally());
        }
        List<String> disagreements = new ArrayList<>();
        List<String> skippedRows = new ArrayList<>();

        for (Row row : rows) {
            String chosen = VARIANT.get(row.file);
            if (row.variant() != null && chosen != null && !row.variant().equals(chosen)) {
                continue;
            }
            String key = row.file + (row.verifyChecksums() ? " verify" : "");
            CaptureRun run = runs.get(key);
            if (run == null) {
                AnalyzerSettings settings = AnalyzerSettings.DEFAULTS.withVerifyChecksums(row.verifyChecksums());
                run = CaptureRun.of(corpus.resolve(row.file), settings);
                runs.put(key, run);
            }
            List<Connection> candidates = run.connections.stream().filter(c -> matches(row, c))
                    .sorted((a, b) -> Long.compare(a.firstPacket(), b.firstPacket())).collect(Collectors.toList());

            boolean anyState = !row.connState.isEmpty() || !row.history.isEmpty() || !row.suricata.isEmpty();
            if (!anyState) {
                // existence-only or aggregate rows: the expected number of connections on that tuple
                Tally t = tally.get("existence");
                t.rows++;
                if (candidates.size() == row.count) {
                    t.agree++;
                } else {
                    disagreements.add(line(row, "existence", row.count + " connection(s)",
                            candidates.size() + " connection(s)", "connection count differs"));
                }
                continue;
            }
            Connection c = pick(row, candidates);
            check(row, "conn_state", row.connState, c, exceptions, usedExceptions, tally, disagreements,
                    skippedRows);
            check(row, "history", row.history, c, exceptions, usedExceptions, tally, disagreements, skippedRows);
            check(row, "suricata", row.suricata, c, exceptions, usedExceptions, tally, disagreements, skippedRows);
        }

        StringBuilder out = new StringBuilder("\nCorpus conformance (" + corpus + ")\n");
        tally.forEach((kind, t) -> out.append(String.format("  %-10s %3d/%3d agree (%5.1f%%), %d listed as deliberate"
                + " differences%n", kind, t.agree, t.rows, t.rows == 0 ? 100.0 : 100.0 * t.agree / t.rows, t.skipped)));
        out.append("Disagreements (file | tuple | kind | expected | got | reason):\n");
        disagreements.forEach(d -> out.append("  ").append(d).append('\n'));
        out.append("Deliberate differences skipped (docs/conformance.md):\n");
        skippedRows.forEach(d -> out.append("  ").append(d).append('\n'));
        System.out.println(out);

        Set<String> unused = new TreeSet<>(exceptions);
        unused.removeAll(usedExceptions);
        assertThat(unused).as("docs/conformance.md lists rows that are not in EXPECTED.tsv or agree anyway").isEmpty();
        Tally cs = tally.get("conn_state");
        assertThat(cs.rows).as("conn_state rows compared").isGreaterThan(0);
        assertThat((double) cs.agree / cs.rows).as("conn_state agreement\n" + out).isGreaterThanOrEqualTo(0.95);
    }

    private static void check(Row row, String kind, String expected, Connection c, Set<String> exceptions,
                              Set<String> used, Map<String, Tally> tally, List<String> disagreements,
                              List<String> skipped) {
        if (expected.isEmpty()) {
            return;
        }
        String id = row.file + " | " + row.tuple() + " | " + kind;
        String got;
        String reason;
        if (c == null) {
            got = "-";
            reason = "no matching connection";
        } else {
            boolean sameOrientation = CaptureRun.host(c.origHi(), c.origLo(), c.ipVersion()).equals(row.origH)
                    || row.origH.equals("*") && (row.origP.equals("*") || row.origP.equals(
                    String.valueOf(c.origPort())));
            sameOrientation = sameOrientation && (row.origP.equals("*")
                    || row.origP.equals(String.valueOf(c.origPort())));
            switch (kind) {
                case "conn_state" -> got = c.zeekConnState();
                case "history" -> got = c.history();
                default -> got = suricataState(c);
            }
            if (!kind.equals("suricata") && !sameOrientation) {
                reason = "originator is Zeek's responder";
                got = got + " (flipped)";
            } else if (got.equals(expected)) {
                tally.get(kind).rows++;
                tally.get(kind).agree++;
                return;
            } else {
                reason = "states " + c.originator().state() + "/" + c.responder().state() + " " + c.history();
            }
        }
        if (exceptions.contains(id)) {
            used.add(id);
            tally.get(kind).skipped++;
            skipped.add(id + " | expected " + expected + " | got " + got);
            return;
        }
        tally.get(kind).rows++;
        disagreements.add(line(row, kind, expected, got, reason));
    }

    private static String line(Row row, String kind, String expected, String got, String reason) {
        return row.file + " | " + row.tuple() + " | " + kind + " | " + expected + " | " + got + " | " + reason;
    }

    /** The row's connection: the k-th on that socket pair when the row names an incarnation, else the first. */
    private static Connection pick(Row row, List<Connection> candidates) {
        int k = row.incarnation();
        if (k > 0) {
            return candidates.size() >= k ? candidates.get(k - 1) : null;
        }
        return candidates.isEmpty() ? null : candidates.get(0);
    }

    private static boolean matches(Row row, Connection c) {
        String oh = CaptureRun.host(c.origHi(), c.origLo(), c.ipVersion()), op = String.valueOf(c.origPort());
        String rh = CaptureRun.host(c.respHi(), c.respLo(), c.ipVersion()), rp = String.valueOf(c.respPort());
        return side(row.origH, row.origP, oh, op) && side(row.respH, row.respP, rh, rp)
                || side(row.origH, row.origP, rh, rp) && side(row.respH, row.respP, oh, op);
    }

    private static boolean side(String wantH, String wantP, String h, String p) {
        return (wantH.equals("*") || wantH.equals(h)) && (wantP.equals("*") || wantP.equals(p));
    }

    /**
     * Suricata's session state at flow end, derived from the two RFC states. Suricata keeps one state per session
     * and names it from the server's side (a client FIN gives close_wait), so it is the responder's state, except
     * before the responder has answered (syn_sent) and once the connection is over (closed).
     */
    static String suricataState(Connection c) {
        TcpState o = c.originator().state(), r = c.responder().state();
        Endpoint resp = c.responder();
        boolean oDone = o.isFinal() || o == TcpState.TIME_WAIT, rDone = r.isFinal() || r == TcpState.TIME_WAIT;
        if (c.wasReset() || oDone && rDone && resp.isKnown()) {
            return "closed";
        }
        if (!resp.isKnown()) {
            // only the client side was seen: the server state its segments imply
            return switch (o) {
                case SYN_SENT -> "syn_sent";
                case ESTABLISHED -> "established";
                case FIN_WAIT_1, FIN_WAIT_2 -> "close_wait";
                default -> "none";
            };
        }
        return switch (r) {
            case SYN_RECEIVED -> "syn_recv";
            case ESTABLISHED -> "established";
            case FIN_WAIT_1 -> "fin_wait1";
            case FIN_WAIT_2 -> "fin_wait2";
            case CLOSING -> "closing";
            case CLOSE_WAIT -> "close_wait";
            case LAST_ACK -> "last_ack";
            case TIME_WAIT -> "time_wait";
            default -> "closed";
        };
    }

    private static List<Row> readRows(Path tsv) throws IOException {
        List<String> lines = Files.readAllLines(tsv);
        List<Row> rows = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split("\t", -1);
            if (f.length < 12) {
                continue;
            }
            int count = f[9].isEmpty() ? 1 : Integer.parseInt(f[9]);
            rows.add(new Row(i + 1, f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], count, f[11]));
        }
        return rows;
    }

    /**
     * The deliberate differences: table rows of docs/conformance.md of the form
     * {@code | `file` | `orig_h:orig_p > resp_h:resp_p` | kind | ...}.
     */
    private static Set<String> readExceptions(Path doc) throws IOException {
        Set<String> out = new TreeSet<>();
        if (!Files.exists(doc)) {
            return out;
        }
        for (String l : Files.readAllLines(doc)) {
            Matcher m = EXCEPTION_ROW.matcher(l);
            if (m.find()) {
                out.add(m.group(1) + " | " + m.group(2) + " | " + m.group(3));
            }
        }
        return out;
    }
}
