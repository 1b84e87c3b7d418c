package dev.ferry.engine.postgres.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.engine.postgres.catalog.PgType;
import dev.ferry.engine.postgres.catalog.TableCatalog.Column;
import dev.ferry.engine.postgres.copy.CopyFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TableCopyTaskTest {
    private static final Map<Long, PgType> TYPES = Map.of(
            23L, new PgType(23, 'b', 0, 0, 4, 0),
            16500L, new PgType(16500, 'e', 0, 0, 4, 0),
            16499L, new PgType(16499, 'b', 16500, 0, -1, 0));

    @Test
    void binaryBetweenEqualMajorsWithPortableTypes() {
        assertThat(TableCopyTask.chooseFormat(15, 15, List.of(new Column("a", 23), new Column("m", 16500)), TYPES))
                .isEqualTo(CopyFormat.BINARY);
    }

    @Test
    void textAcrossMajorVersions() {
        assertThat(TableCopyTask.chooseFormat(14, 15, List.of(new Column("a", 23)), TYPES)).isEqualTo(CopyFormat.TEXT);
    }

    @Test
    void textWhenAColumnIsAnArrayOfAUserType() {
        assertThat(TableCopyTask.chooseFormat(15, 15, List.of(new Column("a", 23), new Column("ms", 16499)), TYPES))
                .isEqualTo(CopyFormat.TEXT);
    }
}
