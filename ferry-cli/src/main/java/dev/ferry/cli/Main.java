package dev.ferry.cli;

/** The {@code ferry} executable. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        TrainingClasses.loadIfTraining();
        int exitCode = FerryCommand.commandLine(args)
                .setExecutionExceptionHandler(new ExitCodes.Handler())
                .execute(args);
        System.exit(exitCode);
    }
}
