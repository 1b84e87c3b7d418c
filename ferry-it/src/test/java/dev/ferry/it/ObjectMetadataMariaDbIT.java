package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.control.job.JobRequest;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.PerformanceConfig;
import dev.ferry.core.model.Finding;
import dev.ferry.engine.mysql.MySqlConnector;
import dev.ferry.engine.mysql.validate.SchemaComparison;
import dev.ferry.testkit.LocalMariaDb;
import dev.ferry.testkit.MariaDbClient;
import dev.ferry.testkit.TestDatabase;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A one-time MariaDB job keeps what views, routines, triggers and events were created under (character_set_client,
 * collation_connection, the database's collation), non-ASCII text in latin1 definitions included, and carries the
 * source's engine-independent statistics over. The source objects are created with the mariadb client, which sends
 * the script's bytes as they are, as an application in that character set would.
 */
class ObjectMetadataMariaDbIT {
    @RegisterExtension
    static final LocalMariaDb source = LocalMariaDb.shared();

    @RegisterExtension
    static final LocalMariaDb destination = LocalMariaDb.shared("destination");

    private static final Charset LATIN1 = StandardCharsets.ISO_8859_1;

    private InProcessFerry ferry;

    @BeforeEach
    void startFerry() {
        ferry = InProcessFerry.start();
    }

    @AfterEach
    void stopFerry() {
        ferry.close();
    }

    @Test
    @Timeout(180)
    void objectsKeepTheirClientCharacterSetCollationsAndNonAsciiText() throws Exception {
        TestDatabase db = source.freshDatabase();
        String name = db.name();
        // Objects made while the database's collation was utf8mb4_unicode_ci, then latin1_swedish_ci (which the
        // destination database is created with): routines, triggers and events keep the one they were made under.
        MariaDbClient.run(db.connection(), name, "latin1",
                ascii("ALTER DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;\n"),
                text(LATIN1, """
                        SET NAMES latin1;
                        CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(20)) CHARACTER SET utf8mb4;
                        CREATE VIEW v_latin1 AS SELECT 'café' AS c;
                        CREATE TRIGGER tr_latin1 BEFORE INSERT ON t FOR EACH ROW SET NEW.s = 'Grüße';
                        DELIMITER ;;
                        CREATE PROCEDURE p_latin1() BEGIN SELECT 'café' AS c; END;;
                        DELIMITER ;
                        ALTER DATABASE CHARACTER SET latin1 COLLATE latin1_swedish_ci;
                        CREATE FUNCTION f_latin1() RETURNS VARCHAR(10) CHARSET utf8mb4 DETERMINISTIC RETURN 'Grüße';
                        CREATE EVENT e_latin1 ON SCHEDULE EVERY 1 DAY DISABLE DO INSERT INTO t VALUES (99, 'naïve');
                        """),
                text(StandardCharsets.UTF_8, """
                        SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci;
                        CREATE VIEW v_utf8 AS SELECT 'Zoë ☃' AS c;
                        CREATE FUNCTION f_utf8() RETURNS VARCHAR(10) CHARSET utf8mb4 DETERMINISTIC RETURN 'Zoë ☃';
                        CREATE TABLE t2 (id INT PRIMARY KEY, s VARCHAR(20)) CHARACTER SET utf8mb4;
                        CREATE TRIGGER tr_utf8 BEFORE INSERT ON t2 FOR EACH ROW SET NEW.s = 'Zoë ☃';
                        SET NAMES cp1250;
                        CREATE PROCEDURE p_ascii() SELECT 1 AS one;
                        CREATE EVENT e_ascii ON SCHEDULE EVERY 1 HOUR DISABLE DO DELETE FROM t2 WHERE id < 0;
                        """));
        List<String> before = metadata(db.connection(), name);
        assertThat(before).as("the source objects were made as intended").contains(
                "view v_latin1: select 'café' AS `c` | latin1 | latin1_swedish_ci",
                "view v_utf8: select 'Zoë ☃' AS `c` | utf8mb4 | utf8mb4_unicode_ci",
                "routine p_latin1: BEGIN SELECT 'café' AS c; END | latin1 | latin1_swedish_ci | utf8mb4_unicode_ci",
                "routine f_latin1: RETURN 'Grüße' | latin1 | latin1_swedish_ci | latin1_swedish_ci",
                "routine p_ascii: SELECT 1 AS one | cp1250 | cp1250_general_ci | latin1_swedish_ci",
                "trigger tr_latin1: SET NEW.s = 'Grüße' | latin1 | latin1_swedish_ci | utf8mb4_unicode_ci");

        migrate("objects", db.connection(), true);

        DatabaseConnection dst = destination.superuser();
        assertThat(metadata(dst, name)).isEqualTo(before);
        // The stored routine bodies are the same bytes (in the routine's character_set_client) on both sides.
        String bodies = "SELECT GROUP_CONCAT(name, ':', HEX(body) ORDER BY name) FROM mysql.proc WHERE db = '" + name + "'";
        assertThat(Sql.one(dst, name, bodies)).isEqualTo(Sql.one(db.connection(), name, bodies));
        for (DatabaseConnection side : List.of(db.connection(), dst)) {
            assertThat(Sql.one(side, name, "SELECT c FROM v_latin1")).isEqualTo("café");
            assertThat(Sql.one(side, name, "SELECT c FROM v_utf8")).isEqualTo("Zoë ☃");
            assertThat(Sql.one(side, name, "SELECT f_latin1()")).isEqualTo("Grüße");
        }
        Sql.execute(dst, name, "INSERT INTO t VALUES (1, 'x')");
        assertThat(Sql.one(dst, name, "SELECT s FROM t WHERE id = 1")).isEqualTo("Grüße");
        String collation = "SELECT DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '" + name + "'";
        assertThat(Sql.one(dst, name, collation)).as("the database's own collation is back").isEqualTo("latin1_swedish_ci");

        // Schema validation finds nothing, then a view made again under another character_set_client.
        var connector = new MySqlConnector();
        assertThat(SchemaComparison.compare(connector, db.connection(), dst, name, ObjectsConfig.ALL)).isEmpty();
        try (Connection c = Sql.connect(dst, name); Statement s = c.createStatement()) {
            s.execute("DROP VIEW v_latin1");
            s.execute("SET collation_connection = latin1_swedish_ci");
            s.execute("CREATE VIEW v_latin1 AS SELECT 'café' AS c");
        }
        List<Finding> findings = SchemaComparison.compare(connector, db.connection(), dst, name, ObjectsConfig.ALL);
        assertThat(findings).singleElement().satisfies(f -> assertThat(f.message())
                .contains("v_latin1").contains("character_set_client is 'latin1' on the source but 'utf8mb4' on the destination")
                .doesNotContain("definition"));
    }

    @Test
    @Timeout(180)
    void engineIndependentStatisticsOfTheSourceAreGatheredOnTheDestination() throws Exception {
        TestDatabase db = source.freshDatabase();
        String name = db.name();
        db.execute("CREATE TABLE with_stats (id INT PRIMARY KEY, a INT, b VARCHAR(10), c INT, KEY ka (a))",
                "CREATE TABLE without_stats (id INT PRIMARY KEY, a INT) STATS_PERSISTENT=0 STATS_AUTO_RECALC=0 STATS_SAMPLE_PAGES=25",
                "INSERT INTO with_stats SELECT seq, seq % 10, concat('b', seq % 3), seq FROM seq_1_to_500",
                "INSERT INTO without_stats SELECT seq, seq FROM seq_1_to_100",
                "SET SESSION histogram_size = 50, SESSION histogram_type = 'JSON_HB'",
                "ANALYZE TABLE with_stats PERSISTENT FOR COLUMNS (a, b) INDEXES (ka)",
                "SET SESSION histogram_size = 0",
                "ANALYZE TABLE with_stats PERSISTENT FOR COLUMNS (c) INDEXES ()");
        String columns = "SELECT GROUP_CONCAT(table_name, '.', column_name, ' ', COALESCE(hist_size, 0), ' ',"
                + " COALESCE(hist_type, '-'), ' ', avg_frequency ORDER BY table_name, column_name)"
                + " FROM mysql.column_stats WHERE db_name = '" + name + "'";
        String indexes = "SELECT GROUP_CONCAT(table_name, '.', index_name, '/', prefix_arity, ' ', avg_frequency"
                + " ORDER BY table_name, index_name, prefix_arity) FROM mysql.index_stats WHERE db_name = '" + name + "'";
        String tables = "SELECT GROUP_CONCAT(table_name, ' ', cardinality ORDER BY table_name) FROM mysql.table_stats"
                + " WHERE db_name = '" + name + "'";
        DatabaseConnection src = db.connection();
        assertThat(Sql.one(src, name, columns)).contains(".a 10 JSON_HB", ".b 3 JSON_HB", ".c 0 -").doesNotContain("without_stats");

        migrate("stats", src, true);

        DatabaseConnection dst = destination.superuser();
        assertThat(Sql.one(dst, name, columns)).isEqualTo(Sql.one(src, name, columns));
        assertThat(Sql.one(dst, name, indexes)).isEqualTo(Sql.one(src, name, indexes)).contains("with_stats.ka/1");
        assertThat(Sql.one(dst, name, tables)).isEqualTo("with_stats 500");
        // InnoDB's own per-table statistics options are table options, copied with the table.
        String options = "SELECT CREATE_OPTIONS FROM information_schema.TABLES WHERE TABLE_SCHEMA = '" + name
                + "' AND TABLE_NAME = 'without_stats'";
        assertThat(Sql.one(dst, name, options)).isEqualTo(Sql.one(src, name, options))
                .contains("stats_persistent=0", "stats_auto_recalc=0", "stats_sample_pages=25");
        String analyzed = ferry.control().jobs().events("stats", 100).stream().map(e -> e.message())
                .filter(m -> m.startsWith("Analyzed the copied tables of " + name)).findFirst().orElseThrow();
        // JSON_HB sizes are the buckets each column got (a: 10 values, b: 3), so a and b are gathered apart.
        assertThat(analyzed).contains("ANALYZE TABLE `" + name + "`.`with_stats` PERSISTENT FOR COLUMNS (`a`) INDEXES (`ka`) in ",
                "ANALYZE TABLE `" + name + "`.`with_stats` PERSISTENT FOR COLUMNS (`b`) INDEXES () in ",
                "ANALYZE TABLE `" + name + "`.`with_stats` PERSISTENT FOR COLUMNS (`c`) INDEXES () in ",
                "ANALYZE TABLE `" + name + "`.`without_stats` in ").doesNotContain("without_stats` PERSISTENT").doesNotContain("failed");
    }

    @Test
    @Timeout(180)
    void analyzeOffGathersNoStatistics() throws Exception {
        TestDatabase db = source.freshDatabase();
        String name = db.name();
        db.execute("CREATE TABLE with_stats (id INT PRIMARY KEY, a INT)", "INSERT INTO with_stats SELECT seq, seq % 10 FROM seq_1_to_50",
                "ANALYZE TABLE with_stats PERSISTENT FOR ALL");
        migrate("quiet", db.connection(), false);
        assertThat(Sql.one(db.connection(), name, "SELECT COUNT(*) FROM mysql.column_stats WHERE db_name = '" + name + "'")).isEqualTo("2");
        assertThat(Sql.one(destination.superuser(), name, "SELECT COUNT(*) FROM mysql.column_stats WHERE db_name = '" + name + "'"))
                .isEqualTo("0");
        assertThat(ferry.control().jobs().events("quiet", 100)).noneSatisfy(e -> assertThat(e.message()).startsWith("Analyzed"));
    }

    /** Runs a one-time job copying everything of {@code source} to the destination server, to its successful end. */
    private void migrate(String job, DatabaseConnection source, boolean analyze) {
        ferry.profile("src", source);
        ferry.profile("dst", destination.superuser());
        ferry.control().jobs().create(new JobRequest(job, null, null, JobType.ONE_TIME, "src", "dst", ObjectsConfig.ALL,
                new PerformanceConfig(2, null, analyze)), null);
        ferry.control().jobs().start(job, false, null);
        var ended = ferry.awaitEnd(job, Duration.ofSeconds(150));
        assertThat(ended.state()).as("error: %s", ended.error()).isEqualTo(JobState.COMPLETED);
    }

    /** Every view, routine, trigger and event with its definition and the settings it was created under, sorted. */
    private static List<String> metadata(DatabaseConnection server, String database) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = Sql.connect(server, database); Statement s = c.createStatement()) {
            for (String sql : List.of(
                    "SELECT 'view', TABLE_NAME, VIEW_DEFINITION, CHARACTER_SET_CLIENT, COLLATION_CONNECTION, NULL"
                            + " FROM information_schema.VIEWS WHERE TABLE_SCHEMA = '%s'",
                    "SELECT 'routine', ROUTINE_NAME, ROUTINE_DEFINITION, CHARACTER_SET_CLIENT, COLLATION_CONNECTION, DATABASE_COLLATION"
                            + " FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = '%s'",
                    "SELECT 'trigger', TRIGGER_NAME, ACTION_STATEMENT, CHARACTER_SET_CLIENT, COLLATION_CONNECTION, DATABASE_COLLATION"
                            + " FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = '%s'",
                    "SELECT 'event', EVENT_NAME, EVENT_DEFINITION, CHARACTER_SET_CLIENT, COLLATION_CONNECTION, DATABASE_COLLATION"
                            + " FROM information_schema.EVENTS WHERE EVENT_SCHEMA = '%s'")) {
                try (ResultSet rs = s.executeQuery(sql.formatted(database))) {
                    while (rs.next()) {
                        rows.add("%s %s: %s | %s | %s%s".formatted(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5), rs.getString(6) == null ? "" : " | " + rs.getString(6)));
                    }
                }
            }
        }
        return rows.stream().sorted().toList();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] text(Charset charset, String s) {
        return s.getBytes(charset);
    }
}
