package dev.ferry.provisioner.local.postgres;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.Secret;
import dev.ferry.core.model.EngineKind;
import dev.ferry.provisioner.local.instance.InstanceRecord;
import dev.ferry.provisioner.local.instance.Readiness;
import dev.ferry.provisioner.local.instance.ServerDriver;
import dev.ferry.provisioner.local.process.Command;
import dev.ferry.provisioner.local.process.CommandResult;
import dev.ferry.provisioner.local.process.LogTail;
import dev.ferry.provisioner.local.process.Processes;
import dev.ferry.provisioner.local.process.RunAs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Runs PostgreSQL clusters with {@code initdb} and {@code pg_ctl}. The superuser {@code postgres} gets
 * its password through a temporary {@code --pwfile}, deleted right after initdb, before the server ever runs; pg_ctl daemonizes the
 * postmaster in its own session, so it outlives Ferry.
 */
public final class PostgresDriver implements ServerDriver {
    public static final String OS_USER = "postgres";
    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\)\\s+(\\S+)");
    private static final Duration INITDB_TIMEOUT = Duration.ofMinutes(3);

    private final PostgresBinaries binaries;
    private final Readiness readiness;
    private final Map<Path, String> versions = new ConcurrentHashMap<>();

    public PostgresDriver(PostgresBinaries binaries, Readiness readiness) {
        this.binaries = binaries;
        this.readiness = readiness;
    }

    @Override
    public EngineKind engine() {
        return EngineKind.POSTGRESQL;
    }

    @Override
    public String osUser() {
        return OS_USER;
    }

    @Override
    public Path binaries(String version) {
        return binaries.binDir(version);
    }

    @Override
    public void checkFlags(Map<String, String> flags) {
        PostgresConfig.check(flags);
    }

    @Override
    public Path tlsDirectory(InstanceRecord instance) {
        return instance.dataDir();
    }

    @Override
    public void initialize(InstanceRecord instance, Secret password) {
        RunAs runAs = instance.runAs();
        Path pwfile = null;
        try {
            // Next to the data directory, which the server's OS user can reach: the system's temporary directory
            // may be private to Ferry's own user (root's /tmp at mode 0700).
            pwfile = Files.createTempFile(instance.dataDir().toAbsolutePath().getParent(), ".initdb-", ".pw",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(pwfile, password.reveal() + "\n", StandardCharsets.UTF_8);
            runAs.own(pwfile);
            var argv = new ArrayList<>(List.of(
                    instance.binaries().resolve("initdb").toString(),
                    "--pgdata=" + instance.dataDir(),
                    "--username=postgres",
                    "--auth=scram-sha-256",
                    "--pwfile=" + pwfile,
                    "--encoding=UTF8",
                    "--locale=" + Locales.utf8OrC()));
            if ("off".equalsIgnoreCase(instance.flags().get("fsync"))) {
                argv.add("--no-sync");
            }
            CommandResult result = Command.run("initdb", runAs.wrap(argv), null, INITDB_TIMEOUT);
            if (!result.succeeded()) {
                throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                        "initdb failed for instance %s (exit %d); check the data directory %s. Last lines:%n%s"
                                .formatted(instance.name(), result.exitCode(), instance.dataDir(), result.tail(15)));
            }
        } catch (IOException e) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "Could not prepare initdb for instance %s; check that the directory of %s is writable"
                            .formatted(instance.name(), instance.dataDir()), e);
        } finally {
            deletePasswordFile(pwfile);
        }
        try {
            PostgresConfig.initialize(instance);
        } catch (IOException e) {
            throw configFailure(instance, e);
        }
    }

    @Override
    public String start(InstanceRecord instance) {
        try {
            PostgresConfig.writeSettings(instance);
        } catch (IOException e) {
            throw configFailure(instance, e);
        }
        var argv = List.of(pgCtl(instance), "start", "--pgdata=" + instance.dataDir(),
                "--log=" + instance.logFile(), "--wait", "--timeout=" + readiness.timeout().toSeconds(), "--silent");
        var command = new ArrayList<>(List.of("setsid", "--wait"));
        command.addAll(instance.runAs().wrap(argv));
        CommandResult result = Command.run("pg_ctl start", command, null, readiness.timeout().plusSeconds(30));
        if (!result.succeeded()) {
            throw Readiness.failure(instance, "did not start (pg_ctl exit %d: %s)"
                    .formatted(result.exitCode(), LogTail.lastLines(result.output(), 2)));
        }
        readiness.await(instance, () -> StartupProbe.accepts(instance.port()), () -> running(instance));
        return version(instance.binaries());
    }

    @Override
    public void stop(InstanceRecord instance) {
        var argv = List.of(pgCtl(instance), "stop", "--pgdata=" + instance.dataDir(), "--mode=fast", "--wait",
                "--timeout=" + readiness.timeout().toSeconds(), "--silent");
        CommandResult result =
                Command.run("pg_ctl stop", instance.runAs().wrap(argv), null, readiness.timeout().plusSeconds(30));
        if (!result.succeeded() && running(instance)) {
            throw Readiness.failure(instance, "did not stop (pg_ctl exit %d: %s)"
                    .formatted(result.exitCode(), LogTail.lastLines(result.output(), 2)));
        }
    }

    @Override
    public boolean running(InstanceRecord instance) {
        Path pidFile = instance.dataDir().resolve("postmaster.pid");
        try {
            if (!Files.isRegularFile(pidFile)) {
                return false;
            }
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
            if (lines.isEmpty() || !lines.getFirst().strip().matches("\\d{1,10}")) {
                return false;
            }
            return Processes.running(Long.parseLong(lines.getFirst().strip()), "postgres").isPresent();
        } catch (IOException e) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "Could not read %s of instance %s; check its permissions".formatted(pidFile, instance.name()), e);
        }
    }

    /** The version the binaries report, such as "15.20". */
    String version(Path binDir) {
        return versions.computeIfAbsent(binDir, dir -> {
            CommandResult result = Command.run("postgres --version",
                    List.of(dir.resolve("postgres").toString(), "--version"), null, Duration.ofSeconds(30));
            var matcher = VERSION.matcher(result.output());
            if (!result.succeeded() || !matcher.find()) {
                throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                        "%s/postgres --version did not report a version; check the installation: %s"
                                .formatted(dir, result.tail(3)));
            }
            return matcher.group(1);
        });
    }

    private static String pgCtl(InstanceRecord instance) {
        return instance.binaries().resolve("pg_ctl").toString();
    }

    private static FerryException configFailure(InstanceRecord instance, IOException e) {
        return new FerryException(ErrorCode.FAILED_PRECONDITION,
                "Could not write the configuration of instance %s in %s; check the directory's permissions"
                        .formatted(instance.name(), instance.dataDir()), e);
    }

    private static void deletePasswordFile(Path pwfile) {
        if (pwfile == null) {
            return;
        }
        try {
            Files.deleteIfExists(pwfile);
        } catch (IOException e) {
            throw new FerryException(ErrorCode.INTERNAL,
                    "Could not delete the temporary password file %s; delete it by hand".formatted(pwfile), e);
        }
    }
}
