package dev.tcpstate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Results that cannot all be written: a full disk is an error that names the output (exit code 2, not a silent
 * success); a reader that leaves a pipe ({@code tcpstate ... | head}) took what it wanted, so nothing is said.
 */
class WriteFailureTest {
    private static final String SAMPLE = Repo.sample("syn-flood.pcap").toString();

    /** Runs the command line with standard output going to {@code stdout}, as the launcher's would. */
    private static Cli run(OutputStream stdout, String... args) {
        StringWriter err = new StringWriter();
        PrintWriter out = new StreamPrintWriter(stdout, "standard output", 1 << 16);
        int code = Main.run(out, new PrintWriter(err), args);
        return new Cli(code, "", err.toString());
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void aFullDisk_isAnErrorNamingTheOutput() throws IOException {
        Cli file = Cli.run("connections", "--format", "csv", "-o", "/dev/full", SAMPLE);
        assertThat(file.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(file.err()).isEqualTo("tcpstate: --output /dev/full: write failed: No space left on device; the"
                + " results written are incomplete\n");
        for (String command : new String[] {"connections", "analyze", "anomalies", "info"}) {
            try (FileOutputStream full = new FileOutputStream("/dev/full")) {
                Cli r = run(full, command, SAMPLE);
                assertThat(r.exitCode()).as(command).isEqualTo(ExitCode.USAGE);
                assertThat(r.err()).as(command).isEqualTo("tcpstate: standard output: write failed: No space left"
                        + " on device; the results written are incomplete\n");
            }
        }
    }

    @Test
    void aReaderThatLeftThePipe_endsTheRunQuietly() {
        OutputStream closedPipe = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        for (String command : new String[] {"connections", "analyze", "anomalies"}) {
            Cli r = run(closedPipe, command, "--format", command.equals("analyze") ? "json" : "jsonl", SAMPLE);
            assertThat(r.exitCode()).as(command).isEqualTo(ExitCode.OK);
            assertThat(r.err()).as(command).isEmpty();
        }
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void aFailureOfAnEarlierRunInTheSameJvm_isForgotten(@org.junit.jupiter.api.io.TempDir Path dir)
            throws IOException {
        Cli failed = Cli.run("connections", "--format", "csv", "-o", "/dev/full", SAMPLE);
        assertThat(failed.exitCode()).isEqualTo(ExitCode.USAGE);
        Path ok = dir.resolve("c.csv");
        Cli next = Cli.run("connections", "-o", ok.toString(), SAMPLE);
        assertThat(next.exitCode()).isZero();
        assertThat(next.err()).isEmpty();
        assertThat(Files.readAllLines(ok)).hasSize(260);
    }
}
