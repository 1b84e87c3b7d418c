package dev.ferry.engine.mysql.check;

import dev.ferry.core.model.Finding;
import dev.ferry.core.model.Severity;
import dev.ferry.engine.mysql.CollationDefaults;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The destination collates a character set named without a collation otherwise than the source
 * ({@code character_set_collations}; MariaDB 11.4's packages map utf8mb4 to {@code utf8mb4_uca1400_ai_ci}). Tables,
 * columns and replayed DDL keep the source's collations (Ferry writes them out, and replays DDL with the source's
 * mapping), but routine parameters are read again with the destination's mapping each time a routine is loaded: those
 * declared with such a character set and no COLLATE compare and sort otherwise there. Stateless.
 */
final class CollationDefaultsFinding {
    static final String CODE = "COLLATION_DEFAULTS_DIFFER";

    private CollationDefaultsFinding() {}

    /**
     * {@code parameters} are the source's routine parameters of a text type, as {@code `db`.`routine`.name charset};
     * a finding only when the mappings differ.
     */
    static Optional<Finding> evaluate(String server, String sourceMapping, String destinationMapping, List<String> parameters) {
        if (normalise(sourceMapping).equals(normalise(destinationMapping))) {
            return Optional.empty();
        }
        Set<String> remapped = new TreeSet<>(CollationDefaults.characterSets(sourceMapping));
        remapped.addAll(CollationDefaults.characterSets(destinationMapping));
        List<String> affected = parameters.stream()
                .filter(p -> remapped.contains(p.substring(p.lastIndexOf(' ') + 1)))
                .map(p -> p.substring(0, p.lastIndexOf(' '))).toList();
        String which = affected.isEmpty() ? "No routine parameter of the source uses those character sets."
                : "Routine parameters of those character sets (%d: %s%s) keep the source's collation only where they say COLLATE."
                        .formatted(affected.size(), String.join(", ", affected.subList(0, Math.min(10, affected.size()))),
                                affected.size() > 10 ? ", …" : "");
        return Optional.of(new Finding(CODE, affected.isEmpty() ? Severity.INFO : Severity.WARNING,
                ("The destination %s gives a character set named without a collation another default than the source "
                        + "(character_set_collations '%s' against '%s'). Tables, columns and replicated DDL keep the "
                        + "source's collations; a routine parameter declared with only a character set takes the "
                        + "destination's default each time the routine is loaded. %s")
                        .formatted(server, destinationMapping, sourceMapping, which),
                ("Add COLLATE to those parameters on the source before the migration, or set character_set_collations "
                        + "= '%s' on the destination (in its configuration file) to keep the source's defaults")
                        .formatted(sourceMapping),
                null));
    }

    private static String normalise(String mapping) {
        var entries = new TreeSet<String>();
        for (String e : mapping.toLowerCase(java.util.Locale.ROOT).split(",")) {
            if (!e.isBlank()) {
                entries.add(e.strip());
            }
        }
        return String.join(",", entries);
    }
}
