package dev.tcpstate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code -o/--output}, {@code analyze --connections/--anomalies}, {@code --per-file} and the filters. */
class OutputAndFilterTest {

    @TempDir
    Path tmp;

    private static String sample(String name) {
        return Repo.sample(name).toString();
    }

    @Test
    void outputFileGetsWhatStandardOutputWouldAndTheFormatFollowsTheExtension() throws IOException {
        String cap = sample("refused-connection.pcap");
        for (String[] c : new String[][] {{"connections", "csv"}, {"connections", "jsonl"}, {"connections", "txt"},
                {"anomalies", "csv"}, {"anomalies", "jsonl"}, {"anomalies", "txt"}, {"info", "json"},
                {"info", "txt"}, {"analyze", "json"}, {"analyze", "txt"}}) {
            Path file = tmp.resolve(c[0] + "." + c[1]);
            Cli toFile = Cli.run(c[0], "-o", file.toString(), cap);
            assertThat(toFile.exitCode()).isZero();
            assertThat(toFile.out()).isEmpty();
            assertThat(toFile.err()).isEmpty();
            String fmt = c[1].equals("txt") ? "text" : c[1];
            Cli toStdout = Cli.run(c[0], "--format", fmt, cap);
            assertThat(Files.readString(file)).as(c[0] + " " + c[1]).isEqualTo(toStdout.out());
        }
        // --format wins over the extension.
        Path odd = tmp.resolve("conns.txt");
        Cli.run("connections", "--format", "csv", "--output", odd.toString(), cap);
        assertThat(Files.readString(odd)).startsWith("orig_addr,orig_port,");
    }

    @Test
    void outputPathsThatCannotBeUsedAreOneLineAndExitCode2() {
        String cap = sample("refused-connection.pcap");
        Cli r = Cli.run("connections", "-o", tmp.resolve("x.json").toString(), cap);
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).isEqualTo("tcpstate: --output " + tmp.resolve("x.json") + ": cannot tell the format from"
                + " the name (.json); name it .csv, .jsonl, .text, .txt or give --format (text, csv, jsonl)\n");
        r = Cli.run("anomalies", "-o", tmp.resolve("none/x.csv").toString(), cap);
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).isEqualTo("tcpstate: --output " + tmp.resolve("none/x.csv") + ": cannot write: no such"
                + " directory " + tmp.resolve("none") + "\n");
        r = Cli.run("analyze", "-o", tmp.toString(), "--format", "text", cap);
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).isEqualTo("tcpstate: --output " + tmp + ": is a directory, not a file\n");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void analyzeToAFileCopiesTheSpooledAnomalyLinesAsTheyAre() throws IOException {
        // To a file (or standard output) the anomaly list is copied from its spool as bytes; to any other writer it
        // is read back line by line. Both give the same report.
        for (String name : new String[] {"orphaned-fin-wait-2-expired.pcap", "accept-queue-overflow.pcap"}) {
            String cap = sample(name);
            Path report = tmp.resolve(name + ".txt");
            Cli r = Cli.run("analyze", "-o", report.toString(), cap);
            assertThat(r.exitCode()).isZero();
            String expected = Cli.run("analyze", cap).out();
            String list = expected.substring(expected.indexOf("\nAnomalies:\n"));
            assertThat(list.lines().count()).isGreaterThan(3); // a blank line, the heading, two anomalies or more
            assertThat(Files.readString(report)).isEqualTo(expected);
        }
    }

    @Test
    void analyzeWritesBothExportsInOnePass() throws IOException {
        String cap = sample("orphaned-fin-wait-2-expired.pcap");
        Path conns = tmp.resolve("c.csv");
        Path anoms = tmp.resolve("a.jsonl");
        Cli r = Cli.run("analyze", cap, "--connections", conns.toString(), "--anomalies", anoms.toString());
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEqualTo(Cli.run("analyze", cap).out());
        assertThat(Files.readString(conns)).isEqualTo(Cli.run("connections", "--format", "csv", cap).out());
        assertThat(Files.readString(anoms)).isEqualTo(Cli.run("anomalies", "--format", "jsonl", cap).out());

        Cli bad = Cli.run("analyze", cap, "--connections", tmp.resolve("c.xml").toString());
        assertThat(bad.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(bad.err()).startsWith("tcpstate: --connections " + tmp.resolve("c.xml")
                + ": cannot tell the format from the name (.xml)");
    }

    @Test
    void analyzePerFileReportsEachCaptureOnItsOwn() throws IOException {
        String a = sample("refused-connection.pcap");
        String b = sample("ipv6.pcap");
        Cli r = Cli.run("analyze", "--per-file", a, b);
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEqualTo(Cli.run("analyze", a).out() + "\n" + Cli.run("analyze", b).out());
        Cli json = Cli.run("analyze", "--per-file", "--format", "json", a, b);
        var arr = Json.mapper().readTree(json.out());
        assertThat(arr.isArray()).isTrue();
        assertThat(arr.size()).isEqualTo(2);
        assertThat(arr.get(0).get("captures").get(0).asText()).isEqualTo(a);
        assertThat(arr.get(1).get("captures").get(0).asText()).isEqualTo(b);
    }

    @Test
    void hostPortAndConnFilters() {
        String a = sample("refused-connection.pcap");
        String b = sample("rst-to-half-open.pcap");
        String header = "ORIGINATOR                   RESPONDER                    INC  ORIG STATE   RESP STATE   ZEEK  "
                + " HISTORY        PACKETS FIRST-LAST PACKET\n";
        String refused = "10.77.0.1:40007              10.77.0.2:8081                 1  CLOSED       CLOSED       REJ "
                + "   Sr                 1/1 1-2\n";
        assertThat(Cli.run("connections", "--port", "8081", a, b).out()).isEqualTo(header + refused);
        assertThat(Cli.run("connections", "--conn", "10.77.0.2:8081-10.77.0.1:40007", a, b).out())
                .isEqualTo(header + refused);
        assertThat(Cli.run("connections", "--host", "10.77.0.9", a, b).out()).isEqualTo("no TCP connections\n");
        assertThat(Cli.run("anomalies", "--port", "8080", a).out()).isEqualTo("no anomalies\n");
        assertThat(Cli.run("connections", "--host", "10.77.0.2", "--port", "40007", a, b).out())
                .isEqualTo(header + refused);
        Cli bad = Cli.run("connections", "--host", "example.org", a);
        assertThat(bad.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(bad.err()).startsWith("tcpstate: --host: 'example.org' is not an IPv4 or IPv6 address\n");
        bad = Cli.run("anomalies", "--port", "70000", a);
        assertThat(bad.err()).startsWith("tcpstate: --port: 70000 is outside 0..65535\n");
        // check and analyze take the same filters.
        assertThat(Cli.run("check", "--fail-on", "connection_refused", "--port", "8080", a).exitCode()).isZero();
        assertThat(Cli.run("analyze", "--host", "10.77.0.9", a).out()).contains("connections     0\n");
    }

    @Test
    void betweenAnalysesOnlyTheWindow() {
        String a = sample("refused-connection.pcap");
        // The SYN at +0 is in the window, the reset 25 microseconds later is not.
        Cli r = Cli.run("connections", "--format", "csv", "--between", "0", "0.00001", a);
        assertThat(r.exitCode()).isZero();
        assertThat(r.out().lines().skip(1)).containsExactly("10.77.0.1,40007,10.77.0.2,8081,1,SYN_SENT,CLOSED,S0,S,"
                + "false,1,1,2026-11-22T15:07:13.224067Z,2026-11-22T15:07:13.224067Z,1,0,0,0");
        Cli abs = Cli.run("connections", "--format", "csv", "--between", "2026-11-22T15:07:13.224080Z",
                "2026-11-22T15:08:00Z", a);
        assertThat(abs.out().lines().skip(1).findFirst().orElseThrow()).contains(",2,2,");
        Cli bad = Cli.run("connections", "--between", "5", "1", a);
        assertThat(bad.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(bad.err()).startsWith("tcpstate: --between: 1 comes before 5\n");
        Cli both = Cli.run("connections", "--between", "0", "1", "--at", "1", a);
        assertThat(both.exitCode()).isEqualTo(ExitCode.USAGE);
    }

    @Test
    void timelineTakesTheFiltersAndAnOutputFile() throws IOException {
        Path f = tmp.resolve("ladder.txt");
        Cli r = Cli.run("timeline", sample("refused-connection.pcap"), "--conn", "10.77.0.1:40007-10.77.0.2:8081",
                "-o", f.toString());
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(Files.readString(f)).startsWith("10.77.0.1:40007  <->  10.77.0.2:8081   incarnation 1\n");
        Cli missing = Cli.run("timeline", sample("refused-connection.pcap"));
        assertThat(missing.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(missing.err()).startsWith("tcpstate: Missing required option: '--conn=ADDR:PORT-ADDR:PORT'\n");
    }
}
