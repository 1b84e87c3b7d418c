package dev.ferry.cli;

import picocli.CommandLine;

/** The {@code ferry} executable. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        TrainingClasses.loadIfTraining();
        int exitCode = new CommandLine(new FerryCommand())
                .setExecutionExceptionHandler(new ExitCodes.Handler())
                .execute(args);
        System.exit(exitCode);
    }
}
