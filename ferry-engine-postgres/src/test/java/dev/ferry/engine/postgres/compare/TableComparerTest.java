package dev.ferry.engine.postgres.compare;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.model.TableRef;
import org.junit.jupiter.api.Test;

class TableComparerTest {
    @Test
    void hashQueryReadsOnlyTheTableAndQuotesItsName() {
        assertThat(TableComparer.hashSql(new TableRef("s", "t\"x")))
                .contains("FROM ONLY \"s\".\"t\"\"x\" AS r")
                .contains("md5(ROW(r.*)::text)")
                .doesNotContain("ORDER BY");
    }
}
