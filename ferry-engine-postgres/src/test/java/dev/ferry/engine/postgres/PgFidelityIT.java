package dev.ferry.engine.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.Dialect;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.ObjectSelection;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.Engine;
import dev.ferry.core.spi.engine.TableInfo;
import dev.ferry.testkit.LocalPostgres;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every kind of object arrives: the destination's schema dump equals the source's, and so do all contents. */
@Timeout(120)
class PgFidelityIT {
    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @RegisterExtension
    static final LocalPostgres dest = LocalPostgres.shared("destination");

    private final Engine engine = new PostgresEngineProvider().create();

    @Test
    void everyObjectKindAndEveryRowArriveUnchanged() {
        var source = pg.freshDatabase();
        String role = "fid_" + source.name();
        Sql.execute(pg.superuser(), "CREATE ROLE " + Dialect.POSTGRESQL.quote(role));
        Sql.execute(dest.superuser(), "CREATE ROLE " + Dialect.POSTGRESQL.quote(role));
        // One statement at a time: a single multi-statement string would be one transaction.
        source.execute(Sql.resource("fidelity-source.sql").replace("OWNER_ROLE", Dialect.POSTGRESQL.quote(role))
                .split(";\n"));
        DatabaseConnection d = dest.superuser().withDatabase(source.name());

        List<TableInfo> tables = LoadDriver.run(engine, source.connection(), dest.superuser(), source.name(),
                new Engine.SnapshotOptions("fidelity", new ObjectSelection(ObjectsConfig.ALL), false, 2));

        List<String> sourceSchema = SchemaDump.of(source.connection());
        assertThat(sourceSchema).contains("CREATE POLICY customers_region ON public.customers FOR SELECT TO " + role
                + " USING ((region = 'eu'::text));", "ALTER TABLE public.customers CLUSTER ON customers_pkey;",
                "ALTER TABLE ONLY public.orders REPLICA IDENTITY USING INDEX orders_customer_code_idx;");
        assertThat(SchemaDump.of(d)).containsExactlyElementsOf(sourceSchema);
        List<TableRef> refs = tables.stream().map(TableInfo::ref).toList();
        assertThat(refs).hasSize(11).contains(new TableRef("public", "measurements_2024_a"),
                new TableRef("Mixed Case \"Schema\"", "Order \"Items\" ünï"), new TableRef("select", "from"));
        assertThat(engine.countRows(d, source.name(), refs))
                .isEqualTo(engine.countRows(source.connection(), source.name(), refs));
        assertThat(engine.contentHashes(d, source.name(), refs))
                .isEqualTo(engine.contentHashes(source.connection(), source.name(), refs));
        String matview = "SELECT sum(customer_id * n), count(*) FROM public.orders_per_customer";
        assertThat(Sql.query(d, matview)).isEqualTo(source.query(matview));
        String sequences = "SELECT string_agg(sequencename || '=' || coalesce(last_value, 0), ',' ORDER BY sequencename) "
                + "FROM pg_sequences";
        assertThat(Sql.value(d, sequences)).isEqualTo(source.query(sequences).getFirst().getFirst());
        String largeObjects = "SELECT string_agg(oid || ':' || md5(lo_get(oid)), ',' ORDER BY oid) FROM pg_largeobject_metadata";
        assertThat(Sql.value(d, largeObjects)).isEqualTo(source.query(largeObjects).getFirst().getFirst());
        assertThat(Sql.value(d, "SELECT tableowner FROM pg_tables WHERE tablename = 'orders'")).isEqualTo(role);
    }
}
