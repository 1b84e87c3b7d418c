package dev.ferry.engine.mysql.schema;

import java.util.ArrayList;
import java.util.List;

/**
 * A CREATE TABLE statement split so that rows load before secondary indexes and foreign keys exist:
 * {@code create} keeps the columns, the primary key, CHECK constraints, FULLTEXT and SPATIAL indexes and any
 * index that leads with the AUTO_INCREMENT column (the server requires one); {@code indexes} and
 * {@code foreignKeys} hold the removed definitions exactly as printed. Pure.
 */
public record TableDdl(String create, List<String> indexes, List<String> foreignKeys) {
    public TableDdl {
        indexes = List.copyOf(indexes);
        foreignKeys = List.copyOf(foreignKeys);
    }

    /** The statement unchanged, nothing deferred. */
    public static TableDdl whole(String create) {
        return new TableDdl(create, List.of(), List.of());
    }

    /**
     * Splits SHOW CREATE TABLE output. Anything it does not recognise stays in {@code create}; text it cannot
     * parse is returned whole.
     *
     * @param autoIncrementColumn the AUTO_INCREMENT column, or null
     */
    public static TableDdl split(String showCreate, String autoIncrementColumn) {
        int open = bodyStart(showCreate);
        if (open < 0) {
            return whole(showCreate);
        }
        List<String> items = new ArrayList<>();
        int close = splitBody(showCreate, open + 1, items);
        if (close < 0 || items.isEmpty()) {
            return whole(showCreate);
        }
        List<String> kept = new ArrayList<>();
        List<String> indexes = new ArrayList<>();
        List<String> foreignKeys = new ArrayList<>();
        for (String item : items) {
            if (isForeignKey(item)) {
                foreignKeys.add(item);
            } else if (isPlainIndex(item) && !leadsWith(item, autoIncrementColumn)) {
                indexes.add(item);
            } else {
                kept.add(item);
            }
        }
        if (kept.isEmpty()) {
            return whole(showCreate);
        }
        String create = showCreate.substring(0, open + 1) + "\n  " + String.join(",\n  ", kept) + "\n"
                + showCreate.substring(close);
        return new TableDdl(create, indexes, foreignKeys);
    }

    /** {@code ALTER TABLE <quotedTable> ADD ..., ADD ...} for the given definitions. */
    public static String alter(String quotedTable, List<String> definitions) {
        if (definitions.isEmpty()) {
            throw new IllegalArgumentException("nothing to add to " + quotedTable);
        }
        return "ALTER TABLE " + quotedTable + " ADD " + String.join(", ADD ", definitions);
    }

    /** The name of a deferred index definition such as {@code UNIQUE KEY `a``b` (`x`)}, unquoted; null when unparseable. */
    public static String indexName(String definition) {
        int start = definition.indexOf('`');
        int end = start < 0 ? -1 : endOfBacktickName(definition, start);
        return end < 0 ? null : definition.substring(start + 1, end - 1).replace("``", "`");
    }

    private static int bodyStart(String ddl) {
        String prefix = "CREATE TABLE ";
        if (!ddl.startsWith(prefix) || ddl.length() <= prefix.length() || ddl.charAt(prefix.length()) != '`') {
            return -1;
        }
        int end = endOfBacktickName(ddl, prefix.length());
        if (end < 0 || !ddl.startsWith(" (", end)) {
            return -1;
        }
        return end + 1;
    }

    /** Index just after the closing backtick of the identifier starting at {@code start}, or -1. */
    private static int endOfBacktickName(String s, int start) {
        int i = start + 1;
        while (i < s.length()) {
            if (s.charAt(i) == '`') {
                if (i + 1 < s.length() && s.charAt(i + 1) == '`') {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return -1;
    }

    /** Splits the definitions at top-level commas; returns the index of the closing parenthesis, or -1. */
    private static int splitBody(String s, int from, List<String> items) {
        int depth = 0;
        char quote = 0;
        int itemStart = from;
        for (int i = from; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (quote != 0) {
                if (ch == '\\' && quote != '`') {
                    i++;
                } else if (ch == quote) {
                    quote = 0;
                }
                continue;
            }
            switch (ch) {
                case '`', '\'', '"' -> quote = ch;
                case '(' -> depth++;
                case ')' -> {
                    if (depth == 0) {
                        addItem(s.substring(itemStart, i), items);
                        return i;
                    }
                    depth--;
                }
                case ',' -> {
                    if (depth == 0) {
                        addItem(s.substring(itemStart, i), items);
                        itemStart = i + 1;
                    }
                }
                default -> { }
            }
        }
        return -1;
    }

    private static void addItem(String raw, List<String> items) {
        String item = raw.strip();
        if (!item.isEmpty()) {
            items.add(item);
        }
    }

    private static boolean isPlainIndex(String item) {
        return item.startsWith("KEY `") || item.startsWith("UNIQUE KEY `") || item.startsWith("INDEX `")
                || item.startsWith("UNIQUE INDEX `");
    }

    private static boolean isForeignKey(String item) {
        if (!item.startsWith("CONSTRAINT `")) {
            return false;
        }
        int end = endOfBacktickName(item, "CONSTRAINT ".length());
        return end > 0 && item.startsWith(" FOREIGN KEY", end);
    }

    private static boolean leadsWith(String index, String column) {
        if (column == null) {
            return false;
        }
        int nameStart = index.indexOf('`');
        int nameEnd = endOfBacktickName(index, nameStart);
        if (nameEnd < 0) {
            return true; // unparseable: keep it in CREATE TABLE, which is always correct
        }
        int paren = index.indexOf('(', nameEnd);
        if (paren < 0 || paren + 1 >= index.length() || index.charAt(paren + 1) != '`') {
            return false;
        }
        int colEnd = endOfBacktickName(index, paren + 1);
        if (colEnd < 0) {
            return true;
        }
        String first = index.substring(paren + 2, colEnd - 1).replace("``", "`");
        return first.equals(column);
    }
}
