package dev.ferry.engine.postgres.compare;

import dev.ferry.core.model.Finding;
import dev.ferry.core.model.Severity;
import dev.ferry.core.spi.engine.SchemaFindings;
import java.util.ArrayList;
import java.util.List;

/** A reconciliation plan as findings: one per step (WARNING) and per difference it cannot reconcile (ERROR). Pure. */
final class PlanFindings {
    private PlanFindings() {}

    static List<Finding> of(String database, ReconcilePlan plan) {
        List<Finding> findings = new ArrayList<>();
        for (ReconcilePlan.Unreconcilable u : plan.unreconcilable()) {
            findings.add(new Finding(SchemaFindings.NOT_RECONCILABLE, Severity.ERROR,
                    "Database %s: %s %s; promotion cannot reconcile this and refuses to start while it lasts"
                            .formatted(database, u.object(), u.detail()),
                    "Make the destination match the source (a session there writes after SET default_transaction_read_only "
                            + "= off), or undo the change on the source, then promote",
                    database + ": " + u.object()));
        }
        for (ReconcilePlan.Step step : plan.steps()) {
            findings.add(new Finding(SchemaFindings.DIFFERENCE, Severity.WARNING,
                    "Database %s: %s %s; promotion reconciles it (%s)".formatted(database, step.object(), step.difference(),
                            step.action()),
                    "Nothing to do: promotion applies it to the destination after replication stops",
                    database + ": " + step.object()));
        }
        return findings;
    }
}
