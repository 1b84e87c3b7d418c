package dev.ferry.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How a migrated table is named in describe, progress, events and the API. */
class TableRefNameTest {
    @Test
    void aMySqlTableIsNamedDatabaseDotTableWithTheDatabaseOnce() {
        // MySQL/MariaDB tables carry their database as schema
        assertThat(new TableRef("cdc", "ledger").nameIn("cdc")).isEqualTo("cdc.ledger");
    }

    @Test
    void aPostgresTableIsNamedDatabaseDotSchemaDotTable() {
        assertThat(new TableRef("public", "ledger").nameIn("cdc")).isEqualTo("cdc.public.ledger");
    }

    @Test
    void aJobObjectOfMySqlIsNamedDatabaseDotTable() {
        var object = new JobObject("job", "cdc", new TableRef("cdc", "ledger"), ObjectState.COPIED, Phase.FULL_DUMP,
                0, 0, 0, 0, 0, null, java.time.Instant.EPOCH);

        assertThat(object.id()).isEqualTo("cdc.ledger");
    }
}
