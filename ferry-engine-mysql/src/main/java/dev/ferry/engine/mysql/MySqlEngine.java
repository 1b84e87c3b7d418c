package dev.ferry.engine.mysql;

import dev.ferry.core.Dialect;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.EngineKind;
import dev.ferry.core.model.Finding;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.Engine;
import dev.ferry.core.spi.engine.Replication;
import dev.ferry.core.spi.engine.ReplicationRequest;
import dev.ferry.core.spi.engine.ServerInfo;
import dev.ferry.core.spi.engine.SourceSnapshot;
import dev.ferry.engine.mysql.catalog.Catalog;
import dev.ferry.engine.mysql.catalog.Column;
import dev.ferry.engine.mysql.catalog.ContentHasher;
import dev.ferry.engine.mysql.cdc.MySqlReplication;
import dev.ferry.engine.mysql.cdc.ReadOnlyDemotion;
import dev.ferry.engine.mysql.cdc.ReplicationFinisher;
import dev.ferry.engine.mysql.check.DestinationCheck;
import dev.ferry.engine.mysql.check.SourceCheck;
import dev.ferry.engine.mysql.snapshot.CopySettings;
import dev.ferry.engine.mysql.snapshot.SnapshotOpener;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The engine for MySQL and MariaDB, one code base; the flavor is detected from each server. Holds no
 * connections between calls; thread-safe.
 */
public final class MySqlEngine implements Engine {
    private static final Dialect D = Dialect.MYSQL;

    private final MySqlConnector connector = new MySqlConnector();
    private final SnapshotOpener snapshots;
    private final Clock clock;

    public MySqlEngine(Clock clock) {
        this(CopySettings.defaults(clock));
    }

    /** An engine copying as {@code settings} say (chunk sizes, binary log policy, LOAD DATA or INSERT). */
    public MySqlEngine(CopySettings settings) {
        this.snapshots = new SnapshotOpener(connector, settings);
        this.clock = settings.clock();
    }

    /** One classifier for every phase: {@link dev.ferry.engine.mysql.MySqlFailures}. */
    @Override
    public dev.ferry.core.fault.FailureKind classify(Throwable failure) {
        return dev.ferry.engine.mysql.MySqlFailures.classify(failure);
    }

    @Override
    public EngineKind kind() {
        return EngineKind.MYSQL;
    }

    @Override
    public ServerInfo probe(DatabaseConnection server) {
        // A PostgreSQL port never greets: the driver would wait its whole connect timeout and say little.
        dev.ferry.core.net.WireProtocol.require(server.host(), server.port(), dev.ferry.core.net.WireProtocol.MYSQL);
        try (Connection c = connector.open(server, null, MySqlConnector.Role.SOURCE)) {
            return ServerVersion.of(c).toServerInfo();
        } catch (SQLException e) {
            throw SqlErrors.map(e, server, "read the server version");
        }
    }

    @Override
    public void setPassword(DatabaseConnection superuser, dev.ferry.core.Secret password) {
        try (Connection c = connector.open(superuser, null, MySqlConnector.Role.SOURCE)) {
            AccountPassword.set(c, superuser.username(), password);
        } catch (SQLException e) {
            throw SqlErrors.map(e, superuser, "set the password of user '%s'".formatted(superuser.username()));
        }
    }

    @Override
    public List<String> listDatabases(DatabaseConnection server) {
        try (Connection c = connector.open(server, null, MySqlConnector.Role.SOURCE)) {
            return Catalog.databases(c);
        } catch (SQLException e) {
            throw SqlErrors.map(e, server, "list the databases");
        }
    }

    @Override
    public List<String> userObjects(DatabaseConnection server, String database) {
        try (Connection c = connector.open(server, null, MySqlConnector.Role.SOURCE)) {
            return Catalog.userObjects(c, database);
        } catch (SQLException e) {
            throw SqlErrors.map(e, server, "list the objects of database " + D.quote(database));
        }
    }

    /** Foreign keys between tables of the database; views are not analysed (MariaDB has no VIEW_TABLE_USAGE). */
    @Override
    public List<dev.ferry.core.spi.engine.Dependency> dependencies(DatabaseConnection source, String database) {
        try (Connection c = connector.open(source, null, MySqlConnector.Role.SOURCE)) {
            return Sql.query(c, "SELECT DISTINCT TABLE_NAME, REFERENCED_TABLE_NAME FROM information_schema.REFERENTIAL_CONSTRAINTS "
                            + "WHERE CONSTRAINT_SCHEMA = ? AND UNIQUE_CONSTRAINT_SCHEMA = ? AND TABLE_NAME <> REFERENCED_TABLE_NAME "
                            + "ORDER BY 1, 2",
                    rs -> new dev.ferry.core.spi.engine.Dependency(new dev.ferry.core.model.TableRef(database, rs.getString(1)),
                            new dev.ferry.core.model.TableRef(database, rs.getString(2)), "foreign key"),
                    database, database);
        } catch (SQLException e) {
            throw SqlErrors.map(e, source, "read the foreign keys of database " + D.quote(database));
        }
    }

    @Override
    public boolean createDatabase(DatabaseConnection source, DatabaseConnection destination, String database) {
        Catalog.DatabaseDefaults defaults;
        try (Connection c = connector.open(source, null, MySqlConnector.Role.SOURCE)) {
            defaults = Catalog.defaults(c, database).orElseThrow(() -> new FerryException(ErrorCode.NOT_FOUND,
                    "Database %s does not exist on the source %s:%d".formatted(D.quote(database), source.host(), source.port())));
        } catch (SQLException e) {
            throw SqlErrors.map(e, source, "read the character set of database " + D.quote(database));
        }
        try (Connection c = connector.open(destination, null, MySqlConnector.Role.DESTINATION)) {
            if (Catalog.defaults(c, database).isPresent()) {
                return false;
            }
            try {
                Sql.execute(c, "CREATE DATABASE " + D.quote(database) + " CHARACTER SET " + D.quote(defaults.characterSet())
                        + " COLLATE " + D.quote(defaults.collation()));
                return true;
            } catch (SQLException e) {
                if (e.getErrorCode() == SqlErrors.DATABASE_EXISTS) {
                    return false;
                }
                throw e;
            }
        } catch (SQLException e) {
            throw SqlErrors.map(e, destination, "create database " + D.quote(database));
        }
    }

    @Override
    public void clearDatabase(DatabaseConnection server, String database) {
        try (Connection c = connector.open(server, null, MySqlConnector.Role.DESTINATION)) {
            Sql.execute(c, "SET SESSION foreign_key_checks = 0");
            for (String e : Sql.query(c, "SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ?",
                    rs -> rs.getString(1), database)) {
                Sql.execute(c, "DROP EVENT IF EXISTS " + D.quote(database, e));
            }
            for (String[] r : Sql.query(c, "SELECT ROUTINE_TYPE, ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ?"
                    + " AND ROUTINE_TYPE IN ('PROCEDURE', 'FUNCTION')", rs -> new String[] {rs.getString(1), rs.getString(2)}, database)) {
                String kind = r[0].toUpperCase(Locale.ROOT).equals("FUNCTION") ? "FUNCTION" : "PROCEDURE";
                Sql.execute(c, "DROP " + kind + " IF EXISTS " + D.quote(database, r[1]));
            }
            for (String[] t : Sql.query(c, "SELECT TABLE_TYPE, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?"
                    + " ORDER BY TABLE_TYPE = 'VIEW' DESC", rs -> new String[] {rs.getString(1), rs.getString(2)}, database)) {
                String kind = switch (t[0]) {
                    case "VIEW" -> "VIEW";
                    case "SEQUENCE" -> "SEQUENCE";
                    default -> "TABLE";
                };
                Sql.execute(c, "DROP " + kind + " IF EXISTS " + D.quote(database, t[1]));
            }
        } catch (SQLException e) {
            throw SqlErrors.map(e, server, "clear database " + D.quote(database));
        }
    }

    @Override
    public List<Finding> checkSource(DatabaseConnection source, List<String> databases, boolean continuous) {
        return new SourceCheck(connector).check(source, databases, continuous);
    }

    @Override
    public List<String> copyRoles(DatabaseConnection source, DatabaseConnection destination, List<String> databases) {
        return new dev.ferry.engine.mysql.check.AccountCopy(connector).accounts(source, destination, databases);
    }

    @Override
    public List<String> copyPrivileges(DatabaseConnection source, DatabaseConnection destination, List<String> databases) {
        return new dev.ferry.engine.mysql.check.AccountCopy(connector).privileges(source, destination, databases);
    }

    @Override
    public List<Finding> checkDestination(DatabaseConnection source, DatabaseConnection destination, List<String> databases) {
        return new DestinationCheck(connector).check(source, destination, databases);
    }

    @Override
    public boolean supportsReplication() {
        return true;
    }

    @Override
    public Replication openReplication(ReplicationRequest request) {
        return MySqlReplication.open(request, connector, clock);
    }

    @Override
    public void finishReplication(ReplicationRequest request) {
        ReplicationFinisher.finish(request, connector);
    }

    /** MySQL and MariaDB have no per-database read-only switch: the whole server becomes read-only (see ReadOnlyDemotion). */
    @Override
    public String demoteDestination(DatabaseConnection destination, List<String> databases) {
        return ReadOnlyDemotion.demote(connector, destination);
    }

    @Override
    public String demoteDestination(DatabaseConnection destination, List<String> databases,
            java.util.function.Consumer<String> undoRecorded) {
        return ReadOnlyDemotion.demote(connector, destination, undoRecorded);
    }

    @Override
    public boolean sameServer(DatabaseConnection source, DatabaseConnection destination) {
        return dev.ferry.engine.mysql.ownership.SameServerProbe.sameServer(connector, source, destination);
    }

    @Override
    public String markOwned(DatabaseConnection destination, String database, dev.ferry.core.spi.engine.DatabaseOwner owner) {
        try (Connection c = connector.open(destination, null, MySqlConnector.Role.DESTINATION)) {
            return dev.ferry.engine.mysql.ownership.OwnershipMarker.mark(c, database, owner);
        } catch (SQLException e) {
            throw SqlErrors.map(e, destination, "mark database " + D.quote(database) + " as created by Ferry");
        }
    }

    @Override
    public java.util.Optional<String> ownedIdentity(DatabaseConnection destination, String database,
            dev.ferry.core.spi.engine.DatabaseOwner owner) {
        try (Connection c = connector.open(destination, null, MySqlConnector.Role.DESTINATION)) {
            return dev.ferry.engine.mysql.ownership.OwnershipMarker.read(c, database, owner);
        } catch (SQLException e) {
            throw SqlErrors.map(e, destination, "read Ferry's marker of database " + D.quote(database));
        }
    }

    @Override
    public void unmarkOwned(DatabaseConnection destination, String database, dev.ferry.core.spi.engine.DatabaseOwner owner) {
        try (Connection c = connector.open(destination, null, MySqlConnector.Role.DESTINATION)) {
            dev.ferry.engine.mysql.ownership.OwnershipMarker.remove(c, database, owner);
        } catch (SQLException e) {
            throw SqlErrors.map(e, destination, "remove Ferry's marker of database " + D.quote(database));
        }
    }

    /** The InnoDB history list length of the whole source server (MySQL/MariaDB keep no per-client slot). */
    @Override
    public dev.ferry.core.spi.engine.SourceRetention retention(DatabaseConnection source, String database,
            dev.ferry.core.spi.engine.ReplicationObjects objects) {
        try (Connection c = connector.open(source, null, MySqlConnector.Role.SOURCE)) {
            var length = Sql.queryOne(c, "SELECT `COUNT` FROM information_schema.INNODB_METRICS WHERE NAME = 'trx_rseg_history_len'",
                    rs -> rs.getLong(1));
            return new dev.ferry.core.spi.engine.SourceRetention(java.util.OptionalLong.empty(),
                    length.map(java.util.OptionalLong::of).orElse(java.util.OptionalLong.empty()));
        } catch (SQLException e) {
            if (e.getErrorCode() == SqlErrors.TABLE_ACCESS_DENIED || e.getErrorCode() == SqlErrors.DB_ACCESS_DENIED
                    || e.getErrorCode() == SqlErrors.SPECIFIC_ACCESS_DENIED) {
                return dev.ferry.core.spi.engine.SourceRetention.UNKNOWN; // needs the PROCESS privilege
            }
            throw SqlErrors.map(e, source, "read the InnoDB history list length");
        }
    }

    @Override
    public void restoreDestination(DatabaseConnection destination, String demotion) {
        ReadOnlyDemotion.restore(connector, destination, demotion);
    }

    @Override
    public SourceSnapshot openSnapshot(DatabaseConnection source, String database, SnapshotOptions options) {
        return snapshots.open(source, database, options);
    }

    @Override
    public Map<TableRef, Long> countRows(DatabaseConnection server, String database, List<TableRef> tables) {
        Map<TableRef, Long> counts = new LinkedHashMap<>();
        try (Connection c = connector.open(server, database, MySqlConnector.Role.SOURCE)) {
            MySqlConnector.allowLongSilence(c);
            for (TableRef t : tables) {
                counts.put(t, Sql.queryLong(c, "SELECT COUNT(*) FROM " + D.quote(database, t.table())));
            }
        } catch (SQLException e) {
            throw SqlErrors.map(e, server, "count the rows of database " + D.quote(database));
        }
        return counts;
    }

    @Override
    public List<String> analyze(DatabaseConnection source, DatabaseConnection destination, String database, List<TableRef> tables,
            int parallelism) throws InterruptedException {
        return dev.ferry.engine.mysql.schema.Statistics.analyze(connector, source, destination, database, tables, parallelism);
    }

    @Override
    public dev.ferry.core.spi.engine.Analysis openAnalysis(DatabaseConnection source, DatabaseConnection destination, String database) {
        return dev.ferry.engine.mysql.schema.Statistics.open(connector, source, destination, database);
    }

    @Override
    public boolean createsTriggersAtPromotion() {
        return true;
    }

    @Override
    public Map<TableRef, String> contentHashes(DatabaseConnection server, String database, List<TableRef> tables) {
        Map<TableRef, String> hashes = new LinkedHashMap<>();
        try (Connection c = connector.open(server, database, MySqlConnector.Role.SOURCE)) {
            MySqlConnector.allowLongSilence(c);
            Map<String, List<Column>> columns = Catalog.columns(c, database);
            for (TableRef t : tables) {
                List<Column> cols = columns.get(t.table());
                if (cols == null) {
                    throw new FerryException(ErrorCode.NOT_FOUND, "Table %s does not exist on %s:%d"
                            .formatted(t, server.host(), server.port()));
                }
                hashes.put(t, ContentHasher.digest(c, new TableRef(database, t.table()), cols));
            }
        } catch (SQLException e) {
            throw SqlErrors.map(e, server, "hash the rows of database " + D.quote(database));
        }
        return hashes;
    }

    @Override
    public dev.ferry.core.spi.validate.DataValidation openValidation(DatabaseConnection server, String database, int sessions) {
        return dev.ferry.engine.mysql.validate.MySqlDataValidation.open(connector, server, database, sessions);
    }

    @Override
    public List<Finding> validateSchema(DatabaseConnection source, DatabaseConnection destination, String database,
            dev.ferry.core.model.ObjectsConfig objects) {
        return dev.ferry.engine.mysql.validate.SchemaComparison.compare(connector, source, destination, database, objects);
    }
}
