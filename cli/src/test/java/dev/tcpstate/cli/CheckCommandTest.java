package dev.tcpstate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** {@code tcpstate check}: the CI gate. */
class CheckCommandTest {

    private static String sample(String name) {
        return Repo.sample(name).toString();
    }

    private static final String REFUSED_LINE = "2026-11-22T15:07:13.224092Z  WARNING  connection_refused        "
            + "10.77.0.1:40007 -> 10.77.0.2:8081 #1  responder   packet 2  10.77.0.2:8081 refused the connection from"
            + " 10.77.0.1:40007: nothing was listening on that port.";

    @TempDir
    Path tmp;

    @Test
    void withoutRulesErrorsFail() {
        Cli ok = Cli.run("check", sample("refused-connection.pcap"));
        assertThat(ok.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(ok.err()).isEmpty();
        assertThat(ok.out()).isEqualTo(sample("refused-connection.pcap") + ": passed\n"
                + "  ok    fail-on-severity error: 0 anomalies, 0 allowed\n"
                + "  1 anomaly no rule covers\n"
                + "check passed: 1 rule held\n");

        Cli flood = Cli.run("check", sample("syn-flood.pcap"));
        assertThat(flood.exitCode()).isEqualTo(ExitCode.POLICY_VIOLATED);
        assertThat(flood.out()).startsWith(sample("syn-flood.pcap") + ": FAILED\n"
                + "  FAIL  fail-on-severity error: 1 anomaly, 0 allowed\n"
                + "          2026-11-22T15:07:29.227034Z  ERROR    syn_flood ");
        assertThat(flood.out()).endsWith("check failed: 1 of 1 rule violated\n");
    }

    @Test
    void failOnNamesTheRuleTheCountAndTheExamples() {
        Cli r = Cli.run("check", "--fail-on", "rst_to_half_open,connection_refused", sample("refused-connection.pcap"));
        assertThat(r.exitCode()).isEqualTo(ExitCode.POLICY_VIOLATED);
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo(sample("refused-connection.pcap") + ": FAILED\n"
                + "  ok    fail-on rst_to_half_open: 0 anomalies, 0 allowed\n"
                + "  FAIL  fail-on connection_refused: 1 anomaly, 0 allowed\n"
                + "          " + REFUSED_LINE + "\n"
                + "check failed: 1 of 2 rules violated\n");
    }

    @Test
    void failOnSeverity() {
        assertThat(Cli.run("check", "--fail-on-severity", "warning", sample("refused-connection.pcap")).exitCode())
                .isEqualTo(ExitCode.POLICY_VIOLATED);
        assertThat(Cli.run("check", "--fail-on-severity", "WARNING", sample("time-wait-reuse-client.pcap")).exitCode())
                .isEqualTo(ExitCode.OK);
        assertThat(Cli.run("check", "--fail-on-severity", "info", sample("time-wait-reuse-client.pcap")).exitCode())
                .isEqualTo(ExitCode.POLICY_VIOLATED);
        // A code with a rule of its own is judged by that rule, not by the severity.
        Cli r = Cli.run("check", "--fail-on-severity", "warning", "--max", "connection_refused=1",
                sample("refused-connection.pcap"));
        assertThat(r.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(r.out()).isEqualTo(sample("refused-connection.pcap") + ": passed\n"
                + "  ok    max connection_refused=1: 1 anomaly, 1 allowed\n"
                + "  ok    fail-on-severity warning: 0 anomalies, 0 allowed\n"
                + "check passed: 2 rules held\n");
    }

    @Test
    void maxAllowsUpToN() {
        String client = sample("time-wait-reuse-client.pcap");
        String server = sample("time-wait-reuse-server.pcap");
        Cli two = Cli.run("check", "--max", "time_wait_reuse=2", client, server);
        assertThat(two.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(two.out()).isEqualTo(client + " + " + server + ": passed\n"
                + "  ok    max time_wait_reuse=2: 2 anomalies, 2 allowed\n"
                + "check passed: 1 rule held\n");
        Cli one = Cli.run("check", "--max", "time_wait_reuse=1", client, server);
        assertThat(one.exitCode()).isEqualTo(ExitCode.POLICY_VIOLATED);
        assertThat(one.out()).contains("  FAIL  max time_wait_reuse=1: 2 anomalies, 1 allowed\n");
        Cli perFile = Cli.run("check", "--per-file", "--max", "time_wait_reuse=1", client, server);
        assertThat(perFile.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(perFile.out()).isEqualTo(client + ": passed\n"
                + "  ok    max time_wait_reuse=1: 1 anomaly, 1 allowed\n"
                + server + ": passed\n"
                + "  ok    max time_wait_reuse=1: 1 anomaly, 1 allowed\n"
                + "check passed: 2 rules held in 2 checks\n");
    }

    @Test
    void policyFileInYamlAndJson() throws IOException {
        Path yaml = tmp.resolve("policy.yaml");
        Files.writeString(yaml, "# the gate\nfail_on:\n  - connection_refused\nfail_on_severity: error\n"
                + "max:\n  time_wait_reuse: 3\n");
        Path json = tmp.resolve("policy.json");
        Files.writeString(json, "{\"fail_on\": [\"connection_refused\"], \"fail_on_severity\": \"error\","
                + " \"max\": {\"time_wait_reuse\": 3}}");
        String expected = sample("refused-connection.pcap") + ": FAILED\n"
                + "  FAIL  fail-on connection_refused: 1 anomaly, 0 allowed\n"
                + "          " + REFUSED_LINE + "\n"
                + "  ok    max time_wait_reuse=3: 0 anomalies, 3 allowed\n"
                + "  ok    fail-on-severity error: 0 anomalies, 0 allowed\n"
                + "check failed: 1 of 3 rules violated\n";
        for (Path p : new Path[] {yaml, json}) {
            Cli r = Cli.run("check", "--policy", p.toString(), sample("refused-connection.pcap"));
            assertThat(r.exitCode()).as(p.toString()).isEqualTo(ExitCode.POLICY_VIOLATED);
            assertThat(r.out()).as(p.toString()).isEqualTo(expected);
            assertThat(r.err()).isEmpty();
        }
        // The command line replaces the file's rule for the same code.
        Cli r = Cli.run("check", "--policy", yaml.toString(), "--max", "connection_refused=1",
                sample("refused-connection.pcap"));
        assertThat(r.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(r.out()).contains("  ok    max connection_refused=1: 1 anomaly, 1 allowed\n");
    }

    @Test
    void badPolicyFilesAreUsageErrors() throws IOException {
        Path unknownKey = tmp.resolve("p.yaml");
        Files.writeString(unknownKey, "fail_of: [connection_refused]\n");
        Cli r = Cli.run("check", "--policy", unknownKey.toString(), sample("refused-connection.pcap"));
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("tcpstate: --policy " + unknownKey + ": unknown key 'fail_of'; the keys are"
                + " fail_on, fail_on_severity and max\n");

        Path badCode = tmp.resolve("p.json");
        Files.writeString(badCode, "{\"max\": {\"no_such_code\": 1}}");
        r = Cli.run("check", "--policy", badCode.toString(), sample("refused-connection.pcap"));
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).startsWith("tcpstate: --policy " + badCode + ": max: unknown anomaly code 'no_such_code';");
        assertThat(r.err().lines()).hasSize(1);

        Path notJson = tmp.resolve("q.json");
        Files.writeString(notJson, "{fail_on: ");
        r = Cli.run("check", "--policy", notJson.toString(), sample("refused-connection.pcap"));
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).startsWith("tcpstate: --policy " + notJson + ": not valid JSON");
        assertThat(r.err().lines()).hasSize(1);

        r = Cli.run("check", "--policy", tmp.resolve("missing.yaml").toString(), sample("refused-connection.pcap"));
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).isEqualTo("tcpstate: --policy " + tmp.resolve("missing.yaml") + ": no such file\n");

        r = Cli.run("check", "--policy", tmp.toString(), sample("refused-connection.pcap"));
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).isEqualTo("tcpstate: --policy " + tmp + ": is a directory, not a file\n");
    }

    @Test
    void badRulesAreUsageErrors() {
        Cli r = Cli.run("check", "--fail-on", "connection_refusd", sample("refused-connection.pcap"));
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).startsWith("tcpstate: --fail-on: unknown anomaly code 'connection_refusd'; valid codes: ");
        r = Cli.run("check", "--max", "time_wait_reuse", sample("refused-connection.pcap"));
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).isEqualTo("tcpstate: --max: 'time_wait_reuse' is not CODE=N (e.g. time_wait_reuse=10)\n");
        r = Cli.run("check", "--max", "time_wait_reuse=-1", sample("refused-connection.pcap"));
        assertThat(r.err()).isEqualTo("tcpstate: --max time_wait_reuse=-1: '-1' is not a count (0 or more)\n");
        r = Cli.run("check", "--fail-on-severity", "fatal", sample("refused-connection.pcap"));
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).startsWith("tcpstate: Invalid value for option '--fail-on-severity'");
    }

    @Test
    void baselineThatCoversTheAnomaliesPasses() throws IOException {
        Path baseline = tmp.resolve("known.json");
        Cli write = Cli.run("check", "--fail-on", "connection_refused", "--write-baseline", baseline.toString(),
                sample("refused-connection.pcap"));
        assertThat(write.exitCode()).isEqualTo(ExitCode.POLICY_VIOLATED);
        assertThat(Files.readString(baseline)).isEqualTo("{\n"
                + "  \"schema_version\" : 1,\n"
                + "  \"anomalies\" : [ {\n"
                + "    \"code\" : \"connection_refused\",\n"
                + "    \"endpoints\" : [ \"10.77.0.1:40007\", \"10.77.0.2:8081\" ]\n"
                + "  } ]\n"
                + "}\n");

        Cli pass = Cli.run("check", "--fail-on", "connection_refused", "--baseline", baseline.toString(),
                sample("refused-connection.pcap"));
        assertThat(pass.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(pass.out()).isEqualTo(sample("refused-connection.pcap") + ": passed\n"
                + "  ok    fail-on connection_refused: 0 anomalies, 0 allowed\n"
                + "  1 anomaly in the baseline, not counted\n"
                + "check passed: 1 rule held\n");

        // Matched by code and socket pair (either order), not by packet number or time.
        Path byHand = tmp.resolve("by-hand.json");
        Files.writeString(byHand, "{\"schema_version\":1,\"anomalies\":[{\"code\":\"connection_refused\","
                + "\"endpoints\":[\"10.77.0.2:8081\",\"10.77.0.1:40007\"]}]}");
        assertThat(Cli.run("check", "--fail-on-severity", "warning", "--baseline", byHand.toString(),
                sample("refused-connection.pcap")).exitCode()).isEqualTo(ExitCode.OK);
    }

    @Test
    void baselineThatDoesNotCoverANewAnomalyFails() throws IOException {
        Path baseline = tmp.resolve("known.json");
        Cli.run("check", "--write-baseline", baseline.toString(), sample("refused-connection.pcap"));
        Cli fail = Cli.run("check", "--fail-on-severity", "warning", "--baseline", baseline.toString(),
                sample("refused-connection.pcap"), sample("rst-to-half-open.pcap"));
        assertThat(fail.exitCode()).isEqualTo(ExitCode.POLICY_VIOLATED);
        assertThat(fail.out()).contains("  FAIL  fail-on-severity warning: 1 anomaly, 0 allowed\n"
                + "          2026-11-22T15:07:15.884480Z  WARNING  rst_to_half_open ");
        assertThat(fail.out()).contains("  1 anomaly in the baseline, not counted\n");

        Path notBaseline = tmp.resolve("nb.json");
        Files.writeString(notBaseline, "[1, 2]");
        Cli bad = Cli.run("check", "--baseline", notBaseline.toString(), sample("refused-connection.pcap"));
        assertThat(bad.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(bad.err()).isEqualTo("tcpstate: --baseline " + notBaseline
                + ": not a baseline (written by check --write-baseline)\n");
    }

    @Test
    void junitReportIsValidXmlWithACasePerRuleAndCapture() throws Exception {
        Path junit = tmp.resolve("report.xml");
        String refused = sample("refused-connection.pcap");
        String flood = sample("syn-flood.pcap");
        Cli r = Cli.run("check", "--per-file", "--fail-on", "connection_refused", "--fail-on-severity", "error",
                "--junit", junit.toString(), refused, flood);
        assertThat(r.exitCode()).isEqualTo(ExitCode.POLICY_VIOLATED);
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(junit.toFile());
        Element root = doc.getDocumentElement();
        assertThat(root.getTagName()).isEqualTo("testsuites");
        assertThat(root.getAttribute("tests")).isEqualTo("6");
        assertThat(root.getAttribute("failures")).isEqualTo("2");
        assertThat(root.getAttribute("errors")).isEqualTo("0");
        NodeList suites = doc.getElementsByTagName("testsuite");
        assertThat(suites.getLength()).isEqualTo(2);
        assertThat(((Element) suites.item(0)).getAttribute("name")).isEqualTo(refused);
        assertThat(((Element) suites.item(1)).getAttribute("name")).isEqualTo(flood);
        NodeList cases = doc.getElementsByTagName("testcase");
        assertThat(cases.getLength()).isEqualTo(6);
        assertThat(((Element) cases.item(0)).getAttribute("name")).isEqualTo("capture read whole");
        assertThat(((Element) cases.item(1)).getAttribute("name")).isEqualTo("fail-on connection_refused");
        assertThat(((Element) cases.item(2)).getAttribute("name")).isEqualTo("fail-on-severity error");
        NodeList failures = doc.getElementsByTagName("failure");
        assertThat(failures.getLength()).isEqualTo(2);
        Element first = (Element) failures.item(0);
        assertThat(first.getAttribute("message")).isEqualTo("fail-on connection_refused: 1 anomaly, 0 allowed");
        assertThat(first.getAttribute("type")).isEqualTo("connection_refused");
        assertThat(first.getTextContent()).isEqualTo(REFUSED_LINE + "\n");
        assertThat(((Element) failures.item(1)).getParentNode()).isSameAs(cases.item(5));
    }

    @Test
    void unreadableCaptureIsExitCode3AndAnErrorInTheReport() throws Exception {
        Path junit = tmp.resolve("report.xml");
        Path missing = tmp.resolve("missing.pcap");
        Cli r = Cli.run("check", "--junit", junit.toString(), missing.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCode.CAPTURE_UNREADABLE);
        assertThat(r.err()).isEqualTo("tcpstate: " + missing + ": no such file\n");
        assertThat(r.out()).endsWith("check incomplete: a capture could not be read whole; 0 of 1 rule violated\n");
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(junit.toFile());
        assertThat(doc.getElementsByTagName("error").getLength()).isEqualTo(1);
    }

    @Test
    void unwritableReportIsAUsageErrorBeforeAnyAnalysis() {
        Path nowhere = tmp.resolve("no-such-dir/report.xml");
        Cli r = Cli.run("check", "--junit", nowhere.toString(), sample("refused-connection.pcap"));
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("tcpstate: --junit " + nowhere + ": cannot write: no such directory "
                + tmp.resolve("no-such-dir") + "\n");
    }

    @Test
    void completionScriptCoversTheCommandsAndOptions() {
        Cli r = Cli.run("completion");
        assertThat(r.exitCode()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).startsWith("#!/usr/bin/env bash").contains("check", "--fail-on-severity", "--per-file",
                "complete -F _complete_tcpstate");
    }

    @Test
    void everyCommandsHelpHasExamples() {
        for (String c : new String[] {"info", "analyze", "connections", "anomalies", "timeline", "check",
                "completion"}) {
            Cli r = Cli.run(c, "--help");
            assertThat(r.exitCode()).as(c).isZero();
            assertThat(r.out()).as(c).contains("Examples:\n  tcpstate ");
        }
        assertThat(Cli.run("check", "--help").out()).contains("Exit codes:", "1   a rule was violated");
    }
}
