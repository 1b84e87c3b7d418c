package dev.ferry.engine.mysql.cdc;

import dev.ferry.core.cdc.RowChange;
import dev.ferry.core.fault.Divergence;
import dev.ferry.core.fault.DivergenceGate;
import dev.ferry.engine.mysql.cdc.TableDef.ColumnDef;
import java.io.Serializable;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to the rows of one executed batch that did not fit the destination: an UPDATE or DELETE that
 * matched no row, an INSERT whose key was already there. Under the job's FAIL policy the first of them stops
 * replication with {@code DIVERGED}, naming its primary key (never other values) and binlog position; under
 * RECORD the destination takes the source's row where the change carries it whole ({@code REPLACE} of the new
 * image), a DELETE has nothing left to do, and the divergence is reported once per batch. Repairs run in the
 * open destination transaction right after the batch, before any later change of the table. Not thread-safe.
 */
final class DivergedRows {
    private static final Set<String> TEXT_TYPES = Set.of("char", "varchar", "tinytext", "text", "mediumtext", "longtext",
            "enum", "set");

    private static final Logger log = LoggerFactory.getLogger(DivergedRows.class);

    private final Connection c;
    private final DivergenceGate gate;
    private final String database;
    private final String job;
    private long rows;

    DivergedRows(Connection c, DivergenceGate gate, String database, String job) {
        this.c = c;
        this.gate = gate;
        this.database = database;
        this.job = job;
    }

    /** Reads the per-statement matched-row {@code counts} of an UPDATE or DELETE batch of a transactional table. */
    void checked(List<BinlogChange> queued, int[] counts) throws SQLException {
        List<BinlogChange> missed = new ArrayList<>();
        for (int i = 0; i < counts.length && i < queued.size(); i++) {
            if (counts[i] == 0) {
                missed.add(queued.get(i));
            }
        }
        if (!missed.isEmpty()) {
            log.atWarn().addKeyValue("job", job).addKeyValue("table", missed.getFirst().def().ref())
                    .addKeyValue("rows", missed.size()).log("replicated changes found no row to change on the destination");
            noRow(missed);
        }
    }

    /**
     * A batch of a transactional table the server refused for a duplicate key. Per-statement counts (a pipelined
     * batch) say which rows were not applied; a bulk INSERT applied none of them.
     */
    void refused(RowChange.Op kind, List<BinlogChange> queued, BatchUpdateException e) throws SQLException {
        int[] counts = e.getUpdateCounts();
        boolean perRow = counts != null && counts.length == queued.size()
                && Arrays.stream(counts).anyMatch(n -> n != Statement.EXECUTE_FAILED);
        List<BinlogChange> refused = new ArrayList<>();
        for (int i = 0; i < queued.size(); i++) {
            if (!perRow || counts[i] == Statement.EXECUTE_FAILED) {
                refused.add(queued.get(i));
            }
        }
        log.atWarn().addKeyValue("job", job).addKeyValue("table", queued.getFirst().def().ref())
                .addKeyValue("rows", refused.size()).log("replicated changes met an existing key on the destination");
        if (kind == RowChange.Op.INSERT) {
            existingKeys(refused, e);
        } else {
            throw divergence(refused.getFirst(), Divergence.Problem.EXISTING_UNIQUE, 1).failure(false, e);
        }
    }

    /** A rough size of a row image in bytes, to keep a bulk INSERT within one packet. */
    static long bytes(Serializable[] row) {
        if (row == null) {
            return 0;
        }
        long n = 0;
        for (Serializable v : row) {
            n += switch (v) {
                case byte[] b -> b.length + 4L;
                case String str -> str.length() * 4L;
                case BigDecimal d -> 32;
                case null, default -> 9;
            };
        }
        return n;
    }

    /** Rows recorded so far (a FAIL stops at the first). */
    long count() {
        return rows;
    }

    /** An UPDATE or DELETE batch in which {@code missed} matched no row. */
    private void noRow(List<BinlogChange> missed) throws SQLException {
        BinlogChange first = missed.getFirst();
        Divergence divergence = divergence(first, Divergence.Problem.NO_ROW, missed.size());
        gate.check(divergence);
        rows += missed.size();
        if (first.op() == RowChange.Op.DELETE) {
            gate.recorded(divergence, "the row was already absent, as the source now has it");
            return;
        }
        int taken = 0;
        for (BinlogChange change : missed) {
            if (BinlogChange.whole(change.def(), change.after())) {
                replace(change);
                taken++;
            }
        }
        gate.recorded(divergence, taken == missed.size() ? "the source's new row was inserted"
                : "the source's new row was inserted for %d of %d row(s); the others did not carry every column and stay missing"
                        .formatted(taken, missed.size()));
    }

    /**
     * An INSERT batch refused for a duplicate key; none of {@code candidates} (the rows the server did not apply) is on
     * the destination from this batch. Those whose primary key is already there diverged; under RECORD every candidate
     * is written with {@code REPLACE}, so the destination takes the source's rows.
     */
    private void existingKeys(List<BinlogChange> candidates, SQLException refusal) throws SQLException {
        TableDef table = candidates.getFirst().def();
        List<BinlogChange> existing = new ArrayList<>();
        if (!table.primaryKey().isEmpty()) {
            ChangeSql probe = ChangeSql.exists(table);
            try (PreparedStatement ps = c.prepareStatement(probe.sql())) {
                for (BinlogChange change : candidates) {
                    if (exists(ps, probe, change)) {
                        existing.add(change);
                        if (!gate.records()) {
                            break;
                        }
                    }
                }
            }
        }
        Divergence divergence = existing.isEmpty()
                ? new Divergence(database, table.ref(), "INSERT", Divergence.Problem.EXISTING_UNIQUE, "",
                        candidates.getFirst().position(), candidates.size())
                : divergence(existing.getFirst(), Divergence.Problem.EXISTING_KEY, existing.size());
        if (!gate.records()) {
            throw divergence.failure(true, refusal);
        }
        rows += Math.max(1, existing.size());
        for (BinlogChange change : candidates) {
            replace(change);
        }
        gate.recorded(divergence, "the destination rows were replaced by the source's rows");
    }

    private Divergence divergence(BinlogChange change, Divergence.Problem problem, int count) {
        boolean insert = change.op() == RowChange.Op.INSERT;
        return new Divergence(database, change.def().ref(), change.op().name(), problem,
                key(change.def(), insert ? change.after() : change.before(), insert ? change.afterRow() : change.beforeRow()),
                change.position(), count);
    }

    /** The row's primary key as text; empty without a primary key or when the image lacks a key column. */
    static String key(TableDef table, BitSet included, Serializable[] image) {
        List<String> names = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        for (int col : table.primaryKey()) {
            if (included == null || !included.get(col)) {
                return "";
            }
            ColumnDef def = table.columns().get(col);
            Serializable value = image[included.get(0, col).cardinality()];
            names.add(def.name());
            values.add(value instanceof byte[] b && TEXT_TYPES.contains(def.dataType().toLowerCase(Locale.ROOT))
                    ? new String(b, StandardCharsets.UTF_8) : value);
        }
        return Divergence.key(names, values);
    }

    private boolean exists(PreparedStatement ps, ChangeSql probe, BinlogChange change) throws SQLException {
        int p = 1;
        for (int col : probe.matched()) {
            ValueBinder.bind(ps, p++, change.afterRow()[change.after().get(0, col).cardinality()],
                    change.def().columns().get(col), change.types()[col] & 0xFF);
        }
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next();
        }
    }

    /** {@code REPLACE} of the change's new image: the destination takes the source's row. */
    private void replace(BinlogChange change) throws SQLException {
        ChangeSql replace = ChangeSql.insert(change.def(), change.after(), true);
        try (PreparedStatement ps = c.prepareStatement(replace.sql())) {
            int p = 1;
            for (int col : replace.written()) {
                ValueBinder.bind(ps, p++, change.afterRow()[change.after().get(0, col).cardinality()],
                        change.def().columns().get(col), change.types()[col] & 0xFF);
            }
            ps.executeUpdate();
        }
    }
}
