package dev.ferry.engine.mysql.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RangePredicateTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aSingleColumnRangeIsTwoComparisonsWithExactNumbers() {
        ChunkKey key = new ChunkKey(List.of(new ChunkKey.Column("i`d", KeyType.INTEGER)));

        RangePredicate p = RangePredicate.of(key, new KeyRange(List.of(b("10")), List.of(b("20"))));

        assertThat(p.sql()).isEqualTo("(`i``d` >= ? AND `i``d` < ?)");
        assertThat(p.params()).containsExactly(new BigDecimal("10"), new BigDecimal("20"));
    }

    @Test
    void aCompositeBoundComparesColumnByColumn() {
        ChunkKey key = new ChunkKey(List.of(new ChunkKey.Column("a", KeyType.TEXT), new ChunkKey.Column("b", KeyType.TEMPORAL)));

        RangePredicate p = RangePredicate.of(key, new KeyRange(List.of(b("x"), b("2020-01-01")), null));

        assertThat(p.sql()).isEqualTo("((`a` > ? OR (`a` = ? AND `b` >= ?)))");
        assertThat(p.params()).containsExactly("x", "x", "2020-01-01");
    }

    @Test
    void rangesOfAnEarlierPlanAreExcluded() {
        ChunkKey key = new ChunkKey(List.of(new ChunkKey.Column("id", KeyType.INTEGER)));

        RangePredicate p = RangePredicate.of(key, new KeyRange(null, List.of(b("100"))),
                List.of(new KeyRange(List.of(b("5")), List.of(b("9"))), new KeyRange(List.of(b("50")), null)));

        assertThat(p.sql()).isEqualTo("((`id` < ?)) AND NOT ((`id` >= ? AND `id` < ?) OR (`id` >= ?))");
        assertThat(p.params()).hasSize(4);
    }

    @Test
    void theWholeTableNeedsNoParameters() {
        RangePredicate p = RangePredicate.of(ChunkKey.NONE, KeyRange.ALL);

        assertThat(p.sql()).isEqualTo("1 = 1");
        assertThat(p.params()).isEmpty();
    }

    @Test
    void binaryValuesBindAsBytes() {
        assertThat(RangePredicate.bindable(KeyType.BINARY, new byte[] {0, 1})).isEqualTo(new byte[] {0, 1});
    }
}
