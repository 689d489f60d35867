package dev.tcpstate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * {@code --max-tracked-keys}: when a bounded aggregate table is full, the longest idle keys make room for new ones,
 * and the report says so. The SYN flood sample has 259 connections from 257 sources to one listening port: with one
 * key a table, and so 8 source/target pairs that sent one SYN, from the ninth pair on every second new pair pushes
 * out the two whose SYNs came first (250 in all), and the second pair to send a second SYN pushes the first out of
 * the scan table proper. The soonest a pair left was 13.297 ms after its SYN (a replay of the capture's SYNs through
 * the same rules gives the same figures).
 */
class TrackedKeysTest {
    private static final String FLOOD = Repo.sample("syn-flood.pcap").toString();
    private static final String SCAN_NOTE = "syn_scan: the table of source/target pairs was full (limit 1, and 8"
            + " pairs that have sent one SYN; --max-tracked-keys): 252 left it early, the longest idle first, none idle"
            + " less than 0.013297 s, so a syn_scan whose SYNs from one source to one target come further apart than"
            + " that may be missed";

    @Test
    void analyzeSaysWhenATableWasFull() {
        Cli full = Cli.run("analyze", "--max-tracked-keys", "1", FLOOD);
        assertThat(full.exitCode()).isZero();
        assertThat(full.err()).isEmpty();
        assertThat(full.out()).contains("read whole      yes\ntables full     " + SCAN_NOTE + "\n\n");
        // the listener is one key: the flood is still found
        assertThat(full.out()).contains("ERROR    syn_flood                                1\n");

        Cli roomy = Cli.run("analyze", FLOOD);
        assertThat(roomy.out()).doesNotContain("tables full").contains("read whole      yes\n\n");
    }

    @Test
    void liveSaysItInItsSummaryToo() {
        Cli live = Cli.run("live", "--replay", FLOOD, "--max-tracked-keys", "1");
        assertThat(live.exitCode()).as(live.err()).isZero();
        assertThat(live.out()).contains("\ntables full     " + SCAN_NOTE + "\n");
        assertThat(Cli.run("live", "--replay", FLOOD).out()).doesNotContain("tables full");
    }

    @Test
    void analyzeJsonCountsEveryTable() throws Exception {
        JsonNode full = Json.mapper().readTree(Cli.run("analyze", "--format", "json", "--max-tracked-keys", "1",
                FLOOD).out());
        assertThat(full.get("dropped_early").toString())
                .isEqualTo("{\"syn_flood\":0,\"syn_scan\":252,\"synack_backscatter\":0}");
        JsonNode idle = full.get("dropped_early_min_idle_seconds");
        assertThat(idle.get("syn_scan").asDouble()).isEqualTo(0.013297);
        assertThat(idle.get("syn_flood").isNull()).isTrue();
        assertThat(idle.get("synack_backscatter").isNull()).isTrue();
        assertThat(full.get("not_counted").toString())
                .isEqualTo("{\"syn_flood\":0,\"syn_scan\":0,\"synack_backscatter\":0}");
        assertThat(full.get("max_tracked_keys").asInt()).isEqualTo(1);
        assertThat(full.get("max_one_syn_pairs").asInt()).isEqualTo(8);

        JsonNode roomy = Json.mapper().readTree(Cli.run("analyze", "--format", "json", FLOOD).out());
        assertThat(roomy.get("dropped_early").toString())
                .isEqualTo("{\"syn_flood\":0,\"syn_scan\":0,\"synack_backscatter\":0}");
        assertThat(roomy.get("dropped_early_min_idle_seconds").toString())
                .isEqualTo("{\"syn_flood\":null,\"syn_scan\":null,\"synack_backscatter\":null}");
        assertThat(roomy.get("not_counted").toString())
                .isEqualTo("{\"syn_flood\":0,\"syn_scan\":0,\"synack_backscatter\":0}");
        assertThat(roomy.get("max_tracked_keys").asInt()).isEqualTo(200_000);
        assertThat(roomy.get("max_one_syn_pairs").asInt()).isEqualTo(1_600_000);
        // 8 times the largest limit does not fit an int: the table of one-SYN pairs stops at the largest one
        JsonNode largest = Json.mapper().readTree(Cli.run("analyze", "--format", "json", "--max-tracked-keys",
                "2147483647", FLOOD).out());
        assertThat(largest.get("max_one_syn_pairs").asLong()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void anomaliesAndCheckNoteItOnStandardError() {
        Cli roomy = Cli.run("anomalies", FLOOD);
        assertThat(roomy.err()).isEmpty();
        Cli full = Cli.run("anomalies", "--max-tracked-keys", "1", FLOOD);
        assertThat(full.exitCode()).isZero();
        assertThat(full.out()).isEqualTo(roomy.out());
        assertThat(full.err()).isEqualTo("tcpstate: note: " + SCAN_NOTE + "\n");

        Cli check = Cli.run("check", "--max-tracked-keys", "1", FLOOD);
        assertThat(check.err()).startsWith("tcpstate: note: " + SCAN_NOTE + "\n");
        // each capture on its own: the note names the one whose table was full
        String other = Repo.sample("many-short-connections.pcap").toString();
        Cli perFile = Cli.run("check", "--per-file", "--max-tracked-keys", "1", FLOOD, other);
        assertThat(perFile.err()).startsWith("tcpstate: note: " + FLOOD + ": " + SCAN_NOTE + "\n")
                .doesNotContain(other + ": syn_scan");
    }

    @Test
    void theLimitIsASettingLikeTheOthers() {
        assertThat(Cli.run("config", "--show", "--max-tracked-keys", "5000").out())
                .contains("max_tracked_keys         5000       command line\n");
        Cli zero = Cli.run("anomalies", "--max-tracked-keys", "0", FLOOD);
        assertThat(zero.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(zero.err()).isEqualTo("tcpstate: max_tracked_keys (--max-tracked-keys): '0' must be a number above"
                + " 0 and at most 2147483647\n");
    }
}
