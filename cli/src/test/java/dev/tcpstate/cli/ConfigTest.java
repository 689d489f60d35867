package dev.tcpstate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --config FILE} and {@code tcpstate config --show}. */
class ConfigTest {

    @TempDir
    Path tmp;

    @Test
    void showPrintsEveryValueWithItsSource() throws IOException {
        Cli defaults = Cli.run("config", "--show");
        assertThat(defaults.exitCode()).isZero();
        assertThat(defaults.out()).isEqualTo(""
                + "msl                      30         default\n"
                + "fin_wait_2_timeout       60         default\n"
                + "syn_sent_timeout         127        default\n"
                + "syn_received_timeout     63         default\n"
                + "checksums                auto       default\n"
                + "syn_flood_min_rate       100        default\n"
                + "syn_flood_min_half_open  64         default\n"
                + "max_tracked_keys         200000     default\n"
                + String.format("%-24s %-10s default%n", "max_connections", SettingsOptions.defaultMaxConnections()));
        Path yaml = tmp.resolve("tcpstate.yaml");
        Files.writeString(yaml, "msl: 120\nsyn_flood_min_half_open: 10\nchecksums: ignore\n");
        Cli mixed = Cli.run("config", "--show", "--config", yaml.toString(), "--checksums", "verify",
                "--fin-wait-2-timeout", "2.5", "--syn-sent-timeout", "21");
        assertThat(mixed.out()).isEqualTo(""
                + "msl                      120        config file " + yaml + "\n"
                + "fin_wait_2_timeout       2.5        command line\n"
                + "syn_sent_timeout         21         command line\n"
                + "syn_received_timeout     63         default\n"
                + "checksums                verify     command line\n"
                + "syn_flood_min_rate       100        default\n"
                + "syn_flood_min_half_open  10         config file " + yaml + "\n"
                + "max_tracked_keys         200000     default\n"
                + String.format("%-24s %-10s default%n", "max_connections", SettingsOptions.defaultMaxConnections()));
    }

    @Test
    void configFileSettingsChangeTheAnalysis() throws IOException {
        String flood = Repo.sample("syn-flood.pcap").toString();
        assertThat(Cli.run("anomalies", "--code", "syn_flood", flood).out()).contains("syn_flood");
        Path json = tmp.resolve("high.json");
        Files.writeString(json, "{\"syn_flood_min_rate\": 100000}");
        assertThat(Cli.run("anomalies", "--code", "syn_flood", "--config", json.toString(), flood).out())
                .isEqualTo("no anomalies\n");
        // The command line wins over the file.
        assertThat(Cli.run("anomalies", "--code", "syn_flood", "--config", json.toString(), "--syn-flood-rate", "100",
                flood).out()).contains("syn_flood");
        // The port is reused 1.3 s after the close: within 2*MSL by default, after it with a 0.5 s MSL.
        Path msl = tmp.resolve("msl.yaml");
        Files.writeString(msl, "msl: 0.5\n");
        String reuse = Repo.sample("time-wait-reuse-client.pcap").toString();
        assertThat(Cli.run("anomalies", reuse).out()).contains("time_wait_reuse");
        assertThat(Cli.run("anomalies", "--config", msl.toString(), reuse).out()).isEqualTo("no anomalies\n");
        // SYNs at 0, 1 and 3 s: with a 2 s connect timeout the client gave up before its third SYN, a new attempt
        String unanswered = Repo.sample("syn-retries-unanswered.pcap").toString();
        assertThat(Cli.run("connections", "--format", "csv", unanswered).out().lines().skip(1)
                .map(l -> String.join(",", java.util.Arrays.copyOfRange(l.split(","), 4, 7)))).containsExactly(
                "1,SYN_SENT,CLOSED");
        assertThat(Cli.run("connections", "--format", "csv", "--syn-sent-timeout", "2", unanswered).out().lines()
                .skip(1).map(l -> String.join(",", java.util.Arrays.copyOfRange(l.split(","), 4, 7))))
                .containsExactly("1,CLOSED,CLOSED", "2,SYN_SENT,CLOSED");
    }

    @Test
    void badConfigIsOneLineAndExitCode2() throws IOException {
        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, "msl: 30\nmsll: 2\n");
        Cli r = Cli.run("connections", "--config", bad.toString(), Repo.sample("ipv6.pcap").toString());
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("tcpstate: --config " + bad + ": unknown setting 'msll'; the settings are msl,"
                + " fin_wait_2_timeout, syn_sent_timeout, syn_received_timeout, checksums, syn_flood_min_rate,"
                + " syn_flood_min_half_open, max_tracked_keys, max_connections\n");
        Files.writeString(bad, "checksums: maybe\n");
        r = Cli.run("config", "--show", "--config", bad.toString());
        assertThat(r.err()).isEqualTo("tcpstate: checksums (config file " + bad + "): 'maybe' is none of auto,"
                + " verify, ignore\n");
        r = Cli.run("anomalies", "--msl", "0", Repo.sample("ipv6.pcap").toString());
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).isEqualTo("tcpstate: msl (--msl): '0' must be a number above 0 and at most 31536000\n");
        r = Cli.run("connections", "--syn-received-timeout", "-1", Repo.sample("ipv6.pcap").toString());
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).isEqualTo("tcpstate: syn_received_timeout (--syn-received-timeout): '-1' must be a number"
                + " above 0 and at most 31536000\n");
        r = Cli.run("config", "--show", "--config", tmp.resolve("none.yaml").toString());
        assertThat(r.err()).isEqualTo("tcpstate: --config " + tmp.resolve("none.yaml") + ": no such file\n");
    }

    @Test
    void aDurationUnderANanosecond_isAUsageError_notAnInternalOne() {
        Cli r = Cli.run("connections", "--msl", "0.0000000001", Repo.sample("ipv6.pcap").toString());
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("tcpstate: msl (--msl): '0.0000000001' is less than a nanosecond, the finest"
                + " step of capture time\n");
        r = Cli.run("analyze", "--syn-sent-timeout", "1e-12", Repo.sample("ipv6.pcap").toString());
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).isEqualTo("tcpstate: syn_sent_timeout (--syn-sent-timeout): '1e-12' is less than a"
                + " nanosecond, the finest step of capture time\n");
        // a nanosecond is the least
        assertThat(Cli.run("connections", "--fin-wait-2-timeout", "0.000000001", Repo.sample("ipv6.pcap").toString())
                .exitCode()).isZero();
    }

    @Test
    void numbersOnTheCommandLine_areCheckedLikeThoseOfAConfigFile_andQuotedAsTyped() {
        String sample = Repo.sample("ipv6.pcap").toString();
        Cli r = Cli.run("connections", "--msl", "abc", sample);
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).isEqualTo("tcpstate: msl (--msl): 'abc' must be a number above 0 and at most 31536000\n");
        r = Cli.run("connections", "--max-connections", "99999999999", sample);
        assertThat(r.err()).isEqualTo("tcpstate: max_connections (--max-connections): '99999999999' must be a number"
                + " above 0 and at most 2147483647\n");
        r = Cli.run("anomalies", "--syn-flood-half-open", "6.5", sample);
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).isEqualTo("tcpstate: syn_flood_min_half_open (--syn-flood-half-open): '6.5' must be a"
                + " whole number\n");
        assertThat(Cli.run("config", "--show", "--msl", "0.5", "--max-tracked-keys", "64.0").out())
                .contains("msl                      0.5        command line\n")
                .contains("max_tracked_keys         64.0       command line\n");
    }

    @Test
    void theFloodThresholds_areNamedByTheirOptions_inErrors() {
        Cli r = Cli.run("anomalies", "--syn-flood-rate", "-5", Repo.sample("ipv6.pcap").toString());
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).isEqualTo("tcpstate: syn_flood_min_rate (--syn-flood-rate): '-5' must be a number above 0\n");
        r = Cli.run("anomalies", "--syn-flood-half-open", "0", Repo.sample("ipv6.pcap").toString());
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).isEqualTo("tcpstate: syn_flood_min_half_open (--syn-flood-half-open): '0' must be a number"
                + " above 0 and at most 2147483647\n");
    }
}
