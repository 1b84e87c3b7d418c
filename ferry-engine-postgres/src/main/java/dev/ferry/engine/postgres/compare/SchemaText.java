package dev.ferry.engine.postgres.compare;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a plain {@code pg_dump --schema-only} into its entries by the header comments pg_dump writes before
 * each ({@code -- Name: X; Type: T; Schema: S; Owner: O}), and normalises them: the version banner, the
 * {@code \restrict} keys, comments, blank lines around statements and the session settings between entries
 * go; the settings that decide where a relation is created ({@code default_tablespace},
 * {@code default_table_access_method}) are tracked and written out for the entries they apply to, so an entry
 * reads the same whatever pg_dump printed before it. Text inside statements (function bodies) is kept as is.
 * Pure.
 */
public final class SchemaText {
    /** Greedy on the name, so a name holding "; Type: " still parses as pg_dump meant it (types are upper case). */
    private static final Pattern HEADER = Pattern.compile("^-- Name: (.*); Type: ([A-Z][A-Z ]*); Schema: (.*); Owner: ?(.*)$");
    private static final Pattern SETTING = Pattern.compile("^SET ([a-z_]+) = (.*);$");
    private static final Set<String> PLACED = Set.of("default_tablespace", "default_table_access_method");
    /** The types that pg_dump creates under a chosen tablespace, and those under a table access method. */
    private static final Set<String> TABLESPACE_TYPES = Set.of("TABLE", "INDEX", "CONSTRAINT", "MATERIALIZED VIEW");
    private static final Set<String> ACCESS_METHOD_TYPES = Set.of("TABLE", "MATERIALIZED VIEW");

    private SchemaText() {}

    /** A parsed dump: the session settings it starts with (for running its statements elsewhere), and its entries. */
    public record Dump(List<String> preamble, List<DumpEntry> entries) {
        public Dump {
            preamble = List.copyOf(preamble);
            entries = List.copyOf(entries);
        }

        /** The entries by key, in dump order. */
        public Map<EntryKey, DumpEntry> byKey() {
            Map<EntryKey, DumpEntry> map = new LinkedHashMap<>();
            entries.forEach(e -> map.put(e.key(), e));
            return map;
        }
    }

    /** Splits and normalises {@code dump}. */
    public static Dump parse(String dump) {
        List<String> lines = List.of(dump.replace("\r\n", "\n").split("\n", -1));
        List<Integer> headers = new ArrayList<>();
        for (int i = 1; i + 1 < lines.size(); i++) {
            if (lines.get(i - 1).equals("--") && lines.get(i + 1).equals("--") && HEADER.matcher(lines.get(i)).matches()) {
                headers.add(i);
            }
        }
        List<String> preamble = new ArrayList<>();
        Map<String, String> placed = new HashMap<>();
        int preambleEnd = headers.isEmpty() ? lines.size() : headers.getFirst() - 1;
        for (String line : lines.subList(0, preambleEnd)) {
            Matcher setting = SETTING.matcher(line);
            if (setting.matches() && PLACED.contains(setting.group(1))) {
                // Printed for the first entry, which is a relation: it belongs to that entry.
                placed.put(setting.group(1), line);
            } else if (line.startsWith("SET ") || line.startsWith("SELECT pg_catalog.set_config(")) {
                preamble.add(line);
            }
        }
        Map<EntryKey, Integer> seen = new HashMap<>();
        List<DumpEntry> entries = new ArrayList<>();
        for (int h = 0; h < headers.size(); h++) {
            int header = headers.get(h);
            int end = h + 1 < headers.size() ? headers.get(h + 1) - 1 : lines.size();
            Matcher m = HEADER.matcher(lines.get(header));
            if (!m.matches()) {
                throw new IllegalStateException("header no longer matches: " + lines.get(header));
            }
            String type = m.group(2).strip();
            String schema = m.group(3).equals("-") ? "" : m.group(3);
            String owner = m.group(4);
            // Default privileges of several roles share a tag; their owners tell them apart.
            String name = type.equals("DEFAULT ACL") ? m.group(1) + " (" + owner + ")" : m.group(1);
            List<String> body = new ArrayList<>(lines.subList(header + 2, end));
            List<String> trailingSettings = trimTrailing(body);
            trimLeadingBlank(body);
            EntryKey key = new EntryKey(type, schema, name);
            int duplicate = seen.merge(key, 1, Integer::sum);
            if (duplicate > 1) {
                key = new EntryKey(type, schema, name + " #" + duplicate);
            }
            String sql = String.join("\n", body);
            entries.add(new DumpEntry(key, owner, settingsFor(type, placed),
                    "TYPE".equals(type) ? withoutDefaultMultirange(sql) : sql, entries.size()));
            for (String setting : trailingSettings) {
                Matcher s = SETTING.matcher(setting);
                if (s.matches() && PLACED.contains(s.group(1))) {
                    placed.put(s.group(1), setting);
                }
            }
        }
        return new Dump(preamble, entries);
    }

    /**
     * A normalised form of {@code dump} for deciding whether two schemas are equal: each entry as its key and
     * text, sorted by key, so the order pg_dump happened to choose among independent objects does not matter.
     */
    public static String canonical(String dump) {
        return canonical(dump, entry -> true);
    }

    /** {@link #canonical(String)} of the entries {@code keep} accepts. */
    public static String canonical(String dump, Predicate<DumpEntry> keep) {
        StringBuilder text = new StringBuilder();
        parse(dump).entries().stream().filter(keep).sorted(Comparator.comparing(DumpEntry::key)).forEach(e -> text.append("-- ")
                .append(e.key().type()).append("; ").append(e.key().schema()).append("; ").append(e.key().name())
                .append('\n').append(e.text()).append('\n'));
        return text.toString();
    }

    private static final java.util.regex.Pattern RANGE_TYPE = java.util.regex.Pattern.compile(
            "CREATE TYPE (?:\\S+\\.)?(\"?)([^\"\\s]+)\\1 AS RANGE \\(");
    private static final java.util.regex.Pattern MULTIRANGE_NAME = java.util.regex.Pattern.compile(
            ",\\n\\s*multirange_type_name = (?:\\S+\\.)?(\"?)([^\"\\s]+)\\1\\n\\);");

    /**
     * A range type's definition without {@code multirange_type_name} when it names the multirange PostgreSQL 14 and
     * later create by default ({@code floatrange} has {@code floatmultirange}, a name without "range" gets
     * {@code _multirange}): the same range type dumped from PostgreSQL 13, which has no multiranges, and from a later
     * major must compare equal, and creating it without the clause makes the same multirange.
     */
    static String withoutDefaultMultirange(String sql) {
        var range = RANGE_TYPE.matcher(sql);
        var multirange = MULTIRANGE_NAME.matcher(sql);
        if (!range.find() || !multirange.find()) {
            return sql;
        }
        String name = range.group(2);
        int at = name.indexOf("range");
        String standard = at >= 0 ? name.substring(0, at) + "multi" + name.substring(at) : name + "_multirange";
        return multirange.group(2).equals(standard) ? sql.substring(0, multirange.start()) + "\n);" + sql.substring(multirange.end())
                : sql;
    }

    private static List<String> settingsFor(String type, Map<String, String> placed) {
        List<String> settings = new ArrayList<>();
        if (TABLESPACE_TYPES.contains(type) && placed.containsKey("default_tablespace")) {
            settings.add(placed.get("default_tablespace"));
        }
        if (ACCESS_METHOD_TYPES.contains(type) && placed.containsKey("default_table_access_method")) {
            settings.add(placed.get("default_table_access_method"));
        }
        return settings;
    }

    /**
     * Removes what pg_dump prints after an entry's statements (blank lines, comments, {@code \restrict} keys,
     * session settings for the entries that follow) and returns those settings, in order.
     */
    private static List<String> trimTrailing(List<String> body) {
        List<String> settings = new ArrayList<>();
        while (!body.isEmpty()) {
            String last = body.getLast();
            if (last.isBlank() || last.startsWith("--") || last.startsWith("\\restrict") || last.startsWith("\\unrestrict")
                    || last.startsWith("SELECT pg_catalog.set_config(")) {
                body.removeLast();
            } else if (SETTING.matcher(last).matches()) {
                settings.addFirst(body.removeLast());
            } else {
                break;
            }
        }
        return settings;
    }

    private static void trimLeadingBlank(List<String> body) {
        while (!body.isEmpty() && body.getFirst().isBlank()) {
            body.removeFirst();
        }
    }
}
