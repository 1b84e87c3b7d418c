package dev.ferry.engine.postgres.compare;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits pg_dump's SQL into statements and finds keywords outside quotes: single-quoted literals (with
 * backslash escapes after {@code E}), double-quoted identifiers, dollar-quoted bodies and comments are
 * skipped. Pure.
 */
final class SqlStatements {
    private SqlStatements() {}

    /** The statements of {@code sql}, stripped, each ending with its semicolon; a last one without one is kept. */
    static List<String> split(String sql) {
        List<String> statements = new ArrayList<>();
        int start = 0;
        int i = 0;
        while (i < sql.length()) {
            int skipped = skipQuoted(sql, i);
            if (skipped > i) {
                i = skipped;
                continue;
            }
            if (sql.charAt(i) == ';') {
                add(statements, sql.substring(start, i + 1));
                start = i + 1;
            }
            i++;
        }
        add(statements, sql.substring(start));
        return statements;
    }

    /**
     * The index of the last occurrence of {@code word} (surrounded by spaces, as in {@code " TO "}) outside
     * quotes and comments, or -1.
     */
    static int lastTopLevel(String sql, String word) {
        return topLevel(sql, word, false);
    }

    /** The index of the first occurrence of {@code word} outside quotes and comments, or -1. */
    static int firstTopLevel(String sql, String word) {
        return topLevel(sql, word, true);
    }

    private static int topLevel(String sql, String word, boolean first) {
        int found = -1;
        int i = 0;
        while (i < sql.length()) {
            int skipped = skipQuoted(sql, i);
            if (skipped > i) {
                i = skipped;
                continue;
            }
            if (sql.startsWith(word, i)) {
                if (first) {
                    return i;
                }
                found = i;
            }
            i++;
        }
        return found;
    }

    private static void add(List<String> statements, String statement) {
        String stripped = statement.strip();
        if (!stripped.isEmpty()) {
            statements.add(stripped);
        }
    }

    /** When a quoted part, a comment or a dollar-quoted body starts at {@code i}, the index after it; else {@code i}. */
    private static int skipQuoted(String s, int i) {
        char c = s.charAt(i);
        if (c == '\'') {
            boolean escapes = i > 0 && (s.charAt(i - 1) == 'E' || s.charAt(i - 1) == 'e')
                    && (i < 2 || !Character.isLetterOrDigit(s.charAt(i - 2)) && s.charAt(i - 2) != '_');
            return closeQuote(s, i + 1, '\'', escapes);
        }
        if (c == '"') {
            return closeQuote(s, i + 1, '"', false);
        }
        if (c == '-' && s.startsWith("--", i)) {
            int end = s.indexOf('\n', i);
            return end < 0 ? s.length() : end + 1;
        }
        if (c == '/' && s.startsWith("/*", i)) {
            int depth = 0;
            int j = i;
            while (j < s.length()) {
                if (s.startsWith("/*", j)) {
                    depth++;
                    j += 2;
                } else if (s.startsWith("*/", j)) {
                    depth--;
                    j += 2;
                    if (depth == 0) {
                        return j;
                    }
                } else {
                    j++;
                }
            }
            return s.length();
        }
        if (c == '$' && (i == 0 || !isIdentifierPart(s.charAt(i - 1)))) {
            int j = i + 1;
            while (j < s.length() && isIdentifierPart(s.charAt(j)) && !Character.isDigit(s.charAt(i + 1))) {
                j++;
            }
            if (j < s.length() && s.charAt(j) == '$') {
                String tag = s.substring(i, j + 1);
                int end = s.indexOf(tag, j + 1);
                return end < 0 ? s.length() : end + tag.length();
            }
        }
        return i;
    }

    private static int closeQuote(String s, int from, char quote, boolean escapes) {
        int j = from;
        while (j < s.length()) {
            char c = s.charAt(j);
            if (escapes && c == '\\') {
                j += 2;
                continue;
            }
            if (c == quote) {
                if (j + 1 < s.length() && s.charAt(j + 1) == quote) {
                    j += 2;
                    continue;
                }
                return j + 1;
            }
            j++;
        }
        return s.length();
    }

    private static boolean isIdentifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }
}
