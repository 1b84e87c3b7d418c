package dev.ferry.engine.mysql.schema;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TableDdlTest {
    private static final String ORDERS = """
            CREATE TABLE `orders` (
              `id` bigint(20) NOT NULL AUTO_INCREMENT,
              `customer` int(11) NOT NULL,
              `note` varchar(20) DEFAULT 'a, (b) `c` ''d'' \\\\',
              `code` char(3) NOT NULL,
              PRIMARY KEY (`id`),
              UNIQUE KEY `uq_code` (`code`),
              KEY `by_customer` (`customer`,`code`),
              FULLTEXT KEY `ft_note` (`note`),
              CONSTRAINT `fk_customer` FOREIGN KEY (`customer`) REFERENCES `customers` (`id`) ON DELETE CASCADE,
              CONSTRAINT `positive` CHECK (`customer` > 0)
            ) ENGINE=InnoDB AUTO_INCREMENT=42 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci""";

    @Test
    void movesSecondaryIndexesAndForeignKeysOutOfCreateTable() {
        TableDdl ddl = TableDdl.split(ORDERS, "id");

        assertThat(ddl.indexes()).containsExactly("UNIQUE KEY `uq_code` (`code`)", "KEY `by_customer` (`customer`,`code`)");
        assertThat(ddl.foreignKeys())
                .containsExactly("CONSTRAINT `fk_customer` FOREIGN KEY (`customer`) REFERENCES `customers` (`id`) ON DELETE CASCADE");
        assertThat(ddl.create()).isEqualTo("""
                CREATE TABLE `orders` (
                  `id` bigint(20) NOT NULL AUTO_INCREMENT,
                  `customer` int(11) NOT NULL,
                  `note` varchar(20) DEFAULT 'a, (b) `c` ''d'' \\\\',
                  `code` char(3) NOT NULL,
                  PRIMARY KEY (`id`),
                  FULLTEXT KEY `ft_note` (`note`),
                  CONSTRAINT `positive` CHECK (`customer` > 0)
                ) ENGINE=InnoDB AUTO_INCREMENT=42 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci""");
    }

    @Test
    void keepsTheIndexThatCarriesTheAutoIncrementColumn() {
        String ddl = """
                CREATE TABLE `t` (
                  `a` int(11) NOT NULL,
                  `n` int(11) NOT NULL AUTO_INCREMENT,
                  PRIMARY KEY (`a`),
                  KEY `by_n` (`n`),
                  KEY `by_a_n` (`a`,`n`)
                ) ENGINE=InnoDB""";

        TableDdl split = TableDdl.split(ddl, "n");

        assertThat(split.indexes()).containsExactly("KEY `by_a_n` (`a`,`n`)");
        assertThat(split.create()).contains("KEY `by_n` (`n`)");
    }

    @Test
    void handlesHostileIdentifiers() {
        String ddl = """
                CREATE TABLE `we``ird (, name` (
                  `col, ``x`` (` int(11) DEFAULT NULL,
                  `ü 😀` text DEFAULT NULL,
                  KEY `k, ``1`` (` (`col, ``x`` (`),
                  CONSTRAINT `f``k` FOREIGN KEY (`col, ``x`` (`) REFERENCES `p` (`id`)
                ) ENGINE=InnoDB""";

        TableDdl split = TableDdl.split(ddl, "col, `x` (");

        assertThat(split.indexes()).isEmpty();
        assertThat(split.foreignKeys()).containsExactly("CONSTRAINT `f``k` FOREIGN KEY (`col, ``x`` (`) REFERENCES `p` (`id`)");
        assertThat(split.create()).startsWith("CREATE TABLE `we``ird (, name` (\n  `col, ``x`` (` int(11) DEFAULT NULL,\n")
                .contains("KEY `k, ``1`` (` (`col, ``x`` (`)\n) ENGINE=InnoDB");
    }

    @Test
    void leavesUnrecognisedStatementsWhole() {
        String sequence = "CREATE SEQUENCE `s` start with 1 minvalue 1 maxvalue 9 increment by 1 cache 1000 nocycle ENGINE=InnoDB";

        assertThat(TableDdl.split(sequence, null)).isEqualTo(TableDdl.whole(sequence));
    }

    @Test
    void buildsOneAlterTableForAllDeferredDefinitions() {
        assertThat(TableDdl.alter("`t`", java.util.List.of("KEY `a` (`a`)", "UNIQUE KEY `b` (`b`)")))
                .isEqualTo("ALTER TABLE `t` ADD KEY `a` (`a`), ADD UNIQUE KEY `b` (`b`)");
    }

    @Test
    void readsTheNameOfADeferredIndex() {
        assertThat(TableDdl.indexName("UNIQUE KEY `a``b ü` (`x`)")).isEqualTo("a`b ü");
        assertThat(TableDdl.indexName("KEY `k_1` (`k`)")).isEqualTo("k_1");
        assertThat(TableDdl.indexName("KEY broken")).isNull();
    }
}
