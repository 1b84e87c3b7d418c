package dev.ferry.engine.mysql.schema;

import dev.ferry.core.Dialect;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.engine.mysql.ClientText;
import dev.ferry.engine.mysql.MySqlConnector;
import dev.ferry.engine.mysql.Sql;
import dev.ferry.engine.mysql.SqlErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recreates a {@link SourceSchema} on the destination database of the same name: tables before the data;
 * deferred indexes, foreign keys, routines, views, triggers and events after it. Each call uses its own
 * connection with foreign key checks off.
 */
public final class SchemaWriter {
    private static final Logger log = LoggerFactory.getLogger(SchemaWriter.class);
    private static final Dialect D = Dialect.MYSQL;

    private final MySqlConnector connector;
    private final DatabaseConnection destination;
    private final String database;

    public SchemaWriter(MySqlConnector connector, DatabaseConnection destination, String database) {
        this.connector = connector;
        this.destination = destination;
        this.database = database;
    }

    /**
     * Creates the sequences, restarted where the source's stopped handing out values, and the tables (without
     * their deferred indexes and foreign keys).
     */
    public void createTables(List<SourceSequence> sequences, Collection<TableSchema> tables) {
        try (Connection c = open()) {
            for (SourceSequence s : sequences) {
                run(c, s.ddl(), "create sequence " + D.quote(database, s.name()));
                run(c, "ALTER SEQUENCE " + D.quote(s.name()) + " RESTART WITH " + s.nextValue(),
                        "restart sequence " + D.quote(database, s.name()));
            }
            for (TableSchema t : tables) {
                run(c, t.ddl().create(), "create table " + t.ref());
            }
        } catch (SQLException e) {
            throw SqlErrors.map(e, destination, "close the schema session");
        }
        log.atInfo().addKeyValue("database", database).addKeyValue("tables", tables.size()).log("tables created");
    }

    /**
     * Replaces the destination table by one made from {@code table}'s definition (without its deferred indexes),
     * for a table whose definition changed on the source while it was being copied. Views on it stay: MySQL
     * resolves a view's tables when it is used.
     */
    public void recreateTable(TableSchema table) {
        try (Connection c = open()) {
            run(c, "DROP TABLE IF EXISTS " + D.quote(table.ref().table()), "drop table " + table.ref());
            run(c, table.ddl().create(), "create table " + table.ref());
        } catch (SQLException e) {
            throw SqlErrors.map(e, destination, "close the schema session");
        }
        log.atInfo().addKeyValue("database", database).addKeyValue("table", table.ref().toString())
                .log("table recreated from its new definition");
    }

    /**
     * Adds the table's deferred indexes that the destination table does not have yet, in one ALTER TABLE: called
     * as soon as the table's rows are in, so that index builds overlap the copy of other tables.
     */
    public void addIndexes(TableSchema table) {
        try (Connection c = open()) {
            addIndexes(c, table);
        } catch (SQLException e) {
            throw SqlErrors.map(e, destination, "close the schema session");
        }
    }

    private void addIndexes(Connection c, TableSchema t) throws SQLException {
        if (t.ddl().indexes().isEmpty()) {
            return;
        }
        Set<String> present = new HashSet<>(Sql.query(c, "SELECT DISTINCT INDEX_NAME FROM information_schema.STATISTICS"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?", rs -> rs.getString(1), database, t.ref().table()));
        List<String> missing = t.ddl().indexes().stream().filter(d -> !present.contains(TableDdl.indexName(d))).toList();
        if (!missing.isEmpty()) {
            long started = System.nanoTime();
            run(c, TableDdl.alter(D.quote(t.ref().table()), missing), "add the indexes of table " + t.ref());
            log.atInfo().addKeyValue("table", t.ref().toString()).addKeyValue("indexes", missing.size())
                    .addKeyValue("ms", (System.nanoTime() - started) / 1_000_000).log("indexes built");
        }
    }

    /** Adds deferred indexes still missing and foreign keys, then routines, views (in dependency order), triggers and events. */
    public void finish(SourceSchema schema) {
        finish(schema, true);
    }

    /** As {@link #finish(SourceSchema)}, leaving triggers and events out unless {@code triggersAndEvents}. */
    public void finish(SourceSchema schema, boolean triggersAndEvents) {
        try (Connection c = open()) {
            for (TableSchema t : schema.tables().values()) {
                addIndexes(c, t);
            }
            // Second pass: a foreign key may rely on an index of another table added above.
            for (TableSchema t : schema.tables().values()) {
                if (!t.ddl().foreignKeys().isEmpty()) {
                    run(c, TableDdl.alter(D.quote(t.ref().table()), t.ddl().foreignKeys()), "add the foreign keys of table " + t.ref());
                }
            }
            Baseline baseline = baseline(c);
            for (SourceObject o : schema.routines()) {
                create(c, o, baseline);
            }
            createViews(c, schema.views(), baseline);
            if (triggersAndEvents) {
                createTriggersAndEvents(c, schema, baseline);
            }
        } catch (SQLException e) {
            throw SqlErrors.map(e, destination, "finish the schema of database " + D.quote(database));
        }
        log.atInfo().addKeyValue("database", database).addKeyValue("views", schema.views().size())
                .addKeyValue("routines", schema.routines().size()).addKeyValue("triggers", schema.triggers().size())
                .addKeyValue("events", schema.events().size()).log("schema finished");
    }

    /**
     * Creates the schema's triggers and events that the destination does not have yet (what a continuous job defers
     * to its promotion; a repeated promotion creates only what is missing).
     */
    public void createTriggersAndEvents(SourceSchema schema) {
        try (Connection c = open()) {
            Set<String> triggers = new HashSet<>(Sql.query(c, "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?",
                    rs -> rs.getString(1), database));
            Set<String> events = new HashSet<>(Sql.query(c, "SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ?",
                    rs -> rs.getString(1), database));
            SourceSchema missing = new SourceSchema(schema.database(), schema.tables(), schema.sequences(), schema.views(),
                    schema.routines(), schema.triggers().stream().filter(t -> !triggers.contains(t.name())).toList(),
                    schema.events().stream().filter(e -> !events.contains(e.name())).toList());
            createTriggersAndEvents(c, missing, baseline(c));
        } catch (SQLException e) {
            throw SqlErrors.map(e, destination, "create the triggers and events of database " + D.quote(database));
        }
    }

    private void createTriggersAndEvents(Connection c, SourceSchema schema, Baseline baseline) throws SQLException {
        for (SourceObject o : schema.triggers()) {
            create(c, o, baseline);
        }
        for (SourceObject o : schema.events()) {
            create(c, o, baseline);
        }
    }

    /** Views may select from views: create what can be created, and retry the rest while that makes progress. */
    private void createViews(Connection c, List<SourceObject> views, Baseline baseline) throws SQLException {
        List<SourceObject> pending = new ArrayList<>(views);
        FerryException lastFailure = null;
        SourceObject lastFailed = null;
        boolean progress = true;
        while (!pending.isEmpty() && progress) {
            progress = false;
            for (SourceObject v : List.copyOf(pending)) {
                try {
                    create(c, v, baseline);
                    pending.remove(v);
                    progress = true;
                } catch (FerryException e) {
                    lastFailure = e;
                    lastFailed = v;
                }
            }
        }
        if (!pending.isEmpty()) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "Cannot create %d view(s) in %s, for example %s: %s".formatted(pending.size(), D.quote(database),
                            D.quote(lastFailed.name()), lastFailure.getMessage()), lastFailure);
        }
    }

    /** The schema session's own character set, collation and database collation, restored after each object. */
    private record Baseline(String characterSetClient, String collationConnection, String databaseCollation) {}

    private static Baseline baseline(Connection c) throws SQLException {
        return Sql.queryOne(c, "SELECT @@SESSION.character_set_client, @@SESSION.collation_connection, @@SESSION.collation_database",
                rs -> new Baseline(rs.getString(1), rs.getString(2), rs.getString(3))).orElseThrow();
    }

    /**
     * Creates one object under the session settings it was created under on the source, as mysqldump does: SQL mode,
     * character_set_client, collation_connection, time zone (events), and for routines, triggers and events the
     * database's default collation then (the database is altered to it for the CREATE and back). The driver always
     * sends UTF-8: a definition with non-ASCII text under another character_set_client goes through a prepared
     * statement made from a UTF-8 hex literal, which the server converts to that character set, so the object keeps
     * the same text in the same bytes. When the destination refuses the DEFINER (the user is missing, or setting
     * another definer needs SUPER / SET USER), retries without it and warns.
     */
    private void create(Connection c, SourceObject o, Baseline baseline) throws SQLException {
        String client = o.characterSetClient() == null ? baseline.characterSetClient() : o.characterSetClient();
        String collation = o.collationConnection() == null ? baseline.collationConnection() : o.collationConnection();
        boolean alterDatabase = o.databaseCollation() != null && !o.databaseCollation().equalsIgnoreCase(baseline.databaseCollation());
        if (alterDatabase) {
            try {
                Sql.execute(c, "ALTER DATABASE " + D.quote(database) + " COLLATE " + D.quote(o.databaseCollation()));
            } catch (SQLException e) {
                // A collation this server lacks (another kind or version of server): the object is still created.
                alterDatabase = false;
                log.atWarn().addKeyValue("database", database).addKeyValue("object", o.describe())
                        .addKeyValue("collation", o.databaseCollation()).addKeyValue("reason", SqlErrors.serverMessage(e))
                        .log("cannot set the database collation the object was created under; created under the database's own");
            }
        }
        try {
            Sql.update(c, "SET SESSION sql_mode = ?", o.sqlMode() == null ? MySqlConnector.BASELINE_SQL_MODE : o.sqlMode());
            if (o.timeZone() != null) {
                Sql.update(c, "SET SESSION time_zone = ?", o.timeZone());
            }
            Sql.update(c, "SET SESSION character_set_client = ?, SESSION collation_connection = ?", client, collation);
            executeWithDefinerFallback(c, o, ClientText.sentAsIs(client, o.ddl()) ? Sending.AS_IS : Sending.CONVERTED, baseline);
        } finally {
            Sql.update(c, "SET SESSION sql_mode = ?", MySqlConnector.BASELINE_SQL_MODE);
            Sql.update(c, "SET SESSION character_set_client = ?, SESSION collation_connection = ?",
                    baseline.characterSetClient(), baseline.collationConnection());
            Sql.execute(c, "SET SESSION time_zone = '+00:00'");
            if (alterDatabase) {
                run(c, "ALTER DATABASE " + D.quote(database) + " COLLATE " + D.quote(baseline.databaseCollation()),
                        "set the collation of database %s back to %s".formatted(D.quote(database), baseline.databaseCollation()));
            }
        }
    }

    /** How a definition reaches the server: as the driver's UTF-8 text, or converted to character_set_client by the server. */
    private enum Sending { AS_IS, CONVERTED }

    private void executeWithDefinerFallback(Connection c, SourceObject o, Sending sending, Baseline baseline) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.setEscapeProcessing(false);
            try {
                execute(c, s, o, o.ddl(), sending, baseline);
            } catch (SQLException e) {
                boolean definerRefused = e.getErrorCode() == SqlErrors.NO_SUCH_USER || e.getErrorCode() == SqlErrors.SPECIFIC_ACCESS_DENIED;
                if (!definerRefused || !Definers.hasDefiner(o.ddl())) {
                    throw SqlErrors.map(e, destination, "create " + o.describe() + " in " + D.quote(database));
                }
                log.atWarn().addKeyValue("database", database).addKeyValue("object", o.describe())
                        .addKeyValue("reason", SqlErrors.serverMessage(e))
                        .log("destination refused the DEFINER; object created without it (definer = the Ferry user)");
                try {
                    execute(c, s, o, Definers.strip(o.ddl()), sending, baseline);
                } catch (SQLException retry) {
                    throw SqlErrors.map(retry, destination, "create " + o.describe() + " in " + D.quote(database));
                }
            }
            for (SQLWarning w = s.getWarnings(); w != null; w = w.getNextWarning()) {
                if (w.getErrorCode() == SqlErrors.NO_SUCH_USER) {
                    log.atWarn().addKeyValue("database", database).addKeyValue("object", o.describe())
                            .addKeyValue("reason", w.getMessage())
                            .log("definer does not exist on the destination; create that user before the object is used");
                }
            }
        }
    }

    /**
     * Runs {@code ddl} on {@code s}. CONVERTED: {@code PREPARE} from a variable holding the UTF-8 text converts it to
     * character_set_client. A server that cannot prepare that statement (MySQL prepares no CREATE PROCEDURE, TRIGGER or
     * EVENT) gets the text as is under the session's own character set instead, and a warning says so.
     */
    private void execute(Connection c, Statement s, SourceObject o, String ddl, Sending sending, Baseline baseline) throws SQLException {
        if (sending == Sending.AS_IS) {
            s.execute(ddl);
            return;
        }
        try {
            ClientText.execute(s, ddl);
        } catch (SQLException e) {
            if (e.getErrorCode() != SqlErrors.UNSUPPORTED_PS) {
                throw e;
            }
            String client = Sql.queryString(c, "SELECT @@SESSION.character_set_client").orElseThrow();
            log.atWarn().addKeyValue("database", database).addKeyValue("object", o.describe())
                    .addKeyValue("characterSetClient", client)
                    .log("the destination cannot prepare this CREATE, so its non-ASCII text cannot be sent in the source's"
                            + " character_set_client; object created with the session's own character set instead");
            Sql.update(c, "SET SESSION character_set_client = ?", baseline.characterSetClient());
            s.execute(ddl);
        }
    }

    private void run(Connection c, String ddl, String doing) {
        try {
            Sql.execute(c, ddl);
        } catch (SQLException e) {
            throw SqlErrors.map(e, destination, doing);
        }
    }

    private Connection open() throws SQLException {
        Connection c = connector.open(destination, database, MySqlConnector.Role.DESTINATION);
        try {
            Sql.execute(c, "SET SESSION foreign_key_checks = 0");
            return c;
        } catch (SQLException e) {
            c.close();
            throw e;
        }
    }
}
