package dev.ferry.engine.mysql.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.Dialect;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.Position.BinlogPosition;
import dev.ferry.core.spi.engine.Engine;
import dev.ferry.core.spi.engine.ReplicationRequest;
import dev.ferry.engine.mysql.MySqlConnector;
import dev.ferry.engine.mysql.MySqlEngine;
import dev.ferry.engine.mysql.Sql;
import dev.ferry.testkit.LocalMariaDb;
import dev.ferry.testkit.MariaDbClient;
import dev.ferry.testkit.TestDatabase;
import java.sql.Connection;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** DDL replay never acts outside the job's selection, never skips silently, and leaves triggers to promotion. */
@Timeout(90)
class DdlReplayIT {
    @RegisterExtension
    static final LocalMariaDb source = LocalMariaDb.shared();

    @RegisterExtension
    static final LocalMariaDb destination = LocalMariaDb.shared("destination");

    private static final Engine ENGINE = new MySqlEngine(Clock.systemUTC());

    @Test
    void aTwoTableDropNamingATableOfAnUnselectedDatabaseLeavesThatTableOnTheDestination() throws Exception {
        var f = ReplicationFixture.create(source, destination, "CREATE TABLE t1 (id INT PRIMARY KEY)",
                "CREATE TABLE keep (id INT PRIMARY KEY)");
        String other = unselectedDatabaseOnBoth("CREATE TABLE payroll (id INT PRIMARY KEY)", "INSERT INTO payroll VALUES (1), (2)",
                "CREATE TABLE a (id INT PRIMARY KEY)");
        BinlogPosition start = f.sourceHead();
        f.onSource("DROP TABLE t1, `" + other + "`.payroll",
                "RENAME TABLE keep TO kept, `" + other + "`.a TO `" + other + "`.b",
                "INSERT INTO kept VALUES (7)");

        var listener = MySqlReplicationIT.runToHead(f, f.open("drop-two-job", start));

        assertThat(f.destinationStrings("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"))
                .containsExactly("kept");
        f.assertSameContent("kept");
        assertThat(destinationLong("SELECT COUNT(*) FROM " + Dialect.MYSQL.quote(other, "payroll"))).isEqualTo(2);
        assertThat(destinationLong("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '" + other
                + "' AND TABLE_NAME = 'a'")).isEqualTo(1);
        assertThat(listener.notices).anySatisfy(n -> assertThat(n).contains(other + ".payroll").contains("DROP TABLE"));
        assertThat(listener.notices).anySatisfy(n -> assertThat(n).contains(other + ".a").contains("RENAME TABLE"));
    }

    @Test
    void viewsAndRoutinesAreReplayedInTheCharacterSetTheyWereWrittenIn() throws Exception {
        var f = ReplicationFixture.create(source, destination);
        BinlogPosition start = f.sourceHead();
        MariaDbClient.run(f.source.connection(), f.database, "latin1",
                "CREATE VIEW v_latin1 AS SELECT 'café' AS c;\nCREATE PROCEDURE p_latin1() SELECT 'Grüße' AS c;\n"
                        .getBytes(StandardCharsets.ISO_8859_1),
                "SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci;\nCREATE VIEW v_utf8 AS SELECT 'Zoë ☃' AS c;\n".getBytes(StandardCharsets.UTF_8));

        MySqlReplicationIT.runToHead(f, f.open("charset-job", start));

        String views = "SELECT CONCAT_WS(' | ', TABLE_NAME, VIEW_DEFINITION, CHARACTER_SET_CLIENT, COLLATION_CONNECTION)"
                + " FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME";
        String routines = "SELECT CONCAT_WS(' | ', ROUTINE_NAME, ROUTINE_DEFINITION, CHARACTER_SET_CLIENT, COLLATION_CONNECTION,"
                + " DATABASE_COLLATION) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE()";
        assertThat(f.destinationStrings(views)).containsExactly("v_latin1 | select 'café' AS `c` | latin1 | latin1_swedish_ci",
                "v_utf8 | select 'Zoë ☃' AS `c` | utf8mb4 | utf8mb4_unicode_ci");
        assertThat(f.destinationStrings(routines)).singleElement().asString().startsWith("p_latin1 | SELECT 'Grüße' AS c | latin1 | latin1_swedish_ci");
        assertThat(f.destinationStrings(routines)).isEqualTo(f.source.query(routines).stream().map(r -> r.getFirst().toString()).toList());
        assertThat(f.destinationStrings("SELECT c FROM v_latin1")).containsExactly("café");
    }

    @Test
    void aCommentedCreateTableIsReplayedAndItsLaterRowsReplicate() throws Exception {
        var f = ReplicationFixture.create(source, destination);
        BinlogPosition start = f.sourceHead();
        f.onSource("CREATE /* made by the app */ TABLE -- really\n `fresh` /*!40101 (id INT PRIMARY KEY, v VARCHAR(10)) */",
                "INSERT INTO fresh VALUES (1, 'one'), (2, 'two')", "UPDATE fresh SET v = 'uno' WHERE id = 1");

        MySqlReplicationIT.runToHead(f, f.open("commented-job", start));

        assertThat(f.destinationCreateTable("fresh")).isEqualTo(f.sourceCreateTable("fresh"));
        f.assertSameContent("fresh");
        assertThat(f.destinationStrings("SELECT v FROM fresh ORDER BY id")).containsExactly("uno", "two");
    }

    @Test
    void aTriggerCreatedDuringReplicationIsAbsentBeforePromotionAndPresentAfter() throws Exception {
        var f = ReplicationFixture.create(source, destination, "CREATE TABLE t (id INT PRIMARY KEY, v INT)");
        BinlogPosition start = f.sourceHead();
        f.onSource("CREATE TRIGGER /* doubles */ t_double BEFORE INSERT ON t FOR EACH ROW SET NEW.v = NEW.v * 2",
                "INSERT INTO t VALUES (1, 10)",
                "CREATE TRIGGER t_gone BEFORE UPDATE ON t FOR EACH ROW SET NEW.v = NEW.v + 1",
                "DROP TRIGGER t_gone",
                "CREATE EVENT e_tick ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM t WHERE id < 0");

        var listener = MySqlReplicationIT.runToHead(f, f.open("trigger-job", start));

        assertThat(f.destinationStrings("SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()")).isEmpty();
        assertThat(f.destinationStrings("SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE()")).isEmpty();
        assertThat(f.destinationStrings("SELECT v FROM t")).containsExactly("20");
        assertThat(listener.notices).anySatisfy(n -> assertThat(n).contains("t_double").contains("at promotion"));

        ENGINE.finishReplication(f.request("trigger-job", start));

        assertThat(f.destinationStrings("SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()"))
                .containsExactly("t_double");
        assertThat(f.destinationStrings("SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE()"))
                .containsExactly("e_tick");
        f.onDestination("INSERT INTO t VALUES (2, 5)");
        assertThat(f.destinationStrings("SELECT v FROM t WHERE id = 2")).containsExactly("10");
        ENGINE.finishReplication(f.request("trigger-job", start));
    }

    @Test
    void rowsOfATableTheDestinationDoesNotHaveStopReplicationNamingTheTableAndPosition() {
        var f = ReplicationFixture.create(source, destination, "CREATE TABLE t (id INT PRIMARY KEY)");
        f.onSource("CREATE TABLE unknown_here (id INT PRIMARY KEY)");
        BinlogPosition start = f.sourceHead();
        f.onSource("INSERT INTO t VALUES (1)", "INSERT INTO unknown_here VALUES (1)");

        assertThatThrownBy(() -> MySqlReplicationIT.runToHead(f, f.open("unknown-job", start)))
                .isInstanceOfSatisfying(FerryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION))
                .hasMessageContaining(f.database + ".unknown_here")
                .hasMessageContaining("transaction at " + start.file());
    }

    @Test
    void changesAndDdlOfATableTheJobExcludesAreSkippedAndReported() throws Exception {
        var f = ReplicationFixture.create(source, destination, "CREATE TABLE t (id INT PRIMARY KEY)");
        f.onSource("CREATE TABLE secret (id INT PRIMARY KEY)");
        BinlogPosition start = f.sourceHead();
        f.onSource("INSERT INTO secret VALUES (1)", "ALTER TABLE secret ADD COLUMN c INT", "INSERT INTO t VALUES (1)",
                "CREATE TABLE secret_too (id INT PRIMARY KEY)", "INSERT INTO secret_too VALUES (1)");
        var request = new ReplicationRequest("exclude-job", f.database, f.source.connection(), f.destination, start, Map.of(),
                List.of(f.database), new ObjectsConfig(List.of(), List.of(f.database + ".secret*")));

        var listener = new RecordingListener();
        var replication = MySqlReplication.open(request, ReplicationFixture.CONNECTOR, Clock.systemUTC());
        replication.stopAt(replication.sourceHead());
        replication.run(listener);

        f.assertSameContent("t");
        assertThat(f.destinationStrings("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"))
                .containsExactly("t");
        assertThat(listener.notices).anySatisfy(n -> assertThat(n).contains("(" + f.database + ".secret)").contains("ALTER TABLE"));
        assertThat(listener.notices).anySatisfy(n -> assertThat(n).contains(f.database + ".secret_too"));
    }

    @Test
    void aStatementMovingATableOutOfTheReplicatedDatabaseStopsReplicationNamingIt() {
        var f = ReplicationFixture.create(source, destination, "CREATE TABLE t (id INT PRIMARY KEY)");
        String other = unselectedDatabaseOnBoth();
        BinlogPosition start = f.sourceHead();
        f.onSource("INSERT INTO t VALUES (1)", "ALTER TABLE t RENAME TO `" + other + "`.t");

        assertThatThrownBy(() -> MySqlReplicationIT.runToHead(f, f.open("move-job", start)))
                .isInstanceOfSatisfying(FerryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION))
                .hasMessageContaining("ALTER TABLE t RENAME TO")
                .hasMessageContaining(other + ".t");
        assertThat(f.destinationStrings("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"))
                .containsExactly("t");
    }

    /** A fresh database on the source and the same on the destination (someone else's, not the job's), with {@code sql} run on both. */
    private static String unselectedDatabaseOnBoth(String... sql) {
        TestDatabase other = source.freshDatabase();
        try (Connection c = ReplicationFixture.CONNECTOR.open(destination.superuser(), null, MySqlConnector.Role.DESTINATION)) {
            Sql.execute(c, "DROP DATABASE IF EXISTS " + Dialect.MYSQL.quote(other.name()), "CREATE DATABASE " + Dialect.MYSQL.quote(other.name()),
                    "USE " + Dialect.MYSQL.quote(other.name()));
            if (sql.length > 0) {
                Sql.execute(c, sql);
                other.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return other.name();
    }

    private static long destinationLong(String sql) {
        try (Connection c = ReplicationFixture.CONNECTOR.open(destination.superuser(), null, MySqlConnector.Role.DESTINATION)) {
            return Sql.queryLong(c, sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
