package dev.ferry.engine.postgres.compare;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * What reconciling one database's schema does on the destination: steps (each one reported action and its
 * statements) and what cannot be reconciled. {@link #of} plans from a comparison; {@link #script} orders every
 * statement so each finds what it needs: privileges and comments undone first, then column properties and
 * constraints dropped, objects dropped (dependents first), objects created (in pg_dump's order, dependencies
 * first), column properties set, views, indexes and constraints, materialized views refreshed, and comments
 * and privileges last. Immutable.
 */
public record ReconcilePlan(List<Step> steps, List<Unreconcilable> unreconcilable) {
    static final int REVOKE = 0;
    static final int COLUMN_DROP = 1;
    static final int DROP = 2;
    static final int CREATE = 3;
    static final int COLUMN_SET = 4;
    static final int VIEWS = 5;
    static final int POST_CREATE = 6;
    static final int REFRESH = 7;
    static final int LATE = 8;

    public ReconcilePlan {
        steps = List.copyOf(steps);
        unreconcilable = List.copyOf(unreconcilable);
    }

    /**
     * One change: the object, what differs about it, what is done (past tense, for the job's events) and the
     * statements doing it.
     */
    public record Step(String object, String difference, String action, List<Statement> statements) {
        public Step {
            statements = List.copyOf(statements);
        }
    }

    /** One statement and its place: a phase, then an order within the phase (pg_dump positions, priorities). */
    public record Statement(int phase, int order, String sql) {
        public Statement {
            Objects.requireNonNull(sql, "sql");
        }
    }

    /** A difference Ferry does not reconcile: the object and why. */
    public record Unreconcilable(String object, String detail) {
        @Override
        public String toString() {
            return object + ": " + detail;
        }
    }

    /** Plans the reconciliation of {@code comparison}'s differences. Pure. */
    public static ReconcilePlan of(SchemaComparison comparison) {
        List<Step> steps = new ArrayList<>();
        List<Unreconcilable> unreconcilable = new ArrayList<>();
        EntryRules.plan(comparison, steps, unreconcilable);
        ColumnRules.plan(comparison, steps, unreconcilable);
        return new ReconcilePlan(steps, unreconcilable);
    }

    public boolean isEmpty() {
        return steps.isEmpty() && unreconcilable.isEmpty();
    }

    /** Every statement in the order it must run. */
    public List<String> script() {
        record Placed(Statement statement, int sequence) {}
        List<Placed> placed = new ArrayList<>();
        for (Step step : steps) {
            for (Statement statement : step.statements()) {
                placed.add(new Placed(statement, placed.size()));
            }
        }
        placed.sort(Comparator.comparingInt((Placed p) -> p.statement().phase())
                .thenComparingInt(p -> p.statement().order()).thenComparingInt(Placed::sequence));
        return placed.stream().map(p -> p.statement().sql()).toList();
    }

    /** The steps' actions, in the order their first statements run. */
    public List<String> actions() {
        return steps.stream().sorted(Comparator.comparingInt((Step s) -> first(s).phase()).thenComparingInt(s -> first(s).order()))
                .map(Step::action).toList();
    }

    /** The steps' objects and differences: two plans with equal descriptions would do the same. */
    List<String> descriptions() {
        List<String> all = new ArrayList<>();
        steps.forEach(s -> all.add(s.object() + ": " + s.difference()));
        unreconcilable.forEach(u -> all.add(u.toString()));
        return all.stream().sorted().toList();
    }

    private static Statement first(Step step) {
        return step.statements().stream().min(Comparator.comparingInt(Statement::phase).thenComparingInt(Statement::order))
                .orElse(new Statement(LATE, Integer.MAX_VALUE, ""));
    }
}
