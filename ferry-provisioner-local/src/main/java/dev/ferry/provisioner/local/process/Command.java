package dev.ferry.provisioner.local.process;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.process.ChildEnvironment;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * Runs one command to completion, its standard output and error merged into a temporary file (not a
 * pipe, so a daemon the command leaves behind cannot hold our reader open). The working directory is
 * {@code /}, which every user may enter; the environment is minimal ({@link ChildEnvironment}), so a server
 * the command starts ({@code pg_ctl start}) inherits none of Ferry's secrets.
 */
public final class Command {
    private Command() {}

    /**
     * Runs {@code argv}, feeding {@code stdin} when not null, and returns its exit code and output.
     * {@code label} names the program in error messages (such as {@code initdb}).
     */
    public static CommandResult run(String label, List<String> argv, String stdin, Duration timeout) {
        Path output = null;
        try {
            output = Files.createTempFile("ferry-command-", ".out");
            var builder = new ProcessBuilder(argv)
                    .directory(Path.of("/").toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            // A command run as another user (runuser) gets that user's HOME from runuser itself.
            ChildEnvironment.applyTo(builder.environment(), null);
            if (stdin == null) {
                builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            }
            Process process = builder.start();
            if (stdin != null) {
                try (OutputStream in = process.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new FerryException(ErrorCode.UNAVAILABLE,
                        "%s did not finish within %d s; check the machine's load and the server log"
                                .formatted(label, timeout.toSeconds()));
            }
            return new CommandResult(argv, process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "Could not run %s; check that it is installed and executable".formatted(label), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FerryException(ErrorCode.CANCELLED, "Stopped while running " + label, e);
        } finally {
            deleteQuietly(output);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // Only a temporary file of command output is left behind.
            LoggerFactory.getLogger(Command.class).atDebug().addKeyValue("file", file).setCause(e)
                    .log("could not delete command output file; it stays in the temporary directory");
        }
    }
}
