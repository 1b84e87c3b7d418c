package dev.ferry.engine.postgres.cdc;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One DDL statement the source recorded in the job's capture table ({@link DdlCapture}), replayed on the destination
 * as barrier work at its place in the stream: inside the applier's transaction, with the search_path the source
 * session had, so it applies together with the changes around it or not at all. A statement the destination refuses
 * stops the job with SCHEMA_CHANGED naming it. {@code CONCURRENTLY} is dropped from index statements, which cannot
 * run in a transaction. Immutable.
 *
 * @param id the capture row's id
 * @param tag the command tag ({@code ALTER TABLE})
 * @param identity the objects it touched, for messages
 * @param schemas the schemas of those objects
 * @param searchPath the source session's search_path
 * @param statement the statement as the source session sent it
 */
record CapturedDdl(long id, String tag, String identity, List<String> schemas, String searchPath, String statement) {
    private static final Pattern CONCURRENTLY = Pattern.compile("(?i)\\bCONCURRENTLY\\b");
    private static final int SHOWN = 300;

    CapturedDdl {
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(statement, "statement");
        schemas = schemas == null ? List.of() : List.copyOf(schemas);
    }

    /** The statement as replayed: without CONCURRENTLY for index statements. */
    String replayed() {
        if (tag.equals("CREATE INDEX") || tag.equals("DROP INDEX") || tag.equals("REINDEX")) {
            return CONCURRENTLY.matcher(statement).replaceFirst("");
        }
        return statement;
    }

    /** Runs the statement in the caller's open transaction on {@code c}, the search_path set for it alone. */
    void apply(Connection c, String job) {
        String sql = replayed();
        try {
            String before;
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_catalog.current_setting('search_path')")) {
                rs.next();
                before = rs.getString(1);
            }
            setPath(c, searchPath == null ? before : searchPath);
            try (Statement st = c.createStatement()) {
                st.execute(sql);
            }
            setPath(c, before);
        } catch (SQLException e) {
            throw new FerryException(ErrorCode.SCHEMA_CHANGED, ("The destination refused DDL statement %d captured on the source "
                    + "for job %s (%s on %s): %s (SQLSTATE %s). Statement: %s. Bring the destination to what the statement "
                    + "does by hand (or make it succeed), then resume the job; the statement is replayed again")
                    .formatted(id, job, tag, identity, e.getMessage(), e.getSQLState(), shown()), e);
        }
    }

    /** The statement for messages, shortened. */
    String shown() {
        String s = statement.strip().replaceAll("\\s+", " ");
        return s.length() <= SHOWN ? s : s.substring(0, SHOWN) + "...";
    }

    private static void setPath(Connection c, String path) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.set_config('search_path', ?, true)")) {
            ps.setString(1, path);
            ps.executeQuery().close();
        }
    }
}
