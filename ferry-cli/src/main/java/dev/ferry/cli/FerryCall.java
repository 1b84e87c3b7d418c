package dev.ferry.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Base of every runnable command: output goes to the command line's writers (so tests can capture
 * it), and failures go through {@link ExitCodes}, the one mapping to exit codes.
 */
public abstract class FerryCall implements Callable<Integer> {
    @Spec
    protected CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit")
    boolean help;

    @Override
    public final Integer call() {
        try {
            return run();
        } catch (Exception e) {
            return ExitCodes.report(e, err());
        }
    }

    /** Does the work and returns the exit code. */
    protected abstract int run() throws Exception;

    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    protected PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
