package dev.ferry.provisioner.local;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.Secret;
import dev.ferry.core.model.ConnectionProfile;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.EngineKind;
import dev.ferry.core.model.TlsMode;
import dev.ferry.core.model.TlsOptions;
import dev.ferry.core.spi.provision.Instance;
import dev.ferry.core.spi.provision.InstanceSpec;
import dev.ferry.core.spi.provision.InstanceStatus;
import dev.ferry.core.spi.provision.Provisioner;
import dev.ferry.provisioner.local.instance.InstanceRecord;
import dev.ferry.provisioner.local.instance.Readiness;
import dev.ferry.provisioner.local.instance.ServerDriver;
import dev.ferry.provisioner.local.mariadb.MariaDbDriver;
import dev.ferry.provisioner.local.mariadb.MariaDbReleases;
import dev.ferry.provisioner.local.postgres.PostgresBinaries;
import dev.ferry.provisioner.local.postgres.PostgresDriver;
import dev.ferry.provisioner.local.postgres.ZonkyBinaries;
import dev.ferry.provisioner.local.process.Ports;
import dev.ferry.provisioner.local.process.RunAs;
import dev.ferry.provisioner.local.tls.InstanceCa;
import dev.ferry.provisioner.local.tls.InstanceTls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code local} provisioner: PostgreSQL clusters and MariaDB servers as processes on this host,
 * one directory per instance under {@code home/instances/NAME}. Servers keep running after Ferry exits.
 * Thread-safe: operations on one instance are serialized, different instances proceed in parallel.
 */
public final class LocalProvisioner implements Provisioner {
    private static final Logger log = LoggerFactory.getLogger(LocalProvisioner.class);

    private final LocalSettings settings;
    private final Map<EngineKind, ServerDriver> drivers = new EnumMap<>(EngineKind.class);
    private final InstancePlacement placement;
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    private final PortReservations ports = new PortReservations();
    private final InstanceTls tls;

    public LocalProvisioner(LocalSettings settings) {
        this(settings, Clock.systemUTC());
    }

    public LocalProvisioner(LocalSettings settings, Clock clock) {
        this.settings = settings;
        this.placement = new InstancePlacement(settings.home());
        this.tls = new InstanceTls(new InstanceCa(settings.tlsDir()), clock);
        var readiness = new Readiness(clock, settings.startTimeout());
        var zonky = new ZonkyBinaries(settings.cacheDir(), settings.mavenRepository());
        drivers.put(EngineKind.POSTGRESQL,
                new PostgresDriver(new PostgresBinaries(Path.of("/usr/lib/postgresql"), zonky), readiness));
        drivers.put(EngineKind.MYSQL, new MariaDbDriver(readiness, new MariaDbReleases(settings.cacheDir(),
                MariaDbReleases.defaultLocalRepository(), settings.mavenRepository())));
    }

    public LocalSettings settings() {
        return settings;
    }

    @Override
    public void check(InstanceSpec spec) {
        drivers.get(spec.engine()).checkFlags(spec.flags());
        if (spec.rootPassword() != null && spec.rootPassword().reveal().isBlank()) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "The root password of instance %s is empty; give one or leave it unset for a generated one"
                            .formatted(spec.name()));
        }
    }

    @Override
    public Instance create(InstanceSpec spec) {
        check(spec);
        ServerDriver driver = drivers.get(spec.engine());
        return locked(spec.name(), () -> {
            Path dir = instanceDir(spec.name());
            if (Files.exists(dir)) {
                throw new FerryException(ErrorCode.ALREADY_EXISTS,
                        "Instance %s already exists in %s; delete it or choose another name".formatted(spec.name(), dir));
            }
            Path binaries = driver.binaries(spec.version());
            RunAs runAs = RunAs.forServer(driver.osUser());
            int port = ports.reserve(spec.port(), this::recordedPorts, settings.instancesDir());
            InstanceRecord record = null;
            try {
                Files.createDirectories(dir);
                var placed = placement.create(dir, spec.name(), runAs);
                record = new InstanceRecord(spec.name(), spec.engine(), binaries, port, spec.flags(), runAs.user(),
                        placed.dataDir(), placed.runDir(), null);
                record.store(dir);
                Secret password = spec.rootPassword() != null ? spec.rootPassword() : Passwords.generate();
                driver.initialize(record, password);
                secure(driver, record);
                record = record.withVersion(driver.start(record));
                record.store(dir);
                log.atInfo().addKeyValue("instance", spec.name()).addKeyValue("engine", spec.engine().id())
                        .addKeyValue("version", record.version()).addKeyValue("port", port)
                        .log("instance created and started");
                return describe(record, password, InstanceStatus.RUNNING);
            } catch (IOException | RuntimeException e) {
                Path keptLog = discardFailed(dir, record);
                if (e instanceof FerryException fe) {
                    throw keptLog == null ? fe : new FerryException(fe.code(),
                            fe.getMessage().replace(record.logFile().toString(), keptLog.toString()), fe.getCause());
                }
                throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                        "Could not create instance %s in %s; check that the directory is writable"
                                .formatted(spec.name(), dir), e);
            } finally {
                ports.release(port);
            }
        });
    }

    @Override
    public Instance start(String name) {
        return locked(name, () -> {
            InstanceRecord record = existing(name);
            ServerDriver driver = drivers.get(record.engine());
            if (!driver.running(record)) {
                requireData(record);
                Ports.requireFree(record.port());
                secure(driver, record);
                record = record.withVersion(driver.start(record));
                record.store(instanceDir(name));
                log.atInfo().addKeyValue("instance", name).addKeyValue("port", record.port()).log("instance started");
            }
            return describe(record, null, InstanceStatus.RUNNING);
        });
    }

    @Override
    public void stop(String name) {
        locked(name, () -> {
            InstanceRecord record = existing(name);
            ServerDriver driver = drivers.get(record.engine());
            if (driver.running(record)) {
                driver.stop(record);
                log.atInfo().addKeyValue("instance", name).log("instance stopped");
            }
            return null;
        });
    }

    @Override
    public Optional<Instance> status(String name) {
        ConnectionProfile.requireValidName(name, "instance");
        if (!Files.isRegularFile(instanceDir(name).resolve(InstanceRecord.FILE_NAME))) {
            return Optional.empty();
        }
        InstanceRecord record = InstanceRecord.load(instanceDir(name));
        return Optional.of(describe(record, null, statusOf(record)));
    }

    @Override
    public List<Instance> list() {
        Path root = settings.instancesDir();
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        var found = new ArrayList<Instance>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.sorted().toList()) {
                if (Files.isRegularFile(dir.resolve(InstanceRecord.FILE_NAME))) {
                    InstanceRecord record = InstanceRecord.load(dir);
                    found.add(describe(record, null, statusOf(record)));
                }
            }
        } catch (IOException e) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "Could not list instances in %s; check its permissions".formatted(root), e);
        }
        return found;
    }

    @Override
    public void delete(String name) {
        locked(name, () -> {
            InstanceRecord record = existing(name);
            ServerDriver driver = drivers.get(record.engine());
            if (Files.isDirectory(record.dataDir()) && driver.running(record)) {
                driver.stop(record);
            }
            try {
                placement.delete(instanceDir(name), record);
            } catch (IOException e) {
                throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                        "Instance %s is stopped but its files could not all be deleted; delete %s and %s by hand"
                                .formatted(name, instanceDir(name), record.dataDir()), e);
            }
            log.atInfo().addKeyValue("instance", name).log("instance deleted");
            return null;
        });
    }

    /** Gives the instance its TLS certificate (issued when missing or ending), unless the settings turn TLS off. */
    private void secure(ServerDriver driver, InstanceRecord record) {
        if (settings.tls()) {
            tls.ensure(driver.tlsDirectory(record), record.runAs(), record.name());
        }
    }

    /** The CA whose certificate every TLS instance of this provisioner presents a certificate from. */
    public InstanceCa certificateAuthority() {
        return tls.ca();
    }

    private InstanceStatus statusOf(InstanceRecord record) {
        if (!Files.isDirectory(record.dataDir())) {
            return InstanceStatus.MISSING;
        }
        return drivers.get(record.engine()).running(record) ? InstanceStatus.RUNNING : InstanceStatus.STOPPED;
    }

    /**
     * The instance and how to reach it: over TLS verified against Ferry's CA and the certificate's name
     * 127.0.0.1 when the instance has its certificate, else (TLS turned off in the settings) in plain text.
     */
    private Instance describe(InstanceRecord record, Secret password, InstanceStatus status) {
        boolean secured = Files.isDirectory(record.dataDir()) && InstanceTls.present(drivers.get(record.engine())
                .tlsDirectory(record));
        var endpoint = new DatabaseConnection(record.engine(), "127.0.0.1", record.port(),
                record.engine().defaultSuperuser(), password, null,
                secured ? TlsMode.VERIFY_FULL : TlsMode.DISABLE,
                secured ? new TlsOptions(tls.ca().certificate(), null, null, false) : null);
        return new Instance(record.name(), endpoint, record.version(), status, record.dataDir(), record.logFile());
    }

    private InstanceRecord existing(String name) {
        ConnectionProfile.requireValidName(name, "instance");
        Path dir = instanceDir(name);
        if (!Files.isRegularFile(dir.resolve(InstanceRecord.FILE_NAME))) {
            throw new FerryException(ErrorCode.NOT_FOUND,
                    "No instance %s in %s; list instances to see the names".formatted(name, settings.instancesDir()));
        }
        return InstanceRecord.load(dir);
    }

    private static void requireData(InstanceRecord record) {
        if (!Files.isDirectory(record.dataDir())) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "The data directory %s of instance %s is missing; restore it or delete the instance"
                            .formatted(record.dataDir(), record.name()));
        }
    }

    private Set<Integer> recordedPorts() {
        return list().stream().map(instance -> instance.endpoint().port()).collect(Collectors.toSet());
    }

    private Path instanceDir(String name) {
        return settings.instancesDir().resolve(name);
    }

    /** Stops and deletes a half-created instance, keeping its server log; returns where the log went, if kept. */
    private Path discardFailed(Path dir, InstanceRecord record) {
        Path keptLog = null;
        try {
            if (record != null && Files.isDirectory(record.dataDir()) && drivers.get(record.engine()).running(record)) {
                drivers.get(record.engine()).stop(record);
            }
            if (record != null && Files.isRegularFile(record.logFile())) {
                Path logs = Files.createDirectories(settings.home().resolve("logs"));
                keptLog = logs.resolve(record.name() + "-failed-create.log");
                Files.copy(record.logFile(), keptLog, StandardCopyOption.REPLACE_EXISTING);
            }
            placement.delete(dir, record);
        } catch (IOException | RuntimeException e) {
            log.atWarn().addKeyValue("instance", dir.getFileName()).setCause(e)
                    .log("could not clean up after a failed create; delete the instance directory by hand");
        }
        return keptLog;
    }

    private <T> T locked(String name, Supplier<T> action) {
        ReentrantLock lock = locks.computeIfAbsent(name, n -> new ReentrantLock());
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }
}
