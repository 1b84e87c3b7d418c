package dev.ferry.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where log lines go, through Logback. Files roll over daily and at {@value #MAX_FILE_SIZE}, compressed,
 * keeping {@value #MAX_HISTORY_DAYS} days and at most {@value #TOTAL_SIZE_CAP} in all, so a long-running
 * server never fills its disk with logs. {@code FERRY_LOG_LEVEL} overrides the level. Until a command
 * calls one of these, {@code logback.xml} sends INFO lines to standard error.
 */
public final class LogSetup {
    static final String MAX_FILE_SIZE = "50MB";
    static final int MAX_HISTORY_DAYS = 14;
    static final String TOTAL_SIZE_CAP = "1GB";
    private static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0} - %kvp{NONE} %msg%n";

    private LogSetup() {}

    /** The server: INFO lines to standard error and to {@code logFile}, rolled over. */
    public static void toStderrAndFile(Path logFile) {
        configure(logFile, true, Level.INFO);
    }

    /** In-process commands with a home to keep: INFO lines to {@code logFile} only, rolled over. */
    public static void toFile(Path logFile) {
        configure(logFile, false, Level.INFO);
    }

    /** Client commands: warnings and errors on standard error. */
    public static void warningsToStderr() {
        configure(null, true, Level.WARN);
    }

    private static void configure(Path logFile, boolean stderr, Level level) {
        if (logFile != null) {
            try {
                Files.createDirectories(logFile.toAbsolutePath().getParent());
            } catch (IOException e) {
                throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                        "Cannot create the log directory %s; check the permissions of Ferry's home"
                                .formatted(logFile.toAbsolutePath().getParent()), e);
            }
        }
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return; // another SLF4J binding (a test classpath): leave it as it is
        }
        context.reset();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(level(level));
        if (stderr) {
            var console = new ConsoleAppender<ILoggingEvent>();
            console.setContext(context);
            console.setName("stderr");
            console.setTarget("System.err");
            console.setEncoder(encoder(context));
            console.start();
            root.addAppender(console);
        }
        if (logFile != null) {
            root.addAppender(rollingFile(context, logFile.toAbsolutePath()));
            restrict(logFile.toAbsolutePath());
        }
        // Drivers and pools are chatty at INFO; their warnings still show.
        context.getLogger("com.zaxxer.hikari").setLevel(Level.WARN);
        context.getLogger("org.flywaydb").setLevel(Level.WARN);
    }

    /**
     * Logback creates files with the process umask, and logs name hosts, users and jobs: the log file is made
     * owner-only, and so is its directory with the rolled files when it is Ferry's own {@code logs} directory.
     * A log kept elsewhere (a throw-away run's log in the temporary directory) leaves its directory alone:
     * that directory is not Ferry's.
     */
    private static void restrict(Path logFile) {
        Path dir = logFile.getParent();
        if (dir != null && dir.getFileName() != null && dir.getFileName().toString().equals("logs")) {
            dev.ferry.store.secret.PrivateFiles.restrictTree(dir);
        } else if (Files.exists(logFile)) {
            dev.ferry.store.secret.PrivateFiles.restrict(logFile, "rw-------");
        }
    }

    private static RollingFileAppender<ILoggingEvent> rollingFile(LoggerContext context, Path logFile) {
        var appender = new RollingFileAppender<ILoggingEvent>();
        appender.setContext(context);
        appender.setName("file");
        appender.setFile(logFile.toString());
        appender.setAppend(true);
        var policy = new SizeAndTimeBasedRollingPolicy<ILoggingEvent>();
        policy.setContext(context);
        policy.setParent(appender);
        String name = logFile.getFileName().toString();
        String stem = name.endsWith(".log") ? name.substring(0, name.length() - 4) : name;
        policy.setFileNamePattern(logFile.resolveSibling(stem + ".%d{yyyy-MM-dd}.%i.log.gz").toString());
        policy.setMaxFileSize(FileSize.valueOf(MAX_FILE_SIZE));
        policy.setMaxHistory(MAX_HISTORY_DAYS);
        policy.setTotalSizeCap(FileSize.valueOf(TOTAL_SIZE_CAP));
        policy.start();
        appender.setRollingPolicy(policy);
        appender.setEncoder(encoder(context));
        appender.start();
        return appender;
    }

    private static PatternLayoutEncoder encoder(LoggerContext context) {
        var encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        return encoder;
    }

    private static Level level(Level fallback) {
        String override = System.getenv("FERRY_LOG_LEVEL");
        return override == null || override.isBlank() ? fallback : Level.toLevel(override.trim(), fallback);
    }
}
