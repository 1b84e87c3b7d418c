package dev.ferry.engine.postgres.copy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.model.TableRef;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableCopierTest {
    private static final TableRef TABLE = new TableRef("My Schema", "T \"q\"");

    @Test
    void sourceSelectsOnlyThisTableWithQuotedColumns() {
        assertThat(TableCopier.selectSql(TABLE, List.of("id", "Name"), CopyFormat.BINARY)).isEqualTo(
                "COPY (SELECT \"id\", \"Name\" FROM ONLY \"My Schema\".\"T \"\"q\"\"\") TO STDOUT (FORMAT binary)");
    }

    @Test
    void destinationLoadsWithFreeze() {
        assertThat(TableCopier.loadSql(TABLE, List.of("id"), CopyFormat.TEXT)).isEqualTo(
                "COPY \"My Schema\".\"T \"\"q\"\"\" (\"id\") FROM STDIN (FORMAT text, FREEZE)");
    }

    @Test
    void aTableWithoutCopyableColumnsStillCopiesItsRows() {
        assertThat(TableCopier.selectSql(TABLE, List.of(), CopyFormat.TEXT))
                .isEqualTo("COPY (SELECT FROM ONLY \"My Schema\".\"T \"\"q\"\"\") TO STDOUT (FORMAT text)");
        assertThat(TableCopier.loadSql(TABLE, List.of(), CopyFormat.TEXT))
                .isEqualTo("COPY \"My Schema\".\"T \"\"q\"\"\" FROM STDIN (FORMAT text, FREEZE)");
    }
}
