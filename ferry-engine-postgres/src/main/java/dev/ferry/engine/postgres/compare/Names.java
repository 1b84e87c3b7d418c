package dev.ferry.engine.postgres.compare;

import java.util.Locale;
import java.util.Set;

/** How differences name their objects for people: {@code index public.i}, {@code trigger audit on public.t}. Pure. */
final class Names {
    private static final Set<String> MEMBERS = Set.of("CONSTRAINT", "FK CONSTRAINT", "CHECK CONSTRAINT", "TRIGGER", "RULE",
            "POLICY");

    private Names() {}

    static String of(EntryKey key, SchemaComparison comparison) {
        String type = key.type();
        String schema = key.schema().isEmpty() ? "" : " (schema " + key.schema() + ")";
        switch (type) {
            case "COMMENT" -> {
                return "comment on " + key.name() + schema;
            }
            case "SECURITY LABEL" -> {
                return "security label on " + key.name() + schema;
            }
            case "ACL" -> {
                return "privileges on " + key.name() + schema;
            }
            case "DEFAULT ACL" -> {
                return key.name() + schema;
            }
            default -> {
                if (MEMBERS.contains(type)) {
                    CatalogShapes.Member m = comparison.source().shapes().members().get(key);
                    if (m == null) {
                        m = comparison.destination().shapes().members().get(key);
                    }
                    if (m != null) {
                        return "%s %s on %s.%s".formatted(type.toLowerCase(Locale.ROOT), m.name(), m.schema(), m.owner());
                    }
                }
                return key.toString();
            }
        }
    }
}
