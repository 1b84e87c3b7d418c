package dev.ferry.engine.postgres.index;

import dev.ferry.core.Dialect;
import dev.ferry.engine.postgres.catalog.IndexDef;
import java.util.ArrayList;
import java.util.List;

/**
 * The statements around an index built ahead of the rest of the post-data schema: removing a leftover
 * of an interrupted attempt, attaching the primary key or unique constraint the index backs
 * ({@code ADD CONSTRAINT ... USING INDEX}), and what pg_dump attaches to an index's own entry (statistics
 * targets, {@code CLUSTER ON}, {@code REPLICA IDENTITY USING INDEX}). Pure.
 */
public final class IndexStatements {
    private static final Dialect D = Dialect.POSTGRESQL;

    private IndexStatements() {}

    public static String drop(IndexDef index) {
        return "DROP INDEX IF EXISTS " + D.quote(index.table().schema(), index.name());
    }

    /** {@code ALTER TABLE ONLY ... ADD CONSTRAINT ... USING INDEX ...}; the index must back a constraint. */
    public static String attachConstraint(IndexDef index) {
        IndexDef.Constraint k = index.constraint();
        if (k == null) {
            throw new IllegalArgumentException("index " + index.name() + " backs no constraint");
        }
        StringBuilder sql = new StringBuilder("ALTER TABLE ONLY ").append(table(index))
                .append(" ADD CONSTRAINT ").append(D.quote(k.name()))
                .append(k.primaryKey() ? " PRIMARY KEY" : " UNIQUE")
                .append(" USING INDEX ").append(D.quote(index.name()));
        if (k.deferrable()) {
            sql.append(" DEFERRABLE");
            if (k.deferred()) {
                sql.append(" INITIALLY DEFERRED");
            }
        }
        return sql.toString();
    }

    /** Statistics targets, clustering and replica identity; run once the constraints are attached. */
    public static List<String> finishing(IndexDef index) {
        List<String> sql = new ArrayList<>();
        for (IndexDef.StatisticsTarget s : index.statistics()) {
            sql.add("ALTER INDEX " + D.quote(index.table().schema(), index.name()) + " ALTER COLUMN " + s.column()
                    + " SET STATISTICS " + s.target());
        }
        if (index.clustered()) {
            sql.add("ALTER TABLE ONLY " + table(index) + " CLUSTER ON " + D.quote(index.name()));
        }
        if (index.replicaIdentity()) {
            sql.add("ALTER TABLE ONLY " + table(index) + " REPLICA IDENTITY USING INDEX " + D.quote(index.name()));
        }
        return sql;
    }

    private static String table(IndexDef index) {
        return D.quote(index.table().schema(), index.table().table());
    }
}
