package dev.ferry.engine.postgres.schema;

import dev.ferry.engine.postgres.catalog.CatalogObject;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Filters a {@code pg_restore --list} table of contents: drops the entries of given catalog objects,
 * matched by the catalog they live in and their oid (as pg_dump lists them) rather than by name, since
 * names with spaces make the listing ambiguous. Comments and everything else stay, in their order. Pure.
 */
public final class TocFilter {
    private static final Pattern ENTRY = Pattern.compile("^\\s*\\d+;\\s+(\\d+)\\s+(\\d+)\\s");

    private TocFilter() {}

    /** The listing without the entries of {@code excluded}. */
    public static List<String> without(List<String> listing, Set<CatalogObject> excluded) {
        return listing.stream().filter(line -> keep(line, excluded)).toList();
    }

    private static boolean keep(String line, Set<CatalogObject> excluded) {
        Matcher m = ENTRY.matcher(line);
        return !m.find()
                || !excluded.contains(new CatalogObject(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))));
    }
}
