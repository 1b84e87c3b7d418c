package dev.ferry.engine.mysql.cdc;

/**
 * Executable comments ({@code /*!50001 ... *}{@code /}, {@code /*M!100100 ... *}{@code /}, {@code /*! ... *}{@code /})
 * replaced by their content when the server runs it (its version is at least the comment's) and by a blank
 * otherwise, as the server reads them. For grammars whose lexer hides such comments. Quoted text is left alone.
 */
final class VersionComments {
    private VersionComments() {}

    /** {@code version} as major * 10000 + minor * 100 + patch (10.11.6 -> 101106). */
    static String expand(String sql, int version) {
        if (!sql.contains("/*!") && !sql.contains("/*M!")) {
            return sql;
        }
        StringBuilder out = new StringBuilder(sql.length());
        int i = 0;
        char quote = 0;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (quote != 0) {
                out.append(c);
                if (c == '\\' && quote != '`' && i + 1 < sql.length()) {
                    out.append(sql.charAt(++i));
                } else if (c == quote) {
                    quote = 0;
                }
                i++;
                continue;
            }
            if (c == '\'' || c == '"' || c == '`') {
                quote = c;
                out.append(c);
                i++;
                continue;
            }
            int open = sql.startsWith("/*!", i) ? 3 : sql.startsWith("/*M!", i) ? 4 : 0;
            if (open == 0) {
                out.append(c);
                i++;
                continue;
            }
            int end = sql.indexOf("*/", i + open);
            if (end < 0) {
                out.append(sql, i, sql.length());
                break;
            }
            int digits = i + open;
            while (digits < end && digits - i - open < 6 && Character.isDigit(sql.charAt(digits))) {
                digits++;
            }
            boolean runs = digits == i + open || Integer.parseInt(sql.substring(i + open, digits)) <= version;
            out.append(' ').append(runs ? sql.substring(digits, end) : "").append(' ');
            i = end + 2;
        }
        return out.toString();
    }

    /** A version string ("10.11.6-MariaDB", "8.0.36") as major * 10000 + minor * 100 + patch. */
    static int number(String version) {
        String[] parts = version.split("[^0-9]+", 4);
        int n = 0;
        for (int k = 0; k < 3; k++) {
            n = n * 100 + (k < parts.length && !parts[k].isEmpty() ? Math.min(99, Integer.parseInt(parts[k])) : 0);
        }
        return n;
    }
}
