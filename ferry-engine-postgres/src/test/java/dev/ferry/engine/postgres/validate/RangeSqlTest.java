package dev.ferry.engine.postgres.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.validate.KeyRange;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RangeSqlTest {
    private static final Map<String, String> TYPES = new LinkedHashMap<>();

    static {
        TYPES.put("Region \"x\"", "text");
        TYPES.put("at", "timestamp with time zone");
        TYPES.put("v", "numeric(10,2)");
    }

    private final TableLayout composite = new TableLayout(new TableRef("s", "T t"), false, TYPES, List.of("Region \"x\"", "at"));
    private final TableLayout partitioned = new TableLayout(new TableRef("s", "p"), true, TYPES, List.of("at"));
    private final TableLayout keyless = new TableLayout(new TableRef("s", "k"), false, TYPES, List.of());

    @Test
    void boundsAreRowComparisonsOfTextCastToTheKeyTypes() {
        var range = new KeyRange(List.of("eu", "2024-01-01 00:00:00+00"), List.of("us", "2020-01-01 00:00:00+00"));

        String where = new RangeSql(composite).where(range);

        assertThat(where).isEqualTo(" WHERE (\"Region \"\"x\"\"\", \"at\") >= (CAST(? AS text), CAST(? AS timestamp with time zone))"
                + " AND (\"Region \"\"x\"\"\", \"at\") < (CAST(? AS text), CAST(? AS timestamp with time zone))");
        assertThat(new RangeSql(composite).binds(range)).containsExactly("eu", "2024-01-01 00:00:00+00", "us",
                "2020-01-01 00:00:00+00");
    }

    @Test
    void aKeylessRangeRunsOverTheColumnItNamesAndTheFirstHoldsItsNulls() {
        var first = new KeyRange(null, List.of("at", "2024-01-01 00:00:00+00"));
        var middle = new KeyRange(List.of("at", "2024-01-01 00:00:00+00"), List.of("at", "2025-01-01 00:00:00+00"));

        assertThat(new RangeSql(keyless).where(first))
                .isEqualTo(" WHERE (\"at\" < CAST(? AS timestamp with time zone) OR \"at\" IS NULL)");
        assertThat(new RangeSql(keyless).where(middle)).isEqualTo(" WHERE \"at\" >= CAST(? AS timestamp with time zone)"
                + " AND \"at\" < CAST(? AS timestamp with time zone)");
        assertThat(new RangeSql(keyless).binds(middle)).containsExactly("2024-01-01 00:00:00+00", "2025-01-01 00:00:00+00");
        assertThat(new RangeSql(keyless).where(KeyRange.ALL)).isEmpty();
        assertThatThrownBy(() -> new RangeSql(keyless).where(new KeyRange(List.of("at", "x"), List.of("v", "1"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RangeSql(keyless).where(new KeyRange(List.of("x"), null)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSingleKeyIsComparedAsAScalarAndOpenBoundsLeaveNoCondition() {
        assertThat(new RangeSql(partitioned).where(new KeyRange(null, List.of("x"))))
                .isEqualTo(" WHERE \"at\" < CAST(? AS timestamp with time zone)");
        assertThat(new RangeSql(partitioned).where(KeyRange.ALL)).isEmpty();
    }

    @Test
    void rowsHashTheirRecordTextByteWiseAndPartitionedTablesAreReadWithTheirPartitions() {
        String hash = new RangeSql(partitioned).hash(List.of("v", "at"), KeyRange.ALL);

        assertThat(hash).contains("pg_catalog.hashtextextended((ROW(\"v\", \"at\")::pg_catalog.text) COLLATE \"C\", 0)")
                .contains("FROM \"s\".\"p\"").doesNotContain("ONLY");
        assertThat(new RangeSql(keyless).hash(List.of("v"), KeyRange.ALL)).contains("FROM ONLY \"s\".\"k\"");
    }

    @Test
    void keysAreLookedUpFromOneTextArrayPerKeyColumn() {
        assertThat(new RangeSql(composite).rowsByKeys(List.of("v"))).endsWith("WHERE (\"Region \"\"x\"\"\", \"at\") IN "
                + "(SELECT CAST(u.k0 AS text), CAST(u.k1 AS timestamp with time zone) FROM ROWS FROM ("
                + "pg_catalog.unnest(CAST(? AS pg_catalog.text[])), pg_catalog.unnest(CAST(? AS pg_catalog.text[]))) AS u(k0, k1))");
    }

    @Test
    void refusesUnknownColumnsAndBoundsOfTheWrongWidth() {
        assertThatThrownBy(() -> new RangeSql(composite).hash(List.of("nope"), KeyRange.ALL))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RangeSql(composite).binds(new KeyRange(List.of("eu"), null)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
