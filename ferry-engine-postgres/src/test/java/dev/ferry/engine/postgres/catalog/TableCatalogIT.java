package dev.ferry.engine.postgres.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.spi.engine.TableInfo;
import dev.ferry.testkit.LocalPostgres;
import dev.ferry.testkit.TestDatabase;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The tables a load copies and the estimates its progress totals come from, on a real server. */
@Timeout(120)
class TableCatalogIT {
    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    /**
     * A table never analyzed (reltuples -1) gets the planner's guess from its size instead of 0, which made the progress
     * line show the rows copied so far as the total; an analyzed table keeps the statistics' count, an empty one 0.
     */
    @Test
    void aTableNeverAnalyzedIsEstimatedFromItsSize() throws Exception {
        TestDatabase db = pg.freshDatabase();
        db.execute("CREATE TABLE wide (id bigint, payload text, n int) WITH (autovacuum_enabled = false)",
                "INSERT INTO wide SELECT g, repeat(md5(g::text), 2), g FROM generate_series(1, 200000) g",
                "CREATE TABLE narrow (id int, at timestamptz, f float8) WITH (autovacuum_enabled = false)",
                "INSERT INTO narrow SELECT g, now(), g FROM generate_series(1, 100000) g",
                "CREATE TABLE analyzed (id int)", "INSERT INTO analyzed SELECT generate_series(1, 1234)", "ANALYZE analyzed",
                "CREATE TABLE empty (id int)");
        assertThat(db.queryLong("SELECT count(*) FROM pg_class WHERE relname IN ('wide', 'narrow') AND reltuples < 0"))
                .as("never analyzed").isEqualTo(2);

        List<TableInfo> tables;
        try (Connection c = db.open()) {
            tables = TableCatalog.tables(c, db.name(), null);
        }

        assertThat(tables).extracting(t -> t.ref().table()).containsExactly("wide", "narrow", "analyzed", "empty");
        assertThat(rows(tables, "wide")).isBetween(100_000L, 400_000L);
        assertThat(rows(tables, "narrow")).isBetween(50_000L, 200_000L);
        assertThat(rows(tables, "analyzed")).isEqualTo(1234);
        assertThat(rows(tables, "empty")).isZero();
    }

    private static long rows(List<TableInfo> tables, String name) {
        return tables.stream().filter(t -> t.ref().table().equals(name)).findFirst().orElseThrow().estimatedRows();
    }
}
