package dev.ferry.engine.postgres.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class BinaryFormatRuleTest {
    private static final PgType INT4 = new PgType(23, 'b', 0, 0, 4, 0);
    private static final PgType INT4_ARRAY = new PgType(1007, 'b', 23, 0, -1, 0);
    private static final PgType NAME = new PgType(19, 'b', 18, 0, 64, 0);
    private static final PgType CHAR = new PgType(18, 'b', 0, 0, 1, 0);
    private static final PgType MOOD = new PgType(16500, 'e', 0, 0, 4, 0);
    private static final PgType MOOD_ARRAY = new PgType(16499, 'b', 16500, 0, -1, 0);
    private static final PgType POSITIVE = new PgType(16600, 'd', 0, 23, 4, 0);
    private static final PgType POSITIVE_ARRAY = new PgType(16599, 'b', 16600, 0, -1, 0);
    private static final PgType POINT3 = new PgType(16700, 'c', 0, 0, -1, 0);
    private static final PgType INT4_RANGE = new PgType(3904, 'r', 0, 0, -1, 23);
    private static final PgType MOOD_DOMAIN_OVER_ARRAY = new PgType(16800, 'd', 0, 16499, -1, 0);

    private static final Map<Long, PgType> TYPES = Stream.of(INT4, INT4_ARRAY, NAME, CHAR, MOOD, MOOD_ARRAY, POSITIVE,
            POSITIVE_ARRAY, POINT3, INT4_RANGE, MOOD_DOMAIN_OVER_ARRAY)
            .collect(Collectors.toMap(PgType::oid, Function.identity()));

    @Test
    void builtInScalarsAndTheirArraysArePortable() {
        assertThat(BinaryFormatRule.portable(23, TYPES)).isTrue();
        assertThat(BinaryFormatRule.portable(1007, TYPES)).isTrue();
        assertThat(BinaryFormatRule.portable(19, TYPES)).isTrue();
        assertThat(BinaryFormatRule.portable(3904, TYPES)).isTrue();
    }

    @Test
    void userEnumsAndDomainsOverBuiltInsArePortable() {
        assertThat(BinaryFormatRule.portable(16500, TYPES)).isTrue();
        assertThat(BinaryFormatRule.portable(16600, TYPES)).isTrue();
    }

    @Test
    void arraysOfUserTypesEmbedOidsAndAreNotPortable() {
        assertThat(BinaryFormatRule.portable(16499, TYPES)).isFalse();
        assertThat(BinaryFormatRule.portable(16599, TYPES)).isFalse();
        assertThat(BinaryFormatRule.portable(16800, TYPES)).isFalse();
    }

    @Test
    void compositesAndUnknownTypesAreNotPortable() {
        assertThat(BinaryFormatRule.portable(16700, TYPES)).isFalse();
        assertThat(BinaryFormatRule.portable(99999, TYPES)).isFalse();
    }
}
