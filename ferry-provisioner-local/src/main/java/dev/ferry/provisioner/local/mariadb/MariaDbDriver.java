package dev.ferry.provisioner.local.mariadb;

import dev.ferry.core.Dialect;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.Secret;
import dev.ferry.core.model.EngineKind;
import dev.ferry.provisioner.local.instance.InstanceRecord;
import dev.ferry.provisioner.local.instance.Readiness;
import dev.ferry.provisioner.local.instance.ServerDriver;
import dev.ferry.provisioner.local.process.Command;
import dev.ferry.provisioner.local.process.CommandResult;
import dev.ferry.provisioner.local.process.Processes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs MariaDB servers: {@code mariadb-install-db}, then {@code mariadbd} as a child process in its own
 * session (so it outlives Ferry), output appended to the server log. The root password is set over the
 * Unix socket with the {@code mariadb} client, the statements fed on standard input and kept out of the
 * binary log. Stopping sends SIGTERM and waits.
 */
public final class MariaDbDriver implements ServerDriver {
    public static final String OS_USER = "mysql";
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration STOP_POLL = Duration.ofMillis(50);
    private static final Logger log = LoggerFactory.getLogger(MariaDbDriver.class);

    private final Readiness readiness;

    public MariaDbDriver(Readiness readiness) {
        this.readiness = readiness;
    }

    @Override
    public EngineKind engine() {
        return EngineKind.MYSQL;
    }

    @Override
    public String osUser() {
        return OS_USER;
    }

    @Override
    public Path binaries(String version) {
        return MariaDbBinaries.server(version);
    }

    @Override
    public void checkFlags(Map<String, String> flags) {
        MariaDbOptions.check(flags);
    }

    @Override
    public String create(InstanceRecord instance, Secret password) {
        var argv = new ArrayList<>(List.of(MariaDbBinaries.installTool().toString(), "--no-defaults",
                "--datadir=" + instance.dataDir(), "--tmpdir=" + instance.runDir(),
                "--auth-root-authentication-method=normal", "--skip-test-db"));
        if (instance.runAs().switchesUser()) {
            argv.add("--user=" + instance.osUser());
        }
        CommandResult install = Command.run("mariadb-install-db", argv, null, INSTALL_TIMEOUT);
        if (!install.succeeded()) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "mariadb-install-db failed for instance %s (exit %d); check the data directory %s. Last lines:%n%s"
                            .formatted(instance.name(), install.exitCode(), instance.dataDir(), install.tail(15)));
        }
        String version = start(instance);
        setRootPassword(instance, password);
        return version;
    }

    @Override
    public String start(InstanceRecord instance) {
        Path logFile = instance.logFile();
        Process process;
        try {
            if (!Files.exists(logFile)) {
                Files.createFile(logFile);
            }
            instance.runAs().own(logFile);
            var command = new ArrayList<>(List.of("setsid"));
            command.addAll(MariaDbOptions.serverArgs(instance));
            process = new ProcessBuilder(command)
                    .directory(Path.of("/").toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "Could not start %s for instance %s; check that it is installed and %s is writable"
                            .formatted(instance.binaries(), instance.name(), logFile), e);
        }
        var version = new AtomicReference<String>();
        readiness.await(instance, () -> {
            Optional<String> answered = HandshakeProbe.version(instance.port());
            answered.ifPresent(version::set);
            return answered.isPresent();
        }, process::isAlive);
        return version.get();
    }

    @Override
    public void stop(InstanceRecord instance) {
        Optional<ProcessHandle> server = serverProcess(instance);
        if (server.isEmpty()) {
            return;
        }
        ProcessHandle handle = server.get();
        handle.destroy();
        if (!exits(handle, readiness.timeout())) {
            log.atWarn().addKeyValue("instance", instance.name()).addKeyValue("pid", handle.pid())
                    .log("server did not stop after SIGTERM in time; killing it, InnoDB recovers at next start");
            handle.destroyForcibly();
            if (!exits(handle, Duration.ofSeconds(30))) {
                throw Readiness.failure(instance, "could not be stopped (pid %d)".formatted(handle.pid()));
            }
        }
    }

    /**
     * Polls, since {@link ProcessHandle#onExit()} backs off to seconds for a process that is not our child
     * (a server started by an earlier Ferry process).
     */
    private static boolean exits(ProcessHandle handle, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (Processes.alive(handle)) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            try {
                Thread.sleep(STOP_POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FerryException(ErrorCode.CANCELLED, "Stopped while waiting for a MariaDB server to stop", e);
            }
        }
        return true;
    }

    @Override
    public boolean running(InstanceRecord instance) {
        return serverProcess(instance).isPresent();
    }

    private static Optional<ProcessHandle> serverProcess(InstanceRecord instance) {
        Path pidFile = MariaDbOptions.pidFile(instance);
        try {
            if (!Files.isRegularFile(pidFile)) {
                return Optional.empty();
            }
            String pid = Files.readString(pidFile, StandardCharsets.UTF_8).strip();
            if (!pid.matches("\\d{1,10}")) {
                return Optional.empty();
            }
            return Processes.running(Long.parseLong(pid), "mariadbd", "mysqld");
        } catch (IOException e) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "Could not read %s of instance %s; check its permissions".formatted(pidFile, instance.name()), e);
        }
    }

    private static void setRootPassword(InstanceRecord instance, Secret password) {
        String secret = Dialect.MYSQL.literal(password.reveal());
        String sql = """
                SET sql_log_bin = 0;
                ALTER USER 'root'@'localhost' IDENTIFIED BY %1$s;
                CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY %1$s;
                ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY %1$s;
                GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
                DELETE FROM mysql.global_priv WHERE User = '' OR (User = 'root' AND Host NOT IN ('localhost', '127.0.0.1'));
                FLUSH PRIVILEGES;
                """.formatted(secret);
        var argv = List.of(MariaDbBinaries.client().toString(), "--no-defaults", "--protocol=SOCKET",
                "--socket=" + MariaDbOptions.socket(instance), "--user=root", "--batch");
        CommandResult result = Command.run("mariadb", argv, sql, Duration.ofSeconds(60));
        if (!result.succeeded()) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "Could not set the root password of instance %s (mariadb exit %d): %s".formatted(instance.name(),
                            result.exitCode(), result.tail(5).replace(password.reveal(), "***").replace(secret, "***")));
        }
    }
}
