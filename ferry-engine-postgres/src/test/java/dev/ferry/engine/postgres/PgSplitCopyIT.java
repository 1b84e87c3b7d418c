package dev.ferry.engine.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.ObjectSelection;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.Engine;
import dev.ferry.core.spi.engine.TableInfo;
import dev.ferry.testkit.LocalPostgres;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Tables above the split size travel in key or block ranges over several sessions and arrive identical. */
@Timeout(120)
class PgSplitCopyIT {
    private static final String SPLIT_PROPERTY = "ferry.pg.splitBytes";

    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @RegisterExtension
    static final LocalPostgres dest = LocalPostgres.shared("destination");

    private final Engine engine = new PostgresEngineProvider().create();

    @BeforeEach
    void splitTablesAboveSixteenKilobytes() {
        System.setProperty(SPLIT_PROPERTY, "16384");
    }

    @AfterEach
    void restoreTheSplitSize() {
        System.clearProperty(SPLIT_PROPERTY);
    }

    @Test
    void tablesWithAndWithoutAnIntegerKeyArriveIdenticalFromManyRanges() {
        var source = pg.freshDatabase();
        source.execute(
                "CREATE TABLE keyed (id bigint PRIMARY KEY, payload text NOT NULL, n numeric)",
                "INSERT INTO keyed SELECT g * 37, repeat(md5(g::text), 3), g / 7.0 FROM generate_series(1, 20000) g",
                "DELETE FROM keyed WHERE id % 11 = 0",
                "CREATE INDEX keyed_n_idx ON keyed (n)",
                "CREATE TABLE heap (a text, b int)",
                "INSERT INTO heap SELECT 'row ' || g, g % 100 FROM generate_series(1, 20000) g",
                "INSERT INTO heap SELECT a, b FROM heap WHERE b = 5",
                "UPDATE heap SET b = -b WHERE b % 9 = 0",
                "DELETE FROM heap WHERE b = 3",
                "CREATE INDEX heap_b_idx ON heap (b)",
                "CREATE TABLE coded (code text PRIMARY KEY, v int)",
                "INSERT INTO coded SELECT 'c' || g, g FROM generate_series(1, 15000) g",
                // A key the heap does not follow: cut by blocks rather than by key.
                "CREATE TABLE shuffled (id int PRIMARY KEY, v text)",
                "INSERT INTO shuffled SELECT (g * 7919) % 20011, 'v' || g FROM generate_series(1, 20010) g",
                "ANALYZE shuffled");
        long keyedRows = source.queryLong("SELECT count(*) FROM keyed");

        List<TableInfo> tables = LoadDriver.run(engine, source.connection(), dest.superuser(), source.name(),
                new Engine.SnapshotOptions("split", new ObjectSelection(ObjectsConfig.ALL), false, 3),
                () -> source.execute("INSERT INTO keyed VALUES (-1, 'after the snapshot', 0)",
                        "INSERT INTO heap VALUES ('after the snapshot', 1)"));

        DatabaseConnection d = dest.superuser().withDatabase(source.name());
        List<TableRef> refs = tables.stream().map(TableInfo::ref).toList();
        assertThat(refs).containsExactlyInAnyOrder(new TableRef("public", "keyed"), new TableRef("public", "heap"),
                new TableRef("public", "coded"), new TableRef("public", "shuffled"));
        assertThat(Sql.value(d, "SELECT count(*) FROM keyed")).isEqualTo(keyedRows);
        source.execute("DELETE FROM keyed WHERE id = -1", "DELETE FROM heap WHERE a = 'after the snapshot'");
        assertThat(engine.contentHashes(d, source.name(), refs))
                .isEqualTo(engine.contentHashes(source.connection(), source.name(), refs));
        for (String table : List.of("keyed", "heap", "coded", "shuffled")) {
            // Each range commits on its own, so a split table's rows carry several inserting transactions.
            assertThat((Long) Sql.value(d, "SELECT count(DISTINCT xmin::text) FROM " + table)).as(table).isGreaterThan(2L);
        }
        assertThat(Sql.value(d, "SELECT count(*) FROM pg_indexes WHERE indexname IN "
                + "('keyed_pkey', 'keyed_n_idx', 'heap_b_idx', 'coded_pkey', 'shuffled_pkey')")).isEqualTo(5L);
        assertThat(Sql.value(d, "SELECT count(*) FROM pg_constraint WHERE contype = 'p' "
                + "AND connamespace = 'public'::regnamespace")).isEqualTo(3L);
    }
}
