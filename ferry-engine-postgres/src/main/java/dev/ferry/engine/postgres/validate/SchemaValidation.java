package dev.ferry.engine.postgres.validate;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.Finding;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.Severity;
import dev.ferry.core.spi.engine.SchemaFindings;
import dev.ferry.engine.postgres.compare.DumpEntry;
import dev.ferry.engine.postgres.compare.SchemaComparer;
import dev.ferry.engine.postgres.compare.SchemaComparison;
import dev.ferry.engine.postgres.compare.SchemaDifference;
import dev.ferry.engine.postgres.schema.PgTools;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Validates a database's schema: the same comparison promotion reconciles from ({@link SchemaComparer}), every
 * difference reported as an ERROR, also those promotion would reconcile, because validation asks whether the
 * destination is a faithful copy now. Thread-safe.
 */
public final class SchemaValidation {
    /** How much of a definition a finding quotes. */
    static final int QUOTED = 300;

    private final SchemaComparer comparer;

    public SchemaValidation(Supplier<PgTools> tools) {
        this.comparer = new SchemaComparer(Objects.requireNonNull(tools, "tools"));
    }

    public List<Finding> validate(DatabaseConnection source, DatabaseConnection destination, String database,
            ObjectsConfig objects) {
        return findings(comparer.compare(source, destination, database, objects, PgDataValidation.LOCK_WAIT));
    }

    /** One ERROR finding per difference of {@code comparison}. */
    public static List<Finding> findings(SchemaComparison comparison) {
        return comparison.differences().stream().map(d -> new Finding(SchemaFindings.DIFFERENCE, Severity.ERROR,
                "Database %s: %s %s".formatted(comparison.database(), d.object(), detail(d)),
                ("Make the destination's definition of %s match the source's (or undo the change on the source); while "
                        + "replication runs, promotion reconciles the differences it can").formatted(d.object()),
                d.object())).toList();
    }

    private static String detail(SchemaDifference d) {
        if (d instanceof SchemaDifference.Entry e && e.source() != null && e.destination() != null) {
            return "%s (source: %s; destination: %s)".formatted(d.detail(), quoted(e.source()), quoted(e.destination()));
        }
        return d.detail();
    }

    private static String quoted(DumpEntry entry) {
        String sql = entry.sql().strip().replaceAll("\\s+", " ");
        return sql.length() <= QUOTED ? sql : sql.substring(0, QUOTED) + "…";
    }
}
