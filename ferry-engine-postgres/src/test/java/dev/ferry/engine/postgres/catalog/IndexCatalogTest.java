package dev.ferry.engine.postgres.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IndexCatalogTest {
    @Test
    void statisticsTargetsAreReadFromTheirTextForm() {
        assertThat(IndexCatalog.statistics("1:500,3:100")).containsExactly(new IndexDef.StatisticsTarget(1, 500),
                new IndexDef.StatisticsTarget(3, 100));
        assertThat(IndexCatalog.statistics(null)).isEmpty();
    }
}
