package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class LogSetupTest {
    @TempDir
    Path home;

    @AfterEach
    void restore() {
        LogSetup.warningsToStderr();
    }

    @Test
    void theServerLogGoesToAFileThatRollsOverWithABoundedTotal() throws Exception {
        Path file = home.resolve("logs").resolve("server.log");
        LogSetup.toFile(file);

        LoggerFactory.getLogger("dev.ferry.test").atInfo().addKeyValue("job", "j1").log("hello log");
        LoggerFactory.getLogger("dev.ferry.test").debug("not at INFO");

        var context = (LoggerContext) LoggerFactory.getILoggerFactory();
        var appender = (RollingFileAppender<?>) context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("file");
        var policy = (SizeAndTimeBasedRollingPolicy<?>) appender.getRollingPolicy();
        assertThat(policy.getFileNamePattern()).endsWith("server.%d{yyyy-MM-dd}.%i.log.gz");
        assertThat(policy.getMaxHistory()).isEqualTo(LogSetup.MAX_HISTORY_DAYS);
        String text = Files.readString(file);
        assertThat(text).contains("INFO").contains("job=j1 hello log").doesNotContain("not at INFO");
        assertThat(dev.ferry.store.secret.PrivateFiles.permissions(file.getParent())).isEqualTo("rwx------");
        assertThat(dev.ferry.store.secret.PrivateFiles.permissions(file)).isEqualTo("rw-------");
    }

    @Test
    void aLogOutsideFerrysOwnLogsDirectoryLeavesThatDirectoryAlone() throws Exception {
        Path shared = home.resolve("shared");
        Files.createDirectories(shared);
        java.nio.file.Files.setPosixFilePermissions(shared, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        Path neighbour = Files.writeString(shared.resolve("someone-elses.txt"), "x");
        java.nio.file.Files.setPosixFilePermissions(neighbour, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Path file = Files.writeString(shared.resolve("ferry-migrate-1.log"), "");

        LogSetup.toFile(file);

        assertThat(dev.ferry.store.secret.PrivateFiles.permissions(shared)).isEqualTo("rwxrwxrwx");
        assertThat(dev.ferry.store.secret.PrivateFiles.permissions(neighbour)).isEqualTo("rw-r--r--");
        assertThat(dev.ferry.store.secret.PrivateFiles.permissions(file)).isEqualTo("rw-------");
    }
}
