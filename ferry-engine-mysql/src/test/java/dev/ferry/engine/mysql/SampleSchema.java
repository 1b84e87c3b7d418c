package dev.ferry.engine.mysql;

import dev.ferry.testkit.LocalMariaDb;
import dev.ferry.testkit.TestDatabase;

/** A source database with every value and object kind the engine must carry over, and hostile names. */
final class SampleSchema {
    /** How many base tables {@link #create} makes. */
    static final int TABLES = 9;

    private SampleSchema() {}

    static TestDatabase create(LocalMariaDb server) {
        TestDatabase db = server.freshDatabase();
        db.execute(
                "SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION'",
                """
                CREATE TABLE `utf8 tbl` (
                  id INT AUTO_INCREMENT PRIMARY KEY,
                  name VARCHAR(100) NOT NULL,
                  note TEXT,
                  KEY by_name (name)
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci""",
                "INSERT INTO `utf8 tbl` (name, note) VALUES ('ü😀 tab\there', 'line\\nbreak back\\\\slash \\\\N'), ('plain', NULL),"
                        + " ('', ''), ('\\\\N', 'NULL')",
                "ALTER TABLE `utf8 tbl` AUTO_INCREMENT = 1000",
                "CREATE TABLE latin (id INT PRIMARY KEY, txt VARCHAR(50), c CHAR(5)) ENGINE=InnoDB DEFAULT CHARSET=latin1",
                "INSERT INTO latin VALUES (1, 'café naïve ÿ', 'é'), (2, _latin1 x'A4E9FF09', 'x ')",
                """
                CREATE TABLE types (
                  id BIGINT UNSIGNED PRIMARY KEY,
                  bl BLOB, lb LONGBLOB, js JSON,
                  b1 BIT(1), b9 BIT(9), b64 BIT(64),
                  d DECIMAL(65,30), ub BIGINT UNSIGNED, ti TINYINT, neg INT,
                  dt DATETIME(6), da DATE, ts TIMESTAMP(3) NULL, tm TIME(6), yr YEAR,
                  e ENUM('a','b c','ü'), s SET('x','y','z'),
                  f FLOAT, dbl DOUBLE, ch CHAR(5), bin BINARY(4), vb VARBINARY(10),
                  g INT AS (ti * 2) VIRTUAL,
                  gs VARCHAR(30) AS (CONCAT('x', id)) STORED,
                  KEY by_g (g)
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4""",
                """
                INSERT INTO types (id, bl, lb, js, b1, b9, b64, d, ub, ti, neg, dt, da, ts, tm, yr, e, s, f, dbl, ch, bin, vb) VALUES
                (18446744073709551615, x'00FF5C090A4E0D', REPEAT(x'00095C0A', 50000), '{"a": [1, 2, {"b": null}], "ü": "😀"}',
                 b'1', b'101010101', b'1111111111111111111111111111111111111111111111111111111111111111',
                 '12345678901234567890123456789012345.123456789012345678901234567890', 18446744073709551615, -128, -2147483648,
                 '0000-00-00 00:00:00', '0000-00-00', '2038-01-19 03:14:07.999', '-838:59:59.000000', 2155,
                 'b c', 'x,z', 1234567, 2.2250738585072014E-308, 'ab', x'00010203', x''),
                (1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                 NULL, NULL, NULL, NULL, NULL),
                (2, '', '', '[]', b'0', b'0', 0, -0.000000000000000000000000000001, 0, 0, 0,
                 '1000-01-01 00:00:00.000001', '2024-02-29', '1970-01-01 00:00:01', '-00:00:00.500000', 1901,
                 'ü', '', 16777215, 0.1e0 + 0.2e0, '', x'00000000', x'5C4E'),
                (3, 'N', 'NULL', '"\\\\N"', b'1', b'100000000', 1, 0.5, 1, 1, 1, '2020-01-01 12:00:00', '2020-01-01',
                 NULL, '12:30:00.123456', 0, 'a', 'x,y,z', 0.3333333, 1e0 / 3e0, 'tab\t', x'09090909', x'0A')""",
                "CREATE TABLE nopk (a INT, b VARCHAR(10)) ENGINE=InnoDB",
                "INSERT INTO nopk VALUES (1, 'dup'), (1, 'dup'), (NULL, NULL), (2, 'x')",
                "CREATE TABLE legacy (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(10), KEY by_v (v)) ENGINE=MyISAM",
                "INSERT INTO legacy (v) VALUES ('a'), ('b'), (NULL)",
                "CREATE TABLE parent (id INT PRIMARY KEY, code VARCHAR(5), UNIQUE KEY uq_code (code)) ENGINE=InnoDB",
                "INSERT INTO parent VALUES (1, 'one'), (2, 'two')",
                """
                CREATE TABLE child (
                  id INT PRIMARY KEY,
                  parent_id INT,
                  parent_code VARCHAR(5),
                  note VARCHAR(20),
                  CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE CASCADE,
                  CONSTRAINT fk_code FOREIGN KEY (parent_code) REFERENCES parent (code)
                ) ENGINE=InnoDB""",
                "INSERT INTO child VALUES (1, 1, 'one', 'n1'), (2, 2, NULL, NULL), (3, NULL, 'two', 'n3')",
                "CREATE TABLE `we``ird ta ble ü` (`col``x` INT NOT NULL, `sp ace` VARCHAR(10), `?` INT, PRIMARY KEY (`col``x`),"
                        + " KEY `k ``1`` ü` (`sp ace`))",
                "INSERT INTO `we``ird ta ble ü` VALUES (1, 'a b', 7), (2, NULL, NULL)",
                "CREATE SEQUENCE `order seq` START WITH 100 INCREMENT BY 5",
                "DO NEXTVAL(`order seq`)",
                "CREATE TABLE zero_auto (id INT AUTO_INCREMENT PRIMARY KEY, v INT, n BIGINT DEFAULT NEXTVAL(`order seq`))",
                "INSERT INTO zero_auto (id, v) VALUES (5, 5)",
                "SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO'",
                "INSERT INTO zero_auto (id, v) VALUES (0, 0)",
                "SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION'",
                "CREATE VIEW `z base view` AS SELECT id, name FROM `utf8 tbl`",
                "CREATE VIEW `a view on a view` AS SELECT id, CHAR_LENGTH(name) AS n FROM `z base view` WHERE id > 1",
                "CREATE PROCEDURE `do it`(IN n INT) BEGIN SELECT n * 2 AS doubled; END",
                "CREATE FUNCTION twice(n INT) RETURNS INT DETERMINISTIC RETURN n * 2",
                "CREATE TRIGGER `child ü trigger` BEFORE INSERT ON child FOR EACH ROW SET NEW.note = COALESCE(NEW.note, 'by trigger')",
                "CREATE EVENT nightly ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM nopk WHERE a < 0");
        return db;
    }
}
