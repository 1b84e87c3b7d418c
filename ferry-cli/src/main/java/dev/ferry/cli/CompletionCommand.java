package dev.ferry.cli;

import java.util.Locale;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "completion",
        description = {"Print the shell completion script of ferry for bash or zsh (commands, subcommands and options).",
                "bash: source <(ferry completion bash)   (or save it under /etc/bash_completion.d/ferry)",
                "zsh:  source <(ferry completion zsh)    (in ~/.zshrc; it enables bash completion in zsh)"})
public final class CompletionCommand extends FerryCall {
    @Parameters(index = "0", paramLabel = "SHELL", description = "bash or zsh")
    String shell;

    @Override
    protected int run() {
        String wanted = shell.toLowerCase(Locale.ROOT);
        if (!wanted.equals("bash") && !wanted.equals("zsh")) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "'%s' is not a shell Ferry completes; use bash or zsh".formatted(shell));
        }
        // picocli's script serves both: under zsh it loads zsh's bash completion first
        out().print(AutoComplete.bash("ferry", spec.root().commandLine()));
        out().flush();
        return ExitCodes.OK;
    }
}
