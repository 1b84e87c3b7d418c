package dev.ferry.engine.postgres.check;

import dev.ferry.core.Dialect;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.Finding;
import dev.ferry.core.model.Severity;
import dev.ferry.engine.postgres.catalog.GlobalObjects;
import dev.ferry.engine.postgres.connect.PgConnector;
import dev.ferry.engine.postgres.connect.PgErrors;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Checks a destination against what the source databases use: extensions it cannot install
 * ({@code MISSING_EXTENSIONS}, an error: the schema would not apply), and roles it lacks
 * ({@code MISSING_ROLES}, a warning: ownership and privileges are then left out). Reads only.
 */
public final class DestinationChecks {
    private DestinationChecks() {}

    public static List<Finding> check(DatabaseConnection source, DatabaseConnection destination,
            List<String> databases) {
        Map<String, Set<String>> extensions = new TreeMap<>();
        Set<String> roles = new TreeSet<>();
        for (String database : databases) {
            DatabaseConnection db = source.withDatabase(database);
            try (Connection c = PgConnector.open(db)) {
                for (String ext : names(c, "SELECT extname FROM pg_catalog.pg_extension")) {
                    extensions.computeIfAbsent(ext, e -> new TreeSet<>()).add(database);
                }
                roles.addAll(GlobalObjects.referencedRoles(c));
            } catch (SQLException e) {
                throw PgErrors.translate(e, db, "reading extensions and roles");
            }
        }
        List<Finding> findings = new ArrayList<>();
        try (Connection d = PgConnector.open(destination)) {
            findings.addAll(missingExtensions(extensions,
                    names(d, "SELECT name FROM pg_catalog.pg_available_extensions")));
            Set<String> missing = GlobalObjects.missingRoles(d, roles);
            if (!missing.isEmpty()) {
                findings.add(new Finding("MISSING_ROLES", Severity.WARNING, ("Role(s) %s own or are granted objects in "
                        + "the source databases but do not exist on the destination; the copy will skip ownership and "
                        + "privileges (objects will belong to the destination user)").formatted(String.join(", ", missing)),
                        missing.stream().map(r -> "CREATE ROLE " + Dialect.POSTGRESQL.quote(r) + ";")
                                .collect(Collectors.joining(" ")) + " (on the destination, before starting)",
                        String.join(",", missing)));
            }
        } catch (SQLException e) {
            throw PgErrors.translate(e, destination, "reading available extensions and roles");
        }
        return findings;
    }

    /** One error per extension in {@code used} (extension -> databases using it) that is not {@code available}. */
    static List<Finding> missingExtensions(Map<String, Set<String>> used, Set<String> available) {
        List<Finding> findings = new ArrayList<>();
        used.forEach((ext, users) -> {
            if (!available.contains(ext)) {
                findings.add(new Finding("MISSING_EXTENSIONS", Severity.ERROR, ("Extension %s, used by database(s) %s, "
                        + "is not available on the destination").formatted(ext, String.join(", ", users)),
                        ("Install the package providing extension %s on the destination server (for contrib extensions "
                                + "the PostgreSQL contrib package of its major version), then retry").formatted(ext),
                        ext));
            }
        });
        return findings;
    }

    private static Set<String> names(Connection c, String sql) throws SQLException {
        Set<String> names = new TreeSet<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }
}
