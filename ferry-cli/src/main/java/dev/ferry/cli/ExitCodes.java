package dev.ferry.cli;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * The one place that turns a failure into a message and an exit code: 0 success, 1 the operation
 * failed, 2 usage or input error. A {@link FerryException} exits with its code's
 * {@link ErrorCode#exitCode()}; anything else is an internal error (exit 1), with the stack trace
 * printed when {@code FERRY_DEBUG} is set.
 */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    private ExitCodes() {}

    /** Prints what went wrong on {@code err} and returns the exit code. Usage errors are rethrown for picocli. */
    public static int report(Exception failure, PrintWriter err) {
        if (failure instanceof CommandLine.ParameterException usage) {
            throw usage;
        }
        if (failure instanceof FerryException e) {
            err.println("Error: " + e.getMessage());
            err.flush();
            return e.code().exitCode();
        }
        if (failure instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            err.println("Error: interrupted");
            err.flush();
            return FAILED;
        }
        err.println("Error: internal error (%s); set FERRY_DEBUG=1 to see the stack trace and report it"
                .formatted(failure.getClass().getSimpleName()));
        if (System.getenv("FERRY_DEBUG") != null) {
            failure.printStackTrace(err);
        }
        err.flush();
        return ErrorCode.INTERNAL.exitCode();
    }

    /** For picocli: exceptions escaping a command that is not a {@link FerryCall}. */
    public static final class Handler implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine commandLine, CommandLine.ParseResult parseResult) {
            return report(ex, commandLine.getErr());
        }
    }
}
