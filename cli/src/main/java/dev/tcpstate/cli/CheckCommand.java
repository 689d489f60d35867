package dev.tcpstate.cli;

import dev.tcpstate.analyzer.anomaly.Anomaly;
import dev.tcpstate.analyzer.anomaly.AnomalyDetector;
import dev.tcpstate.analyzer.anomaly.Severity;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code tcpstate check}: a gate for CI jobs: fails when a capture's anomalies break a policy. */
@Command(name = "check",
        description = {"Analyses captures and fails (exit code 1) when their anomalies break the policy: codes that"
                + " must not occur (--fail-on), codes allowed up to a count (--max), a severity nothing may reach"
                + " (--fail-on-severity), or the same rules in a policy file (--policy). Anomalies listed in a"
                + " baseline (--baseline) are known and do not count.",
                "With no rule at all, the policy is --fail-on-severity error."},
        mixinStandardHelpOptions = true,
        sortOptions = false,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:every rule held",
                "1:a rule was violated",
                "2:usage error (bad option, unreadable policy or baseline, unwritable report)",
                "3:a capture could not be read, whole or in part",
                "4:internal error"},
        footerHeading = "%nExamples:%n",
        footer = {"  tcpstate check --fail-on connection_refused,rst_to_half_open trace.pcap",
                "  tcpstate check --fail-on-severity warning --max time_wait_reuse=10 trace.pcap",
                "  tcpstate check --policy tcpstate-policy.yaml --junit tcpstate-junit.xml traces/*.pcap",
                "  tcpstate check --write-baseline known.json trace.pcap     # record what is known today",
                "  tcpstate check --baseline known.json --fail-on-severity warning trace.pcap"})
final class CheckCommand implements Callable<Integer> {

    /** Examples shown per violated rule. */
    static final int EXAMPLES = 3;

    @Parameters(arity = "1..*", paramLabel = "CAPTURE",
            description = "pcap or pcapng file, optionally gzip-compressed; '-' reads standard input.")
    List<String> captures;

    @Option(names = "--fail-on", split = ",", paramLabel = "CODE",
            description = "Fail when any anomaly with one of these codes is found (comma-separated or repeated).")
    List<String> failOn;

    @Option(names = "--fail-on-severity", paramLabel = "SEVERITY",
            description = "Fail when any anomaly of this severity or higher is found (info, warning, error), except"
                    + " codes that have a --fail-on or --max rule of their own.")
    Severity failOnSeverity;

    @Option(names = "--max", split = ",", paramLabel = "CODE=N",
            description = "Allow up to N anomalies with this code; fail above (comma-separated or repeated).")
    List<String> max;

    @Option(names = "--policy", paramLabel = "FILE",
            description = "Policy file (YAML, or JSON when it ends in .json) with the keys fail_on, fail_on_severity"
                    + " and max. Command-line rules replace its rules for the same code and its severity.")
    Path policyFile;

    @Option(names = "--baseline", paramLabel = "FILE",
            description = "Anomalies already known (written by --write-baseline): matched by code and socket pair,"
                    + " they do not count.")
    Path baselineFile;

    @Option(names = "--write-baseline", paramLabel = "FILE",
            description = "Write every anomaly found (code and socket pair) to FILE, for a later --baseline.")
    Path writeBaselineFile;

    @Option(names = "--junit", paramLabel = "FILE",
            description = "Write a JUnit XML report: one test suite per capture, one test case per rule.")
    Path junitFile;

    @Option(names = "--per-file",
            description = "Check each capture on its own instead of merging them into one analysis.")
    boolean perFile;

    @Mixin
    FilterOptions filters;

    @Mixin
    SettingsOptions settings;

    @Spec
    CommandSpec spec;

    /** What one rule found in one subject. */
    static final class RuleResult {
        final Policy.Rule rule;
        long count;
        final List<Anomaly> examples = new ArrayList<>(EXAMPLES);

        RuleResult(Policy.Rule rule) {
            this.rule = rule;
        }

        boolean violated() {
            return count > rule.limit();
        }
    }

    /** The check of one subject: a capture, or the merge of all of them. */
    static final class Outcome {
        final String subject;
        final Map<Policy.Rule, RuleResult> results = new LinkedHashMap<>();
        boolean readWhole;
        long known;
        long uncovered;

        Outcome(String subject, List<Policy.Rule> rules) {
            this.subject = subject;
            for (Policy.Rule r : rules) {
                results.put(r, new RuleResult(r));
            }
        }

        long violations() {
            return results.values().stream().filter(RuleResult::violated).count();
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Analysis.of(err, settings, filters, spec.commandLine()); // a bad filter fails before any output is opened
        Policy policy = policyFile != null ? Policy.read(policyFile) : new Policy();
        policy.overrideWith(Policy.of(failOn, failOnSeverity, max));
        if (policy.isEmpty()) {
            policy.failOnSeverity = Severity.ERROR;
        }
        List<Policy.Rule> rules = policy.rules();
        Baseline baseline = baselineFile != null ? Baseline.read(baselineFile) : new Baseline();
        PrintWriter junitOut = junitFile != null ? OutputFile.open("--junit", junitFile) : null;
        PrintWriter baselineOut = writeBaselineFile != null ? OutputFile.open("--write-baseline", writeBaselineFile)
                : null;
        Baseline found = new Baseline();

        List<List<String>> subjects = new ArrayList<>();
        if (perFile) {
            captures.forEach(c -> subjects.add(List.of(c)));
        } else {
            subjects.add(captures);
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (List<String> names : subjects) {
            Outcome o = new Outcome(String.join(" + ", names), rules);
            AnomalyDetector detector = new AnomalyDetector(settings.anomalies(), a -> {
                found.add(a);
                if (baseline.contains(a)) {
                    o.known++;
                    return;
                }
                Policy.Rule r = policy.ruleFor(a, rules);
                if (r == null) {
                    o.uncovered++;
                    return;
                }
                RuleResult rr = o.results.get(r);
                rr.count++;
                if (rr.examples.size() < EXAMPLES) {
                    rr.examples.add(a);
                }
            }, AnomaliesCommand.NOTHING).recycleMarks();
            // Nothing keeps an ended connection here (anomalies are values), so the tracker and detector reuse them; no
            // connection record is written, so no Zeek view is kept.
            Analysis analysis = Analysis.of(err, settings, filters, spec.commandLine()).recycleConnections()
                    .keepGoingWhenOutputFails().withoutZeekView();
            int code = analysis.runDetecting(names, detector);
            // with --per-file, each capture is analysed on its own: the note says which
            analysis.noteEvictions(err, subjects.size() > 1 ? o.subject : null);
            AnalyzeCommand.noteFullTables(err, detector, settings.anomalies().maxTrackedKeys(),
                    subjects.size() > 1 ? o.subject : null);
            o.readWhole = code == ExitCode.OK;
            outcomes.add(o);
        }

        printText(out, outcomes);
        if (junitOut != null) {
            writeJunit(junitOut, outcomes);
        }
        if (baselineOut != null) {
            found.write(baselineOut);
            baselineOut.close();
        }
        if (outcomes.stream().anyMatch(o -> !o.readWhole)) {
            return ExitCode.CAPTURE_UNREADABLE;
        }
        return outcomes.stream().anyMatch(o -> o.violations() > 0) ? ExitCode.POLICY_VIOLATED : ExitCode.OK;
    }

    private static String anomalies(long n) {
        return n + (n == 1 ? " anomaly" : " anomalies");
    }

    private static String rules(long n) {
        return n + (n == 1 ? " rule" : " rules");
    }

    /** "1 anomaly, 0 allowed": what a rule found against what it allows. */
    static String verdict(RuleResult r) {
        return anomalies(r.count) + ", " + r.rule.limit() + " allowed";
    }

    static void printText(PrintWriter out, List<Outcome> outcomes) {
        long violated = 0;
        long rules = 0;
        for (Outcome o : outcomes) {
            long v = o.violations();
            violated += v;
            rules += o.results.size();
            out.println(o.subject + ": " + (!o.readWhole ? "NOT READ WHOLE (see standard error)"
                    : v > 0 ? "FAILED" : "passed"));
            for (RuleResult r : o.results.values()) {
                out.printf("  %-4s  %s: %s%n", r.violated() ? "FAIL" : "ok", r.rule.name(), verdict(r));
                if (r.violated()) {
                    for (Anomaly a : r.examples) {
                        out.println("          " + AnomalyWriter.Text.line(a));
                    }
                    if (r.count > r.examples.size()) {
                        out.println("          ... and " + (r.count - r.examples.size()) + " more");
                    }
                }
            }
            if (o.known > 0) {
                out.println("  " + anomalies(o.known) + " in the baseline, not counted");
            }
            if (o.uncovered > 0) {
                out.println("  " + anomalies(o.uncovered) + " no rule covers");
            }
        }
        boolean whole = outcomes.stream().allMatch(o -> o.readWhole);
        String captures = outcomes.size() == 1 ? "" : " in " + outcomes.size() + " checks";
        if (!whole) {
            out.println("check incomplete: a capture could not be read whole; " + violated + " of " + rules(rules)
                    + " violated" + captures);
        } else if (violated > 0) {
            out.println("check failed: " + violated + " of " + rules(rules) + " violated" + captures);
        } else {
            out.println("check passed: " + rules(rules) + " held" + captures);
        }
        out.flush();
    }

    /** JUnit XML as CI systems read it: a suite per subject, a case per rule, a failure per violated rule. */
    static void writeJunit(PrintWriter w, List<Outcome> outcomes) {
        try {
            XMLStreamWriter x = XMLOutputFactory.newFactory().createXMLStreamWriter(w);
            x.writeStartDocument("UTF-8", "1.0");
            x.writeCharacters("\n");
            long tests = 0, failures = 0, errors = 0;
            for (Outcome o : outcomes) {
                tests += o.results.size() + 1;
                failures += o.violations();
                errors += o.readWhole ? 0 : 1;
            }
            x.writeStartElement("testsuites");
            x.writeAttribute("name", "tcpstate check");
            x.writeAttribute("tests", Long.toString(tests));
            x.writeAttribute("failures", Long.toString(failures));
            x.writeAttribute("errors", Long.toString(errors));
            x.writeCharacters("\n");
            for (Outcome o : outcomes) {
                x.writeCharacters("  ");
                x.writeStartElement("testsuite");
                x.writeAttribute("name", o.subject);
                x.writeAttribute("tests", Long.toString(o.results.size() + 1));
                x.writeAttribute("failures", Long.toString(o.violations()));
                x.writeAttribute("errors", o.readWhole ? "0" : "1");
                x.writeAttribute("skipped", "0");
                x.writeCharacters("\n");
                x.writeCharacters("    ");
                x.writeStartElement("testcase");
                x.writeAttribute("classname", o.subject);
                x.writeAttribute("name", "capture read whole");
                if (!o.readWhole) {
                    x.writeStartElement("error");
                    x.writeAttribute("message", "the capture could not be read whole");
                    x.writeCharacters("See the messages tcpstate printed on standard error.");
                    x.writeEndElement();
                }
                x.writeEndElement();
                x.writeCharacters("\n");
                for (RuleResult r : o.results.values()) {
                    x.writeCharacters("    ");
                    x.writeStartElement("testcase");
                    x.writeAttribute("classname", o.subject);
                    x.writeAttribute("name", r.rule.name());
                    if (r.violated()) {
                        x.writeStartElement("failure");
                        x.writeAttribute("message", r.rule.name() + ": " + verdict(r));
                        x.writeAttribute("type", r.rule.type() == null ? "severity" : r.rule.type().code());
                        StringBuilder sb = new StringBuilder();
                        for (Anomaly a : r.examples) {
                            sb.append(AnomalyWriter.Text.line(a)).append('\n');
                        }
                        if (r.count > r.examples.size()) {
                            sb.append("... and ").append(r.count - r.examples.size()).append(" more\n");
                        }
                        x.writeCharacters(sb.toString());
                        x.writeEndElement();
                    }
                    x.writeEndElement();
                    x.writeCharacters("\n");
                }
                x.writeCharacters("  ");
                x.writeEndElement();
                x.writeCharacters("\n");
            }
            x.writeEndElement();
            x.writeCharacters("\n");
            x.writeEndDocument();
            x.flush();
            x.close();
        } catch (XMLStreamException e) {
            throw new CliException(ExitCode.INTERNAL, "--junit: cannot write the report: " + e.getMessage(), e);
        }
        w.flush();
        if (w.checkError()) {
            throw new CliException(ExitCode.USAGE, "--junit: writing the report failed");
        }
        w.close();
    }
}
