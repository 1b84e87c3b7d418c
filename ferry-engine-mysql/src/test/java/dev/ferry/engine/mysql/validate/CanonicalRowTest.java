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
        assertThat(CanonicalRow.value(col("t", "varchar", true))).isEqualTo("CAST(`t` AS BINARY)");
        assertThat(CanonicalRow.value(new CanonicalRow.Col("u", "varchar(5)", "varchar", "utf8mb4", true))).isEqualTo("`u`");
        assertThat(CanonicalRow.value(col("j", "json", true))).isEqualTo("CONVERT(CAST(`j` AS CHAR) USING utf8mb4)");
        assertThat(CanonicalRow.value(col("i", "int", false))).isEqualTo("`i`");
    }

    @Test
    void nullableColumnsAddNullFlagsInTheGivenOrder() {
        assertThat(CanonicalRow.text(List.of(col("b", "int", true), col("a", "int", false), col("c", "text", true))))
                .isEqualTo("CONCAT_WS('#', `b`, `a`, CAST(`c` AS BINARY), CONCAT(ISNULL(`b`), ISNULL(`c`)))");
        assertThat(CanonicalRow.text(List.of(col("a", "int", false)))).isEqualTo("CONCAT_WS('#', `a`)");
    }

    @Test
    void theRowHashIsSixtyFourBitsAndTheRangeHashTheirExactSum() {
        List<CanonicalRow.Col> a = List.of(col("a", "int", false));
        assertThat(CanonicalRow.rowValue(a)).isEqualTo("((CRC32(CONCAT_WS('#', `a`)) << 32) | CRC32(SHA1(CONCAT_WS('#', `a`))))");
        assertThat(CanonicalRow.rowHash(a)).isEqualTo("LPAD(HEX(" + CanonicalRow.rowValue(a) + "), 16, '0')");
        assertThat(CanonicalRow.rangeHash(a)).isEqualTo("COUNT(*), CAST(COALESCE(SUM(" + CanonicalRow.rowValue(a) + "), 0) AS CHAR)");
    }

    private static CanonicalRow.Col col(String name, String type, boolean nullable) {
        return new CanonicalRow.Col(name, type, type, "latin1", nullable);
    }
}
