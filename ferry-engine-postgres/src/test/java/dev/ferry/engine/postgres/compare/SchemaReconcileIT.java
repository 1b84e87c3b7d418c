package dev.ferry.engine.postgres.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.Dialect;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.Finding;
import dev.ferry.core.model.Position.PgLsn;
import dev.ferry.core.model.Severity;
import dev.ferry.core.spi.engine.ReplicationRequest;
import dev.ferry.core.spi.engine.SchemaFindings;
import dev.ferry.engine.postgres.PostgresEngine;
import dev.ferry.engine.postgres.schema.PgTools;
import dev.ferry.testkit.LocalPostgres;
import dev.ferry.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Schema changes on the source while a job replicates, listed by the comparison and applied to the destination by
 * promotion's reconciliation, until both servers dump the same schema. Names are hostile on purpose.
 */
@Timeout(180)
class SchemaReconcileIT {
    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @RegisterExtension
    static final LocalPostgres dest = LocalPostgres.shared("destination");

    private static final String READER = "ferry \"reader\"";
    private static final String SCHEMA = Dialect.POSTGRESQL.quote("Odd \"Schema\"");
    private static final String ITEMS = SCHEMA + ".items";

    private final PostgresEngine engine = new PostgresEngine();

    /** A source database and its copy on the destination, created by the same statements on both. */
    private record Pair(TestDatabase source, DatabaseConnection destination, ReplicationRequest request) {}

    private static Pair pair(String... ddl) {
        TestDatabase source = pg.freshDatabase();
        execute(dest.superuser(), "CREATE DATABASE " + Dialect.POSTGRESQL.quote(source.name()));
        DatabaseConnection destination = dest.superuser().withDatabase(source.name());
        String role = "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = %s) THEN CREATE ROLE %s; END IF; END $$"
                .formatted(Dialect.POSTGRESQL.literal(READER), Dialect.POSTGRESQL.quote(READER));
        execute(pg.superuser().withDatabase(source.name()), role);
        execute(destination, role);
        source.execute(ddl);
        execute(destination, ddl);
        // Ferry's own objects: the job's publication on the source, its bookkeeping on the destination.
        source.execute("CREATE PUBLICATION ferry_x_job_1234 FOR ALL TABLES");
        execute(destination, "CREATE SCHEMA ferry", "CREATE TABLE ferry.replication_progress (job text PRIMARY KEY)");
        var request = new ReplicationRequest("job", source.name(), pg.superuser(), dest.superuser(), PgLsn.parseLsn("0/0"), Map.of());
        return new Pair(source, destination, request);
    }

    private static final String[] COMMON = {
        "CREATE SCHEMA " + SCHEMA,
        "CREATE TABLE " + ITEMS + " (id int PRIMARY KEY, \"Name\" text DEFAULT 'x', qty int, price numeric)",
        "CREATE TABLE orders (id serial PRIMARY KEY, item int, note text)",
        "CREATE INDEX old_idx ON orders (note)",
        "CREATE VIEW old_view AS SELECT id, note FROM orders",
        "CREATE FUNCTION \"calc \"\"x\"\"\"(a int) RETURNS int LANGUAGE sql AS $$ SELECT a + 1 $$",
        "GRANT ALL ON orders TO " + Dialect.POSTGRESQL.quote(READER),
    };

    @Test
    void listsEachSourceChangeAndReconcilesTheDestinationUntilBothDumpTheSameSchema() {
        Pair p = pair(COMMON);
        // A demotion took the writes of other roles on the destination; promotion gives them back later.
        execute(p.destination(), "REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON orders FROM " + Dialect.POSTGRESQL.quote(READER));
        p.source().execute(
                "CREATE INDEX \"new idx\" ON " + ITEMS + " (\"Name\")",
                "CREATE VIEW " + SCHEMA + ".cheap AS SELECT id FROM " + ITEMS + " WHERE price < 10",
                "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.note := coalesce(NEW.note, 'n'); "
                        + "RETURN NEW; END $$",
                "CREATE TRIGGER \"touch it\" BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION touch()",
                "ALTER TABLE " + ITEMS + " ADD CONSTRAINT \"qty positive\" CHECK (qty > 0)",
                "COMMENT ON TABLE orders IS 'the orders'",
                "GRANT SELECT ON " + ITEMS + " TO " + Dialect.POSTGRESQL.quote(READER),
                "ALTER TABLE " + ITEMS + " ALTER COLUMN \"Name\" SET DEFAULT 'y'",
                "ALTER TABLE " + ITEMS + " ALTER COLUMN qty SET NOT NULL",
                "CREATE OR REPLACE FUNCTION \"calc \"\"x\"\"\"(a int) RETURNS int LANGUAGE sql AS $$ SELECT a + 2 $$",
                "DROP VIEW old_view",
                "DROP INDEX old_idx");

        List<Finding> before = engine.schemaDifferences(p.request());

        assertThat(before).allSatisfy(f -> {
            assertThat(f.code()).isEqualTo(SchemaFindings.DIFFERENCE);
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
        });
        String db = p.source().name() + ": ";
        assertThat(before).extracting(Finding::object).containsExactlyInAnyOrder(
                db + "index Odd \"Schema\".new idx",
                db + "view Odd \"Schema\".cheap",
                db + "function public.touch()",
                db + "trigger touch it on public.orders",
                db + "check constraint qty positive on Odd \"Schema\".items",
                db + "comment on TABLE orders (schema public)",
                db + "privileges on TABLE items (schema Odd \"Schema\")",
                db + "column Odd \"Schema\".items.Name",
                db + "column Odd \"Schema\".items.qty",
                db + "function public.calc \"x\"(integer)",
                db + "view public.old_view",
                db + "index public.old_idx");
        assertThat(before).filteredOn(f -> f.object().endsWith("items.Name")).singleElement()
                .extracting(Finding::message).asString().contains("default is 'y'::text on the source, 'x'::text on the destination");

        List<String> actions = engine.reconcileSchema(p.request());

        assertThat(actions).contains("created index Odd \"Schema\".new idx", "dropped view public.old_view",
                "replaced function public.calc \"x\"(integer)", "set NOT NULL on column Odd \"Schema\".items.qty",
                "added check constraint qty positive on Odd \"Schema\".items")
                .noneMatch(a -> a.startsWith("still differs"));
        assertThat(engine.schemaDifferences(p.request())).isEmpty();
        assertThat(value(p.destination(), "SELECT \"calc \"\"x\"\"\"(1)")).isEqualTo(3);
        execute(p.destination(), "GRANT INSERT, UPDATE, DELETE, TRUNCATE ON orders TO " + Dialect.POSTGRESQL.quote(READER));
        assertThat(canonical(p.destination())).isEqualTo(canonical(p.source().connection()));
        assertThat(canonical(p.destination())).contains("CREATE TRIGGER \"touch it\"").doesNotContain("ferry_x_job_1234",
                "replication_progress");
    }

    @Test
    void columnsIdentityGenerationReplicaIdentityAndDestinationOnlyCommentsAndGrantsAreAlignedToo() {
        Pair p = pair("CREATE TABLE t (id int NOT NULL, v text DEFAULT 'd' NOT NULL, n int, "
                + "g int GENERATED ALWAYS AS (id * 2) STORED)");
        execute(p.destination(), "COMMENT ON COLUMN t.v IS 'only here'", "GRANT SELECT ON t TO " + Dialect.POSTGRESQL.quote(READER),
                "ALTER TABLE t REPLICA IDENTITY FULL");
        p.source().execute("ALTER TABLE t ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (START WITH 100)",
                "ALTER TABLE t ALTER COLUMN v DROP DEFAULT", "ALTER TABLE t ALTER COLUMN v DROP NOT NULL",
                "ALTER TABLE t ALTER COLUMN n SET DEFAULT 7",
                "ALTER TABLE t DROP COLUMN g", "ALTER TABLE t ADD COLUMN g int GENERATED ALWAYS AS (id * 3) STORED");

        assertThat(engine.schemaDifferences(p.request())).extracting(Finding::object)
                .contains(p.source().name() + ": column public.t.g", p.source().name() + ": column public.t.id",
                        p.source().name() + ": comment on COLUMN t.v (schema public)",
                        p.source().name() + ": privileges on TABLE t (schema public)", p.source().name() + ": table public.t");

        engine.reconcileSchema(p.request());

        assertThat(engine.schemaDifferences(p.request())).isEmpty();
        assertThat(canonical(p.destination())).isEqualTo(canonical(p.source().connection()));
        execute(p.destination(), "INSERT INTO t (v) VALUES ('a')");
        assertThat(value(p.destination(), "SELECT g FROM t")).isEqualTo(300);
    }

    @Test
    void replacementsThatPostgresqlCannotDoInPlaceDropAndCreateAgainAndGetTheirPrivilegesBack() {
        Pair p = pair("CREATE TABLE m (id int PRIMARY KEY, k int, v text) PARTITION BY RANGE (id)",
                "CREATE TABLE m1 PARTITION OF m FOR VALUES FROM (0) TO (100)",
                "CREATE VIEW wide AS SELECT id, k, v FROM m",
                "GRANT SELECT ON wide TO " + Dialect.POSTGRESQL.quote(READER),
                "CREATE MATERIALIZED VIEW totals AS SELECT k, count(*) AS n FROM m GROUP BY k",
                "CREATE UNIQUE INDEX totals_k ON totals (k)",
                "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$",
                "CREATE SEQUENCE s INCREMENT BY 1",
                "CREATE INDEX m_v ON m (v)");
        execute(p.destination(), "CREATE FUNCTION only_here() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
                "CREATE TRIGGER only_here BEFORE INSERT ON m1 FOR EACH ROW EXECUTE FUNCTION only_here()",
                "ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO " + Dialect.POSTGRESQL.quote(READER));
        p.source().execute("INSERT INTO m SELECT g, g % 3, 'v' FROM generate_series(1, 30) g",
                "DROP VIEW wide", "CREATE VIEW wide AS SELECT v, id FROM m",
                "GRANT SELECT ON wide TO " + Dialect.POSTGRESQL.quote(READER),
                "DROP MATERIALIZED VIEW totals", "CREATE MATERIALIZED VIEW totals AS SELECT k, count(*) AS n, max(v) AS top "
                        + "FROM m GROUP BY k", "CREATE UNIQUE INDEX totals_k ON totals (k)",
                "DROP FUNCTION f()", "CREATE FUNCTION f() RETURNS bigint LANGUAGE sql AS $$ SELECT 2 $$",
                "ALTER SEQUENCE s INCREMENT BY 5 CACHE 10",
                "ALTER TABLE m ADD CONSTRAINT k_small CHECK (k < 10) NOT VALID",
                "DROP INDEX m_v", "CREATE INDEX m_k ON m (k)",
                "CREATE EXTENSION IF NOT EXISTS citext",
                "ALTER TABLE m1 ENABLE ROW LEVEL SECURITY",
                "CREATE POLICY \"k policy\" ON m1 USING (k > 0)");
        execute(p.destination(), "INSERT INTO m SELECT g, g % 3, 'v' FROM generate_series(1, 30) g");

        List<String> actions = engine.reconcileSchema(p.request());

        assertThat(actions).noneMatch(a -> a.startsWith("still differs"));
        assertThat(engine.schemaDifferences(p.request())).isEmpty();
        assertThat(canonical(p.destination())).isEqualTo(canonical(p.source().connection()));
        assertThat(value(p.destination(), "SELECT top FROM totals WHERE k = 1")).as("the new materialized view is filled")
                .isEqualTo("v");
    }

    @Test
    void aCollationDifferenceCannotBeReconciledAndNothingChanges() {
        Pair p = pair(COMMON);
        p.source().execute("ALTER TABLE " + ITEMS + " ALTER COLUMN \"Name\" TYPE text COLLATE \"C\"",
                "CREATE INDEX \"new idx\" ON " + ITEMS + " (\"Name\")");
        String untouched = canonical(p.destination());

        assertThat(engine.schemaDifferences(p.request())).filteredOn(f -> f.severity() == Severity.ERROR).singleElement()
                .satisfies(f -> {
                    assertThat(f.code()).isEqualTo(SchemaFindings.NOT_RECONCILABLE);
                    assertThat(f.object()).isEqualTo(p.source().name() + ": column Odd \"Schema\".items.Name");
                    assertThat(f.message()).contains("collation");
                });
        assertThatThrownBy(() -> engine.reconcileSchema(p.request())).isInstanceOfSatisfying(FerryException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
            assertThat(e.getMessage()).contains("column Odd \"Schema\".items.Name", "nothing was changed");
        });
        assertThat(canonical(p.destination())).isEqualTo(untouched);
    }

    @Test
    void columnsOfTablesWithoutLaterChangesEvolveAtPromotionAsReplicationWouldEvolveThem() {
        Pair p = pair(COMMON);
        p.source().execute("INSERT INTO " + ITEMS + " VALUES (1, 'a', 5, 1.5)");
        execute(p.destination(), "INSERT INTO " + ITEMS + " VALUES (1, 'a', 5, 1.5)");
        p.source().execute("ALTER TABLE " + ITEMS + " ALTER COLUMN qty TYPE bigint",
                "ALTER TABLE " + ITEMS + " ADD COLUMN added timestamptz DEFAULT now()",
                "ALTER TABLE " + ITEMS + " DROP COLUMN \"Name\"");

        assertThat(engine.schemaDifferences(p.request())).noneMatch(f -> f.severity() == Severity.ERROR);
        List<String> actions = engine.reconcileSchema(p.request());

        assertThat(actions).anyMatch(a -> a.startsWith("evolved columns of Odd \"Schema\".items"));
        assertThat(engine.schemaDifferences(p.request())).isEmpty();
        assertThat(canonical(p.destination())).isEqualTo(canonical(p.source().connection()));
        // The row that predates the column holds the value the source gave it then, not the destination's now().
        assertThat(String.valueOf(value(p.destination(), "SELECT added::text FROM " + ITEMS)))
                .isEqualTo(String.valueOf(value(p.source().connection(), "SELECT added::text FROM " + ITEMS)));
    }

    @Test
    void aTableOnlyOnTheSourceIsLeftToChangeReplication() {
        Pair p = pair(COMMON);
        p.source().execute("CREATE TABLE later (id int PRIMARY KEY)");

        assertThat(engine.schemaDifferences(p.request())).filteredOn(f -> f.severity() == Severity.ERROR)
                .extracting(Finding::object).contains(p.source().name() + ": table public.later");
        assertThatThrownBy(() -> engine.reconcileSchema(p.request())).isInstanceOf(FerryException.class)
                .hasMessageContaining("table public.later: only on the source; tables are created and dropped by change "
                        + "replication");
    }

    private static String canonical(DatabaseConnection db) {
        return SchemaComparer.canonicalSchema(PgTools.locate(), db);
    }

    private static Object value(DatabaseConnection db, String sql) {
        try (Connection c = connect(db); Statement st = c.createStatement(); var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getObject(1);
        } catch (SQLException e) {
            throw new IllegalStateException("query failed on " + db.display() + ": " + sql, e);
        }
    }

    private static void execute(DatabaseConnection db, String... statements) {
        try (Connection c = connect(db); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("statement failed on " + db.display(), e);
        }
    }

    private static Connection connect(DatabaseConnection db) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", db.username());
        if (db.password() != null) {
            props.setProperty("password", db.password().reveal());
        }
        return DriverManager.getConnection("jdbc:postgresql://%s:%d/%s".formatted(db.host(), db.port(),
                db.database() == null ? "postgres" : db.database()), props);
    }
}
