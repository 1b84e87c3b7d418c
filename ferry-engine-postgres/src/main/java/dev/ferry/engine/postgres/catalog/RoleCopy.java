package dev.ferry.engine.postgres.catalog;

import dev.ferry.core.Dialect;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.engine.postgres.connect.PgConnector;
import dev.ferry.engine.postgres.connect.PgErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Creates on a destination the roles that the source databases' objects are owned by or granted to, and the roles
 * those are members of, with their attributes and memberships, so that ownership and privileges carry over. Never
 * reads or sets a password: a login role is created without one and cannot log in until its password is set on the
 * destination. A source superuser is created without SUPERUSER (said in the result). Roles the destination already
 * has are left as they are. Stateless.
 */
public final class RoleCopy {
    private static final String ROLES = """
            WITH RECURSIVE wanted(oid) AS (
              SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname::text = ANY (?)
              UNION SELECT m.roleid FROM pg_catalog.pg_auth_members m JOIN wanted w ON m.member = w.oid
            )
            SELECT r.rolname, r.rolsuper, r.rolinherit, r.rolcreaterole, r.rolcreatedb, r.rolcanlogin, r.rolreplication,
                   r.rolbypassrls, r.rolconnlimit, r.rolvaliduntil::text
            FROM pg_catalog.pg_roles r JOIN wanted w ON w.oid = r.oid
            WHERE r.rolname !~ '^pg_' ORDER BY r.rolname""";
    private static final String MEMBERSHIPS = """
            SELECT g.rolname, m.rolname, a.admin_option FROM pg_catalog.pg_auth_members a
            JOIN pg_catalog.pg_roles g ON g.oid = a.roleid JOIN pg_catalog.pg_roles m ON m.oid = a.member
            WHERE m.rolname::text = ANY (?) ORDER BY 2, 1""";

    private RoleCopy() {}

    /** A source role: its attributes as {@code pg_roles} has them. */
    record Role(String name, boolean superuser, boolean inherit, boolean createRole, boolean createDb, boolean login,
            boolean replication, boolean bypassRls, int connectionLimit, String validUntil) {
        /** The CREATE ROLE statement, SUPERUSER left out. */
        String create() {
            StringBuilder sql = new StringBuilder("CREATE ROLE ").append(Dialect.POSTGRESQL.quote(name)).append(" WITH")
                    .append(login ? " LOGIN" : " NOLOGIN").append(inherit ? " INHERIT" : " NOINHERIT")
                    .append(createDb ? " CREATEDB" : " NOCREATEDB").append(createRole ? " CREATEROLE" : " NOCREATEROLE")
                    .append(replication ? " REPLICATION" : " NOREPLICATION").append(bypassRls ? " BYPASSRLS" : " NOBYPASSRLS");
            if (connectionLimit != -1) {
                sql.append(" CONNECTION LIMIT ").append(connectionLimit);
            }
            if (validUntil != null) {
                sql.append(" VALID UNTIL ").append(Dialect.POSTGRESQL.literal(validUntil));
            }
            return sql.toString();
        }
    }

    /**
     * Creates on {@code destination} the roles {@code databases} (on {@code source}) refer to and their memberships;
     * returns one line per role or membership created, in order.
     */
    public static List<String> copy(DatabaseConnection source, DatabaseConnection destination, List<String> databases) {
        Set<String> referenced = new TreeSet<>();
        for (String database : databases) {
            DatabaseConnection db = source.withDatabase(database);
            try (Connection c = PgConnector.open(db)) {
                referenced.addAll(GlobalObjects.referencedRoles(c));
            } catch (SQLException e) {
                throw PgErrors.translate(e, db, "reading the roles the database uses");
            }
        }
        if (referenced.isEmpty()) {
            return List.of();
        }
        Map<String, Role> roles = new LinkedHashMap<>();
        List<String[]> memberships = new ArrayList<>();
        try (Connection c = PgConnector.open(source)) {
            try (PreparedStatement ps = c.prepareStatement(ROLES)) {
                ps.setArray(1, c.createArrayOf("text", referenced.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        roles.put(rs.getString(1), new Role(rs.getString(1), rs.getBoolean(2), rs.getBoolean(3),
                                rs.getBoolean(4), rs.getBoolean(5), rs.getBoolean(6), rs.getBoolean(7), rs.getBoolean(8),
                                rs.getInt(9), rs.getString(10)));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(MEMBERSHIPS)) {
                ps.setArray(1, c.createArrayOf("text", roles.keySet().toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        memberships.add(new String[] {rs.getString(1), rs.getString(2), rs.getBoolean(3) ? "t" : "f"});
                    }
                }
            }
        } catch (SQLException e) {
            throw PgErrors.translate(e, source, "reading roles and their memberships");
        }
        List<String> done = new ArrayList<>();
        try (Connection d = PgConnector.open(destination)) {
            Set<String> missing = GlobalObjects.missingRoles(d, roles.keySet());
            d.setAutoCommit(false);
            try (Statement st = d.createStatement()) {
                for (Role role : roles.values()) {
                    if (!missing.contains(role.name())) {
                        continue;
                    }
                    st.execute(role.create());
                    done.add("Created role %s (%s)%s".formatted(role.name(), role.login() ? "login, no password yet" : "no login",
                            role.superuser() ? "; it is a superuser on the source, created without SUPERUSER" : ""));
                }
                for (String[] m : memberships) {
                    // Only the memberships of roles created here: existing roles are the destination's business.
                    if (missing.contains(m[1]) && roles.containsKey(m[0])) {
                        st.execute("GRANT %s TO %s%s".formatted(Dialect.POSTGRESQL.quote(m[0]), Dialect.POSTGRESQL.quote(m[1]),
                                m[2].equals("t") ? " WITH ADMIN OPTION" : ""));
                        done.add("Granted role %s to %s".formatted(m[0], m[1]));
                    }
                }
            }
            d.commit();
        } catch (SQLException e) {
            throw PgErrors.translate(e, destination, "creating the source's roles");
        }
        return done;
    }
}
