package dev.ferry.engine.postgres.cdc;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits a query string as a client sent it (what {@code current_query()} answers) into its statements at the
 * semicolons outside quotes, quoted identifiers, dollar quotes and comments. A string with a SQL-standard function body
 * ({@code BEGIN ATOMIC}), whose semicolons belong to the body, is left whole. Pure.
 */
final class QueryText {
    private QueryText() {}

    /** The statements of {@code query}, stripped, empty ones left out. */
    static List<String> statements(String query) {
        List<String> out = new ArrayList<>();
        if (query.toUpperCase(Locale.ROOT).replaceAll("\\s+", " ").contains("BEGIN ATOMIC")) {
            out.add(query.strip());
            return out;
        }
        int start = 0;
        int i = 0;
        int n = query.length();
        while (i < n) {
            char ch = query.charAt(i);
            if (ch == '\'') {
                boolean backslashes = i > 0 && (query.charAt(i - 1) == 'E' || query.charAt(i - 1) == 'e');
                i = skipQuoted(query, i, '\'', backslashes);
            } else if (ch == '"') {
                i = skipQuoted(query, i, '"', false);
            } else if (ch == '-' && i + 1 < n && query.charAt(i + 1) == '-') {
                int end = query.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
            } else if (ch == '/' && i + 1 < n && query.charAt(i + 1) == '*') {
                i = skipBlockComment(query, i);
            } else if (ch == '$' && dollarTag(query, i) != null) {
                String tag = dollarTag(query, i);
                int end = query.indexOf(tag, i + tag.length());
                i = end < 0 ? n : end + tag.length();
            } else if (ch == ';') {
                add(out, query.substring(start, i));
                start = ++i;
            } else {
                i++;
            }
        }
        add(out, query.substring(start));
        return out;
    }

    /** The first word of {@code statement}, upper-cased, comments skipped. */
    static String firstWord(String statement) {
        String s = statement;
        while (true) {
            s = s.stripLeading();
            if (s.startsWith("--")) {
                int end = s.indexOf('\n');
                s = end < 0 ? "" : s.substring(end + 1);
            } else if (s.startsWith("/*")) {
                int end = skipBlockComment(s, 0);
                s = s.substring(Math.min(end, s.length()));
            } else {
                break;
            }
        }
        int end = 0;
        while (end < s.length() && Character.isLetter(s.charAt(end))) {
            end++;
        }
        return s.substring(0, end).toUpperCase(Locale.ROOT);
    }

    private static void add(List<String> out, String statement) {
        String s = statement.strip();
        if (!s.isEmpty() && !firstWord(s).isEmpty()) {
            out.add(s);
        }
    }

    private static int skipQuoted(String q, int open, char quote, boolean backslashes) {
        int i = open + 1;
        while (i < q.length()) {
            char ch = q.charAt(i);
            if (backslashes && ch == '\\') {
                i += 2;
            } else if (ch == quote) {
                if (i + 1 < q.length() && q.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return i;
    }

    private static int skipBlockComment(String q, int open) {
        int depth = 0;
        int i = open;
        while (i < q.length()) {
            if (q.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else if (q.startsWith("*/", i)) {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return i;
    }

    /** The dollar-quote opening at {@code i} ({@code $$} or {@code $tag$}), or null. */
    private static String dollarTag(String q, int i) {
        if (i > 0 && (Character.isLetterOrDigit(q.charAt(i - 1)) || q.charAt(i - 1) == '_')) {
            return null;
        }
        int j = i + 1;
        while (j < q.length() && (Character.isLetterOrDigit(q.charAt(j)) || q.charAt(j) == '_')) {
            j++;
        }
        if (j < q.length() && q.charAt(j) == '$' && (j == i + 1 || !Character.isDigit(q.charAt(i + 1)))) {
            return q.substring(i, j + 1);
        }
        return null;
    }
}
