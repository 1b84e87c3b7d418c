package dev.ferry.engine.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.model.Finding;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.Severity;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.Engine;
import dev.ferry.core.spi.engine.SchemaFindings;
import dev.ferry.core.spi.validate.DataValidation;
import dev.ferry.core.spi.validate.KeyRange;
import dev.ferry.core.spi.validate.TableShape;
import dev.ferry.testkit.LocalMariaDb;
import dev.ferry.testkit.TestDatabase;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Validation of a database Ferry's full load copied: its data and schema compare clean, later changes show. */
@Timeout(180)
class FullLoadValidationIT {
    @RegisterExtension
    static final LocalMariaDb source = LocalMariaDb.shared();

    @RegisterExtension
    static final LocalMariaDb destination = LocalMariaDb.shared("destination");

    private final Engine engine = new MySqlEngine(Clock.systemUTC());

    @Test
    void everyTableOfAFullLoadCopyHashesAlikeInEveryRange() throws Exception {
        TestDatabase db = SampleSchema.create(source);
        CopyFlow.migrate(engine, db.connection(), destination.superuser(), db.name(), 2);
        List<TableRef> tables = engine.userObjects(db.connection(), db.name()).stream().filter(o -> o.startsWith("table "))
                .map(o -> new TableRef(db.name(), o.substring(("table " + db.name() + ".").length()))).toList();
        assertThat(tables).hasSize(SampleSchema.TABLES);

        try (DataValidation s = engine.openValidation(db.connection(), db.name(), 2);
                DataValidation d = engine.openValidation(destination.superuser(), db.name(), 2)) {
            for (TableRef t : tables) {
                TableShape shape = s.shape(t).orElseThrow();
                assertThat(d.shape(t)).contains(shape);
                for (KeyRange r : s.chunks(t, shape, 1)) {
                    assertThat(d.hash(t, shape, shape.columnNames(), r)).as(t + " " + r)
                            .isEqualTo(s.hash(t, shape, shape.columnNames(), r));
                }
                assertThat(d.rows(t, shape, shape.columnNames(), KeyRange.ALL, 100))
                        .containsExactlyInAnyOrderElementsOf(s.rows(t, shape, shape.columnNames(), KeyRange.ALL, 100));
            }
            assertThat(d.sequences(tables)).isEqualTo(s.sequences(tables))
                    .containsKeys("auto_increment " + db.name() + ".utf8 tbl", "sequence " + db.name() + ".order seq");
        }
    }

    @Test
    void aCopyByTheFullLoadComparesCleanAndEachLaterChangeIsReported() throws Exception {
        TestDatabase db = SampleSchema.create(source);
        CopyFlow.migrate(engine, db.connection(), destination.superuser(), db.name(), 2);

        assertThat(engine.validateSchema(db.connection(), destination.superuser(), db.name(), ObjectsConfig.ALL)).isEmpty();

        MySqlEngineIT.Servers.execute(destination.superuser(), db.name(),
                "ALTER TABLE child ALTER COLUMN note SET DEFAULT 'changed'",
                "DROP INDEX by_name ON `utf8 tbl`",
                "CREATE OR REPLACE VIEW `z base view` AS SELECT id, name FROM `utf8 tbl` WHERE id > 0");

        List<Finding> findings = engine.validateSchema(db.connection(), destination.superuser(), db.name(), ObjectsConfig.ALL);

        assertThat(findings).allSatisfy(f -> {
            assertThat(f.code()).isEqualTo(SchemaFindings.DIFFERENCE);
            assertThat(f.severity()).isEqualTo(Severity.ERROR);
            assertThat(f.remedy()).isNotBlank();
        });
        assertThat(findings).extracting(Finding::object).containsExactlyInAnyOrder(
                "column " + db.name() + ".child.note",
                "index " + db.name() + ".utf8 tbl.by_name",
                "view " + db.name() + ".z base view");
        assertThat(findings).filteredOn(f -> f.object().startsWith("column")).singleElement()
                .extracting(Finding::message).asString().contains("default", "changed", "NULL");
        assertThat(findings).filteredOn(f -> f.object().startsWith("index")).singleElement()
                .extracting(Finding::message).asString().contains("not on the destination");

        // Outside the selection nothing is compared.
        ObjectsConfig onlyParent = new ObjectsConfig(List.of(db.name() + ".parent"), List.of());
        assertThat(engine.validateSchema(db.connection(), destination.superuser(), db.name(), onlyParent))
                .extracting(Finding::object).doesNotContain("column " + db.name() + ".child.note");
    }
}
