package dev.tcpstate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Captures of the public corpus where a sender's checksums are partly good and partly left as checksum offload leaves
 * them (the pseudo-header sum in the field), and captures with checksums that are wrong otherwise: what {@code info}
 * counts, and which segments the default policy reports as {@code bad_checksum} and {@code --checksums verify} too.
 */
class ChecksumOffloadCorpusTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            // capture, bad checksums, of them offload pattern, bad_checksum packets under auto
            "zeek_nflog-http.pcap, 7, 7, ''",
            "sv_community-id-ipv6.pcap, 42, 42, ''",
            "sv_bug-7657-01.pcap, 7, 7, ''",
            "zeek_chksums_localhost-bad-chksum.pcap, 6, 6, ''",
            // packet 8, a large send with IPv4 total length 0: the pseudo-header sum without the TCP length
            "zeek_ldap_missing_krbtgt_ldap_request.pcapng, 14, 14, ''",
            // packet 19: 0x1a7f where 0x1a7e is right, one bit off; no offload pattern
            "tcpreplay_test.pcap, 2, 1, 19",
            // every segment of both hosts wrong by the same constant (as are the IPv4 header checksums): rewritten
            // addresses, taken as offload because no host ever sent a good checksum
            "zeek_mixed-vlan-mpls.pcap, 22, 0, ''",
            // 0x9999 in the field of the only segment
            "zeek_tcp_syn-bad.pcap, 1, 0, ''",
    })
    void autoReportsOnlyBadChecksumsThatAreNotOffload(String file, long bad, long offload, String reported)
            throws IOException {
        Path corpus = Repo.corpus();
        assumeTrue(corpus != null, "../shared/corpus not found beside the repository");
        String capture = corpus.resolve(file).toString();

        JsonNode info = JSON.readTree(Cli.run("info", "--format", "json", capture).out());
        assertThat(info.get("bad_checksums").asLong()).isEqualTo(bad);
        assertThat(info.get("bad_checksums_offload_pattern").asLong()).isEqualTo(offload);

        List<Long> expected = new ArrayList<>();
        for (String n : reported.isEmpty() ? new String[0] : reported.split(" ")) {
            expected.add(Long.parseLong(n));
        }
        assertThat(badChecksumPackets(Cli.run("anomalies", "--format", "jsonl", capture).out()))
                .as("bad_checksum under auto").isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"zeek_nflog-http.pcap", "sv_community-id-ipv6.pcap", "tcpreplay_test.pcap"})
    void verifyReportsOffloadPatternToo(String file) throws IOException {
        Path corpus = Repo.corpus();
        assumeTrue(corpus != null, "../shared/corpus not found beside the repository");
        String capture = corpus.resolve(file).toString();
        assertThat(badChecksumPackets(Cli.run("anomalies", "--format", "jsonl", "--checksums", "verify", capture)
                .out())).isNotEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"zeek_nflog-http.pcap"})
    void infoSaysHowManyLookLikeOffload(String file) {
        Path corpus = Repo.corpus();
        assumeTrue(corpus != null, "../shared/corpus not found beside the repository");
        assertThat(Cli.run("info", corpus.resolve(file).toString()).out())
                .contains("bad checksums   7 (7 of them like checksum offload; verified 13, not verifiable 0)");
    }

    private static List<Long> badChecksumPackets(String jsonl) throws IOException {
        List<Long> packets = new ArrayList<>();
        for (String line : jsonl.lines().toList()) {
            JsonNode a = JSON.readTree(line);
            if (a.get("code").asText().equals("bad_checksum")) {
                a.get("packets").forEach(p -> packets.add(p.asLong()));
            }
        }
        return packets;
    }
}
