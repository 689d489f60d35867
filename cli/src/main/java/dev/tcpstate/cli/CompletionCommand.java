package dev.tcpstate.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code tcpstate completion}: a bash and zsh completion script for every command and option. */
@Command(name = "completion",
        description = {"Prints a completion script for bash and zsh: commands, options and option values.",
                "bash: source it from ~/.bashrc. zsh: run 'autoload -U +X bashcompinit && bashcompinit' first."},
        mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n",
        footer = {"  tcpstate completion > /etc/bash_completion.d/tcpstate",
                "  source <(tcpstate completion)                                  # bash",
                "  autoload -U +X bashcompinit && bashcompinit; source <(tcpstate completion)   # zsh"})
final class CompletionCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(AutoComplete.bash("tcpstate", spec.root().commandLine()));
        spec.commandLine().getOut().flush();
        return ExitCode.OK;
    }
}
