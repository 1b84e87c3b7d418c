package dev.ferry.engine.postgres.copy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.model.TableRef;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableCopierTest {
    private static final TableRef TABLE = new TableRef("My Schema", "T \"q\"");
    private static final CopyRange ALL = new CopyRange.Whole();

    @Test
    void sourceSelectsOnlyThisTableWithQuotedColumns() {
        assertThat(TableCopier.selectSql(TABLE, List.of("id", "Name"), CopyFormat.BINARY, ALL)).isEqualTo(
                "COPY (SELECT \"id\", \"Name\" FROM ONLY \"My Schema\".\"T \"\"q\"\"\") TO STDOUT (FORMAT binary)");
    }

    @Test
    void aRangeBecomesTheWhereClause() {
        assertThat(TableCopier.selectSql(TABLE, List.of("id"), CopyFormat.TEXT, new CopyRange.KeyRange("id", 5L, 9L)))
                .isEqualTo("COPY (SELECT \"id\" FROM ONLY \"My Schema\".\"T \"\"q\"\"\" WHERE \"id\" >= 5 AND \"id\" < 9) "
                        + "TO STDOUT (FORMAT text)");
    }

    @Test
    void destinationLoadsWithFreezeOnlyWhenAsked() {
        assertThat(TableCopier.loadSql(TABLE, List.of("id"), CopyFormat.TEXT, true)).isEqualTo(
                "COPY \"My Schema\".\"T \"\"q\"\"\" (\"id\") FROM STDIN (FORMAT text, FREEZE)");
        assertThat(TableCopier.loadSql(TABLE, List.of("id"), CopyFormat.BINARY, false)).isEqualTo(
                "COPY \"My Schema\".\"T \"\"q\"\"\" (\"id\") FROM STDIN (FORMAT binary)");
    }

    @Test
    void aTableWithoutCopyableColumnsStillCopiesItsRows() {
        assertThat(TableCopier.selectSql(TABLE, List.of(), CopyFormat.TEXT, ALL))
                .isEqualTo("COPY (SELECT FROM ONLY \"My Schema\".\"T \"\"q\"\"\") TO STDOUT (FORMAT text)");
        assertThat(TableCopier.loadSql(TABLE, List.of(), CopyFormat.TEXT, true))
                .isEqualTo("COPY \"My Schema\".\"T \"\"q\"\"\" FROM STDIN (FORMAT text, FREEZE)");
    }
}
