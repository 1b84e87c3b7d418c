package dev.ferry.cli;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where log lines go, configured once before the first logger exists (SLF4J simple reads its settings
 * at its first use; later calls change nothing). {@code FERRY_LOG_LEVEL} overrides the level.
 */
public final class LogSetup {
    private static final String PREFIX = "org.slf4j.simpleLogger.";

    private LogSetup() {}

    /** The server: INFO lines to standard error and appended to {@code logFile}. */
    public static void toStderrAndFile(Path logFile) {
        OutputStream file = open(logFile);
        PrintStream original = System.err;
        System.setErr(new PrintStream(new Tee(original, file), true, StandardCharsets.UTF_8));
        configure("System.err", "info");
    }

    /** In-process commands with a home to keep: INFO lines appended to {@code logFile} only. */
    public static void toFile(Path logFile) {
        try {
            Files.createDirectories(logFile.getParent());
        } catch (IOException e) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "Cannot create the log directory %s; check the permissions of Ferry's home".formatted(logFile.getParent()), e);
        }
        configure(logFile.toString(), "info");
    }

    /** Client commands and throw-away homes: warnings and errors on standard error. */
    public static void warningsToStderr() {
        configure("System.err", "warn");
    }

    private static void configure(String target, String level) {
        String override = System.getenv("FERRY_LOG_LEVEL");
        setDefault(PREFIX + "logFile", target);
        setDefault(PREFIX + "defaultLogLevel", override != null && !override.isBlank() ? override : level);
        setDefault(PREFIX + "showDateTime", "true");
        setDefault(PREFIX + "dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        setDefault(PREFIX + "showThreadName", "false");
        setDefault(PREFIX + "showShortLogName", "true");
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    private static OutputStream open(Path logFile) {
        try {
            Files.createDirectories(logFile.getParent());
            return Files.newOutputStream(logFile, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "Cannot write the log file %s; check the permissions of Ferry's home".formatted(logFile), e);
        }
    }

    /** Writes every byte to both streams. */
    private static final class Tee extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        Tee(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            first.write(bytes, offset, length);
            second.write(bytes, offset, length);
        }

        @Override
        public void flush() throws IOException {
            first.flush();
            second.flush();
        }
    }
}
