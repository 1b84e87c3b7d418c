package dev.ferry.engine.mysql.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyFinderTest {
    private static KeyFinder.IndexColumn col(String table, String index, String column, String type, boolean nullable) {
        return new KeyFinder.IndexColumn(table, index, column, false, type, nullable);
    }

    @Test
    void prefersThePrimaryKeyInColumnOrder() {
        Map<String, ChunkKey> keys = KeyFinder.choose(List.of(
                col("t", "PRIMARY", "a", "int", false), col("t", "PRIMARY", "b", "varchar", false),
                col("t", "uq", "c", "int", false)));

        assertThat(keys.get("t").columns()).containsExactly(new ChunkKey.Column("a", KeyType.INTEGER),
                new ChunkKey.Column("b", KeyType.TEXT));
    }

    @Test
    void withoutAPrimaryKeyTakesTheFirstUniqueKeyOfNotNullSupportedColumns() {
        Map<String, ChunkKey> keys = KeyFinder.choose(List.of(
                col("t", "a_nullable", "x", "int", true),
                col("t", "b_float", "f", "float", false),
                col("t", "c_ok", "d", "datetime", false)));

        assertThat(keys.get("t").columns()).containsExactly(new ChunkKey.Column("d", KeyType.TEMPORAL));
    }

    @Test
    void aPrimaryKeyOfUnsupportedTypesOrPrefixesMeansNoKey() {
        Map<String, ChunkKey> keys = KeyFinder.choose(List.of(
                col("f", "PRIMARY", "x", "double", false), col("f", "uq", "y", "int", false),
                new KeyFinder.IndexColumn("p", "PRIMARY", "name", true, "varchar", false),
                new KeyFinder.IndexColumn("e", "PRIMARY", null, false, "", true)));

        assertThat(keys).isEmpty();
    }
}
