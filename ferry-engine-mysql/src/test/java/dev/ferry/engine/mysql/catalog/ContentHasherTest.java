package dev.ferry.engine.mysql.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.model.TableRef;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContentHasherTest {

    @Test
    void prefixesEveryValueWithItsLengthAndMarksNulls() {
        String sql = ContentHasher.query(new TableRef("d b", "t`1"), List.of("a", "b`c"));

        assertThat(sql)
                .contains("COALESCE(CONCAT(LENGTH(`a`), ':', CAST(`a` AS BINARY)), 'N')")
                .contains("COALESCE(CONCAT(LENGTH(`b``c`), ':', CAST(`b``c` AS BINARY)), 'N')")
                .contains("FROM `d b`.`t``1`")
                .contains("SUM(", "BIT_XOR(");
    }
}
