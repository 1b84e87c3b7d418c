package dev.ferry.engine.mysql.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.model.TableRef;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContentHasherTest {

    @Test
    void prefixesEveryValueWithItsLengthAndMarksNulls() {
        String sql = ContentHasher.query(new TableRef("d b", "t`1"),
                List.of(new Column("a", "int", false, false), new Column("b`c", "varchar", false, false)));

        assertThat(sql)
                .contains("COALESCE(CONCAT(LENGTH(CAST(`a` AS BINARY)), ':', CAST(`a` AS BINARY)), 'N')")
                .contains("COALESCE(CONCAT(LENGTH(CAST(`b``c` AS BINARY)), ':', CAST(`b``c` AS BINARY)), 'N')")
                .contains("FROM `d b`.`t``1`")
                .contains("SUM(", "BIT_XOR(");
    }

    @Test
    void readsFloatsWidenedToDoubleSoThatNoDigitIsLost() {
        assertThat(new Column("f", "float", false, false).binaryExpression()).isEqualTo("CAST(`f` * 1e0 AS BINARY)");
        assertThat(new Column("d", "double", false, false).binaryExpression()).isEqualTo("CAST(`d` AS BINARY)");
    }
}
