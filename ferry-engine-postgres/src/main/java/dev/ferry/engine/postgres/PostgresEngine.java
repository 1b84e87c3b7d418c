package dev.ferry.engine.postgres;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.EngineKind;
import dev.ferry.core.model.Finding;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.DatabaseOwner;
import dev.ferry.core.spi.engine.Engine;
import dev.ferry.core.spi.engine.ReplicationObjects;
import dev.ferry.core.spi.engine.Replication;
import dev.ferry.core.spi.engine.ReplicationRequest;
import dev.ferry.core.spi.engine.ServerInfo;
import dev.ferry.core.spi.engine.SourceSnapshot;
import dev.ferry.engine.postgres.catalog.DatabaseLocale;
import dev.ferry.engine.postgres.catalog.ServerCatalog;
import dev.ferry.engine.postgres.catalog.UserObjects;
import dev.ferry.engine.postgres.cdc.PgReplication;
import dev.ferry.engine.postgres.cdc.QuietColumns;
import dev.ferry.engine.postgres.cdc.ReplicationCleanup;
import dev.ferry.engine.postgres.cdc.ReplicationFinisher;
import dev.ferry.engine.postgres.check.DestinationChecks;
import dev.ferry.engine.postgres.check.SourceChecks;
import dev.ferry.engine.postgres.compare.SchemaComparer;
import dev.ferry.engine.postgres.compare.SchemaReconciler;
import dev.ferry.engine.postgres.compare.TableComparer;
import dev.ferry.engine.postgres.connect.PgConnector;
import dev.ferry.engine.postgres.connect.PgErrors;
import dev.ferry.engine.postgres.connect.SessionSettings;
import dev.ferry.engine.postgres.database.DatabaseCleaner;
import dev.ferry.engine.postgres.database.DatabaseCreator;
import dev.ferry.engine.postgres.database.OwnershipMarker;
import dev.ferry.engine.postgres.schema.PgTools;
import dev.ferry.engine.postgres.snapshot.PgSourceSnapshot;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL engine. The maintenance database {@code postgres} and the templates are never listed
 * as databases to migrate: keep user data elsewhere, or name the database explicitly. Thread-safe;
 * holds no connections between calls.
 */
public final class PostgresEngine implements Engine {
    private static final Logger log = LoggerFactory.getLogger(PostgresEngine.class);

    private final Clock clock;
    private final Supplier<PgTools> tools;

    public PostgresEngine(Clock clock, Supplier<PgTools> tools) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.tools = Objects.requireNonNull(tools, "tools");
    }

    public PostgresEngine() {
        this(Clock.systemUTC(), PgTools::locate);
    }

    /** One classifier for every phase: {@link dev.ferry.engine.postgres.connect.PgFailures}. */
    @Override
    public dev.ferry.core.fault.FailureKind classify(Throwable failure) {
        return dev.ferry.engine.postgres.connect.PgFailures.classify(failure);
    }

    @Override
    public EngineKind kind() {
        return EngineKind.POSTGRESQL;
    }

    @Override
    public ServerInfo probe(DatabaseConnection server) {
        // On a MySQL/MariaDB port the driver fails on the greeting with a protocol error that names neither.
        dev.ferry.core.net.WireProtocol.require(server.host(), server.port(), dev.ferry.core.net.WireProtocol.POSTGRESQL);
        try (Connection c = PgConnector.open(server)) {
            return ServerCatalog.probe(c);
        } catch (SQLException e) {
            throw PgErrors.translate(e, server, "reading the server version");
        }
    }

    @Override
    public void setPassword(DatabaseConnection superuser, dev.ferry.core.Secret password) {
        try (Connection c = PgConnector.open(superuser)) {
            // pgjdbc hashes the password as the server's password_encryption says (SCRAM): only the hash travels.
            c.unwrap(org.postgresql.PGConnection.class).alterUserPassword(superuser.username(),
                    password.reveal().toCharArray(), null);
        } catch (SQLException e) {
            throw PgErrors.translate(e, superuser, "setting the password of role " + superuser.username());
        }
    }

    @Override
    public List<String> listDatabases(DatabaseConnection server) {
        try (Connection c = PgConnector.open(server)) {
            return ServerCatalog.databases(c);
        } catch (SQLException e) {
            throw PgErrors.translate(e, server, "listing databases");
        }
    }

    @Override
    public List<String> userObjects(DatabaseConnection server, String database) {
        DatabaseConnection db = server.withDatabase(database);
        Connection c;
        try {
            c = PgConnector.open(db);
        } catch (FerryException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return List.of();
            }
            throw e;
        }
        try (c) {
            return UserObjects.list(c);
        } catch (SQLException e) {
            throw PgErrors.translate(e, db, "listing user objects");
        }
    }

    @Override
    public boolean createDatabase(DatabaseConnection source, DatabaseConnection destination, String database) {
        DatabaseLocale locale;
        try (Connection c = PgConnector.open(source.withDatabase(database))) {
            locale = ServerCatalog.locale(c, database).orElseThrow(() -> new FerryException(ErrorCode.NOT_FOUND,
                    "Database %s does not exist on the source %s:%d".formatted(database, source.host(), source.port())));
        } catch (SQLException e) {
            throw PgErrors.translate(e, source.withDatabase(database), "reading the database's encoding and locale");
        }
        try (Connection c = PgConnector.open(destination)) {
            if (ServerCatalog.databaseExists(c, database)) {
                return false;
            }
            int major = c.getMetaData().getDatabaseMajorVersion();
            if (!DatabaseCreator.keepsProvider(locale, major)) {
                log.atWarn().addKeyValue("database", database).addKeyValue("provider", locale.provider())
                        .log("the destination cannot use the source's locale provider; using libc with the same locale");
            }
            try (Statement st = c.createStatement()) {
                st.execute(DatabaseCreator.createStatement(database, locale, major));
            }
            log.atInfo().addKeyValue("database", database).addKeyValue("encoding", locale.encoding())
                    .addKeyValue("collate", locale.collate()).log("destination database created");
            return true;
        } catch (SQLException e) {
            if ("42P04".equals(e.getSQLState())) {
                return false;
            }
            throw PgErrors.translate(e, destination, "creating database " + database);
        }
    }

    @Override
    public void clearDatabase(DatabaseConnection server, String database) {
        DatabaseConnection db = server.withDatabase(database);
        try (Connection c = PgConnector.open(db)) {
            DatabaseCleaner.clear(c);
            log.atInfo().addKeyValue("database", database).log("database cleared");
        } catch (SQLException e) {
            throw PgErrors.translate(e, db, "clearing the database");
        }
    }

    @Override
    public SourceSnapshot openSnapshot(DatabaseConnection source, String database, SnapshotOptions options) {
        return PgSourceSnapshot.open(source, database, options, clock, tools);
    }

    @Override
    public List<Finding> checkSource(DatabaseConnection source, List<String> databases, boolean continuous) {
        return checkSource(source, databases, continuous, null);
    }

    /**
     * {@link #checkSource(DatabaseConnection, List, boolean)} that also reports a slot or publication of
     * {@code jobName} already on the source ({@code SLOT_EXISTS}, {@code PUBLICATION_EXISTS}).
     */
    @Override
    public List<Finding> checkSource(DatabaseConnection source, List<String> databases, boolean continuous,
            String jobName) {
        return new SourceChecks(tools).check(source, databases, continuous, jobName);
    }

    @Override
    public List<Finding> checkDdlCapture(DatabaseConnection source) {
        return SourceChecks.checkDdlCapture(source);
    }

    @Override
    public List<String> copyRoles(DatabaseConnection source, DatabaseConnection destination, List<String> databases) {
        return dev.ferry.engine.postgres.catalog.RoleCopy.copy(source, destination, databases);
    }

    @Override
    public List<Finding> checkDestination(DatabaseConnection source, DatabaseConnection destination,
            List<String> databases) {
        List<Finding> findings = new ArrayList<>(DestinationChecks.check(source, destination, databases));
        toolsForDestination(destination).ifPresent(findings::add);
        return findings;
    }

    /**
     * A WARNING when this host's pg_dump is older than the destination: the load does not need it there, but
     * promotion compares and reconciles the schema with it (and a schema validation reads it), and pg_dump refuses
     * a newer server, so a continuous job could not be promoted.
     */
    private java.util.Optional<Finding> toolsForDestination(DatabaseConnection destination) {
        PgTools found;
        int major;
        try {
            found = tools.get();
            major = probe(destination).major();
        } catch (dev.ferry.core.FerryException e) {
            return java.util.Optional.empty(); // missing tools and unreachable servers have findings of their own
        }
        if (found.major() >= major) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new Finding("PG_DUMP_OLDER_THAN_DESTINATION", dev.ferry.core.model.Severity.WARNING,
                ("%s is version %s, older than the destination (PostgreSQL %d), and refuses to read it: the copy works, "
                        + "but a continuous job cannot be promoted (promotion compares and reconciles the schema with "
                        + "pg_dump) and validation cannot compare the schema").formatted(found.pgDump(), found.version(), major),
                dev.ferry.engine.postgres.check.SourceChecks.installTools(major), found.pgDump().toString()));
    }

    @Override
    public void dropReplication(DatabaseConnection source, String database, String jobName) {
        ReplicationCleanup.drop(source, database, jobName, clock);
    }

    @Override
    public List<dev.ferry.core.spi.engine.Dependency> dependencies(DatabaseConnection source, String database) {
        DatabaseConnection db = source.withDatabase(database);
        return dev.ferry.engine.postgres.connect.PgErrors.call(db, "reading dependencies between tables", () -> {
            try (var c = dev.ferry.engine.postgres.connect.PgConnector.open(db)) {
                return dev.ferry.engine.postgres.catalog.Dependencies.read(c);
            }
        });
    }

    @Override
    public boolean supportsReplication() {
        return true;
    }

    @Override
    public String demoteDestination(DatabaseConnection destination, List<String> databases) {
        return dev.ferry.engine.postgres.demote.DestinationDemotion.demote(destination, databases);
    }

    @Override
    public String demoteDestination(DatabaseConnection destination, List<String> databases,
            java.util.function.Consumer<String> undoRecorded) {
        return dev.ferry.engine.postgres.demote.DestinationDemotion.demote(destination, databases, undoRecorded);
    }

    @Override
    public boolean sameServer(DatabaseConnection source, DatabaseConnection destination) {
        return dev.ferry.engine.postgres.check.SameServerProbe.sameServer(source, destination);
    }

    @Override
    public String markOwned(DatabaseConnection destination, String database, DatabaseOwner owner) {
        DatabaseConnection db = destination.withDatabase(database);
        try (Connection c = PgConnector.open(db)) {
            return OwnershipMarker.mark(c, owner);
        } catch (SQLException e) {
            throw PgErrors.translate(e, db, "marking the database as created by Ferry");
        }
    }

    @Override
    public java.util.Optional<String> ownedIdentity(DatabaseConnection destination, String database, DatabaseOwner owner) {
        DatabaseConnection db = destination.withDatabase(database);
        Connection c;
        try {
            c = PgConnector.open(db);
        } catch (FerryException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return java.util.Optional.empty();
            }
            throw e;
        }
        try (c) {
            return OwnershipMarker.read(c, owner);
        } catch (SQLException e) {
            throw PgErrors.translate(e, db, "reading Ferry's marker");
        }
    }

    @Override
    public void unmarkOwned(DatabaseConnection destination, String database, DatabaseOwner owner) {
        DatabaseConnection db = destination.withDatabase(database);
        Connection c;
        try {
            c = PgConnector.open(db);
        } catch (FerryException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return;
            }
            throw e;
        }
        try (c) {
            OwnershipMarker.remove(c, owner);
        } catch (SQLException e) {
            throw PgErrors.translate(e, db, "removing Ferry's marker");
        }
    }

    @Override
    public ReplicationObjects replicationObjects(String installation, String job, String database) {
        return dev.ferry.engine.postgres.cdc.ReplicationNames.of(installation, job, database);
    }

    @Override
    public void dropReplication(DatabaseConnection source, String database, ReplicationObjects objects) {
        ReplicationCleanup.drop(source, database, objects, clock);
    }

    @Override
    public List<Finding> checkReplicationLeftovers(DatabaseConnection source, List<String> databases, String installation,
            java.util.Set<ReplicationObjects> owned) {
        return dev.ferry.engine.postgres.check.ReplicationLeftovers.check(source, databases, installation, owned);
    }

    @Override
    public dev.ferry.core.spi.engine.SourceRetention retention(DatabaseConnection source, String database,
            ReplicationObjects objects) {
        return dev.ferry.engine.postgres.cdc.SlotRetention.measure(source, database, objects);
    }

    @Override
    public void restoreDestination(DatabaseConnection destination, String demotion) {
        dev.ferry.engine.postgres.demote.DestinationDemotion.restore(destination, demotion);
    }

    @Override
    public Replication openReplication(ReplicationRequest request) {
        return PgReplication.open(request, clock, tools);
    }

    @Override
    public void finishReplication(ReplicationRequest request) {
        ReplicationFinisher.finish(request, clock);
    }

    @Override
    public boolean comparesSchemas() {
        return true;
    }

    @Override
    public List<Finding> schemaDifferences(ReplicationRequest request) {
        return SchemaReconciler.findings(new SchemaComparer(tools).compare(request.source(), request.destination(),
                request.database(), request.objects(), request.reliability().effectiveLockWait()));
    }

    @Override
    public List<String> reconcileSchema(ReplicationRequest request) {
        // Column changes of tables with no change since (no Relation message reached replication) come first.
        List<String> actions = new ArrayList<>(QuietColumns.evolve(request.source().withDatabase(request.database()),
                request.destination().withDatabase(request.database()), request.objects(),
                request.reliability().effectiveKeepDroppedColumns()));
        actions.addAll(new SchemaReconciler(tools).reconcile(request.source(), request.destination(),
                request.database(), request.objects(), request.reliability().effectiveLockWait()));
        return actions;
    }

    @Override
    public dev.ferry.core.spi.validate.DataValidation openValidation(DatabaseConnection server, String database,
            int sessions) {
        return dev.ferry.engine.postgres.validate.PgDataValidation.open(server, database, sessions);
    }

    @Override
    public List<Finding> validateSchema(DatabaseConnection source, DatabaseConnection destination, String database,
            dev.ferry.core.model.ObjectsConfig objects) {
        return new dev.ferry.engine.postgres.validate.SchemaValidation(tools).validate(source, destination, database,
                objects);
    }

    @Override
    public List<String> analyze(DatabaseConnection source, DatabaseConnection destination, String database, List<TableRef> tables,
            int parallelism) throws InterruptedException {
        return dev.ferry.engine.postgres.schema.Statistics.analyze(destination.withDatabase(database), tables, parallelism);
    }

    @Override
    public dev.ferry.core.spi.engine.Analysis openAnalysis(DatabaseConnection source, DatabaseConnection destination, String database) {
        return dev.ferry.engine.postgres.schema.Statistics.open(destination.withDatabase(database));
    }

    @Override
    public Map<TableRef, Long> countRows(DatabaseConnection server, String database, List<TableRef> tables) {
        DatabaseConnection db = server.withDatabase(database);
        try (Connection c = PgConnector.open(db)) {
            PgConnector.allowLongSilence(c);
            return TableComparer.countRows(c, tables);
        } catch (SQLException e) {
            throw PgErrors.translate(e, db, "counting rows");
        }
    }

    @Override
    public Map<TableRef, String> contentHashes(DatabaseConnection server, String database, List<TableRef> tables) {
        DatabaseConnection db = server.withDatabase(database);
        try (Connection c = PgConnector.open(db)) {
            PgConnector.allowLongSilence(c);
            SessionSettings.applyPortable(c);
            return TableComparer.contentHashes(c, tables);
        } catch (SQLException e) {
            throw PgErrors.translate(e, db, "hashing table contents");
        }
    }
}
