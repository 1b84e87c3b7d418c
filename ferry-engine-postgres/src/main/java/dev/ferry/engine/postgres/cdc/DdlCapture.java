package dev.ferry.engine.postgres.cdc;

import dev.ferry.core.Dialect;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.ReplicationObjects;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The optional exact capture of a job's DDL on the source, as pglogical and pgstream do it: two event triggers
 * ({@code ddl_command_end}, and {@code sql_drop} for DROP statements) call one plpgsql function that records each
 * top-level DDL statement once ({@code current_query()}, its command tag, the objects and schemas it touched and the
 * session's search_path) as a row of the job's capture table in schema {@code ferry}. The row travels through the
 * job's slot at the statement's place and is replayed on the destination instead of applied ({@link CapturedDdl}).
 * Statements of Ferry's own sessions (application_name {@code ferry}) and statements on schema {@code ferry} are not
 * recorded. Every name derives from the job's publication, so cleanup removes exactly this job's objects. Event
 * triggers need a superuser. Stateless; the caller owns the connections.
 */
public final class DdlCapture {
    private static final Logger log = LoggerFactory.getLogger(DdlCapture.class);
    private static final Dialect D = Dialect.POSTGRESQL;
    static final String SCHEMA = "ferry";

    /** The job's capture objects: the table and function in schema {@code ferry}, and two event triggers. */
    public record Names(String table, String function, String guard, String commandTrigger, String dropTrigger) {
        TableRef tableRef() {
            return new TableRef(SCHEMA, table);
        }
    }

    private DdlCapture() {}

    /** The capture objects of the job whose replication objects are {@code objects}. */
    public static Names names(ReplicationObjects objects) {
        String base = objects.publication();
        return new Names(fit("ddl_", base, ""), fit("capture_", base, ""), fit("guard_", base, ""), fit("", base, "_ddl"),
                fit("", base, "_drop"));
    }

    /**
     * Creates (or replaces) the capture of {@code job} in the connected database; idempotent. Fails with
     * FAILED_PRECONDITION when the user is no superuser.
     */
    public static void install(Connection c, String job, Names names) throws SQLException {
        if (!superuser(c)) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION, ("Job %s captures DDL on the source, which needs event "
                    + "triggers, and only a superuser can create them; connect as a superuser (or ALTER ROLE %s SUPERUSER), or "
                    + "turn DDL capture off (captureDdl false) to follow schema changes from the change stream instead")
                    .formatted(job, D.quote(c.getMetaData().getUserName())));
        }
        String table = D.quote(SCHEMA, names.table());
        String function = D.quote(SCHEMA, names.function());
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS " + D.quote(SCHEMA));
            st.execute("CREATE TABLE IF NOT EXISTS " + table + " (id bigserial PRIMARY KEY, job text NOT NULL, "
                    + "command_tag text NOT NULL, object_identity text, schemas text[] NOT NULL DEFAULT '{}', search_path text, "
                    + "statement text NOT NULL, captured timestamptz NOT NULL DEFAULT pg_catalog.now())");
            // The function runs as whoever issues the DDL: everyone may add a row, but only from inside an event
            // trigger (the guard), recording the statement that session really ran; superusers bypass the policy.
            String guard = D.quote(SCHEMA, names.guard());
            st.execute(guardSql(guard));
            st.execute("ALTER TABLE " + table + " ENABLE ROW LEVEL SECURITY");
            st.execute("DROP POLICY IF EXISTS " + D.quote("capture") + " ON " + table);
            st.execute("CREATE POLICY " + D.quote("capture") + " ON " + table + " FOR INSERT TO PUBLIC WITH CHECK (statement = "
                    + "pg_catalog.current_query() AND " + guard + "())");
            st.execute("GRANT USAGE ON SCHEMA " + D.quote(SCHEMA) + " TO PUBLIC");
            st.execute("GRANT INSERT ON " + table + " TO PUBLIC");
            try (ResultSet rs = st.executeQuery("SELECT pg_catalog.pg_get_serial_sequence(" + D.literal(table) + ", 'id')")) {
                rs.next();
                // pg_get_serial_sequence answers the sequence's name quoted as needed.
                String sequence = rs.getString(1);
                st.execute("GRANT USAGE ON SEQUENCE " + sequence + " TO PUBLIC");
            }
            st.execute(functionSql(function, table, job));
            for (String[] trigger : new String[][] {{names.commandTrigger(), "ddl_command_end"},
                    {names.dropTrigger(), "sql_drop"}}) {
                st.execute("DROP EVENT TRIGGER IF EXISTS " + D.quote(trigger[0]));
                st.execute("CREATE EVENT TRIGGER " + D.quote(trigger[0]) + " ON " + trigger[1] + " EXECUTE FUNCTION " + function
                        + "()");
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
        log.atInfo().addKeyValue("job", job).addKeyValue("table", SCHEMA + "." + names.table())
                .log("DDL capture installed on the source");
    }

    /**
     * Removes the capture objects named {@code names} from the connected database when present, then schema
     * {@code ferry} when nothing else is in it; idempotent. Returns whether anything was removed.
     */
    public static boolean remove(Connection c, Names names) throws SQLException {
        boolean removed = false;
        try (Statement st = c.createStatement()) {
            for (String trigger : List.of(names.commandTrigger(), names.dropTrigger())) {
                if (exists(c, "SELECT 1 FROM pg_catalog.pg_event_trigger WHERE evtname = ?", trigger)) {
                    st.execute("DROP EVENT TRIGGER IF EXISTS " + D.quote(trigger));
                    removed = true;
                }
            }
            if (!exists(c, "SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = ?", SCHEMA)) {
                return removed;
            }
            st.execute("DROP FUNCTION IF EXISTS " + D.quote(SCHEMA, names.function()) + "()");
            st.execute("DROP TABLE IF EXISTS " + D.quote(SCHEMA, names.table()));
            st.execute("DROP FUNCTION IF EXISTS " + D.quote(SCHEMA, names.guard()) + "()");
            try (ResultSet rs = st.executeQuery("SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d "
                    + "JOIN pg_catalog.pg_namespace n ON n.oid = d.refobjid WHERE d.refclassid = 'pg_catalog.pg_namespace'::regclass "
                    + "AND n.nspname = " + D.literal(SCHEMA) + ")")) {
                rs.next();
                if (rs.getBoolean(1)) {
                    st.execute("DROP SCHEMA IF EXISTS " + D.quote(SCHEMA) + " RESTRICT");
                }
            }
        }
        return removed;
    }

    /** True only while an event trigger runs (its command list is readable only then). */
    static String guardSql(String guard) {
        return "CREATE OR REPLACE FUNCTION " + guard + "() RETURNS boolean LANGUAGE plpgsql AS $ferry$\n"
                + "BEGIN\n"
                + "    PERFORM 1 FROM pg_catalog.pg_event_trigger_ddl_commands() LIMIT 1;\n"
                + "    RETURN true;\n"
                + "EXCEPTION WHEN OTHERS THEN\n"
                + "    RETURN false;\n"
                + "END\n"
                + "$ferry$";
    }

    /** The function the triggers call: one row per top-level statement, nothing for Ferry's sessions or schema. */
    static String functionSql(String function, String table, String job) {
        String schemaOf = "COALESCE(%1$s.schema_name, CASE WHEN %1$s.object_type = 'schema' THEN %2$s END)";
        return "CREATE OR REPLACE FUNCTION " + function + "() RETURNS event_trigger LANGUAGE plpgsql AS $ferry$\n"
                + "DECLARE\n"
                + "    touched text;\n"
                + "    spaces text[];\n"
                + "BEGIN\n"
                + "    IF pg_catalog.current_setting('application_name', true) = 'ferry' THEN\n"
                + "        RETURN;\n"
                + "    END IF;\n"
                + "    IF TG_EVENT = 'sql_drop' THEN\n"
                + "        IF TG_TAG NOT LIKE 'DROP %' THEN\n"
                + "            RETURN;\n"
                + "        END IF;\n"
                + "        SELECT pg_catalog.string_agg(o.object_identity, ', '),\n"
                + "               pg_catalog.array_agg(DISTINCT o.s) FILTER (WHERE o.s IS NOT NULL)\n"
                + "          INTO touched, spaces\n"
                + "          FROM (SELECT d.object_identity, " + schemaOf.formatted("d", "d.object_name") + " AS s\n"
                + "                  FROM pg_catalog.pg_event_trigger_dropped_objects() d WHERE d.original) o\n"
                + "         WHERE o.s IS DISTINCT FROM 'ferry';\n"
                + "    ELSE\n"
                + "        SELECT pg_catalog.string_agg(COALESCE(o.object_identity, o.object_type), ', '),\n"
                + "               pg_catalog.array_agg(DISTINCT o.s) FILTER (WHERE o.s IS NOT NULL)\n"
                + "          INTO touched, spaces\n"
                + "          FROM (SELECT c.object_identity, c.object_type, " + schemaOf.formatted("c",
                        "(SELECT n.nspname FROM pg_catalog.pg_namespace n WHERE n.oid = c.objid)") + " AS s\n"
                + "                  FROM pg_catalog.pg_event_trigger_ddl_commands() c) o\n"
                + "         WHERE o.s IS DISTINCT FROM 'ferry';\n"
                + "    END IF;\n"
                + "    IF touched IS NULL THEN\n"
                + "        RETURN;\n"
                + "    END IF;\n"
                + "    INSERT INTO " + table + " (job, command_tag, object_identity, schemas, search_path, statement)\n"
                + "    VALUES (" + D.literal(job) + ", TG_TAG, touched, COALESCE(spaces, '{}'),\n"
                + "            pg_catalog.current_setting('search_path'), pg_catalog.current_query());\n"
                + "END\n"
                + "$ferry$";
    }

    /** Whether the capture named {@code names} is in the connected database: its table and both triggers, enabled. */
    static boolean installed(Connection c, Names names) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.to_regclass(?) IS NOT NULL AND (SELECT count(*) "
                + "FROM pg_catalog.pg_event_trigger WHERE evtname IN (?, ?) AND evtenabled <> 'D') = 2")) {
            ps.setString(1, D.quote(SCHEMA, names.table()));
            ps.setString(2, names.commandTrigger());
            ps.setString(3, names.dropTrigger());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** Whether the connected user may install a capture (event triggers need a superuser). */
    public static boolean canInstall(Connection c) throws SQLException {
        return superuser(c);
    }

    static boolean superuser(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /** The elements of a one-dimensional text array in PostgreSQL's text form ({@code {a,"b c"}}). */
    static List<String> textArray(String text) {
        List<String> out = new ArrayList<>();
        if (text == null || text.length() < 2) {
            return out;
        }
        StringBuilder item = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 1; i < text.length() - 1; i++) {
            char ch = text.charAt(i);
            if (quoted) {
                if (ch == '\\' && i + 1 < text.length() - 1) {
                    item.append(text.charAt(++i));
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    item.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
                wasQuoted = true;
            } else if (ch == ',') {
                out.add(element(item, wasQuoted));
                item.setLength(0);
                wasQuoted = false;
            } else {
                item.append(ch);
            }
        }
        if (item.length() > 0 || wasQuoted) {
            out.add(element(item, wasQuoted));
        }
        return out;
    }

    private static String element(StringBuilder item, boolean quoted) {
        String s = item.toString();
        return !quoted && s.equalsIgnoreCase("NULL") ? null : s;
    }

    private static boolean exists(Connection c, String sql, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** {@code prefix + base + suffix}, shortened in the middle with a hash of {@code base} to fit 63 bytes. */
    private static String fit(String prefix, String base, String suffix) {
        String name = prefix + base + suffix;
        if (name.length() <= ReplicationNames.MAX_LENGTH) {
            return name;
        }
        String hash = ReplicationNames.hash(base);
        int room = ReplicationNames.MAX_LENGTH - prefix.length() - suffix.length() - hash.length() - 1;
        return prefix + base.substring(0, room) + "_" + hash + suffix;
    }
}
