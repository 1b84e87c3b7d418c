package dev.ferry.core.spi.engine;

import java.util.regex.Pattern;

/**
 * A statement of another session as Ferry may show it in events and logs: string and number literals
 * replaced by {@code ?}, white space collapsed, cut to a readable length. Pure and thread-safe.
 */
public final class StatementShape {
    private static final int MAX_LENGTH = 160;
    private static final Pattern STRINGS = Pattern.compile("'(?:[^'\\\\]|\\\\.|'')*'");
    private static final Pattern DOUBLE_QUOTED = Pattern.compile("\"(?:[^\"\\\\]|\\\\.|\"\")*\"");
    private static final Pattern NUMBERS = Pattern.compile("(?<![A-Za-z0-9_$])-?\\d+(?:\\.\\d+)?(?![A-Za-z0-9_$])");
    private static final Pattern SPACES = Pattern.compile("\\s+");

    private StatementShape() {}

    /** The statement without literals; {@code null} or blank gives "(statement not visible)". */
    public static String of(String sql) {
        return of(sql, false);
    }

    /** As {@link #of(String)}; {@code doubleQuotedStrings}: double-quoted parts are literals too (MySQL). */
    public static String of(String sql, boolean doubleQuotedStrings) {
        if (sql == null || sql.isBlank()) {
            return "(statement not visible)";
        }
        String text = STRINGS.matcher(sql).replaceAll("?");
        if (doubleQuotedStrings) {
            text = DOUBLE_QUOTED.matcher(text).replaceAll("?");
        }
        String shaped = SPACES.matcher(NUMBERS.matcher(text).replaceAll("?")).replaceAll(" ").strip();
        return shaped.length() <= MAX_LENGTH ? shaped : shaped.substring(0, MAX_LENGTH - 1) + "…";
    }
}
