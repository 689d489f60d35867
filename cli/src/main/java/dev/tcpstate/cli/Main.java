package dev.tcpstate.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.io.OutputStreamWriter;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code tcpstate} command. */
@Command(name = "tcpstate",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Replays the TCP state machine of both endpoints of every connection in a packet capture.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:analysis done",
                "1:a check's policy was violated",
                "2:usage error (bad option or argument)",
                "3:a capture could not be read, whole or in part",
                "4:internal error"},
        footerHeading = "%nExamples:%n",
        footer = {"  tcpstate info capture.pcap", "  tcpstate analyze capture.pcap", "  tcpstate connections capture.pcap",
                "  tcpstate anomalies --min-severity warning capture.pcap",
                "  tcpstate timeline capture.pcap --conn 10.0.0.1:40000-10.0.0.2:80",
                "  tcpstate check --fail-on-severity warning --junit report.xml capture.pcap",
                "  tcpstate analyze capture.pcap --connections conns.csv --anomalies anomalies.jsonl",
                "  source <(tcpstate completion)",
                "  tcpdump -i eth0 -w - -U | tcpstate connections -",
                "  tcpstate live -i eth0 -f 'tcp port 443'"})
public final class Main implements Runnable {
    /**
     * The subcommands, in the order help lists them. They are added when the command line is built, not declared on
     * the annotation: a run that names its subcommand first builds only that one's model (picocli reflects over every
     * declared subcommand's options up front, a tenth of a second of start-up for all of them).
     */
    private static final Map<String, Class<?>> COMMANDS = new LinkedHashMap<>();

    static {
        for (Class<?> c : List.of(InfoCommand.class, AnalyzeCommand.class, ConnectionsCommand.class,
                AnomaliesCommand.class, TimelineCommand.class, CheckCommand.class, ConfigCommand.class,
                CompletionCommand.class, LiveCommand.class, InterfacesCommand.class, CommandLine.HelpCommand.class)) {
            COMMANDS.put(c.getAnnotation(Command.class).name(), c);
        }
    }

    @Option(names = "--stacktrace", scope = ScopeType.INHERIT,
            description = "Print the stack trace of an error, not only its one-line message.")
    boolean stacktrace;

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT,
            description = "No progress bar (it is shown only when standard error is a terminal).")
    boolean quiet;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (see 'tcpstate --help')");
    }

    public static void main(String[] args) {
        PrintWriter out = new StreamPrintWriter(new FileOutputStream(FileDescriptor.out), "standard output", 1 << 16);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        Progress.terminal = Progress.stderrIsTerminal();
        int code = run(out, err, args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs the command line with the given streams; returns the exit code. Nothing calls System.exit. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        StreamPrintWriter.clearFailures();
        Main main = new Main();
        CommandLine cmd = new CommandLine(main);
        Class<?> only = COMMANDS.get(firstWord(args));
        if (only != null && only != CompletionCommand.class && only != CommandLine.HelpCommand.class) {
            cmd.addSubcommand(only);
        } else {
            // help, completion and errors (e.g. "did you mean") need every subcommand
            COMMANDS.values().forEach(cmd::addSubcommand);
        }
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setExitCodeExceptionMapper(t -> t instanceof CommandLine.ParameterException ? ExitCode.USAGE : ExitCode.INTERNAL);
        cmd.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("tcpstate: " + ex.getMessage());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
            return ExitCode.USAGE;
        });
        cmd.setExecutionExceptionHandler((ex, c, parseResult) -> {
            if (ex instanceof CliException ce) {
                c.getErr().println("tcpstate: " + ce.getMessage());
                if (main.stacktrace) {
                    ex.printStackTrace(c.getErr());
                }
                return ce.exitCode();
            }
            c.getErr().println("tcpstate: internal error: " + ex
                    + (main.stacktrace ? "" : " (run with --stacktrace for details)"));
            if (main.stacktrace) {
                ex.printStackTrace(c.getErr());
            }
            return ExitCode.INTERNAL;
        });
        cmd.setExecutionStrategy(parseResult -> {
            Progress.quiet = main.quiet;
            standardInputOnce(parseResult);
            return new CommandLine.RunLast().execute(parseResult);
        });
        int code;
        try {
            code = cmd.execute(args);
        } catch (OutOfMemoryError e) {
            // By now the analysis that filled the heap is unreachable, so there is room to say what to do.
            err.println("tcpstate: out of memory (the JVM's largest heap is "
                    + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB): lower --max-connections or"
                    + " --max-tracked-keys, or give the JVM a larger heap (TCPSTATE_JAVA_OPTS=-Xmx...)"
                    + (main.stacktrace ? "" : " (run with --stacktrace for details)"));
            if (main.stacktrace) {
                e.printStackTrace(err);
            }
            code = ExitCode.INTERNAL;
        }
        out.flush();
        StreamPrintWriter.Failure failed = StreamPrintWriter.firstFailure();
        if (failed != null && !(failed.brokenPipe() && failed.output().equals("standard output"))) {
            // A reader that left a pipe took what it wanted; any other failure lost results someone expected.
            err.println("tcpstate: " + failed.output() + ": write failed: " + failed.cause().getMessage()
                    + "; the results written are incomplete");
            if (code == ExitCode.OK) {
                code = ExitCode.USAGE;
            }
        }
        err.flush();
        return code;
    }

    /** '-' among a command's captures more than once would read standard input twice: a usage error. */
    private static void standardInputOnce(CommandLine.ParseResult parseResult) {
        CommandLine.ParseResult last = parseResult;
        while (last.hasSubcommand()) {
            last = last.subcommand();
        }
        for (CommandLine.Model.PositionalParamSpec p : last.matchedPositionals()) {
            if ("CAPTURE".equals(p.paramLabel()) && p.stringValues().stream().filter("-"::equals).count() > 1) {
                throw new CommandLine.ParameterException(last.commandSpec().commandLine(),
                        "'-' (standard input) can be given once among the captures");
            }
        }
    }

    /** The first argument that is not an option (the global options take no value), or null. */
    private static String firstWord(String[] args) {
        for (String a : args) {
            if (!a.startsWith("-")) {
                return a;
            }
        }
        return null;
    }
}
