package dev.ferry.engine.postgres.cdc;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.TableRef;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Relation;
import dev.ferry.engine.postgres.connect.PgConnector;
import dev.ferry.engine.postgres.connect.PgErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Tells whether a table's shape as pgoutput describes it (a Relation message) still fits its copy on the
 * destination. Replication does not replay schema changes yet, so a column added on the source after the table
 * was copied stops the job with {@link ErrorCode#SCHEMA_CHANGED}, naming table and columns, before the first
 * change that carries it. Columns the destination has beyond the relation's are fine (the table was read at a
 * later point than the change). Each check opens a short session of its own. Not thread-safe.
 */
class SchemaDrift {
    /** No checks: for callers that apply to tables whose shape cannot change. */
    static final SchemaDrift NONE = new SchemaDrift(null);

    private final DatabaseConnection destination;

    /** {@code destination} has its database set. */
    SchemaDrift(DatabaseConnection destination) {
        this.destination = destination;
    }

    /** Throws SCHEMA_CHANGED when {@code rel} has columns its destination table lacks. */
    void check(Relation rel) {
        if (destination == null) {
            return;
        }
        Set<String> present = columns(rel.table());
        if (present.isEmpty()) {
            return;
        }
        List<String> missing = new ArrayList<>();
        rel.columns().forEach(c -> {
            if (!present.contains(c.name())) {
                missing.add(c.name());
            }
        });
        if (!missing.isEmpty()) {
            throw new FerryException(ErrorCode.SCHEMA_CHANGED, ("Table %s gained column(s) %s on the source after it was "
                    + "copied, and change replication does not replay schema changes yet; add the column(s) to the "
                    + "table in database %s on the destination (%s:%d) as on the source and resume the job, or "
                    + "restart the job to copy everything again").formatted(rel.table(), String.join(", ", missing),
                    destination.database(), destination.host(), destination.port()));
        }
    }

    private Set<String> columns(TableRef table) {
        try (Connection c = PgConnector.open(destination); PreparedStatement ps = c.prepareStatement(
                "SELECT a.attname FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class t ON t.oid = a.attrelid "
                        + "JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = ? "
                        + "AND t.relname = ? AND a.attnum > 0 AND NOT a.attisdropped")) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            Set<String> names = new LinkedHashSet<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            return names;
        } catch (SQLException e) {
            throw PgErrors.translate(e, destination, "reading the columns of " + table);
        }
    }
}
