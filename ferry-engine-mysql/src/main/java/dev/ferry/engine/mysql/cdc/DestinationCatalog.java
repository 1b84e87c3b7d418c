package dev.ferry.engine.mysql.cdc;

import dev.ferry.core.Dialect;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.TableRef;
import dev.ferry.engine.mysql.Sql;
import dev.ferry.engine.mysql.SqlErrors;
import dev.ferry.engine.mysql.cdc.TableDef.ColumnDef;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The destination's tables as information_schema describes them, cached per table until {@link #forget} (after
 * every replayed DDL). The destination is read rather than the source because it is at the same point of the
 * stream as the events being read (the change source waits for every DDL it hands on to be applied before it reads
 * further), while the source may already be further on. Errors are mapped to {@link dev.ferry.core.FerryException}
 * naming the destination. Not thread-safe; the caller owns the connection.
 */
final class DestinationCatalog {
    private static final Set<String> INTEGER_TYPES = Set.of("tinyint", "smallint", "mediumint", "int", "integer", "bigint");
    private static final Set<String> TRANSACTIONAL_ENGINES = Set.of("innodb", "xtradb", "rocksdb", "tokudb", "ndbcluster");

    private final Connection c;
    private final DatabaseConnection destination;
    private final Map<TableRef, Optional<TableDef>> tables = new HashMap<>();

    DestinationCatalog(Connection c, DatabaseConnection destination) {
        this.c = c;
        this.destination = destination;
    }

    /** The table, or empty when the destination has no base table of that name. */
    Optional<TableDef> table(TableRef ref) {
        Optional<TableDef> known = tables.get(ref);
        if (known == null) {
            try {
                known = read(ref);
            } catch (SQLException e) {
                throw SqlErrors.map(e, destination, "read the definition of table " + ref);
            }
            tables.put(ref, known);
        }
        return known;
    }

    /** Whether the destination has a database of that name. */
    boolean hasDatabase(String name) {
        try {
            return Sql.queryOne(c, "SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", rs -> true, name).isPresent();
        } catch (SQLException e) {
            throw SqlErrors.map(e, destination, "look for database " + Dialect.MYSQL.quote(name));
        }
    }

    /** The triggers of {@code database}: they fire on replicated changes too, as no session switch turns them off. */
    List<String> triggers(String database) {
        try {
            return Sql.query(c, "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? ORDER BY 1",
                    rs -> rs.getString(1), database);
        } catch (SQLException e) {
            throw SqlErrors.map(e, destination, "list the triggers of database " + Dialect.MYSQL.quote(database));
        }
    }

    void forget() {
        tables.clear();
    }

    private Optional<TableDef> read(TableRef ref) throws SQLException {
        Optional<String[]> kind = Sql.queryOne(c, "SELECT TABLE_TYPE, COALESCE(ENGINE, '') FROM information_schema.TABLES"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?", rs -> new String[] {rs.getString(1), rs.getString(2)},
                ref.schema(), ref.table());
        if (kind.isEmpty() || "VIEW".equalsIgnoreCase(kind.get()[0])) {
            return Optional.empty();
        }
        List<ColumnDef> columns = Sql.query(c, """
                SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE,
                       COALESCE(GENERATION_EXPRESSION, '') <> '' OR EXTRA LIKE '%GENERATED%' AND EXTRA NOT LIKE '%DEFAULT_GENERATED%'
                           OR EXTRA LIKE '%PERSISTENT%' OR EXTRA LIKE '%ROW START%' OR EXTRA LIKE '%ROW END%'
                FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?
                ORDER BY ORDINAL_POSITION""",
                rs -> new ColumnDef(rs.getString(1), rs.getString(2), unsigned(rs.getString(2), rs.getString(3)), rs.getBoolean(4)),
                ref.schema(), ref.table());
        if (columns.isEmpty()) {
            return Optional.empty();
        }
        List<String> keyNames = Sql.query(c, "SELECT COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ?"
                + " AND TABLE_NAME = ? AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX", rs -> rs.getString(1), ref.schema(), ref.table());
        List<Integer> key = keyNames.stream().map(n -> indexOf(columns, n)).toList();
        boolean transactional = TRANSACTIONAL_ENGINES.contains(kind.get()[1].toLowerCase(Locale.ROOT));
        boolean otherUnique = Sql.queryLong(c, "SELECT COUNT(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ?"
                + " AND TABLE_NAME = ? AND NON_UNIQUE = 0 AND INDEX_NAME <> 'PRIMARY'", ref.schema(), ref.table()) > 0;
        return Optional.of(new TableDef(ref, columns, key.contains(-1) ? List.of() : key, transactional,
                "SEQUENCE".equalsIgnoreCase(kind.get()[0]), otherUnique));
    }

    static boolean unsigned(String dataType, String columnType) {
        return INTEGER_TYPES.contains(dataType.toLowerCase(Locale.ROOT))
                && columnType.toLowerCase(Locale.ROOT).matches(".*\\bunsigned\\b.*");
    }

    private static int indexOf(List<ColumnDef> columns, String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }
}
