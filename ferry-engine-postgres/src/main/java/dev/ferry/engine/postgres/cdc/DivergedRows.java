package dev.ferry.engine.postgres.cdc;

import dev.ferry.core.Dialect;
import dev.ferry.core.fault.Divergence;
import dev.ferry.core.fault.DivergenceGate;
import dev.ferry.core.model.Position.PgLsn;
import dev.ferry.engine.postgres.cdc.ChangePlanner.Kind;
import dev.ferry.engine.postgres.cdc.ChangePlanner.Statement;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Relation;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

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

    private final Connection c;
    private final DestinationKeys keys;
    private final DivergenceGate gate;
    private final String database;
    private long rows;

    DivergedRows(Connection c, DestinationKeys keys, DivergenceGate gate, String database) {
        this.c = c;
        this.keys = keys;
        this.gate = gate;
        this.database = database;
    }

    /** How many rows diverged so far (all of them recorded, as a FAIL stops at the first). */
    long count() {
        return rows;
    }

    /** The divergence a change makes with {@code problem}, counting {@code more} other rows of its batch. */
    Divergence divergence(Change first, Divergence.Problem problem, int more) throws SQLException {
        List<String> pk = keys.of(first.rel().table());
        List<String> values = ChangePlanner.keyValues(first.rel(), first.statement(), pk);
        String key = values == null ? "" : Divergence.key(pk, values);
        return new Divergence(database, first.rel().table(), first.statement().shape().kind().verb(), problem, key,
                "LSN " + new PgLsn(first.lsn()).lsn(), 1 + more);
    }

    /** Handles the {@code diverged} rows of one batch of {@code kind}; throws under FAIL. */
    void handle(Kind kind, List<Change> diverged) throws SQLException {
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
