package dev.ferry.engine.postgres.cdc;

import dev.ferry.core.Dialect;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.TableRef;
import dev.ferry.engine.postgres.catalog.TableCatalog;
import dev.ferry.engine.postgres.catalog.TableCatalog.ColumnDefinition;
import dev.ferry.engine.postgres.connect.PgConnector;
import dev.ferry.engine.postgres.snapshot.ColumnAlignment;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOut;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A table copied into the destination while changes stream, from the exported snapshot of a slot created for it (at
 * {@code snapshot.start()}): a table created on the source after the job started (its definition dumped from that
 * snapshot is created first and its indexes and constraints after the rows), or a table the source rewrote without
 * decoded changes ({@code replace}: the destination's rows go, its columns are aligned to the snapshot's, the rows come
 * again; when its columns are not in the snapshot's order the table is dropped and made anew, and what depended on it
 * comes back at promotion). Rows, definition and the recorded copy position ({@link TableStates}) commit in the applier's one
 * transaction, so a failure leaves nothing half done. The reader skips the table's changes committed before the
 * snapshot's position. Runs once, as repeatable pipeline work; closes the snapshot.
 *
 * @param columns the table's columns in the snapshot
 * @param storage the source table's storage in the snapshot
 * @param partitioned whether the table is a partitioned parent (no rows of its own)
 */
record TableCopy(TableRef table, SlotSnapshot snapshot, String definition, String constraints, boolean replace,
        List<ColumnDefinition> columns, long storage, boolean partitioned) {
    private static final Logger log = LoggerFactory.getLogger(TableCopy.class);
    private static final Dialect D = Dialect.POSTGRESQL;

    /** Copies in the caller's open transaction on {@code c} (a replication session); returns the rows copied. */
    long apply(Connection c, DatabaseConnection source, String job) throws SQLException {
        try (snapshot; Statement st = c.createStatement()) {
            String name = D.quote(table.schema(), table.table());
            List<ColumnDefinition> present = replace ? TableCatalog.definedColumns(c, table) : List.of();
            // Columns in another order (a rename the copy's reader saw as a drop and an add): the table is made anew.
            boolean anew = !replace || !present.stream().map(ColumnDefinition::name).toList()
                    .equals(columns.stream().map(ColumnDefinition::name).toList());
            if (!anew) {
                empty(c, name);
                for (String sql : ColumnAlignment.statements(table, columns, present)) {
                    st.execute(sql);
                }
            } else {
                if (replace) {
                    st.execute("DROP TABLE " + name + " CASCADE");
                }
                st.execute("SELECT pg_catalog.set_config('search_path', '', true)");
                st.execute(withoutAttach(definition));
            }
            long rows = partitioned ? 0 : copyRows(c, source, name);
            if (anew) {
                String indexes = withoutAttach(constraints);
                if (!indexes.isBlank()) {
                    st.execute(indexes);
                }
                // A new partition joins its parent last: its indexes then attach to the parent's by themselves.
                for (String attach : attachments(definition)) {
                    st.execute(attach);
                }
            }
            TableStates.put(c, job, table, snapshot.start().value(), storage);
            log.atInfo().addKeyValue("job", job).addKeyValue("table", table.toString()).addKeyValue("rows", rows)
                    .addKeyValue("position", snapshot.start().text()).addKeyValue("replace", replace)
                    .log("table copied from a later snapshot");
            return rows;
        }
    }

    /** pg_dump's one-line statements that attach a partition (or a partition's index) to its parent. */
    private static boolean attaches(String line) {
        return (line.startsWith("ALTER TABLE ONLY ") || line.startsWith("ALTER INDEX ")) && line.contains(" ATTACH PARTITION ");
    }

    static String withoutAttach(String sql) {
        return sql.lines().filter(l -> !attaches(l)).collect(Collectors.joining("\n"));
    }

    static List<String> attachments(String sql) {
        return sql.lines().filter(l -> attaches(l) && l.startsWith("ALTER TABLE ONLY ")).toList();
    }

    /** TRUNCATE, or row by row where a foreign key refuses it (no trigger fires in a replication session). */
    private static void empty(Connection c, String name) throws SQLException {
        Savepoint before = c.setSavepoint();
        try (Statement st = c.createStatement()) {
            st.execute("TRUNCATE ONLY " + name);
            c.releaseSavepoint(before);
        } catch (SQLException e) {
            c.rollback(before);
            try (Statement st = c.createStatement()) {
                st.execute("DELETE FROM ONLY " + name);
            }
        }
    }

    private long copyRows(Connection c, DatabaseConnection source, String name) throws SQLException {
        List<String> copied = columns.stream().filter(col -> !col.generated()).map(ColumnDefinition::name).toList();
        if (copied.isEmpty()) {
            return 0;
        }
        String list = copied.stream().map(D::quote).collect(Collectors.joining(", "));
        try (Connection src = PgConnector.open(source)) {
            src.setAutoCommit(false);
            try (Statement st = src.createStatement()) {
                st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                st.execute("SET TRANSACTION SNAPSHOT " + D.literal(snapshot.snapshotId()));
            }
            CopyOut out = src.unwrap(PGConnection.class).getCopyAPI()
                    .copyOut("COPY (SELECT " + list + " FROM ONLY " + name + ") TO STDOUT");
            CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + name + " (" + list + ") FROM STDIN");
            try {
                byte[] chunk;
                while ((chunk = out.readFromCopy()) != null) {
                    in.writeToCopy(chunk, 0, chunk.length);
                }
                return in.endCopy();
            } catch (SQLException e) {
                if (in.isActive()) {
                    in.cancelCopy();
                }
                if (out.isActive()) {
                    out.cancelCopy();
                }
                throw e;
            } finally {
                src.rollback();
            }
        }
    }
}
