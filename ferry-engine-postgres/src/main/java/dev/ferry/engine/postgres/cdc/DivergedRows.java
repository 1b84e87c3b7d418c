package dev.ferry.engine.postgres.cdc;

import dev.ferry.core.Dialect;
import dev.ferry.core.FerryException;
import dev.ferry.core.fault.Divergence;
import dev.ferry.core.fault.DivergenceGate;
import dev.ferry.core.model.Position.PgLsn;
import dev.ferry.engine.postgres.cdc.ChangePlanner.Kind;
import dev.ferry.engine.postgres.cdc.ChangePlanner.Statement;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Relation;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to the rows of one executed batch that did not fit the destination (an UPDATE or DELETE that
 * affected no row, an INSERT that met its key): under the job's FAIL policy the first of them stops replication
 * with {@code DIVERGED}; under RECORD the destination takes the source's row where the change carries it
 * whole (the old row with that key is deleted, the source's inserted), a DELETE has nothing left to do, and the
 * divergence is reported once per batch. Repairs run in the open destination transaction, right after the batch
 * and before any later change of the table. Not thread-safe.
 */
final class DivergedRows {
    /** A queued row change and the source position of its transaction (the commit LSN). */
    record Change(Relation rel, Statement statement, long lsn) {}

    private static final Logger log = LoggerFactory.getLogger(DivergedRows.class);
    private static final String UNIQUE_VIOLATION = "23505";

    private final Connection c;
    private final DestinationKeys keys;
    private final DivergenceGate gate;
    private final String database;
    private final String job;
    private long rows;

    DivergedRows(Connection c, DestinationKeys keys, DivergenceGate gate, String database, String job) {
        this.c = c;
        this.keys = keys;
        this.gate = gate;
        this.database = database;
        this.job = job;
    }

    /** Reads the per-statement {@code counts} of a batch of {@code kind} that ran {@code queued}; 0 means diverged. */
    void checked(Kind kind, List<Change> queued, int[] counts) throws SQLException {
        List<Change> missed = new ArrayList<>();
        for (int i = 0; i < counts.length && i < queued.size(); i++) {
            if (counts[i] == 0) {
                missed.add(queued.get(i));
            }
        }
        if (!missed.isEmpty()) {
            log.atWarn().addKeyValue("job", job).addKeyValue("table", missed.getFirst().rel().table())
                    .addKeyValue("rows", missed.size())
                    .log(kind == Kind.INSERT ? "replicated inserts met an existing key on the destination"
                            : "replicated changes found no row to change on the destination");
            handle(kind, missed);
        }
    }

    /**
     * A batch that failed on a unique constraint (SQLSTATE 23505) diverged: the destination holds a row the source
     * does not. The transaction is aborted, so even the RECORD policy cannot go on past it. Empty for other failures.
     */
    Optional<FerryException> uniqueConflict(SQLException e, List<Change> queued) {
        SQLException cause = e instanceof BatchUpdateException && e.getNextException() != null ? e.getNextException() : e;
        if (!UNIQUE_VIOLATION.equals(cause.getSQLState()) || queued.isEmpty()) {
            return Optional.empty();
        }
        int failed = queued.size() == 1 ? 0 : -1;
        if (e instanceof BatchUpdateException b && b.getUpdateCounts() != null) {
            int[] counts = b.getUpdateCounts();
            for (int i = 0; i < counts.length && failed < 0; i++) {
                failed = counts[i] == java.sql.Statement.EXECUTE_FAILED ? i : -1;
            }
            if (failed < 0 && counts.length < queued.size()) {
                failed = counts.length;
            }
        }
        try {
            Divergence d = divergence(queued.get(Math.max(0, failed)), Divergence.Problem.EXISTING_UNIQUE, 0);
            if (failed < 0) {
                d = new Divergence(d.database(), d.table(), d.operation(), d.problem(), "", d.position(), 1);
            }
            return Optional.of(d.failure(false, e));
        } catch (SQLException | RuntimeException lookup) {
            e.addSuppressed(lookup);
            return Optional.empty();
        }
    }

    /** How many rows diverged so far (all of them recorded, as a FAIL stops at the first). */
    long count() {
        return rows;
    }

    /** The divergence a change makes with {@code problem}, counting {@code more} other rows of its batch. */
    private Divergence divergence(Change first, Divergence.Problem problem, int more) throws SQLException {
        List<String> pk = keys.of(first.rel().table());
        List<String> values = ChangePlanner.keyValues(first.rel(), first.statement(), pk);
        String key = values == null ? "" : Divergence.key(pk, values);
        return new Divergence(database, first.rel().table(), first.statement().shape().kind().verb(), problem, key,
                "LSN " + new PgLsn(first.lsn()).lsn(), 1 + more);
    }

    /** Handles the {@code diverged} rows of one batch of {@code kind}; throws under FAIL. */
    private void handle(Kind kind, List<Change> diverged) throws SQLException {
        if (diverged.isEmpty()) {
            return;
        }
        Divergence.Problem problem = kind == Kind.INSERT ? Divergence.Problem.EXISTING_KEY : Divergence.Problem.NO_ROW;
        Divergence divergence = divergence(diverged.getFirst(), problem, diverged.size() - 1);
        gate.check(divergence);
        rows += diverged.size();
        String outcome;
        if (kind == Kind.DELETE_BY_KEY || kind == Kind.DELETE_BY_ROW) {
            outcome = "the row was already absent, as the source now has it";
        } else {
            int taken = 0;
            for (Change change : diverged) {
                Optional<Statement> row = ChangePlanner.newRow(change.rel(), change.statement());
                if (row.isPresent()) {
                    takeSourceRow(change.rel(), row.get());
                    taken++;
                }
            }
            outcome = kind == Kind.INSERT ? "the destination row was replaced by the source's row"
                    : taken == diverged.size() ? "the source's new row was inserted"
                    : "the source's new row was inserted for %d of %d row(s); the others did not carry every column and stay missing"
                            .formatted(taken, diverged.size());
        }
        gate.recorded(divergence, outcome);
    }

    /** Deletes the destination row holding the new row's key (when the table has one), then inserts the row. */
    private void takeSourceRow(Relation rel, Statement insert) throws SQLException {
        List<String> pk = keys.of(rel.table());
        List<String> key = ChangePlanner.keyValues(rel, insert, pk);
        String table = Dialect.POSTGRESQL.quote(rel.schema(), rel.name());
        if (key != null && !pk.isEmpty()) {
            String where = pk.stream().map(k -> Dialect.POSTGRESQL.quote(k) + " = ?").collect(Collectors.joining(" AND "));
            run("DELETE FROM ONLY " + table + " WHERE " + where, key.toArray(String[]::new));
        }
        run(ChangePlanner.sql(rel, insert.shape(), pk), insert.values());
    }

    private void run(String sql, String[] values) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                if (values[i] == null) {
                    ps.setNull(i + 1, Types.OTHER);
                } else {
                    ps.setObject(i + 1, values[i], Types.OTHER);
                }
            }
            ps.executeUpdate();
        }
    }
}
