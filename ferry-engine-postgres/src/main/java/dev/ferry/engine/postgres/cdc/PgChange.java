package dev.ferry.engine.postgres.cdc;

import dev.ferry.core.cdc.RowChange;
import dev.ferry.core.model.TableRef;
import dev.ferry.engine.postgres.cdc.ChangePlanner.Kind;
import dev.ferry.engine.postgres.cdc.ChangePlanner.Shape;
import dev.ferry.engine.postgres.cdc.ChangePlanner.Statement;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Relation;
import java.util.List;

/**
 * One decoded pgoutput row change for the pipeline: the relation it was decoded with, the planned statement (shape
 * and text values), the replica identity key of its row (null for REPLICA IDENTITY FULL tables, whose rows are found
 * by their whole old image and never compacted), and the commit LSN of its transaction (for divergence messages).
 */
record PgChange(Relation rel, Statement statement, Op op, List<String> key, boolean keyChanged, boolean wholeTable, long lsn,
        long bytes) implements RowChange {

    PgChange(Relation rel, Statement statement, Op op, List<String> key, boolean keyChanged, boolean wholeTable, long lsn) {
        this(rel, statement, op, key, keyChanged, wholeTable, lsn, size(statement));
    }

    @Override
    public TableRef table() {
        return rel.table();
    }

    /** About the memory the change holds: the objects and the text of its values. */
    private static long size(Statement statement) {
        long bytes = 160;
        for (String v : statement.values()) {
            bytes += v == null ? 8 : 48 + 2L * v.length();
        }
        return bytes;
    }

    /** The change's kind as the pipeline knows it. */
    static Op op(Kind kind) {
        return switch (kind) {
            case INSERT -> Op.INSERT;
            case UPDATE_BY_KEY, UPDATE_BY_ROW -> Op.UPDATE;
            case DELETE_BY_KEY, DELETE_BY_ROW -> Op.DELETE;
        };
    }

    /**
     * An INSERT then an UPDATE of its row give the INSERT of the final row; two UPDATEs by key give one setting every
     * column either set (the later value wins) with the first's key. Null for anything else, or when the two were
     * decoded with different relation shapes.
     */
    static PgChange merge(PgChange a, PgChange b) {
        if (!a.rel.equals(b.rel) || b.statement.shape().kind() != Kind.UPDATE_BY_KEY) {
            return null;
        }
        Shape sa = a.statement.shape();
        Shape sb = b.statement.shape();
        if (sa.kind() != Kind.INSERT && sa.kind() != Kind.UPDATE_BY_KEY) {
            return null;
        }
        int columns = a.rel.columns().size();
        String[] row = new String[columns];
        char[] mask = new char[columns];
        spread(sa.setMask(), a.statement.values(), 0, row, mask);
        spread(sb.setMask(), b.statement.values(), 0, row, mask);
        String setMask = new String(mask);
        String[] setValues = gather(setMask, row);
        if (sa.kind() == Kind.INSERT) {
            return new PgChange(a.rel, new Statement(new Shape(sa.relationOid(), Kind.INSERT, setMask, ""), setValues), Op.INSERT,
                    a.key, false, a.wholeTable, b.lsn);
        }
        int setCount = count(sa.setMask());
        String[] values = new String[setValues.length + a.statement.values().length - setCount];
        System.arraycopy(setValues, 0, values, 0, setValues.length);
        System.arraycopy(a.statement.values(), setCount, values, setValues.length, values.length - setValues.length);
        return new PgChange(a.rel, new Statement(new Shape(sa.relationOid(), Kind.UPDATE_BY_KEY, setMask, sa.whereMask()), values),
                Op.UPDATE, a.key, false, a.wholeTable, b.lsn);
    }

    /** Writes the values of the '1' columns of {@code mask}, taken in order from {@code values} at {@code from}, into {@code row}. */
    private static void spread(String mask, String[] values, int from, String[] row, char[] seen) {
        int v = from;
        for (int i = 0; i < mask.length(); i++) {
            if (mask.charAt(i) == '1') {
                row[i] = values[v++];
                seen[i] = '1';
            } else if (seen[i] != '1') {
                seen[i] = '0';
            }
        }
    }

    private static String[] gather(String mask, String[] row) {
        String[] out = new String[count(mask)];
        int v = 0;
        for (int i = 0; i < mask.length(); i++) {
            if (mask.charAt(i) == '1') {
                out[v++] = row[i];
            }
        }
        return out;
    }

    static int count(String mask) {
        int n = 0;
        for (int i = 0; i < mask.length(); i++) {
            n += mask.charAt(i) == '1' ? 1 : 0;
        }
        return n;
    }
}
