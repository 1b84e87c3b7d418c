package dev.ferry.engine.postgres.schema;

import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Filters a {@code pg_restore --list} table of contents: drops the entries of given catalog objects,
 * matched by their {@code pg_class} oid (indexes) or {@code pg_constraint} oid (constraints) rather than
 * by name, since names with spaces make the listing ambiguous. Comments and everything else stay, in
 * their order. Pure.
 */
public final class TocFilter {
    static final long PG_CLASS = 1259;
    static final long PG_CONSTRAINT = 2606;
    private static final Pattern ENTRY = Pattern.compile("^\\s*\\d+;\\s+(\\d+)\\s+(\\d+)\\s");

    private TocFilter() {}

    /** The listing without the entries of {@code indexes} and {@code constraints}. */
    public static List<String> without(List<String> listing, Set<Long> indexes, Set<Long> constraints) {
        return listing.stream().filter(line -> keep(line, indexes, constraints)).toList();
    }

    private static boolean keep(String line, Set<Long> indexes, Set<Long> constraints) {
        Matcher m = ENTRY.matcher(line);
        if (!m.find()) {
            return true;
        }
        long catalog = Long.parseLong(m.group(1));
        long oid = Long.parseLong(m.group(2));
        return !(catalog == PG_CLASS && indexes.contains(oid) || catalog == PG_CONSTRAINT && constraints.contains(oid));
    }
}
