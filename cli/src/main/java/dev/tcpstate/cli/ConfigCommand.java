package dev.tcpstate.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code tcpstate config --show}: the effective analysis settings and where each comes from. */
@Command(name = "config",
        description = "Shows the analysis settings the analysing commands would use with the same options: each"
                + " value and its source (default, config file, or command line).",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        footerHeading = "%nExamples:%n",
        footer = {"  tcpstate config --show",
                "  tcpstate config --show --config tcpstate.yaml --msl 120"})
final class ConfigCommand implements Callable<Integer> {

    @Option(names = "--show", description = "Print every setting's effective value and its source.")
    boolean show;

    @Mixin
    SettingsOptions settings;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (!show) {
            throw new CommandLine.ParameterException(spec.commandLine(), "config needs --show");
        }
        PrintWriter out = spec.commandLine().getOut();
        for (Map.Entry<String, SettingsOptions.Value> e : settings.effective().entrySet()) {
            out.printf("%-24s %-10s %s%n", e.getKey(), e.getValue().value(), e.getValue().source());
        }
        out.flush();
        return ExitCode.OK;
    }
}
