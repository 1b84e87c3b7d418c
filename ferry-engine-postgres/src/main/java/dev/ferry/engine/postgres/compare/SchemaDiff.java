package dev.ferry.engine.postgres.compare;

import dev.ferry.core.model.TableRef;
import dev.ferry.engine.postgres.compare.CatalogShapes.Column;
import dev.ferry.engine.postgres.compare.SchemaComparison.Side;
import dev.ferry.engine.postgres.compare.SchemaDifference.Aspect;
import dev.ferry.engine.postgres.compare.SchemaDifference.Presence;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Computes what differs between two sides' schemas. pg_dump entries are compared by key and normalised text,
 * except: tables by their shell ({@link TableShell}), their columns and CHECK constraints through the catalogs;
 * separate column defaults and identity definitions are left to the column comparison; privileges of tables
 * without the write privileges a demotion took; Ferry's own publications (named {@code ferry_...}) are no one's
 * difference. Pure.
 */
final class SchemaDiff {
    /** The prefix of every publication Ferry creates on a source. */
    static final String FERRY_PUBLICATION = "ferry_";
    private static final Set<String> TABLE_TYPES = Set.of("TABLE", "FOREIGN TABLE");

    private SchemaDiff() {}

    static List<SchemaDifference> of(Side source, Side destination) {
        List<SchemaDifference> differences = new ArrayList<>();
        Map<EntryKey, DumpEntry> s = compared(source.dump());
        Map<EntryKey, DumpEntry> d = compared(destination.dump());
        Set<EntryKey> keys = new LinkedHashSet<>(s.keySet());
        keys.addAll(d.keySet());
        for (EntryKey key : keys) {
            DumpEntry se = s.get(key);
            DumpEntry de = d.get(key);
            if (de == null) {
                differences.add(new SchemaDifference.Entry(Presence.SOURCE_ONLY, key, se, null));
            } else if (se == null) {
                differences.add(new SchemaDifference.Entry(Presence.DESTINATION_ONLY, key, null, de));
            } else if (!same(se, de, source, destination, s.keySet())) {
                differences.add(new SchemaDifference.Entry(Presence.BOTH, key, se, de));
            }
        }
        for (EntryKey key : s.keySet()) {
            if (TABLE_TYPES.contains(key.type()) && d.containsKey(key)) {
                TableRef table = new TableRef(key.schema(), key.name());
                columns(table, source.shapes(), destination.shapes(), differences);
                checks(table, source.shapes(), destination.shapes(), differences);
            }
        }
        return differences;
    }

    /** The entries that take part in the comparison. */
    private static Map<EntryKey, DumpEntry> compared(SchemaText.Dump dump) {
        Map<EntryKey, DumpEntry> entries = new LinkedHashMap<>();
        dump.byKey().forEach((key, entry) -> {
            if (!ignored(entry)) {
                entries.put(key, entry);
            }
        });
        return entries;
    }

    /** Entries compared otherwise (separate column defaults, identity definitions) and Ferry's own. */
    static boolean ignored(DumpEntry entry) {
        String type = entry.type();
        return type.equals("DEFAULT") || type.equals("SEQUENCE") && entry.sql().startsWith("ALTER TABLE ") || ferrys(entry);
    }

    /**
     * Whether the entry is of a publication or a DDL-capture event trigger Ferry made for replication (both are named
     * {@code ferry_...}), or a comment on one.
     */
    static boolean ferrys(DumpEntry entry) {
        String type = entry.type();
        return (type.startsWith("PUBLICATION") || type.equals("EVENT TRIGGER")) && entry.key().name().startsWith(FERRY_PUBLICATION)
                || (type.equals("COMMENT") || type.equals("SECURITY LABEL"))
                        && (entry.key().name().startsWith("PUBLICATION " + FERRY_PUBLICATION)
                                || entry.key().name().startsWith("EVENT TRIGGER " + FERRY_PUBLICATION));
    }

    private static boolean same(DumpEntry se, DumpEntry de, Side source, Side destination, Set<EntryKey> sourceKeys) {
        if (TABLE_TYPES.contains(se.type())) {
            return TableShell.of(se).sameAs(TableShell.of(de));
        }
        if (se.type().equals("ACL") && se.key().name().startsWith("TABLE ")
                && sourceKeys.contains(new EntryKey("TABLE", se.key().schema(), se.key().name().substring("TABLE ".length())))) {
            String exempt = destination.shapes().currentUser();
            return AclText.withoutDemotedWrites(se.sql(), se.owner(), exempt, source.shapes().major())
                    .equals(AclText.withoutDemotedWrites(de.sql(), de.owner(), exempt, destination.shapes().major()));
        }
        return se.text().equals(de.text());
    }

    private static void columns(TableRef table, CatalogShapes source, CatalogShapes destination,
            List<SchemaDifference> differences) {
        Map<String, Column> s = byName(source.relations().get(table));
        Map<String, Column> d = byName(destination.relations().get(table));
        for (Column sc : s.values()) {
            Column dc = d.get(sc.name());
            if (dc == null) {
                differences.add(new SchemaDifference.Column(table, sc.name(), Aspect.PRESENCE, "present", "absent"));
                continue;
            }
            if (!sc.type().equals(dc.type())) {
                differences.add(new SchemaDifference.Column(table, sc.name(), Aspect.TYPE, sc.type(), dc.type()));
                continue;
            }
            compare(table, sc, dc, Aspect.COLLATION, Column::collation, differences);
            compare(table, sc, dc, Aspect.NOT_NULL, c -> c.notNull() ? "NOT NULL" : "nullable", differences);
            compare(table, sc, dc, Aspect.DEFAULT, Column::defaultExpression, differences);
            compare(table, sc, dc, Aspect.GENERATED, Column::generation, differences);
            compare(table, sc, dc, Aspect.IDENTITY, SchemaDiff::identity, differences);
        }
        for (Column dc : d.values()) {
            if (!s.containsKey(dc.name())) {
                differences.add(new SchemaDifference.Column(table, dc.name(), Aspect.PRESENCE, "absent", "present"));
            }
        }
    }

    private static void compare(TableRef table, Column source, Column destination, Aspect aspect,
            Function<Column, String> value, List<SchemaDifference> differences) {
        String s = value.apply(source);
        String d = value.apply(destination);
        if (!Objects.equals(s, d)) {
            differences.add(new SchemaDifference.Column(table, source.name(), aspect, s, d));
        }
    }

    /** {@code GENERATED ALWAYS (START WITH 1 ...)}, or null for a column without identity. */
    static String identity(Column c) {
        if (c.identity() == ' ') {
            return null;
        }
        String kind = c.identity() == 'a' ? "GENERATED ALWAYS" : "GENERATED BY DEFAULT";
        return c.sequence() == null ? kind : kind + " (" + c.sequence().options("") + ")";
    }

    private static void checks(TableRef table, CatalogShapes source, CatalogShapes destination,
            List<SchemaDifference> differences) {
        Map<String, String> s = source.checks().getOrDefault(table, Map.of());
        Map<String, String> d = destination.checks().getOrDefault(table, Map.of());
        Set<String> names = new LinkedHashSet<>(s.keySet());
        names.addAll(d.keySet());
        for (String name : names) {
            if (!Objects.equals(s.get(name), d.get(name))) {
                differences.add(new SchemaDifference.Check(table, name, s.get(name), d.get(name)));
            }
        }
    }

    private static Map<String, Column> byName(CatalogShapes.Relation relation) {
        if (relation == null) {
            return Map.of();
        }
        return relation.columns().stream().collect(Collectors.toMap(Column::name, c -> c, (a, b) -> a, LinkedHashMap::new));
    }
}
