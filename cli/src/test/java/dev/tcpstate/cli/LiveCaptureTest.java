package dev.tcpstate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tcpstate.parsers.live.LiveCapture;
import dev.tcpstate.parsers.live.LiveCaptureException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tcpstate live} on the loopback interface, with a filter on this test's own ports, while the test opens and
 * closes real sockets. Needs root and libpcap: skipped (never failed) without them.
 */
@Timeout(90)
class LiveCaptureTest {
    private static final InetAddress LO = InetAddress.getLoopbackAddress();

    @TempDir
    Path dir;

    static boolean isRoot() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /** libpcap is loadable and lists the loopback interface; skips otherwise. */
    static void assumeLibpcap() {
        try {
            assumeTrue(LiveCapture.listInterfaces().stream().anyMatch(i -> i.name().equals("lo")),
                    "no loopback interface 'lo' to capture on: live capture tests skipped");
        } catch (LiveCaptureException e) {
            assumeTrue(false, "live capture tests skipped: " + e.getMessage());
        } catch (Throwable e) {
            assumeTrue(false, "live capture tests skipped: libpcap unusable: " + e);
        }
    }

    static void assumeCanCapture() {
        assumeTrue(isRoot(), "live capture tests need root (CI runs as root): skipped");
        assumeLibpcap();
    }

    // ------------------------------------------------------------------------------------------- the scenarios

    /** The four closes on four listening ports of this test: client first, server first, refused, abortive. */
    static final class Scenarios implements AutoCloseable {
        final ServerSocket clientFirst = listen();
        final ServerSocket serverFirst = listen();
        final int refused = unusedPort();
        final ServerSocket abortive = listen();

        String filter() {
            return "tcp and (port " + clientFirst.getLocalPort() + " or port " + serverFirst.getLocalPort()
                    + " or port " + refused + " or port " + abortive.getLocalPort() + ")";
        }

        void run() throws IOException {
            // Client-first close: the client ends up in TIME_WAIT, the server CLOSED.
            try (Socket c = connect(clientFirst); Socket s = clientFirst.accept()) {
                s.setSoTimeout(5000);
                c.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
                assertThat(s.getInputStream().readNBytes(5)).hasSize(5);
                c.close();
                assertThat(s.getInputStream().read()).isEqualTo(-1);
            }
            // Server-first close: the server ends up in TIME_WAIT.
            try (Socket c = connect(serverFirst); Socket s = serverFirst.accept()) {
                s.close();
                assertThat(c.getInputStream().read()).isEqualTo(-1);
            }
            // Refused: nothing listens.
            try (Socket c = new Socket()) {
                c.connect(new InetSocketAddress(LO, refused), 5000);
                fail("connected to port " + refused + ", which should have no listener");
            } catch (ConnectException expected) {
                // RST answered the SYN
            }
            // Abortive close: SO_LINGER 0 makes close() send a RST.
            try (Socket c = connect(abortive); Socket s = abortive.accept()) {
                s.setSoTimeout(5000);
                c.setSoLinger(true, 0);
                c.close();
                try {
                    s.getInputStream().read();
                } catch (SocketException reset) {
                    // connection reset
                }
            }
        }

        static ServerSocket listen() {
            try {
                ServerSocket s = new ServerSocket();
                s.bind(new InetSocketAddress(LO, 0));
                s.setSoTimeout(5000);
                return s;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        static int unusedPort() {
            try (ServerSocket s = listen()) {
                return s.getLocalPort();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        static Socket connect(ServerSocket to) throws IOException {
            Socket c = new Socket();
            c.connect(to.getLocalSocketAddress(), 5000);
            c.setSoTimeout(5000);
            return c;
        }

        /** Expected final states (originator/responder) by responder port. */
        Map<Integer, String> expectedStates() {
            Map<Integer, String> m = new TreeMap<>();
            m.put(clientFirst.getLocalPort(), "TIME_WAIT/CLOSED");
            m.put(serverFirst.getLocalPort(), "CLOSED/TIME_WAIT");
            m.put(refused, "CLOSED/CLOSED");
            m.put(abortive.getLocalPort(), "CLOSED/CLOSED");
            return m;
        }

        @Override
        public void close() throws IOException {
            clientFirst.close();
            serverFirst.close();
            abortive.close();
        }
    }

    /** A writer that keeps everything and notes when a piece of text first appears. */
    static final class Watch extends Writer {
        private final StringBuffer text = new StringBuffer();
        private final String awaited;
        final CountDownLatch seen = new CountDownLatch(1);
        volatile long seenAtNanos;

        Watch(String awaited) {
            this.awaited = awaited;
        }

        @Override
        public void write(char[] c, int off, int len) {
            text.append(c, off, len);
            if (seen.getCount() > 0 && awaited != null && text.indexOf(awaited) >= 0) {
                seenAtNanos = System.nanoTime();
                seen.countDown();
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }

    record Run(int exitCode, String out, String err) {
    }

    /** Starts {@code tcpstate live} in-process; returns once it is capturing. */
    static CompletableFuture<Run> startInProcess(Watch out, String... args) throws InterruptedException {
        Watch err = new Watch("capturing on");
        CompletableFuture<Run> run = CompletableFuture.supplyAsync(() -> {
            int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
            return new Run(code, out.toString(), err.toString());
        });
        while (!err.seen.await(50, TimeUnit.MILLISECONDS)) {
            if (run.isDone()) {
                fail("tcpstate live ended before capturing: " + run.join());
            }
        }
        return run;
    }

    static List<JsonNode> jsonLines(String text) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                out.add(Json.mapper().readTree(line));
            }
        }
        return out;
    }

    /** "code resp_port" for each anomaly record. */
    static List<String> codesAndPorts(List<JsonNode> anomalies) {
        return anomalies.stream().map(a -> a.get("code").asText() + " " + a.get("resp_port").asInt()).sorted().toList();
    }

    /** What {@code tcpstate analyze} finds in a capture file written by {@code -w}. */
    static JsonNode replay(Path pcap) throws IOException {
        Cli r = Cli.run("analyze", "--checksums", "ignore", "--format", "json", pcap.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        return Json.mapper().readTree(r.out());
    }

    static Map<String, Long> statePairs(Map<Integer, String> byPort) {
        Map<String, Long> m = new TreeMap<>();
        byPort.values().forEach(s -> m.merge(s, 1L, Long::sum));
        return m;
    }

    static Map<String, Long> statePairs(JsonNode analyze) {
        Map<String, Long> m = new TreeMap<>();
        analyze.get("state_pairs").fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asLong()));
        return m;
    }

    // ------------------------------------------------------------------------------------------------ the tests

    @Test
    void inProcess_fourCloses_finalStatesAnomaliesAndReplay() throws Exception {
        assumeCanCapture();
        Path pcap = dir.resolve("live.pcap");
        Path conns = dir.resolve("connections.jsonl");
        try (Scenarios s = new Scenarios()) {
            Watch out = new Watch(null);
            CompletableFuture<Run> run = startInProcess(out, "live", "-i", "lo", "-f", s.filter(), "--duration", "3",
                    "--format", "jsonl", "-w", pcap.toString(), "--connections", conns.toString(), "--status",
                    "--status-interval", "1");
            s.run();
            Run r = run.get(30, TimeUnit.SECONDS);
            assertThat(r.exitCode()).as(r.err()).isZero();

            List<JsonNode> anomalies = jsonLines(r.out());
            assertThat(codesAndPorts(anomalies)).containsExactly(
                    "abortive_close " + s.abortive.getLocalPort(), "connection_refused " + s.refused);
            assertThat(anomalies).allSatisfy(a -> assertThat(a.get("schema_version").asInt()).isEqualTo(1));

            Map<Integer, String> finalStates = new TreeMap<>();
            for (JsonNode c : jsonLines(Files.readString(conns))) {
                finalStates.put(c.get("resp_port").asInt(),
                        c.get("orig_state").asText() + "/" + c.get("resp_state").asText());
            }
            assertThat(finalStates).isEqualTo(s.expectedStates());

            // The summary (on standard error with --format jsonl) and the status lines.
            assertThat(r.err()).contains("Connections by final state", "TIME_WAIT/CLOSED", "CLOSED/TIME_WAIT",
                    "connections     4", "anomalies       2", "kernel drops");

            // The -w file replays to the same result.
            JsonNode replay = replay(pcap);
            assertThat(statePairs(replay)).isEqualTo(statePairs(finalStates));
            List<JsonNode> replayed = new ArrayList<>();
            replay.get("anomalies").forEach(replayed::add);
            assertThat(codesAndPorts(replayed)).isEqualTo(codesAndPorts(anomalies));
            assertThat(replayed.stream().map(a -> a.get("packet").asLong()).sorted().toList())
                    .isEqualTo(anomalies.stream().map(a -> a.get("packet").asLong()).sorted().toList());
        }
    }

    @Test
    void orphanedFinWait2_reportedOnWallClockWhileTheInterfaceIsQuiet() throws Exception {
        assumeCanCapture();
        try (ServerSocket l = Scenarios.listen()) {
            Watch out = new Watch("orphaned_fin_wait_2");
            CompletableFuture<Run> run = startInProcess(out, "live", "-i", "lo", "-f", "tcp port " + l.getLocalPort(),
                    "--duration", "4", "--fin-wait-2-timeout", "1");
            Socket server;
            try (Socket c = Scenarios.connect(l)) {
                server = l.accept();
                c.close(); // FIN, ACKed by the server, which never closes: the client waits in FIN_WAIT_2
            }
            long closedAt = System.nanoTime();
            try {
                Run r = run.get(30, TimeUnit.SECONDS);
                long endedAt = System.nanoTime();
                assertThat(r.exitCode()).as(r.err()).isZero();
                assertThat(r.out()).contains("orphaned_fin_wait_2");
                assertThat(out.seen.getCount()).isZero();
                // Reported about one second after the close, long before capturing stopped, with no packet since.
                assertThat(out.seenAtNanos - closedAt).isLessThan(TimeUnit.MILLISECONDS.toNanos(2500));
                assertThat(endedAt - out.seenAtNanos).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(1000));
                assertThat(r.out()).contains("CLOSED/CLOSE_WAIT");
            } finally {
                server.close();
            }
        }
    }

    @Test
    void process_sigtermLeavesCompleteOutputsAndPolicyExitCode() throws Exception {
        assumeCanCapture();
        Path pcap = dir.resolve("term.pcap");
        Path conns = dir.resolve("connections.csv");
        Path outFile = dir.resolve("out.jsonl");
        Path errFile = dir.resolve("err.txt");
        try (Scenarios s = new Scenarios()) {
            Process p = javaProcess(List.of(), "live", "-i", "lo", "-f", s.filter(), "--format", "jsonl",
                    "-w", pcap.toString(), "--connections", conns.toString(), "--fail-on", "abortive_close")
                    .redirectOutput(outFile.toFile()).redirectError(errFile.toFile()).start();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!Files.readString(errFile).contains("capturing on")) {
                    assertThat(p.isAlive()).as("tcpstate live ended early: %s", Files.readString(errFile)).isTrue();
                    assertThat(System.nanoTime()).as("tcpstate live did not start capturing").isLessThan(deadline);
                    Thread.sleep(50);
                }
                s.run();
                Thread.sleep(500);
                p.destroy(); // SIGTERM
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("tcpstate live stopped after SIGTERM").isTrue();
            } finally {
                p.destroyForcibly();
            }
            String err = Files.readString(errFile);
            assertThat(p.exitValue()).as(err).isEqualTo(ExitCode.POLICY_VIOLATED);
            assertThat(err).contains("policy violated: 1 anomaly matched --fail-on abortive_close",
                    "Connections by final state").doesNotContain("Exception");

            List<JsonNode> anomalies = jsonLines(Files.readString(outFile));
            assertThat(codesAndPorts(anomalies)).containsExactly(
                    "abortive_close " + s.abortive.getLocalPort(), "connection_refused " + s.refused);

            List<String> csv = Files.readAllLines(conns);
            assertThat(csv).hasSize(5);
            assertThat(csv.get(0)).startsWith("orig_addr,orig_port,resp_addr,resp_port");

            JsonNode replay = replay(pcap);
            assertThat(statePairs(replay)).isEqualTo(statePairs(s.expectedStates()));
            assertThat(replay.get("read_whole").asBoolean()).isTrue();
            if (onPath("tcpdump")) {
                Process t = new ProcessBuilder("tcpdump", "-nr", pcap.toString()).redirectErrorStream(true).start();
                String text = new String(t.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(t.waitFor()).as(text).isZero();
                assertThat(text).contains("Flags [R.]", "Flags [S]", "Flags [F.]");
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ errors

    @Test
    void noSuchInterface_oneLineListingTheAvailableOnes() {
        assumeLibpcap();
        Cli r = Cli.run("live", "-i", "tcpstate-nope0");
        assertThat(r.exitCode()).isEqualTo(ExitCode.CAPTURE_UNREADABLE);
        assertThat(r.err().strip()).startsWith("tcpstate: no such interface: 'tcpstate-nope0'; available: ")
                .contains("lo").doesNotContain("\n").doesNotContain("Exception");
    }

    @Test
    void badFilter_libpcapsMessage_usageExit() {
        assumeCanCapture();
        Cli r = Cli.run("live", "-i", "lo", "-f", "tcp port nonsense-port");
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err().strip()).startsWith("tcpstate: filter 'tcp port nonsense-port' does not compile: ")
                .contains("nonsense-port").doesNotContain("\n");
    }

    @Test
    void libpcapMissing_saysWhichPackageToInstall() throws Exception {
        Process p = javaProcess(List.of("-Dorg.pcap4j.core.pcapLibName=/nonexistent/libpcap-for-test.so"),
                "interfaces").redirectErrorStream(false).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(err).isEqualTo(ExitCode.CAPTURE_UNREADABLE);
        assertThat(out).isEmpty();
        assertThat(err.strip()).startsWith("tcpstate: libpcap could not be loaded").contains("apt-get install libpcap0.8")
                .doesNotContain("\n");
    }

    @Test
    void notPermitted_saysRunAsRootOrSetcap() throws Exception {
        assumeCanCapture();
        assumeTrue(onPath("setpriv"), "setpriv (util-linux) not installed: skipped");
        // The unprivileged user needs a copy of the classpath it can read.
        Path cp = dir.resolve("cp");
        Files.createDirectories(cp);
        List<String> entries = new ArrayList<>();
        int n = 0;
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path src = Path.of(e);
            if (!Files.exists(src) || src.toString().contains("test-classes")) {
                continue;
            }
            Path dst = cp.resolve((n++) + "-" + src.getFileName());
            copy(src, dst);
            entries.add(dst.toString());
        }
        openUp(dir);
        Process p = new ProcessBuilder(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                javaBin(), "-cp", String.join(java.io.File.pathSeparator, entries), Main.class.getName(),
                "live", "-i", "lo", "--duration", "1")).start();
        p.getOutputStream().close();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(err).isEqualTo(ExitCode.CAPTURE_UNREADABLE);
        assertThat(err.strip()).startsWith("tcpstate: not permitted to capture on lo").contains("run as root",
                "setcap cap_net_raw,cap_net_admin=eip").doesNotContain("\n");
    }

    @Test
    void interfaces_listsLoopbackWithItsAddress() throws Exception {
        assumeLibpcap();
        Cli r = Cli.run("interfaces");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("(?m)^lo +up, loopback +127\\.0\\.0\\.1");
        Cli j = Cli.run("interfaces", "--format", "jsonl");
        Map<String, JsonNode> byName = new HashMap<>();
        jsonLines(j.out()).forEach(i -> byName.put(i.get("name").asText(), i));
        assertThat(byName).containsKey("lo");
        assertThat(byName.get("lo").get("loopback").asBoolean()).isTrue();
        assertThat(byName.get("lo").get("addresses").toString()).contains("127.0.0.1");
    }

    // ------------------------------------------------------------------------------------------------ helpers

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static ProcessBuilder javaProcess(List<String> jvmArgs, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBin());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    static boolean onPath(String program) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", program)) || Files.isExecutable(Path.of("/sbin", program));
    }

    private static void copy(Path src, Path dst) throws IOException {
        if (Files.isDirectory(src)) {
            try (Stream<Path> walk = Files.walk(src)) {
                for (Path p : (Iterable<Path>) walk::iterator) {
                    Path to = dst.resolve(src.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(p, to);
                    }
                }
            }
        } else {
            try (InputStream in = Files.newInputStream(src)) {
                Files.copy(in, dst);
            }
        }
    }

    /** World-readable files and traversable directories under {@code root}. */
    private static void openUp(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
                        Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }
}
