package dev.ferry.engine.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.Dialect;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.Finding;
import dev.ferry.core.model.ObjectSelection;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.Severity;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.Engine;
import dev.ferry.core.spi.engine.SchemaFindings;
import dev.ferry.core.spi.engine.TableInfo;
import dev.ferry.core.spi.validate.KeyRange;
import dev.ferry.core.spi.validate.TableShape;
import dev.ferry.testkit.LocalPostgres;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Validating a database Ferry's full load copied finds nothing, in the schema or in the data of any table (also
 * partitioned ones); a default changed and an index dropped on the destination afterwards are reported.
 */
@Timeout(180)
class PgValidationAfterCopyIT {
    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @RegisterExtension
    static final LocalPostgres dest = LocalPostgres.shared("destination");

    private final Engine engine = new PostgresEngineProvider().create();

    @Test
    void aFreshCopyValidatesCleanAndLaterSchemaChangesAreReported() {
        var source = pg.freshDatabase();
        String role = "val_" + source.name();
        Sql.execute(pg.superuser(), "CREATE ROLE " + Dialect.POSTGRESQL.quote(role));
        Sql.execute(dest.superuser(), "CREATE ROLE " + Dialect.POSTGRESQL.quote(role));
        source.execute(Sql.resource("fidelity-source.sql").replace("OWNER_ROLE", Dialect.POSTGRESQL.quote(role))
                .split(";\n"));
        List<TableInfo> tables = LoadDriver.run(engine, source.connection(), dest.superuser(), source.name(),
                new Engine.SnapshotOptions("validation", new ObjectSelection(ObjectsConfig.ALL), false, 2));
        DatabaseConnection d = dest.superuser().withDatabase(source.name());

        assertThat(engine.validateSchema(source.connection(), dest.superuser(), source.name(), ObjectsConfig.ALL))
                .isEmpty();
        try (var vs = engine.openValidation(source.connection(), source.name(), 2);
                var vd = engine.openValidation(dest.superuser(), source.name(), 2)) {
            for (TableRef t : tables.stream().map(TableInfo::ref).toList()) {
                TableShape shape = vs.shape(t).orElseThrow();
                assertThat(vd.shape(t)).as("%s", t).contains(shape);
                for (KeyRange r : vs.chunks(t, shape, 200)) {
                    assertThat(vd.hash(t, shape, shape.columnNames(), r)).as("%s %s", t, r)
                            .isEqualTo(vs.hash(t, shape, shape.columnNames(), r));
                }
            }
            assertThat(vd.sequences(List.of())).isEqualTo(vs.sequences(List.of())).isNotEmpty();
        }

        Sql.execute(d, "ALTER TABLE public.customers ALTER COLUMN region SET DEFAULT 'us'",
                "DROP INDEX public.customers_tags_idx");
        List<Finding> findings = engine.validateSchema(source.connection(), dest.superuser(), source.name(),
                ObjectsConfig.ALL);

        assertThat(findings).allSatisfy(f -> {
            assertThat(f.code()).isEqualTo(SchemaFindings.DIFFERENCE);
            assertThat(f.severity()).isEqualTo(Severity.ERROR);
            assertThat(f.remedy()).contains(f.object()).doesNotContain("%s");
        });
        assertThat(findings).anySatisfy(f -> {
            assertThat(f.object()).isEqualTo("column public.customers.region");
            assertThat(f.message()).contains(source.name(), "default", "'eu'::text", "'us'::text");
        });
        assertThat(findings).anySatisfy(f -> {
            assertThat(f.object()).isEqualTo("index public.customers_tags_idx");
            assertThat(f.message()).contains("only on the source");
        });
    }
}
