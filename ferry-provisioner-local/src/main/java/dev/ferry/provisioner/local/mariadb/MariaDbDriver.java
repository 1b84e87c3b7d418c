package dev.ferry.provisioner.local.mariadb;

import dev.ferry.core.Dialect;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.Secret;
import dev.ferry.core.model.EngineKind;
import dev.ferry.core.process.ChildEnvironment;
import dev.ferry.core.process.PrivateDirectory;
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
 * Runs MariaDB servers, the machine's or a release's base directory ({@link MariaDbReleases}, run with
 * {@code --basedir}): {@code mariadb-install-db}, which sets the root password during its bootstrap, then
 * {@code mariadbd} as a child process in its own session (so it outlives Ferry) with a minimal environment,
 * output appended to the server log. Stopping sends SIGTERM and waits.
 */
public final class MariaDbDriver implements ServerDriver {
    public static final String OS_USER = "mysql";
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration STOP_POLL = Duration.ofMillis(50);
    private static final Logger log = LoggerFactory.getLogger(MariaDbDriver.class);

    private final Readiness readiness;
    private final MariaDbReleases releases;

    public MariaDbDriver(Readiness readiness, MariaDbReleases releases) {
        this.readiness = readiness;
        this.releases = releases;
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
        return MariaDbBinaries.server(version, releases);
    }

    @Override
    public void checkFlags(Map<String, String> flags) {
        MariaDbOptions.check(flags);
    }

    @Override
    public Path tlsDirectory(InstanceRecord instance) {
        return MariaDbOptions.tlsDirectory(instance);
    }

    /**
     * Runs {@code mariadb-install-db}, which bootstraps the system tables with a server that has no network and
     * no socket; the statements that give root its password run in that same bootstrap ({@code --extra-file},
     * written owner-only and deleted at once), so root never exists without it once a server listens.
     */
    @Override
    public void initialize(InstanceRecord instance, Secret password) {
        try (PrivateDirectory work = PrivateDirectory.create()) {
            Path rootSql = work.write("root.sql", rootPasswordSql(password));
            Optional<Path> base = MariaDbBinaries.baseDirOf(instance.binaries());
            Path tool = base.flatMap(MariaDbBinaries::baseInstallTool).orElseGet(MariaDbBinaries::installTool);
            var argv = new ArrayList<>(List.of(tool.toString(), "--no-defaults"));
            base.ifPresent(dir -> argv.add("--basedir=" + dir));
            argv.addAll(List.of("--datadir=" + instance.dataDir(), "--tmpdir=" + instance.runDir(),
                    "--auth-root-authentication-method=normal", "--skip-test-db",
                    "--extra-file=" + rootSql));
            if (instance.runAs().switchesUser()) {
                argv.add("--user=" + instance.osUser());
            }
            CommandResult install = Command.run("mariadb-install-db", argv, null, INSTALL_TIMEOUT);
            if (!install.succeeded()) {
                String tail = install.tail(15).replace(password.reveal(), "***");
                throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                        "mariadb-install-db failed for instance %s (exit %d); check the data directory %s. Last lines:%n%s"
                                .formatted(instance.name(), install.exitCode(), instance.dataDir(), tail));
            }
        }
    }

    /**
     * What the bootstrap runs after the system tables: only root at localhost (socket) and 127.0.0.1 (TCP, as
     * the server skips name resolution) stay, both with the password; anonymous users go. Plain DML on the
     * grant table, as a bootstrap does not load grants (ALTER USER is refused there).
     */
    static String rootPasswordSql(Secret password) {
        String secret = Dialect.MYSQL.literal(password.reveal());
        return """
                DELETE FROM mysql.global_priv WHERE User = '' OR (User = 'root' AND Host NOT IN ('localhost', '127.0.0.1'));
                UPDATE mysql.global_priv SET Priv = JSON_SET(Priv, '$.plugin', 'mysql_native_password',
                    '$.authentication_string', PASSWORD(%s), '$.password_last_changed', UNIX_TIMESTAMP())
                    WHERE User = 'root';
                """.formatted(secret);
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
            var builder = new ProcessBuilder(command);
            ChildEnvironment.applyTo(builder.environment(), instance.runAs().home());
            process = builder
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
}
