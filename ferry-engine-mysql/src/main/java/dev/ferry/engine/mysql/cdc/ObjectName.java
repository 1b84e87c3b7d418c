package dev.ferry.engine.mysql.cdc;

import dev.ferry.core.Dialect;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A name a statement gives an object (table, view, sequence, routine, trigger, event, or a database), with the
 * database when the statement qualifies it; {@link #resolve} fills in the statement's default database.
 */
record ObjectName(Optional<String> database, String name) {
    ObjectName {
        if (database == null || database.isPresent() && database.get().isEmpty() || name == null || name.isEmpty()) {
            throw new IllegalArgumentException("not an object name: " + database + "." + name);
        }
    }

    static ObjectName of(String database, String name) {
        return new ObjectName(Optional.ofNullable(database), name);
    }

    boolean qualified() {
        return database.isPresent();
    }

    /** The database the object lives in: the qualifier, else the statement's default database (empty when it has none). */
    Optional<String> databaseOr(String defaultDatabase) {
        return database.or(() -> Optional.ofNullable(defaultDatabase).filter(d -> !d.isEmpty()));
    }

    String quoted(String defaultDatabase) {
        return databaseOr(defaultDatabase).map(d -> Dialect.MYSQL.quote(d, name)).orElse(Dialect.MYSQL.quote(name));
    }

    @Override
    public String toString() {
        return database.map(d -> d + "." + name).orElse(name);
    }

    /**
     * Reads a name as written in SQL: one or two identifiers separated by a dot, each bare or quoted with backticks
     * (a doubled backtick is one) or double quotes, with blanks or comments around the dot.
     */
    static ObjectName parse(String text) {
        List<String> parts = new ArrayList<>();
        int i = skipBlanks(text, 0);
        while (i < text.length()) {
            char c = text.charAt(i);
            StringBuilder part = new StringBuilder();
            if (c == '`' || c == '"') {
                int j = i + 1;
                while (true) {
                    if (j >= text.length()) {
                        throw new IllegalArgumentException("unterminated quoted name: " + text);
                    }
                    if (text.charAt(j) == c) {
                        if (j + 1 < text.length() && text.charAt(j + 1) == c) {
                            part.append(c);
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    part.append(text.charAt(j++));
                }
                i = j + 1;
            } else {
                int j = i;
                while (j < text.length() && text.charAt(j) != '.' && !Character.isWhitespace(text.charAt(j))
                        && text.charAt(j) != '`' && text.charAt(j) != '/') {
                    j++;
                }
                part.append(text, i, j);
                i = j;
            }
            parts.add(part.toString());
            i = skipBlanks(text, i);
            if (i < text.length()) {
                if (text.charAt(i) != '.') {
                    throw new IllegalArgumentException("not an object name: " + text);
                }
                i = skipBlanks(text, i + 1);
            }
        }
        return switch (parts.size()) {
            case 1 -> of(null, parts.get(0));
            case 2 -> of(parts.get(0), parts.get(1));
            default -> throw new IllegalArgumentException("not an object name: " + text);
        };
    }

    private static int skipBlanks(String text, int from) {
        int i = from;
        while (i < text.length()) {
            if (Character.isWhitespace(text.charAt(i))) {
                i++;
            } else if (text.startsWith("/*", i)) {
                int end = text.indexOf("*/", i + 2);
                i = end < 0 ? text.length() : end + 2;
            } else {
                break;
            }
        }
        return i;
    }
}
