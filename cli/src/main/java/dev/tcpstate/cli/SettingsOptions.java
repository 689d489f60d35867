package dev.tcpstate.cli;

import dev.tcpstate.analyzer.AnalyzerSettings;
import dev.tcpstate.analyzer.ChecksumPolicy;
import dev.tcpstate.analyzer.anomaly.AnomalySettings;
import dev.tcpstate.parsers.decode.DecoderOptions;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The analysis settings every analysing command accepts. */
final class SettingsOptions {


    @Option(names = "--msl", paramLabel = "SECONDS",
            description = "Maximum segment lifetime; TIME_WAIT lasts 2*MSL. Default: 30 (TIME_WAIT 60 s, as Linux"
                    + " holds it; RFC 793 says 120).")
    Double mslSeconds;

    @Option(names = "--fin-wait-2-timeout", paramLabel = "SECONDS",
            description = "Time after which an endpoint left in FIN_WAIT_2 is taken as CLOSED. Default: 60"
                    + " (Linux net.ipv4.tcp_fin_timeout).")
    Double finWait2Seconds;

    @Option(names = "--checksums", defaultValue = "auto", paramLabel = "POLICY",
            description = "TCP checksums. auto: a bad checksum on every segment a host sends is checksum"
                    + " offload on the capturing host (the segment is applied); a bad checksum from a host that has"
                    + " sent good ones is corruption (the segment is dropped, as its receiver would, and reported)."
                    + " verify: every bad checksum is corruption. ignore: checksums are not looked at."
                    + " Default: ${DEFAULT-VALUE}.")
    ChecksumPolicy checksums;

    AnalyzerSettings analyzer() {
        AnalyzerSettings s = AnalyzerSettings.DEFAULTS;
        if (mslSeconds != null) {
            s = s.withMsl(seconds(mslSeconds, "--msl"));
        }
        if (finWait2Seconds != null) {
            s = s.withFinWait2Timeout(seconds(finWait2Seconds, "--fin-wait-2-timeout"));
        }
        return s.withChecksums(checksums);
    }

    /** Anomaly thresholds: the documented defaults; bad checksums are not reported when checksums are ignored. */
    AnomalySettings anomalies() {
        return AnomalySettings.DEFAULTS.withReportBadChecksums(checksums != ChecksumPolicy.IGNORE);
    }

    DecoderOptions decoder() {
        return DecoderOptions.defaults().withVerifyChecksums(checksums != ChecksumPolicy.IGNORE);
    }

    private static Duration seconds(double s, String option) {
        if (!(s > 0) || s > 86_400 * 365) {
            throw new IllegalArgumentException(option + " must be a positive number of seconds");
        }
        return Duration.ofNanos((long) (s * 1e9));
    }
}
