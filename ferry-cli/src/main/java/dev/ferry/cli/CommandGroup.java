package dev.ferry.cli;

import picocli.CommandLine;

/** A command that only holds subcommands: run alone, it is a usage error listing them. */
public abstract class CommandGroup extends FerryCall {
    @Override
    protected int run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "Missing a subcommand; choose one of: " + String.join(", ", spec.subcommands().keySet()));
    }
}
