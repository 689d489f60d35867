package dev.tcpstate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * {@code --max-connections}: the connection table is bounded, and every command says when connections left it early.
 * The SYN flood sample opens 259 connections in 1.6 s, 256 of them never completed: with room for 100, a tenth of
 * the table leaves each time it is full, and the listener's retransmitted SYN-ACKs to connections that left start
 * new, partial ones (515 in all, 420 of them leaving early).
 */
class MaxConnectionsTest {
    private static final String FLOOD = Repo.sample("syn-flood.pcap").toString();
    private static final String NOTE = "the connection table was full (limit 100; --max-connections): 420"
            + " connections left it early, the least recently active first, as they stood";

    @Test
    void analyzeSaysHowManyLeftEarly() throws Exception {
        Cli full = Cli.run("analyze", "--max-connections", "100", FLOOD);
        assertThat(full.exitCode()).isZero();
        assertThat(full.err()).isEmpty();
        assertThat(full.out()).contains("connections     515\n").contains("read whole      yes\ntables full     " + NOTE
                + "\n\n");
        assertThat(Cli.run("analyze", FLOOD).out()).contains("connections     259\n").doesNotContain("tables full");

        JsonNode json = Json.mapper().readTree(Cli.run("analyze", "--format", "json", "--max-connections", "100",
                FLOOD).out());
        assertThat(json.get("connections").asLong()).isEqualTo(515);
        assertThat(json.get("evicted_connections").asLong()).isEqualTo(420);
        assertThat(json.get("max_connections").asInt()).isEqualTo(100);
        JsonNode roomy = Json.mapper().readTree(Cli.run("analyze", "--format", "json", FLOOD).out());
        assertThat(roomy.get("evicted_connections").asLong()).isZero();
        assertThat(roomy.get("max_connections").asInt()).isEqualTo(SettingsOptions.defaultMaxConnections());
    }

    @Test
    void connectionsAnomaliesAndCheckNoteItOnStandardError() {
        Cli connections = Cli.run("connections", "--format", "jsonl", "--max-connections", "100", FLOOD);
        assertThat(connections.exitCode()).isZero();
        assertThat(connections.out().lines()).hasSize(515);
        assertThat(connections.err()).isEqualTo("tcpstate: note: " + NOTE + "\n");
        assertThat(Cli.run("connections", "--format", "jsonl", FLOOD).err()).isEmpty();

        assertThat(Cli.run("anomalies", "--max-connections", "100", FLOOD).err())
                .isEqualTo("tcpstate: note: " + NOTE + "\n");
        String other = Repo.sample("many-short-connections.pcap").toString();
        Cli perFile = Cli.run("check", "--per-file", "--max-connections", "100", FLOOD, other);
        assertThat(perFile.err()).isEqualTo("tcpstate: note: " + FLOOD + ": " + NOTE + "\n");
    }

    @Test
    void liveCountsThemInItsSummary() {
        Cli live = Cli.run("live", "--replay", FLOOD, "--max-connections", "100");
        assertThat(live.exitCode()).as(live.err()).isZero();
        assertThat(live.out()).contains("\nconnections     515\n").contains("\ntables full     " + NOTE + "\n");
        assertThat(live.err()).contains("tcpstate: warning: more than 100 live connections; the least recently active"
                + " leave the table early (--max-connections)\n");
    }

    @Test
    void theLimitIsASettingLikeTheOthers() {
        assertThat(Cli.run("config", "--show", "--max-connections", "5000").out())
                .contains("max_connections          5000       command line\n");
        Cli zero = Cli.run("connections", "--max-connections", "0", FLOOD);
        assertThat(zero.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(zero.out()).isEmpty();
        assertThat(zero.err()).isEqualTo("tcpstate: max_connections (--max-connections): '0' must be a number above 0"
                + " and at most 2147483647\n");
    }
}
