package dev.ferry.engine.mysql.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CanonicalRowTest {
    @Test
    void valuesAreWrittenInAServerIndependentTextForm() {
        assertThat(CanonicalRow.value(col("f", "float", true))).isEqualTo("(`f` * 1e0)");
        assertThat(CanonicalRow.value(col("b", "bit", true))).isEqualTo("CAST(`b` AS UNSIGNED)");
        assertThat(CanonicalRow.value(col("v", "varbinary", true))).isEqualTo("HEX(`v`)");
        assertThat(CanonicalRow.value(col("t", "varchar", true))).isEqualTo("CONVERT(`t` USING utf8mb4)");
        assertThat(CanonicalRow.value(new CanonicalRow.Col("u", "varchar(5)", "varchar", "utf8mb4", true))).isEqualTo("`u`");
        assertThat(CanonicalRow.value(col("j", "json", true))).isEqualTo("CONVERT(CAST(`j` AS CHAR) USING utf8mb4)");
        assertThat(CanonicalRow.value(col("i", "int", false))).isEqualTo("`i`");
    }

    @Test
    void nullableColumnsAddNullFlagsInTheGivenOrder() {
        assertThat(CanonicalRow.text(List.of(col("b", "int", true), col("a", "int", false), col("c", "text", true))))
                .isEqualTo("CONCAT_WS('#', `b`, `a`, CONVERT(`c` USING utf8mb4), CONCAT(ISNULL(`b`), ISNULL(`c`)))");
        assertThat(CanonicalRow.text(List.of(col("a", "int", false)))).isEqualTo("CONCAT_WS('#', `a`)");
    }

    @Test
    void theRangeHashSumsSixtyFourBitsOfEachRowsSha1() {
        assertThat(CanonicalRow.rangeHash(List.of(col("a", "int", false))))
                .isEqualTo("COUNT(*), CAST(COALESCE(SUM(CAST(CONV(LEFT(SHA1(CONCAT_WS('#', `a`)), 16), 16, 10) AS UNSIGNED)), 0) AS CHAR)");
    }

    private static CanonicalRow.Col col(String name, String type, boolean nullable) {
        return new CanonicalRow.Col(name, type, type, "latin1", nullable);
    }
}
