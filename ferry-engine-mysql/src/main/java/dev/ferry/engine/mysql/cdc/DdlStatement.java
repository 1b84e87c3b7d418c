package dev.ferry.engine.mysql.cdc;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a statement from a binlog QUERY event is, as far as replication cares: its kind and the first object
 * it names (with the database when the name is qualified). Recognises the DDL Ferry replays; everything
 * else is {@link Kind#OTHER} (transaction control, grants, maintenance) or {@link Kind#DML} (a statement-based
 * change). Pure; a light reading of the statement's head, not a SQL parser.
 */
record DdlStatement(Kind kind, Optional<String> database, Optional<String> name, boolean ifExists) {

    enum Kind {
        /** CREATE/ALTER/DROP/RENAME TABLE and SEQUENCE, CREATE/DROP INDEX, TRUNCATE. */
        TABLE,
        /** CREATE/ALTER/DROP VIEW, PROCEDURE, FUNCTION, TRIGGER, EVENT. */
        OBJECT,
        /** CREATE/ALTER/DROP DATABASE or SCHEMA. */
        DATABASE,
        /** DDL on temporary tables, never replayed. */
        TEMPORARY,
        /** INSERT, UPDATE, DELETE, REPLACE, LOAD DATA logged as statements. */
        DML,
        OTHER
    }

    private static final String IDENT = "(?:`(?:[^`]|``)+`|[\\p{L}\\p{N}_$]+)";
    private static final String NAME = "(" + IDENT + ")(?:\\s*\\.\\s*(" + IDENT + "))?";
    private static final String DEFINER = "(?:DEFINER\\s*=\\s*(?:\\S+|'[^']*'@'[^']*'|`[^`]*`@`[^`]*`)\\s+)?";
    private static final String CREATE_PREFIX = "CREATE\\s+(?:OR\\s+REPLACE\\s+)?(?:ALGORITHM\\s*=\\s*\\w+\\s+)?" + DEFINER
            + "(?:SQL\\s+SECURITY\\s+\\w+\\s+)?";
    private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.DOTALL;

    private static final Pattern TEMPORARY = Pattern.compile("^(?:CREATE\\s+(?:OR\\s+REPLACE\\s+)?|DROP\\s+)TEMPORARY\\s", FLAGS);
    private static final Pattern TABLE = Pattern.compile("^(?:CREATE\\s+(?:OR\\s+REPLACE\\s+)?|ALTER\\s+(?:ONLINE\\s+)?(?:IGNORE\\s+)?"
            + "|DROP\\s+|RENAME\\s+)(?:TABLE|SEQUENCE)S?\\s+(IF\\s+(?:NOT\\s+)?EXISTS\\s+)?(?:/\\*.*?\\*/\\s*)?" + NAME, FLAGS);
    private static final Pattern TRUNCATE = Pattern.compile("^TRUNCATE\\s+(?:TABLE\\s+)?" + NAME, FLAGS);
    private static final Pattern INDEX = Pattern.compile("^(?:CREATE\\s+(?:OR\\s+REPLACE\\s+)?(?:ONLINE\\s+)?(?:UNIQUE\\s+|FULLTEXT\\s+"
            + "|SPATIAL\\s+)?|DROP\\s+(?:ONLINE\\s+)?)INDEX\\s+(IF\\s+(?:NOT\\s+)?EXISTS\\s+)?" + IDENT + ".*?\\sON\\s+" + NAME, FLAGS);
    private static final Pattern OBJECT = Pattern.compile("^(?:" + CREATE_PREFIX + "|ALTER\\s+(?:ALGORITHM\\s*=\\s*\\w+\\s+)?" + DEFINER
            + "(?:SQL\\s+SECURITY\\s+\\w+\\s+)?|DROP\\s+)(?:AGGREGATE\\s+)?(?:VIEW|PROCEDURE|FUNCTION|TRIGGER|EVENT|PACKAGE(?:\\s+BODY)?)"
            + "\\s+(IF\\s+(?:NOT\\s+)?EXISTS\\s+)?" + NAME, FLAGS);
    private static final Pattern DATABASE = Pattern.compile("^(?:CREATE\\s+(?:OR\\s+REPLACE\\s+)?|ALTER\\s+|DROP\\s+)(?:DATABASE|SCHEMA)"
            + "\\s+(IF\\s+(?:NOT\\s+)?EXISTS\\s+)?(" + IDENT + ")", FLAGS);
    private static final Pattern DML = Pattern.compile("^(?:INSERT|UPDATE|DELETE|REPLACE|LOAD\\s+DATA|LOAD\\s+XML)\\b", FLAGS);

    static DdlStatement parse(String sql) {
        String s = stripLeadingComments(sql);
        if (TEMPORARY.matcher(s).lookingAt()) {
            return new DdlStatement(Kind.TEMPORARY, Optional.empty(), Optional.empty(), false);
        }
        Matcher m = TABLE.matcher(s);
        if (m.lookingAt()) {
            return named(Kind.TABLE, m, 2, m.group(1) != null && s.regionMatches(true, 0, "DROP", 0, 4));
        }
        m = TRUNCATE.matcher(s);
        if (m.lookingAt()) {
            return named(Kind.TABLE, m, 1, false);
        }
        m = INDEX.matcher(s);
        if (m.lookingAt()) {
            return named(Kind.TABLE, m, 2, m.group(1) != null && s.regionMatches(true, 0, "DROP", 0, 4));
        }
        m = OBJECT.matcher(s);
        if (m.lookingAt()) {
            return named(Kind.OBJECT, m, 2, m.group(1) != null && s.regionMatches(true, 0, "DROP", 0, 4));
        }
        m = DATABASE.matcher(s);
        if (m.lookingAt()) {
            return new DdlStatement(Kind.DATABASE, Optional.of(unquote(m.group(2))), Optional.empty(),
                    m.group(1) != null && s.regionMatches(true, 0, "DROP", 0, 4));
        }
        if (DML.matcher(s).lookingAt()) {
            return new DdlStatement(Kind.DML, Optional.empty(), Optional.empty(), false);
        }
        return new DdlStatement(Kind.OTHER, Optional.empty(), Optional.empty(), false);
    }

    /** Whether the statement changes a table that must already exist (ALTER, RENAME, TRUNCATE, DROP, index DDL). */
    boolean needsExistingTable(String sql) {
        if (kind != Kind.TABLE || ifExists) {
            return false;
        }
        String head = stripLeadingComments(sql).toUpperCase(Locale.ROOT);
        return !(head.startsWith("CREATE") && !head.matches("(?s)^CREATE\\s+(?:OR\\s+REPLACE\\s+)?(?:ONLINE\\s+)?(?:UNIQUE\\s+|FULLTEXT\\s+|SPATIAL\\s+)?INDEX\\b.*"));
    }

    private static DdlStatement named(Kind kind, Matcher m, int firstGroup, boolean ifExists) {
        String first = unquote(m.group(firstGroup));
        String second = m.group(firstGroup + 1);
        return second == null
                ? new DdlStatement(kind, Optional.empty(), Optional.of(first), ifExists)
                : new DdlStatement(kind, Optional.of(first), Optional.of(unquote(second)), ifExists);
    }

    static String unquote(String ident) {
        if (ident.length() >= 2 && ident.startsWith("`") && ident.endsWith("`")) {
            return ident.substring(1, ident.length() - 1).replace("``", "`");
        }
        return ident;
    }

    /** Drops leading whitespace and comments, but keeps version comments ({@code /*!50001 ...}) as their content. */
    static String stripLeadingComments(String sql) {
        String s = sql.strip();
        while (true) {
            if (s.startsWith("/*!") || s.startsWith("/*M!")) {
                int digits = s.startsWith("/*M!") ? 4 : 3;
                while (digits < s.length() && Character.isDigit(s.charAt(digits))) {
                    digits++;
                }
                int end = s.lastIndexOf("*/");
                s = (end > digits ? s.substring(digits, end) + s.substring(end + 2) : s.substring(digits)).strip();
            } else if (s.startsWith("/*")) {
                int end = s.indexOf("*/");
                s = end < 0 ? "" : s.substring(end + 2).strip();
            } else if (s.startsWith("--") || s.startsWith("#")) {
                int end = s.indexOf('\n');
                s = end < 0 ? "" : s.substring(end + 1).strip();
            } else {
                return s;
            }
        }
    }
}
