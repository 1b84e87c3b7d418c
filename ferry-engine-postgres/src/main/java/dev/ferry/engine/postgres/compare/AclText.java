package dev.ferry.engine.postgres.compare;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads pg_dump's privilege entries ({@code ACL}, {@code DEFAULT ACL}): GRANT and REVOKE statements relative to
 * the object's default privileges, possibly wrapped in {@code SET SESSION AUTHORIZATION}. Pure.
 */
final class AclText {
    /** What a demotion of the destination revokes from roles other than the owner and Ferry's user. */
    private static final Set<String> DEMOTED = Set.of("INSERT", "UPDATE", "DELETE", "TRUNCATE");
    private static final List<String> TABLE_PRIVILEGES = List.of("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE",
            "REFERENCES", "TRIGGER");

    private AclText() {}

    /**
     * A table's privilege entry as compared while the destination is demoted: without the write privileges a
     * demotion takes from roles other than {@code owner} and {@code exempt} (Ferry's user), which the end of the
     * promotion gives back. {@code major} decides what {@code ALL} stands for.
     */
    static String withoutDemotedWrites(String sql, String owner, String exempt, int major) {
        List<String> kept = new ArrayList<>();
        for (String statement : SqlStatements.split(sql)) {
            Optional<Grant> grant = Grant.parse(statement);
            if (grant.isEmpty() || grant.get().grantee().equals(owner) || grant.get().grantee().equals(exempt)) {
                kept.add(statement);
                continue;
            }
            Set<String> privileges = new TreeSet<>();
            for (String p : grant.get().privileges().split(",")) {
                if (p.equals("ALL")) {
                    privileges.addAll(TABLE_PRIVILEGES);
                    if (major >= 17) {
                        privileges.add("MAINTAIN");
                    }
                } else {
                    privileges.add(p);
                }
            }
            privileges.removeAll(DEMOTED);
            if (!privileges.isEmpty()) {
                kept.add("GRANT " + String.join(",", privileges) + grant.get().rest());
            }
        }
        return String.join("\n", kept);
    }

    /**
     * Statements undoing {@code sql}: each GRANT revoked, each REVOKE granted back (session authorizations kept
     * around them), so the object returns to its default privileges. Empty when a statement has another form.
     */
    static Optional<List<String>> inverted(String sql) {
        List<String> undo = new ArrayList<>();
        for (String statement : SqlStatements.split(sql)) {
            if (statement.startsWith("SET SESSION AUTHORIZATION ") || statement.equals("RESET SESSION AUTHORIZATION;")) {
                undo.add(statement);
                continue;
            }
            Optional<String> inverse = inverse(statement);
            if (inverse.isEmpty()) {
                return Optional.empty();
            }
            undo.add(inverse.get());
        }
        return Optional.of(undo);
    }

    private static Optional<String> inverse(String statement) {
        String prefix = "";
        String body = statement;
        if (statement.startsWith("ALTER DEFAULT PRIVILEGES ")) {
            int grant = SqlStatements.firstTopLevel(statement, " GRANT ");
            int revoke = SqlStatements.firstTopLevel(statement, " REVOKE ");
            int at = grant < 0 ? revoke : revoke < 0 ? grant : Math.min(grant, revoke);
            if (at < 0) {
                return Optional.empty();
            }
            prefix = statement.substring(0, at + 1);
            body = statement.substring(at + 1);
        }
        if (!body.endsWith(";")) {
            return Optional.empty();
        }
        body = body.substring(0, body.length() - 1);
        if (body.startsWith("GRANT ")) {
            String withOption = " WITH GRANT OPTION";
            if (body.endsWith(withOption)) {
                body = body.substring(0, body.length() - withOption.length());
            }
            int to = SqlStatements.lastTopLevel(body, " TO ");
            if (to < 0) {
                return Optional.empty();
            }
            return Optional.of(prefix + "REVOKE " + body.substring("GRANT ".length(), to) + " FROM "
                    + body.substring(to + " TO ".length()) + " CASCADE;");
        }
        if (body.startsWith("REVOKE ")) {
            int from = SqlStatements.lastTopLevel(body, " FROM ");
            if (from < 0) {
                return Optional.empty();
            }
            String grantees = body.substring(from + " FROM ".length());
            for (String behaviour : List.of(" CASCADE", " RESTRICT")) {
                if (grantees.endsWith(behaviour)) {
                    grantees = grantees.substring(0, grantees.length() - behaviour.length());
                }
            }
            String optionFor = "REVOKE GRANT OPTION FOR ";
            if (body.startsWith(optionFor)) {
                return Optional.of(prefix + "GRANT " + body.substring(optionFor.length(), from) + " TO " + grantees
                        + " WITH GRANT OPTION;");
            }
            return Optional.of(prefix + "GRANT " + body.substring("REVOKE ".length(), from) + " TO " + grantees + ";");
        }
        return Optional.empty();
    }

    /** {@code GRANT privileges ON ... TO grantee[ WITH GRANT OPTION];} with one grantee; {@code rest} from " ON". */
    private record Grant(String privileges, String grantee, String rest) {
        static Optional<Grant> parse(String statement) {
            if (!statement.startsWith("GRANT ") || !statement.endsWith(";")) {
                return Optional.empty();
            }
            int on = SqlStatements.firstTopLevel(statement, " ON ");
            int to = SqlStatements.lastTopLevel(statement, " TO ");
            if (on < 0 || to < on) {
                return Optional.empty();
            }
            String privileges = statement.substring("GRANT ".length(), on);
            if (!privileges.equals(privileges.toUpperCase(Locale.ROOT)) || privileges.contains("(")) {
                return Optional.empty();
            }
            String grantee = statement.substring(to + " TO ".length(), statement.length() - 1);
            if (grantee.endsWith(" WITH GRANT OPTION")) {
                grantee = grantee.substring(0, grantee.length() - " WITH GRANT OPTION".length());
            }
            return Optional.of(new Grant(privileges, unquoted(grantee), statement.substring(on)));
        }
    }

    /** A role name as pg_dump wrote it, without its quotes. */
    static String unquoted(String name) {
        if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
            return name.substring(1, name.length() - 1).replace("\"\"", "\"");
        }
        return name;
    }
}
