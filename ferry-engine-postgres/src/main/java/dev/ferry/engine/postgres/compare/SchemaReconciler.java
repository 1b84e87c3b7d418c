package dev.ferry.engine.postgres.compare;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.engine.postgres.schema.PgTools;
import dev.ferry.engine.postgres.schema.SqlScript;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings one destination database's schema to the source's: compares ({@link SchemaComparer}), plans
 * ({@link ReconcilePlan}) and applies the plan with psql in one transaction; then compares again, because
 * dropping and creating an object again takes its comments, privileges and dependent indexes with it, which the
 * next round puts back. Rounds stop when nothing differs, when a round would do what the last one did (the two
 * servers print a definition differently), or after {@link #ROUNDS}. Nothing is changed when the first
 * comparison finds a difference that cannot be reconciled. Thread-safe.
 */
public final class SchemaReconciler {
    private static final Logger log = LoggerFactory.getLogger(SchemaReconciler.class);
    static final int ROUNDS = 3;

    private final SchemaComparer comparer;
    private final Supplier<PgTools> tools;

    public SchemaReconciler(Supplier<PgTools> tools) {
        this.tools = Objects.requireNonNull(tools, "tools");
        this.comparer = new SchemaComparer(tools);
    }

    /** {@code comparison}'s differences as findings: what promotion reconciles and what it cannot. */
    public static List<dev.ferry.core.model.Finding> findings(SchemaComparison comparison) {
        return PlanFindings.of(comparison.database(), ReconcilePlan.of(comparison));
    }

    /** Reconciles and returns what was done, one line per action (and per difference left, if any). */
    public List<String> reconcile(DatabaseConnection source, DatabaseConnection destination, String database,
            ObjectsConfig objects, Duration lockWait) {
        SchemaComparison comparison = comparer.compare(source, destination, database, objects, lockWait);
        ReconcilePlan plan = ReconcilePlan.of(comparison);
        if (!plan.unreconcilable().isEmpty()) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION, ("The schema of database %s differs between the source "
                    + "and the destination in ways promotion cannot reconcile, so nothing was changed: %s. Make the "
                    + "destination match (or undo the change on the source), then promote again").formatted(database,
                    plan.unreconcilable().stream().map(Object::toString).collect(Collectors.joining("; "))));
        }
        List<String> actions = new ArrayList<>();
        for (int round = 1; !plan.steps().isEmpty(); round++) {
            List<String> script = new ArrayList<>(comparison.source().dump().preamble());
            script.addAll(plan.script());
            SqlScript.apply(tools.get(), script, destination.withDatabase(database),
                    "reconciling the schema of database " + database);
            actions.addAll(plan.actions());
            log.atInfo().addKeyValue("database", database).addKeyValue("round", round)
                    .addKeyValue("actions", plan.steps().size()).log("schema reconciled");
            comparison = comparer.compare(source, destination, database, objects, lockWait);
            ReconcilePlan next = ReconcilePlan.of(comparison);
            if (next.isEmpty()) {
                return actions;
            }
            if (round >= ROUNDS || next.descriptions().equals(plan.descriptions()) || next.steps().isEmpty()) {
                next.steps().forEach(s -> actions.add("still differs after reconciling (the servers may print it "
                        + "differently): %s: %s".formatted(s.object(), s.difference())));
                next.unreconcilable().forEach(u -> actions.add("still differs and cannot be reconciled: " + u));
                return actions;
            }
            plan = next;
        }
        return actions;
    }
}
