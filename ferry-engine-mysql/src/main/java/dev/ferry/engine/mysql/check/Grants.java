package dev.ferry.engine.mysql.check;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code SHOW GRANTS} says a user may do, on all databases ({@code ON *.*}) and per database (names may be
 * LIKE patterns); table, column and routine grants and roles are noted but not resolved. Privilege names are
 * upper case with MariaDB's newer aliases folded to the classic names. Immutable; parsing is pure.
 */
public final class Grants {
    private static final Pattern GRANT = Pattern.compile("^GRANT (.+?) ON (.+?) TO .*$", Pattern.DOTALL);
    private static final Pattern ROLE = Pattern.compile("^GRANT [`'\"].*?[`'\"](?:@[`'\"].*?[`'\"])? TO .*$", Pattern.DOTALL);
    private static final Pattern DATABASE_LEVEL = Pattern.compile("^`((?:[^`]|``)+)`\\.\\*$");
    private static final Map<String, String> ALIASES = Map.of(
            "BINLOG MONITOR", "REPLICATION CLIENT",
            "REPLICATION REPLICA", "REPLICATION SLAVE",
            "ALL PRIVILEGES", "ALL");

    private final Set<String> global;
    private final Map<String, Set<String>> byDatabasePattern;
    private final boolean viaRoles;

    private Grants(Set<String> global, Map<String, Set<String>> byDatabasePattern, boolean viaRoles) {
        this.global = Set.copyOf(global);
        this.byDatabasePattern = Map.copyOf(byDatabasePattern);
        this.viaRoles = viaRoles;
    }

    /** Parses the lines of {@code SHOW GRANTS}. */
    public static Grants parse(List<String> lines) {
        Set<String> global = new HashSet<>();
        Map<String, Set<String>> byDatabase = new HashMap<>();
        boolean roles = false;
        for (String line : lines) {
            String text = line.strip();
            Matcher m = GRANT.matcher(text);
            if (!m.matches()) {
                roles |= ROLE.matcher(text).matches();
                continue;
            }
            Set<String> privileges = privileges(m.group(1));
            String on = m.group(2).strip();
            if (on.equals("*.*")) {
                global.addAll(privileges);
                continue;
            }
            Matcher db = DATABASE_LEVEL.matcher(on);
            if (db.matches()) {
                byDatabase.computeIfAbsent(db.group(1).replace("``", "`"), k -> new HashSet<>()).addAll(privileges);
            }
        }
        return new Grants(global, byDatabase, roles);
    }

    private static Set<String> privileges(String list) {
        Set<String> out = new HashSet<>();
        // Column lists such as SELECT (a, b) hold commas of their own.
        for (String p : list.replaceAll("\\([^)]*\\)", "").split(",")) {
            String name = p.strip().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
            if (!name.isEmpty()) {
                out.add(ALIASES.getOrDefault(name, name));
            }
        }
        return out;
    }

    /** Whether the privilege is held on all databases. */
    public boolean global(String privilege) {
        return global.contains("ALL") || global.contains(privilege);
    }

    /** Whether the privilege is held on {@code database}, globally or through a database-level grant. */
    public boolean on(String privilege, String database) {
        if (global(privilege)) {
            return true;
        }
        for (var e : byDatabasePattern.entrySet()) {
            if ((e.getValue().contains("ALL") || e.getValue().contains(privilege)) && matches(e.getKey(), database)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the user also holds roles, whose privileges this list does not show. */
    public boolean viaRoles() {
        return viaRoles;
    }

    /** MySQL's database-name patterns: {@code %} and {@code _} are wildcards unless escaped with a backslash. */
    static boolean matches(String pattern, String database) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length()) {
                regex.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
            } else if (c == '%') {
                regex.append(".*");
            } else if (c == '_') {
                regex.append('.');
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(database).matches();
    }
}
